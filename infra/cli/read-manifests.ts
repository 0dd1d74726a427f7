import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InputError, type InputProblem } from '../model/errors.js';
import type { KubeObject } from '../model/types.js';
import { asArray, asObject } from '../checks/kube.js';

/** Objects read from YAML files, each with the file it came from. */
export interface ManifestSet {
  readonly objects: KubeObject[];
  /** Source file of each object. */
  readonly files: Map<KubeObject, string>;
  /** Documents that are mappings without apiVersion and kind (Helm values, for instance): not Kubernetes objects. */
  readonly skipped: { readonly file: string; readonly document: number }[];
}

/** Every `*.yaml` / `*.yml` file under `dir`, recursively, in a stable order. */
export function manifestFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    throw InputError.single(dir, '', 'cannot read the manifests directory');
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return manifestFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

/**
 * Reads multi-document YAML files into objects (a `kind: List` is flattened). A syntax error anywhere is an
 * InputError naming the file and line, after every file has been read.
 */
export function readManifests(dir: string): ManifestSet {
  const set: ManifestSet = { objects: [], files: new Map(), skipped: [] };
  const problems: InputProblem[] = [];
  for (const file of manifestFiles(dir)) {
    const documents = parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: true });
    documents.forEach((doc, index) => {
      for (const error of doc.errors) {
        problems.push({ file, path: error.linePos ? `line ${error.linePos[0].line}` : '', message: `YAML syntax error: ${error.message.split('\n')[0]}` });
      }
      if (doc.errors.length > 0) return;
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return;
      const map = asObject(value);
      if (!map) {
        problems.push({ file, path: `document ${index + 1}`, message: 'is not a mapping (a Kubernetes object)' });
        return;
      }
      if (map.apiVersion === undefined && map.kind === undefined) {
        set.skipped.push({ file, document: index + 1 });
        return;
      }
      const items = typeof map.kind === 'string' && map.kind.endsWith('List') && Array.isArray(map.items) ? asArray(map.items) : [map];
      for (const item of items) {
        const obj = item as KubeObject;
        set.objects.push(obj);
        set.files.set(obj, file);
      }
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return set;
}
