import type { BuildOptions } from 'esbuild';

/** Packages every bundle leaves to Node's resolver (see bundle-options.mjs). */
export declare const EXTERNAL_PACKAGES: readonly string[];

/** Options for bundling `entry` (absolute path) of the project at `root`; the caller adds where the output goes. */
export declare function bundleOptions(entry: string, root: string, format?: 'esm' | 'cjs'): BuildOptions & { entryPoints: string[] };

/** The generated filters of undefined members each converter file held when the rewrite was written. */
export declare const EXPECTED_FILTERS: Readonly<Record<string, { readonly members: number; readonly maps: number; readonly direct: number }>>;

/** The generated converters' filters of undefined members rewritten into linear helpers, their results built directly (see bundle-options.mjs). */
export declare function rewriteConverters(
  source: string,
  file: string,
  expected: { readonly members: number; readonly maps: number; readonly direct: number },
): { code: string; members: number; maps: number; direct: number };

/** The esbuild plugin that loads the converter files of the project at `root` rewritten. */
export declare function linearConverters(root: string): import('esbuild').Plugin;
