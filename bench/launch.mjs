// `node bench/launch.mjs <bundle.mjs> [args...]`: imports a bench driver's bundle and runs its exported
// `main(argv)`; the return value is the exit code. The bundle is not process.argv[1], so a CLI module it bundles
// (infra/cli/synth.ts runs itself when it is the entry point) does not start a second time.
import { pathToFileURL } from 'node:url';

const [bundle, ...argv] = process.argv.slice(2);
if (!bundle) {
  process.stderr.write('usage: node bench/launch.mjs <bundle.mjs> [args...]\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(argv);
