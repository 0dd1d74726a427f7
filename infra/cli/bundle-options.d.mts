import type { BuildOptions } from 'esbuild';

/** Packages every bundle leaves to Node's resolver (see bundle-options.mjs). */
export declare const EXTERNAL_PACKAGES: readonly string[];

/** Options for bundling `entry` (absolute path) of the project at `root`; the caller adds where the output goes. */
export declare function bundleOptions(entry: string, root: string, format?: 'esm' | 'cjs'): BuildOptions & { entryPoints: string[] };
