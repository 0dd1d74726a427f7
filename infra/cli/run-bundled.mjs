// `node infra/cli/run-bundled.mjs <command> [args...]`: runs infra/cli/<command>.ts as one esbuild bundle.
//
// Why: loading the CLI through tsx compiles ~100 TypeScript files on the fly, which costs more than the synthesis
// itself on a cold cache. esbuild bundles them in ~30 ms, so the launcher bundles on every run (no stale-check to
// get wrong: the bundle is always the current source) and Node loads one file. Packages stay external and resolve
// from node_modules as usual. The bundle goes to build/<command>.mjs (git-ignored) so that those imports resolve;
// it is written to a temporary name and renamed, so concurrent runs never import a half-written file.
// The command's exported `main(argv)` runs and its return value is the exit code, as with tsx.
import { renameSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [command, ...argv] = process.argv.slice(2);
if (!command || !/^[a-z][a-z-]*$/.test(command)) {
  process.stderr.write('usage: node infra/cli/run-bundled.mjs <command> [args...]\n');
  process.exit(2);
}

const entry = fileURLToPath(new URL(`./${command}.ts`, import.meta.url));
const outDir = fileURLToPath(new URL('../../build/', import.meta.url));
const outfile = `${outDir}${command}.mjs`;
const result = await build({
  entryPoints: [entry],
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile,
  write: false,
  logLevel: 'error',
});
mkdirSync(outDir, { recursive: true });
const staging = `${outfile}.${process.pid}.tmp`;
writeFileSync(staging, result.outputFiles[0].contents);
renameSync(staging, outfile);

// An error escaping main (a bug: main maps every expected failure to an exit code) is one line; DEBUG=1 shows the stack.
try {
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main(argv);
} catch (error) {
  process.stderr.write(`internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  if (process.env.DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('rerun with DEBUG=1 for the stack trace\n');
  process.exitCode = 1;
}
