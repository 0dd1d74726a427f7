import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from './project-root.js';

/** Where the vendored KubeSphere CRDs live (see the README there for their upstream sources). */
export const CRD_DIR = 'infra/checks/crds';

let cached: readonly unknown[] | undefined;

/**
 * The CustomResourceDefinitions the schema check validates KubeSphere objects against, parsed, in file name order.
 * Read once per process and handed to the checks, which never read files themselves.
 */
export function readCustomResourceDefinitions(): readonly unknown[] {
  if (cached) return cached;
  const dir = join(projectRoot(), CRD_DIR);
  cached = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => parse(readFileSync(join(dir, file), 'utf8')) as unknown);
  return cached;
}
