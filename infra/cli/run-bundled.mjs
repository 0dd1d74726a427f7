// `node infra/cli/run-bundled.mjs <command> [args...]`: runs a command as one esbuild bundle. Every npm script of a
// command goes through here: synth, check, diff, graph, drift, rollback, status (infra/cli/<command>.ts) and bench
// (bench/run.ts).
//
// Why: loading the CLI through tsx compiles ~100 TypeScript files on the fly, which costs more than the synthesis
// itself on a cold cache. esbuild bundles them in ~30 ms, so the launcher bundles on every run (no stale-check to
// get wrong: the bundle is always the current source) and Node loads one file. Packages stay external and resolve
// from node_modules as usual. The bundle goes to build/<command>.mjs (git-ignored) so that those imports resolve;
// it is written to a temporary name and renamed, so concurrent runs never import a half-written file. A command
// finds its resources (CRDs, the README, the environments' files) from the project root (infra/cli/project-root.ts),
// never relative to its own source file, so it reads the same files from the bundle as from the source.
// The command's exported `main(argv)` runs and its return value is the exit code, as with tsx. A script without a
// `main` export (bench/run.ts) runs on import and reads its arguments from process.argv, as it would under tsx.
import { existsSync, renameSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Commands whose entry is not infra/cli/<command>.ts. */
const ENTRIES = { bench: '../../bench/run.ts' };

const [command, ...argv] = process.argv.slice(2);
const entry = command && /^[a-z][a-z-]*$/.test(command) ? fileURLToPath(new URL(Object.hasOwn(ENTRIES, command) ? ENTRIES[command] : `./${command}.ts`, import.meta.url)) : undefined;
if (!entry || !existsSync(entry)) {
  process.stderr.write(`usage: node infra/cli/run-bundled.mjs <command> [args...]${command ? `: no command '${command}'` : ''}\n`);
  process.exit(2);
}

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

// The command's arguments, as a script started with tsx sees them (process.argv[1] stays this launcher, so a
// bundled module never mistakes itself for the entry point and runs twice).
process.argv.splice(2, 1);

// An error escaping main (a bug: main maps every expected failure to an exit code) is one line; DEBUG=1 shows the stack.
try {
  const module = await import(pathToFileURL(outfile).href);
  if (typeof module.main === 'function') process.exitCode = await module.main(argv);
} catch (error) {
  process.stderr.write(`internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  if (process.env.DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('rerun with DEBUG=1 for the stack trace\n');
  process.exitCode = 1;
}
