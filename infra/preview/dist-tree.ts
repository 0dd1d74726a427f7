import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from '../model/errors.js';
import { isRecord } from '../model/json.js';
import type { ArtifactKind } from './model.js';

/** A Kubernetes object read from `dist/<env>/manifests/**`. */
export interface DistObject {
  /** `apiVersion/kind/namespace/name`, unique within an environment. */
  readonly key: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Path relative to `dist/<env>/`. */
  readonly file: string;
  /** 1-based line of the document's start in `file`. */
  readonly line: number;
  readonly unit: string;
  readonly module?: string;
  readonly body: Record<string, unknown>;
}

/** Any other file of `dist/<env>/`: Helm values, the KubeKey config, Jenkinsfiles. */
export interface DistArtifact {
  /** Path relative to `dist/<env>/`. */
  readonly file: string;
  readonly kind: ArtifactKind;
  readonly format: 'yaml' | 'text';
  readonly unit: string;
  readonly module?: string;
  readonly text: string;
  /** Parsed YAML: the document, or the list of documents of a multi-document file. */
  readonly document?: unknown;
}

export interface DistEnv {
  readonly env: string;
  readonly objects: ReadonlyMap<string, DistObject>;
  readonly artifacts: ReadonlyMap<string, DistArtifact>;
}

export interface DistTree {
  readonly root: string;
  /** Environments by name, in name order. */
  readonly envs: ReadonlyMap<string, DistEnv>;
}

/**
 * One environment of a tree written by `synth`, from its files (path relative to `dist/<env>/` → content, in name
 * order; the shell reads them). `root` only names files in messages. A malformed YAML file or a manifest document
 * that is not a Kubernetes object is an InputError naming the file and the line.
 */
export function distEnvFromFiles(root: string, env: string, files: Iterable<readonly [string, string]>): DistEnv {
  const objects = new Map<string, DistObject>();
  const artifacts = new Map<string, DistArtifact>();
  for (const [file, text] of files) {
    const shown = join(root, env, file);
    if (file.startsWith('manifests/') && /\.ya?ml$/.test(file)) {
      for (const object of readObjects(shown, file, text)) {
        const other = objects.get(object.key);
        if (other) {
          throw InputError.single(shown, `line ${object.line}`, `duplicate object ${object.kind} '${object.name}' (also in ${other.file} line ${other.line})`);
        }
        objects.set(object.key, object);
      }
    } else {
      artifacts.set(file, readArtifact(shown, file, text));
    }
  }
  return { env, objects, artifacts };
}

interface ParsedDocument {
  readonly value: unknown;
  readonly line: number;
}

/** Parses every document of a YAML file; the first syntax error becomes an InputError with its line. */
export function parseYamlDocuments(shownFile: string, text: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  const list = Array.isArray(documents) ? documents : [];
  const out: ParsedDocument[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
      throw InputError.single(shownFile, `line ${line}`, `malformed YAML: ${error.message.split('\n')[0]}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: -1 });
    const start = doc.contents?.range[0] ?? doc.range[0];
    if (value !== null && value !== undefined) out.push({ value, line: lineCounter.linePos(start).line });
  }
  return out;
}

function readObjects(shownFile: string, file: string, text: string): DistObject[] {
  const { unit, module } = unitOfManifest(file);
  return parseYamlDocuments(shownFile, text).map(({ value, line }) => {
    const metadata = isRecord(value) ? value.metadata : undefined;
    const name = isRecord(metadata) ? metadata.name : undefined;
    const namespace = isRecord(metadata) ? metadata.namespace : undefined;
    if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || typeof name !== 'string') {
      throw InputError.single(shownFile, `line ${line}`, 'document is not a Kubernetes object (apiVersion, kind and metadata.name must be strings)');
    }
    const ns = typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
    return {
      key: objectKey(value.apiVersion, value.kind, ns, name),
      apiVersion: value.apiVersion,
      kind: value.kind,
      ...(ns !== undefined && { namespace: ns }),
      name,
      file,
      line,
      unit,
      ...(module !== undefined && { module }),
      body: value,
    };
  });
}

export function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}/${kind}/${namespace ?? ''}/${name}`;
}

/** `manifests/module/vehicle-access.yaml` → unit `module/vehicle-access`, module `vehicle-access`. */
function unitOfManifest(file: string): { unit: string; module?: string } {
  const unit = file.replace(/^manifests\//, '').replace(/\.ya?ml$/, '');
  const module = /^module\/(.+)$/.exec(unit)?.[1];
  return module === undefined ? { unit } : { unit, module };
}

function readArtifact(shownFile: string, file: string, text: string): DistArtifact {
  const pipeline = /^pipelines\/(.+)\.Jenkinsfile$/.exec(file);
  if (pipeline) return { file, kind: 'jenkinsfile', format: 'text', unit: `module/${pipeline[1]}`, module: pipeline[1]!, text };
  const helm = /^helm\/(.+)\.values\.ya?ml$/.exec(file);
  const kind: ArtifactKind = helm ? 'helm-values' : file.startsWith('kubekey/') ? 'kubekey' : 'other';
  const unit = helm ? `helm/${helm[1]}` : kind === 'kubekey' ? 'cluster' : file.split('/')[0]!;
  if (!/\.(ya?ml|json)$/.test(file)) return { file, kind, format: 'text', unit, text };
  const documents = parseYamlDocuments(shownFile, text).map((d) => d.value);
  return { file, kind, format: 'yaml', unit, text, document: documents.length === 1 ? documents[0] : documents };
}
