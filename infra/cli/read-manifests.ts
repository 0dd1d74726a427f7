import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type InputProblem } from '../model/errors.js';
import type { KubeObject } from '../model/types.js';
import { formatBytes, parseYamlDocuments, YAML_LIMITS } from '../model/yaml-input.js';
import { asArray, asObject } from '../checks/kube.js';

/** Objects read from YAML files, each with the file it came from. */
export interface ManifestSet {
  readonly objects: KubeObject[];
  /** Source file of each object. */
  readonly files: Map<KubeObject, string>;
  /** Documents that are mappings without apiVersion and kind (Helm values, for instance): not Kubernetes objects. */
  readonly skipped: { readonly file: string; readonly document: number }[];
}

/** A manifest file found under the directory, with its size (read before any content is). */
export interface ManifestFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Every `*.yaml` / `*.yml` file under `dir`, recursively, in a stable order. Symbolic links are followed, each
 * directory at most once (a symlink loop is visited once, not forever); an unreadable entry is an InputError naming it.
 */
export function manifestFiles(dir: string): ManifestFile[] {
  const visited = new Set<string>();
  const files: ManifestFile[] = [];
  const walk = (current: string) => {
    let real: string;
    let entries: string[];
    try {
      real = realpathSync(current);
      if (visited.has(real)) return;
      visited.add(real);
      entries = readdirSync(current).sort();
    } catch (error) {
      throw InputError.single(current, '', `cannot read the manifests directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    for (const entry of entries) {
      const path = join(current, entry);
      let stats;
      try {
        stats = statSync(path);
      } catch (error) {
        throw InputError.single(path, '', `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}${(error as NodeJS.ErrnoException).code === 'ELOOP' ? ': a symlink loop' : ''})`);
      }
      if (stats.isDirectory()) walk(path);
      else if (stats.isFile() && /\.ya?ml$/.test(entry)) files.push({ path, bytes: stats.size });
    }
  };
  walk(dir);
  return files;
}

/** Where `readManifests` reports progress on a large directory. @default - standard error */
export type Progress = (line: string) => void;

/**
 * Reads multi-document YAML files into objects (a `kind: List` is flattened), one file at a time: sizes are checked
 * before anything is read (`YAML_LIMITS.manifestFile` per file, `manifestTotal` in all), each file's text is dropped
 * once parsed, and past 32 MiB a progress line goes to standard error every tenth of the way. A syntax error anywhere
 * is an InputError naming the file and line, after every file has been read.
 */
export function readManifests(dir: string, progress: Progress = (line) => process.stderr.write(`${line}\n`)): ManifestSet {
  const set: ManifestSet = { objects: [], files: new Map(), skipped: [] };
  const problems: InputProblem[] = [];
  const files = manifestFiles(dir);
  const total = files.reduce((n, f) => n + f.bytes, 0);
  const tooLarge = files.filter((f) => f.bytes > YAML_LIMITS.manifestFile);
  if (tooLarge.length > 0) {
    throw new InputError(tooLarge.map((f) => ({ file: f.path, path: '', message: `is ${formatBytes(f.bytes)}, more than the ${formatBytes(YAML_LIMITS.manifestFile)} a manifest file may have; split it or check it on its own` })));
  }
  if (total > YAML_LIMITS.manifestTotal) {
    throw InputError.single(dir, '', `holds ${formatBytes(total)} of YAML in ${files.length} files, more than the ${formatBytes(YAML_LIMITS.manifestTotal)} --manifests reads; check a smaller directory`);
  }
  const report = total > 32 * 1024 * 1024;
  let read = 0;
  let nextReport = total / 10;
  for (const [i, { path: file, bytes }] of files.entries()) {
    let values: unknown[];
    try {
      values = parseYamlDocuments(readFileSync(file, 'utf8'), file, YAML_LIMITS.manifestFile);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      continue;
    } finally {
      read += bytes;
      if (report && read >= nextReport) {
        progress(`check: read ${formatBytes(read)} of ${formatBytes(total)} (${i + 1}/${files.length} files)`);
        nextReport += total / 10;
      }
    }
    values.forEach((value, index) => {
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
