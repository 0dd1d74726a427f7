import { main as synth } from '../infra/cli/synth.js';
import { scaledSources } from './scale-catalog.js';

/**
 * `node bench/launch.mjs --code-cache <file> build/bench/synth-scaled.cjs <factor> <out>`: `npm run synth -- --out
 * <out>` over the catalog scaled `factor` times (bench/scale-catalog.ts), so that our whole process can be timed
 * beside the other tools' at every scale. It runs as `npm run synth` runs (a CommonJS bundle compiled with V8's code
 * cache, bench/driver.ts): the bench makes the cache with one untimed run, and a timed run whose cache V8 rejected
 * fails instead of timing V8's compilation. At factor 1 it is `npm run synth`'s work, without the launcher's check.
 */
export async function main(argv: string[], context: { readonly cachedDataRejected?: boolean } = {}): Promise<number> {
  const [factor, out] = argv;
  if (!factor || !out) {
    process.stderr.write('usage: synth-scaled <factor> <out>\n');
    return 2;
  }
  if (context.cachedDataRejected === true) {
    process.stderr.write('synth-scaled: V8 rejected the code cache it was given\n');
    return 1;
  }
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // the summary per environment is not what is measured
  try {
    return await synth(['--out', out], scaledSources(Number(factor)));
  } finally {
    process.stdout.write = stdout;
  }
}
