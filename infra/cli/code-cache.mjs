// V8's code cache for a CommonJS bundle: how the launcher (infra/cli/run-bundled.mjs) runs every command, and how
// the bench runs its in-process drivers (bench/launch.mjs), so that both compile alike.
//
// Without a cache, V8 compiles each function of a script the first time it is called (lazily), so a fresh process
// pays the compilation of every function the run reaches, inside the work it does: ~40 ms of CPU for a synth at ×1
// (issue 17). A cache written after a run holds the bytecode of every function that run compiled, and the next
// process deserializes them with the script instead of compiling them as it goes.
import { createRequire } from 'node:module';

// Node's built-ins through `require`, as in the launcher (an ES module import of a built-in builds a facade of its
// exports on every start).
const require = createRequire(import.meta.url);
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** The code cache beside a bundle: V8's data is only valid for this Node version and architecture. */
export const codeCacheName = (bundle) => `${bundle}.${process.version}-${process.arch}.v8cache`;

/** Writes `content` to `path` through a temporary name, so that no reader ever sees it half-written. */
export function writeAtomically(path, content) {
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, content);
  renameSync(staging, path);
}

/**
 * A code cache file starts with the CPU time (ms, a float64) of `main` in the run that wrote it; V8's data follows.
 * A run whose `main` works more than twice as long and 50 ms more writes the cache again (once: createCachedData
 * costs ~11 ms for synth, too much for every run), so that a cache first written by a `--help` or a refused argument
 * (the top level only) does not leave every later synthesis compiling the rest on its own (~45 ms of CPU each).
 */
const CACHE_HEADER_BYTES = 8;
const rewritesCache = (mainMs, writtenAfterMs) => mainMs > 2 * writtenAfterMs + 50;

/**
 * Runs a CommonJS bundle as Node would require it, compiled with V8's code cache `cacheFile` (by default
 * `<bundle>.<node version>-<arch>.v8cache` beside it), which holds the bytecode of every function the run that wrote
 * it compiled. V8 itself checks the source (its length), its version and its flags and rejects a cache that does not
 * match (the script then compiles as without one); a bundle whose name is the digest of its inputs (the launcher's)
 * can only meet its own cache.
 *
 * Returns the module's exports; `cachedDataRejected`, V8's verdict on the cache (undefined when there was none to
 * use); and `saveCache(mainMs)`, which, given the CPU time of `main`, writes the cache when there was none to use, V8
 * rejected it, or this run did much more than the one that wrote it (CACHE_HEADER_BYTES), and hands the bytes written
 * to `onWrite` (the launcher's store of bundles keeps a copy). A cache is an optimization: a cache that cannot be
 * written only costs the next run its compile time.
 *
 * @param {string} path
 * @param {{ cacheFile?: string, onWrite?: (data: Buffer) => void }} [options]
 * @returns {{ exports: any, cachedDataRejected: boolean | undefined, saveCache: (mainMs: number) => void }}
 */
export function requireWithCodeCache(path, { cacheFile = codeCacheName(path), onWrite } = {}) {
  let cachedData;
  let writtenAfterMs = 0;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > CACHE_HEADER_BYTES) {
      cachedData = cache.subarray(CACHE_HEADER_BYTES);
      const recorded = cache.readDoubleLE(0);
      writtenAfterMs = Number.isFinite(recorded) && recorded >= 0 ? recorded : 0;
    }
  } catch {
    cachedData = undefined;
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(path, 'utf8')}\n})`;
  const script = new Script(wrapped, { filename: path, ...(cachedData ? { cachedData } : {}) });
  const cachedDataRejected = cachedData === undefined ? undefined : script.cachedDataRejected === true;
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  const saveCache = (mainMs) => {
    if (cachedData !== undefined && !cachedDataRejected && !rewritesCache(mainMs, writtenAfterMs)) return;
    try {
      const header = Buffer.alloc(CACHE_HEADER_BYTES);
      header.writeDoubleLE(mainMs);
      const data = Buffer.concat([header, script.createCachedData()]);
      writeAtomically(cacheFile, data);
      onWrite?.(data);
    } catch {
      // a cache is an optimization: a read-only or full directory only costs the next run its compile time
    }
  };
  return { exports: module.exports, cachedDataRejected, saveCache };
}
