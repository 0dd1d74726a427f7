import { main as synth } from '../infra/cli/synth.js';
import { scaledSources } from './scale-catalog.js';

/**
 * `node bench/launch.mjs build/bench/synth-scaled.mjs <factor> <out>`: `npm run synth -- --out <out>` over the
 * catalog scaled `factor` times (bench/scale-catalog.ts), so that our whole process can be timed beside the other
 * tools' at every scale. At factor 1 it is `npm run synth`'s work, without bundling at start.
 */
export async function main(argv: string[]): Promise<number> {
  const [factor, out] = argv;
  if (!factor || !out) {
    process.stderr.write('usage: synth-scaled <factor> <out>\n');
    return 2;
  }
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // the summary per environment is not what is measured
  try {
    return await synth(['--out', out], scaledSources(Number(factor)));
  } finally {
    process.stdout.write = stdout;
  }
}
