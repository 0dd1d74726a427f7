// `node infra/cli/run-bundled.mjs <command> [args...]`: runs a command as one esbuild bundle. Every npm script of a
// command goes through here: synth, check, diff, graph, drift, rollback, status (infra/cli/<command>.ts) and bench
// (bench/run.ts).
//
// Why: loading the CLI through tsx compiles ~100 TypeScript files on the fly, and loading the packages it uses file by
// file through Node's module loader (resolving, reading and scanning some 400 CommonJS files for their exports) costs
// about as much as the synthesis itself. So the launcher bundles the command *and its packages* into one file
// (bundle-options.mjs says which packages stay external and why) and Node compiles one file. A command (it exports
// `main`) is bundled as a CommonJS script and compiled with V8's code cache (requireWithCodeCache, code-cache.mjs); bench/run.ts,
// which runs on import with top-level await, as an ES module.
//
// Bundling is skipped when the last bundle is current, and "current" is decided by content, never by mtimes: the
// bundle's name carries a digest of every input esbuild's metafile listed for it (each file's bytes, and the names in
// each directory holding one, so that a new file that would now win module resolution, say a `.js` beside a `.ts`,
// forces a rebuild), of the launcher and its options, of esbuild's version, and of package.json, package-lock.json and
// tsconfig.json. `build/<command>.inputs.json` lists the inputs of the last build with that digest and the stat of
// every path it covers (device, inode, size, mtime, ctime), taken before its bytes were hashed. A run that finds every
// stat as recorded, and recorded well after that path last changed, knows the digest without reading a byte
// (unchangedSince says why that is sound: ~2 ms of CPU for synth's ~390 files instead of ~22 ms reading and hashing
// 6 MB); any other difference (a touched file, a checkout, an edit) hashes the files again, as before, and records the
// new stats when the digest still matches. It runs `build/<command>-<digest>.cjs` only if that digest names an
// existing bundle, else it bundles. A bundle is written to a temporary name and renamed, and a name is never reused for other
// content, so concurrent runs never load a half-written or a wrong bundle. `build/` is git-ignored and created on
// demand, so `npm ci && npm run synth` works on a fresh clone.
//
// A command finds its resources (CRDs, the README, the environments' files) from the project root
// (infra/cli/project-root.ts), never relative to its own source file, so it reads the same files from the bundle as
// from the source. The command's exported `main(argv)` runs and its return value is the exit code, as with tsx. A
// script without a `main` export (bench/run.ts) runs on import and reads its arguments from process.argv, as it would
// under tsx.
import { createRequire } from 'node:module';
import { codeCacheName, requireWithCodeCache, writeAtomically } from './code-cache.mjs';

// Node's built-ins through `require`, not `import`: an ES module import of a built-in builds a module facade of its
// exports, ~4 ms of CPU over the six on every start (issue 17). node:crypto (only to hash) and the bundle options
// (only to bundle) are loaded where they are used.
const require = createRequire(import.meta.url);
const { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } = require('node:fs');
const { basename, dirname, join, relative, resolve, sep } = require('node:path');
const { fileURLToPath, pathToFileURL } = require('node:url');

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
/**
 * Bundles by digest, shared by every checkout that links the same node_modules (the git worktrees `npm run diff`
 * synthesizes a base commit in, the bench's): a fresh tree whose inputs have a bundle there copies it instead of
 * bundling (esbuild over the packages: seconds on a loaded machine). A bundle runs from the tree's own build/, never
 * from here: it finds its project root from its own location.
 */
const STORE = join(ROOT, 'node_modules', '.cache', 'icv-platform', 'bundles');
/** A command (its `main` exported) runs as a CommonJS script compiled with V8's code cache; bench/run.ts runs on import, top-level await included, as an ES module. */
const format = Object.hasOwn(ENTRIES, command) ? 'esm' : 'cjs';
const extension = format === 'esm' ? 'mjs' : 'cjs';
const STATE = `${command}.inputs.json`;
const bundleName = (digest) => `${command}-${digest}.${extension}`;

/** Files outside the metafile's inputs that change what esbuild writes: its version, the launcher and its options, the package and TypeScript settings. */
const SETTINGS = ['node_modules/esbuild/package.json', 'infra/cli/run-bundled.mjs', 'infra/cli/bundle-options.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** The directories whose listings the digest covers: those holding an input. */
const directoriesOf = (inputs) => [...new Set(inputs.map((p) => dirname(p)))].sort();

/**
 * The digest of a bundle's inputs (paths relative to the project root): their bytes, the names in each directory that
 * holds one, and the settings files. A file that cannot be read makes the digest undefined (rebuild).
 */
function digestOf(inputs) {
  const hash = require('node:crypto').createHash('sha256');
  try {
    hash.update(JSON.stringify([command, relative(ROOT, entry), format]));
    for (const path of [...SETTINGS, ...inputs]) hash.update(`\0file ${path}\0`).update(readFileSync(resolve(ROOT, path)));
    for (const dir of directoriesOf(inputs)) hash.update(`\0dir ${dir}\0${readdirSync(resolve(ROOT, dir)).sort().join('\0')}`);
  } catch {
    return undefined;
  }
  return hash.digest('hex').slice(0, 32);
}

/** Every path the digest reads: the settings files, the inputs and the directories holding them. */
const pathsOf = (inputs) => [...SETTINGS, ...inputs, ...directoriesOf(inputs)];

/**
 * How long before a record's stamp a change makes a file's stat untrustworthy: a stat taken in the same timestamp
 * granule as the file's last change cannot tell a later change within that granule (see `fingerprint`). The kernel
 * stamps ctimes from its coarse clock (a tick, ≤ 10 ms, behind Date.now()'s) in nanoseconds on ext4, xfs, btrfs and
 * tmpfs; two seconds also cover filesystems that keep whole seconds (FAT: two).
 */
const RACY_MARGIN_MS = 2_000;

/**
 * A path's stat as the fast path compares it: device, inode, size, mtime and ctime, the times in milliseconds with
 * their fraction (a double keeps ~0.25 µs of it, finer than any two changes a stat can fall between); undefined if
 * the path is gone. (Not `bigint: true`: twice the CPU for ~400 stats.)
 */
function fingerprint(path) {
  // ROOT ends in a separator and every path is relative and normal (inputPath): path.resolve, which cost as much as
  // the stats themselves here (~5 ms for ~450 paths, cold), would return the same string.
  const stat = statSync(ROOT + path, { throwIfNoEntry: false });
  return stat === undefined ? undefined : `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/**
 * The stats of `inputs`' paths, then their digest, in that order (the fast path's argument needs the stats taken
 * before the bytes are read). `stamp` is taken before the first stat.
 */
function observe(inputs) {
  const stamp = Date.now();
  const stats = Object.fromEntries(pathsOf(inputs).map((path) => [path, fingerprint(path)]));
  return { stamp, stats, digest: digestOf(inputs) };
}

/**
 * Whether the stats recorded with a digest prove that no path changed since: every path's stat is as recorded and
 * was recorded at least RACY_MARGIN_MS after its ctime. Why that proves it: the record's stats were taken after
 * `stamp` and before its bytes were hashed (observe), and every change to a file's bytes or a directory's names (a
 * write, a truncate, a new or removed or renamed entry, a file replaced under its name) sets its ctime to the
 * kernel's clock at that moment, which no call can set back. A change after the stat was taken therefore leaves a
 * ctime other than the recorded one — unless it fell within the granule of the recorded ctime itself, which means
 * that ctime is within a granule of the stat, i.e. after `stamp - RACY_MARGIN_MS`; such a path is not trusted and the
 * digest is recomputed. A file replaced by another has another inode (or, reused, a new ctime). So when every path
 * passes, the bytes and names are those hashed for the recorded digest. (What this assumes, as make and git do: the
 * wall clock is not set back across a change, the filesystem updates ctime on every change, and its times come from
 * this machine's clock, as a local filesystem's do.)
 */
function unchangedSince(state, inputs) {
  if (typeof state.stamp !== 'number' || typeof state.stats !== 'object' || state.stats === null) return false;
  const trustedBefore = state.stamp - RACY_MARGIN_MS;
  return pathsOf(inputs).every((path) => {
    const recorded = Object.hasOwn(state.stats, path) ? state.stats[path] : undefined;
    if (typeof recorded !== 'string' || recorded !== fingerprint(path)) return false;
    return Number(recorded.slice(recorded.lastIndexOf(':') + 1)) < trustedBefore;
  });
}

/**
 * The record of the last build in `dir` and whether its digest names a bundle there. With `byStat`, the recorded
 * stats (unchangedSince) stand for the digest when they prove nothing changed: ~400 stats instead of reading and
 * hashing ~6 MB (issue 17: ~22 ms of CPU on every start). Else the digest is recomputed (`observed`, with the stats
 * taken before it, so that the caller can record them). The store's records are never trusted by stat: its
 * stats would be another checkout's.
 */
function recordIn(dir, byStat) {
  let state;
  try {
    state = JSON.parse(readFileSync(join(dir, STATE), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(state?.inputs) || !state.inputs.every((p) => typeof p === 'string') || !/^[0-9a-f]{32}$/.test(state.digest)) return undefined;
  if (byStat && unchangedSince(state, state.inputs)) {
    return { inputs: state.inputs, digest: state.digest, current: existsSync(join(dir, bundleName(state.digest))) };
  }
  const observed = observe(state.inputs);
  const { digest } = observed;
  return { inputs: state.inputs, digest, observed, current: digest !== undefined && digest === state.digest && existsSync(join(dir, bundleName(digest))) };
}

/**
 * The list of a bundle's inputs, its digest and, when `observed` is the observation that digest came from, the stats
 * taken before it (for the fast path of the next run).
 */
function writeState(dir, digest, inputs, observed) {
  const stats = observed?.digest === digest ? { stamp: observed.stamp, stats: observed.stats } : {};
  writeAtomically(join(dir, STATE), `${JSON.stringify({ digest, inputs, ...stats })}\n`);
}

/** Records a bundle in `dir`: the bundle under its digest, then the list of its inputs. */
function record(dir, digest, inputs, content, observed) {
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, bundleName(digest)), content);
  writeState(dir, digest, inputs, observed);
}

/** This tree's current bundle: its own, or the store's copied in (with its code cache), or none. */
function currentBundle() {
  const local = recordIn(outDir, true);
  if (local?.current) {
    // Current by its bytes while some stat differed (a touched or rewritten file, or one changed just before the
    // record): the stats of this observation let the next run skip the hashing.
    if (local.observed !== undefined) {
      try {
        writeState(outDir, local.digest, local.inputs, local.observed);
      } catch {
        // only the next run's fast path is lost
      }
    }
    return join(outDir, bundleName(local.digest));
  }
  const shared = recordIn(STORE, false);
  if (!shared?.current) return undefined;
  try {
    const name = bundleName(shared.digest);
    record(outDir, shared.digest, shared.inputs, readFileSync(join(STORE, name)), shared.observed);
    if (existsSync(join(STORE, codeCacheName(name)))) writeAtomically(join(outDir, codeCacheName(name)), readFileSync(join(STORE, codeCacheName(name))));
    return join(outDir, name);
  } catch {
    return undefined;
  }
}

/** An input path as the digest names it: relative to the project root, and a package file as `node_modules/...` even when node_modules is a link. */
function inputPath(path, modules) {
  const absolute = resolve(ROOT, path);
  return modules !== undefined && absolute.startsWith(`${modules}${sep}`) ? join('node_modules', relative(modules, absolute)) : relative(ROOT, absolute);
}

/**
 * How far before a build's start a change still counts as during it: the kernel stamps ctimes from its coarse clock,
 * which runs up to a tick (≤ 10 ms) behind the clock Date.now() reads.
 */
const CTIME_MARGIN_MS = 100;

/** Whether any of these files or directories changed (ctime, which no tool sets back) at or after `since`. */
function changedSince(paths, since) {
  return paths.some((path) => {
    try {
      return statSync(resolve(ROOT, path)).ctimeMs >= since;
    } catch {
      return true;
    }
  });
}

/**
 * Bundles the command, records the bundle under the digest of its inputs (here and in the store) and returns its
 * path. The digest is taken after the build, so it must be certain that it describes the files esbuild read: the
 * build is recorded only if no input, settings file or input directory changed since just before it started
 * (their ctimes, read after the digest; CTIME_MARGIN_MS). Else it bundles again; files that keep changing during three builds give a
 * bundle that runs once, unrecorded.
 */
async function bundle() {
  const [{ build }, { bundleOptions }] = await Promise.all([import('esbuild'), import('./bundle-options.mjs')]);
  let modules;
  try {
    modules = realpathSync(join(ROOT, 'node_modules'));
  } catch {
    modules = undefined;
  }
  mkdirSync(outDir, { recursive: true });
  for (let attempt = 0; ; attempt += 1) {
    const started = Date.now();
    let result;
    try {
      result = await build({ ...bundleOptions(entry, ROOT, format), outfile: join(outDir, `${command}.${extension}`), metafile: true, write: false, logLevel: 'silent' });
    } catch (error) {
      process.stderr.write(`cannot bundle ${relative(ROOT, entry)}: ${buildFailure(error)}\n`);
      process.exit(1);
    }
    const inputs = [...new Set(Object.keys(result.metafile.inputs).map((p) => inputPath(p, modules)))].sort();
    const observed = observe(inputs);
    const { digest } = observed;
    const content = result.outputFiles[0].contents;
    if (digest !== undefined && !changedSince(pathsOf(inputs), started - CTIME_MARGIN_MS)) {
      record(outDir, digest, inputs, content, observed);
      try {
        record(STORE, digest, inputs, content);
        prune(STORE, join(STORE, bundleName(digest)));
      } catch {
        // the store only saves other checkouts a build
      }
      prune(outDir, join(outDir, bundleName(digest)));
      return join(outDir, bundleName(digest));
    }
    if (attempt === 2) {
      const file = join(outDir, `${command}-unrecorded-${process.pid}.${extension}`);
      writeAtomically(file, content);
      process.on('exit', () => rmSync(file, { force: true }));
      return file;
    }
  }
}

/**
 * A failed build in one line: esbuild's first error, where it is (a plugin's error names its file itself, and its
 * location would be the importer's), and how many more there are.
 */
function buildFailure(error) {
  const errors = Array.isArray(error?.errors) ? error.errors : [];
  if (errors.length === 0) return error instanceof Error ? error.message.split('\n')[0] : String(error);
  const [{ text, location, pluginName }] = errors;
  const where = location && !pluginName ? `${location.file}:${location.line}:${location.column + 1}: ` : '';
  return `${where}${text.split('\n')[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''}`;
}

/**
 * Removes this command's other bundles and code caches from `dir`, those not written in the last minute: a
 * concurrent run that found one of them current loads it within milliseconds, and only while its sources were being
 * edited.
 */
function prune(dir, keep) {
  const minuteAgo = Date.now() - 60_000;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || path === codeCacheName(keep) || !name.startsWith(`${command}-`) || !/\.(mjs|cjs|v8cache)$/.test(name)) continue;
    try {
      if (statSync(path).mtimeMs < minuteAgo) rmSync(path, { force: true });
    } catch {
      // another run removed it first
    }
  }
}

const file = currentBundle() ?? (await bundle());

// The command's arguments, as a script started with tsx sees them (process.argv[1] stays this launcher, so a
// bundled module never mistakes itself for the entry point and runs twice).
process.argv.splice(2, 1);

// An error escaping main (a bug: main maps every expected failure to an exit code) is one line; DEBUG=1 shows the stack.
let saveCache = () => {};
let mainStarted = process.cpuUsage();
try {
  let module;
  if (format === 'cjs') {
    // The store's copy of this bundle gets the cache too, for the next checkout that copies the bundle.
    const shared = join(STORE, basename(file));
    ({ exports: module, saveCache } = requireWithCodeCache(file, { onWrite: (data) => existsSync(shared) && writeAtomically(codeCacheName(shared), data) }));
  } else {
    module = await import(pathToFileURL(file).href);
  }
  mainStarted = process.cpuUsage();
  if (typeof module.main === 'function') process.exitCode = await module.main(argv);
} catch (error) {
  process.stderr.write(`internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  if (process.env.DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('rerun with DEBUG=1 for the stack trace\n');
  process.exitCode = 1;
} finally {
  // After main, so that the cache holds the functions this run compiled, not only the top level.
  const { user, system } = process.cpuUsage(mainStarted);
  saveCache((user + system) / 1000);
}
