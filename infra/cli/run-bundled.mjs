// `node infra/cli/run-bundled.mjs <command> [args...]`: runs a command as one esbuild bundle. Every npm script of a
// command goes through here: synth, check, diff, graph, drift, rollback, status (infra/cli/<command>.ts) and bench
// (bench/run.ts).
//
// Why: loading the CLI through tsx compiles ~100 TypeScript files on the fly, and loading the packages it uses file by
// file through Node's module loader (resolving, reading and scanning some 400 CommonJS files for their exports) costs
// about as much as the synthesis itself. So the launcher bundles the command *and its packages* into one file
// (bundle-options.mjs says which packages stay external and why) and Node compiles one file. A command (it exports
// `main`) is bundled as a CommonJS script and compiled with V8's code cache (requireWithCodeCache below); bench/run.ts,
// which runs on import with top-level await, as an ES module.
//
// Bundling is skipped when the last bundle is current, and "current" is decided by content, never by mtimes: the
// bundle's name carries a digest of every input esbuild's metafile listed for it (each file's bytes, and the names in
// each directory holding one, so that a new file that would now win module resolution, say a `.js` beside a `.ts`,
// forces a rebuild), of the launcher and its options, of esbuild's version, and of package.json, package-lock.json and
// tsconfig.json. `build/<command>.inputs.json` lists the inputs of the last build; each run hashes them again (~20 ms
// of CPU for synth's ~390 files, 6 MB) and runs `build/<command>-<digest>.cjs` only if that digest names an existing
// bundle, else it bundles. A bundle is written to a temporary name and renamed, and a name is never reused for other
// content, so concurrent runs never load a half-written or a wrong bundle. `build/` is git-ignored and created on
// demand, so `npm ci && npm run synth` works on a fresh clone.
//
// A command finds its resources (CRDs, the README, the environments' files) from the project root
// (infra/cli/project-root.ts), never relative to its own source file, so it reads the same files from the bundle as
// from the source. The command's exported `main(argv)` runs and its return value is the exit code, as with tsx. A
// script without a `main` export (bench/run.ts) runs on import and reads its arguments from process.argv, as it would
// under tsx.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { bundleOptions } from './bundle-options.mjs';

/** Commands whose entry is not infra/cli/<command>.ts. */
const ENTRIES = { bench: '../../bench/run.ts' };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const [command, ...argv] = process.argv.slice(2);
const entry = command && /^[a-z][a-z-]*$/.test(command) ? fileURLToPath(new URL(Object.hasOwn(ENTRIES, command) ? ENTRIES[command] : `./${command}.ts`, import.meta.url)) : undefined;
if (!entry || !existsSync(entry)) {
  process.stderr.write(`usage: node infra/cli/run-bundled.mjs <command> [args...]${command ? `: no command '${command}'` : ''}\n`);
  process.exit(2);
}

const outDir = join(ROOT, 'build');
/** A command (its `main` exported) runs as a CommonJS script compiled with V8's code cache; bench/run.ts runs on import, top-level await included, as an ES module. */
const format = Object.hasOwn(ENTRIES, command) ? 'esm' : 'cjs';
const stateFile = join(outDir, `${command}.inputs.json`);
const extension = format === 'esm' ? 'mjs' : 'cjs';
const bundleFile = (digest) => join(outDir, `${command}-${digest}.${extension}`);

/** Files outside the metafile's inputs that change what esbuild writes: its version, the launcher and its options, the package and TypeScript settings. */
const SETTINGS = ['node_modules/esbuild/package.json', 'infra/cli/run-bundled.mjs', 'infra/cli/bundle-options.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];

/**
 * The digest of a bundle's inputs (paths relative to the project root): their bytes, the names in each directory that
 * holds one, and the settings files. A file that cannot be read makes the digest undefined (rebuild).
 */
function digestOf(inputs) {
  const hash = createHash('sha256');
  try {
    hash.update(JSON.stringify([command, relative(ROOT, entry), format]));
    for (const path of [...SETTINGS, ...inputs]) hash.update(`\0file ${path}\0`).update(readFileSync(resolve(ROOT, path)));
    for (const dir of [...new Set(inputs.map((p) => dirname(p)))].sort()) hash.update(`\0dir ${dir}\0${readdirSync(resolve(ROOT, dir)).sort().join('\0')}`);
  } catch {
    return undefined;
  }
  return hash.digest('hex').slice(0, 32);
}

/** The last build's list of inputs, and its bundle if none of them changed. */
function lastBuild() {
  let state;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return {};
  }
  if (!Array.isArray(state?.inputs) || !state.inputs.every((p) => typeof p === 'string')) return {};
  const digest = digestOf(state.inputs);
  const current = digest !== undefined && digest === state.digest && existsSync(bundleFile(digest));
  return { inputs: state.inputs, ...(current ? { file: bundleFile(digest) } : {}) };
}

/** Writes `content` to `path` through a temporary name, so that no reader ever sees it half-written. */
function writeAtomically(path, content) {
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, content);
  renameSync(staging, path);
}

/**
 * Bundles the command, writes the bundle under the digest of its inputs and records them; returns the bundle's path.
 * The digest must describe the files esbuild read, so it is taken before and after a build: a bundle is recorded only
 * when both agree over the same list of inputs (the list of the last build, when the previous state had it; else the
 * first build only lists the inputs and a second one is the build recorded). Files that keep changing during three
 * builds give a bundle that runs once, unrecorded.
 */
async function bundle(previous) {
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  let inputs = previous;
  let before = previous === undefined ? undefined : digestOf(previous);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const result = await build({ ...bundleOptions(entry, ROOT, format), outfile: join(outDir, `${command}.${extension}`), metafile: true, write: false });
    const built = Object.keys(result.metafile.inputs).sort();
    const after = digestOf(built);
    if (after !== undefined && after === before && JSON.stringify(built) === JSON.stringify(inputs)) {
      const file = bundleFile(after);
      writeAtomically(file, result.outputFiles[0].contents);
      writeAtomically(stateFile, `${JSON.stringify({ digest: after, inputs: built })}\n`);
      prune(file);
      return file;
    }
    if (attempt === 2) {
      const file = join(outDir, `${command}-unrecorded-${process.pid}.${extension}`);
      writeAtomically(file, result.outputFiles[0].contents);
      process.on('exit', () => rmSync(file, { force: true }));
      return file;
    }
    [inputs, before] = [built, after];
  }
  throw new Error('unreachable');
}

/**
 * Removes this command's other bundles and code caches, those not written in the last minute: a concurrent run that
 * found one of them current imports it within milliseconds, and only while its sources were being edited.
 */
function prune(keep) {
  const minuteAgo = Date.now() - 60_000;
  for (const name of readdirSync(outDir)) {
    const path = join(outDir, name);
    if (path === keep || !name.startsWith(`${command}-`) || !/\.(mjs|cjs|v8cache)$/.test(name)) continue;
    try {
      if (statSync(path).mtimeMs < minuteAgo && path !== `${keep}.${process.version}-${process.arch}.v8cache`) rmSync(path, { force: true });
    } catch {
      // another run removed it first
    }
  }
}

const last = lastBuild();
const file = last.file ?? (await bundle(last.inputs));

// The command's arguments, as a script started with tsx sees them (process.argv[1] stays this launcher, so a
// bundled module never mistakes itself for the entry point and runs twice).
process.argv.splice(2, 1);

/**
 * Runs a CommonJS bundle as Node would require it, compiled with V8's code cache: `<bundle>.<node version>-<arch>.v8cache`
 * beside it holds the bytecode of every function the last run compiled. The bundle's name is the digest of its
 * inputs, so a cache can only belong to its own bundle; V8 itself checks the source, its version and its flags and
 * rejects a cache that does not match (the script then compiles as without one, and the cache is written again).
 * Returns the module's exports and a function that writes the cache when there was none to use.
 */
function requireWithCodeCache(path) {
  const cacheFile = `${path}.${process.version}-${process.arch}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(path, 'utf8')}\n})`;
  const script = new Script(wrapped, { filename: path, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  const saveCache = () => {
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    try {
      writeAtomically(cacheFile, script.createCachedData());
    } catch {
      // a cache is an optimization: a read-only or full build/ only costs the next run its compile time
    }
  };
  return { exports: module.exports, saveCache };
}

// An error escaping main (a bug: main maps every expected failure to an exit code) is one line; DEBUG=1 shows the stack.
let saveCache = () => {};
try {
  let module;
  if (format === 'cjs') ({ exports: module, saveCache } = requireWithCodeCache(file));
  else module = await import(pathToFileURL(file).href);
  if (typeof module.main === 'function') process.exitCode = await module.main(argv);
} catch (error) {
  process.stderr.write(`internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  if (process.env.DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('rerun with DEBUG=1 for the stack trace\n');
  process.exitCode = 1;
} finally {
  // After main, so that the cache holds the functions this run compiled, not only the top level.
  saveCache();
}
