import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files that mark the project root: the Pulumi project and the npm package sit side by side there. */
const ROOT_MARKERS = ['Pulumi.yaml', 'package.json'] as const;

/**
 * The project root, found by walking up from this module's own location to the first directory that holds both
 * `Pulumi.yaml` and `package.json`. Never `process.cwd()`: the Pulumi engine starts the program in the directory of
 * `main` (infra/pulumi), and the synth CLI runs from an esbuild bundle in `build/`, so neither the working directory
 * nor a fixed `../..` from this file is reliable; the walk finds the same root from the source and from the bundle.
 */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (ROOT_MARKERS.every((marker) => existsSync(join(dir, marker)))) return dir;
    if (dirname(dir) === dir) throw new Error(`no project root (a directory holding ${ROOT_MARKERS.join(' and ')}) above ${from}`);
  }
}
