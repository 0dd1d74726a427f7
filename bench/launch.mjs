// `node bench/launch.mjs <bundle.mjs> [args...]`: imports a bench driver's ES module bundle and runs its exported
// `main(argv)`; the return value is the exit code. The bundle is not process.argv[1], so a CLI module it bundles
// (infra/cli/synth.ts runs itself when it is the entry point) does not start a second time.
//
// `node bench/launch.mjs --code-cache <file> <bundle.cjs> [args...]`: runs a CommonJS bundle as the launcher runs a
// command (infra/cli/run-bundled.mjs; the same loader, infra/cli/code-cache.mjs), compiled with the V8 code cache in
// `<file>`. When `<file>` does not exist yet, the bundle compiles without one and the cache is written after `main`,
// as the launcher writes it after the first run: the bench makes it with one untimed run of each kind. A run that
// was given a cache never writes it (every timed run compiles from the same cache). `main(argv, { cachedDataRejected })`
// learns V8's verdict on the cache (undefined: there was none), so that its measurement can report it.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireWithCodeCache } from '../infra/cli/code-cache.mjs';

const args = process.argv.slice(2);
const cacheFile = args[0] === '--code-cache' ? args[1] : undefined;
const [bundle, ...argv] = cacheFile === undefined ? args : args.slice(2);
if (!bundle || (args[0] === '--code-cache' && (!cacheFile || !bundle.endsWith('.cjs')))) {
  process.stderr.write('usage: node bench/launch.mjs [--code-cache <file> <bundle.cjs> | <bundle.mjs>] [args...]\n');
  process.exit(2);
}
if (cacheFile === undefined) {
  const { main } = await import(pathToFileURL(bundle).href);
  process.exitCode = await main(argv);
} else {
  const { exports, cachedDataRejected, saveCache } = requireWithCodeCache(resolve(bundle), { cacheFile });
  const started = process.cpuUsage();
  process.exitCode = await exports.main(argv, { cachedDataRejected });
  // After main, so that the cache holds the functions this run compiled; only by the run that had none.
  if (cachedDataRejected === undefined) {
    const { user, system } = process.cpuUsage(started);
    saveCache((user + system) / 1000);
  }
}
