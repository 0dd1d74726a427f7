import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../infra/cli/bundle-options.mjs';
import type { Measurement } from './measurement.js';

/**
 * The in-process driver (bench/measure.ts) as the bench runs it, shared with its test (test/bench/driver.test.ts):
 * bundled as the launcher bundles a command (infra/cli/bundle-options.mjs, format 'cjs': one CommonJS script, the
 * packages inside) and run by bench/launch.mjs compiled with V8's code cache (infra/cli/code-cache.mjs, the
 * launcher's loader), one cache per kind, made by an untimed run of that kind. So a timed run compiles its functions
 * from the cache, as `npm run synth` does after its first run, and no contender pays V8's lazy compilation inside
 * its timed span.
 */

/**
 * Bundles a driver of the project at `root` (bench/measure.ts unless `driver` names another, such as
 * bench/synth-scaled.ts, the whole-process synth of the scaled catalog) into `outfile` (a `.cjs`).
 */
export async function bundleMeasureDriver(root: string, outfile: string, driver: 'measure' | 'synth-scaled' = 'measure'): Promise<void> {
  await build({ ...bundleOptions(join(root, 'bench', `${driver}.ts`), root, 'cjs'), outfile });
}

/**
 * Node's arguments for one run of the driver: `args` (kind, factor, directory, `--check`), compiled with the code
 * cache `codeCache` (written after the run when the file does not exist yet), or without a cache (`prepare`).
 */
export function driverArgs(root: string, driver: string, args: readonly string[], codeCache?: string): string[] {
  return [join(root, 'bench', 'launch.mjs'), ...(codeCache === undefined ? [] : ['--code-cache', codeCache]), driver, ...args];
}

/**
 * A timed run must have compiled from its kind's cache: V8 accepted it (`cachedDataRejected: false`). A rejected
 * cache, or none, would put V8's compilation back into the figure: the bench stops with this error instead.
 */
export function compiledFromCache(m: Measurement, what: string, codeCache: string): void {
  if (m.cachedDataRejected === false) return;
  const why = m.cachedDataRejected === true ? 'was given a code cache that V8 rejected' : 'ran without a code cache';
  throw new Error(`bench: ${what} ${why} (${codeCache}); every timed in-process run must compile from its kind's cache`);
}
