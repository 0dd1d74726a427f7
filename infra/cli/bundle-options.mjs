// The esbuild options of every bundle a command or a bench driver runs from (infra/cli/run-bundled.mjs,
// bench/run.ts): one ES module per entry, the packages it imports bundled into it.
//
// Packages are bundled because loading them file by file costs more than the work of a synth: Node's module loader
// resolves, reads and compiles some 400 CommonJS files for synth, and scans each one for its named exports
// (cjs-module-lexer) because an ES module imports it. One bundled file is parsed once (issue 17: `import` of the synth
// bundle 400 → ~200 ms CPU). The bundled CommonJS code keeps calling `require` for Node's built-in modules, so the
// bundle defines `require` (createRequire of the bundle's own URL) before esbuild's shim looks for it.
//
// What stays external, resolved from node_modules at run time as before:
// - `@pulumi/*`: the SDK loads its gRPC and protobuf modules and its own package.json through paths and dynamic
//   requires that only resolve inside node_modules (drift and the bench's Pulumi driver use it).
// - `esbuild`: it finds its platform binary through `require.resolve` of its own packages (bench/run.ts uses it).

/** Packages every bundle leaves to Node's resolver. */
export const EXTERNAL_PACKAGES = ['@pulumi/*', 'esbuild'];

/** The `require` that bundled CommonJS code calls for Node's built-ins in an ES module bundle; see above. */
const REQUIRE_SHIM = "import { createRequire as __icvCreateRequire } from 'node:module'; const require = __icvCreateRequire(import.meta.url);";

/**
 * In a CommonJS bundle, strict mode as in the ES modules it is made of (the directive must come first, before
 * esbuild's own "use strict", which follows the banner), and `import.meta.url` (projectRoot, runIfEntryPoint) is the
 * bundle's own URL.
 */
const META_URL_SHIM = "'use strict'; const __icvImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/**
 * Options for bundling `entry` (absolute path) of the project at `root`; the caller adds where the output goes.
 * `format` 'esm' (the default) keeps top-level await (bench/run.ts runs on import); 'cjs' gives a script that the
 * launcher compiles with V8's code cache (run-bundled.mjs), with `import()` turned into `require` so that the script
 * needs no module loader.
 */
export function bundleOptions(entry, root, format = 'esm') {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    external: EXTERNAL_PACKAGES,
    format,
    platform: 'node',
    target: 'node20',
    ...(format === 'esm'
      ? { banner: { js: REQUIRE_SHIM } }
      : { banner: { js: META_URL_SHIM }, define: { 'import.meta.url': '__icvImportMetaUrl' }, supported: { 'dynamic-import': false } }),
    logLevel: 'error',
  };
}
