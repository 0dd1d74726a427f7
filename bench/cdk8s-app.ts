import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES, loadInputs } from '../infra/cli/inputs.js';
import type { KubeObject } from '../infra/model/types.js';
import { naiveApp } from './naive-synth.js';
import { scaledSources } from './scale-catalog.js';

/** Objects of the platform parts that are not modules, per environment: what `prepare` writes for this app. */
export const PLATFORM_OBJECTS_FILE = 'cdk8s-platform-objects.json';

/**
 * The app `cdk8s synth` runs in the bench: `node bench/launch.mjs build/bench/cdk8s-app.mjs <factor> <dir>`.
 * One App per environment, a Chart per module (bench/naive-synth.ts), synthesized into `$CDK8S_OUTDIR/<env>/`.
 */
export async function main(argv: string[]): Promise<number> {
  const [factor, dir] = argv;
  if (!factor || !dir) {
    process.stderr.write('usage: cdk8s-app <factor> <dir>\n');
    return 2;
  }
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  const platformObjects = JSON.parse(readFileSync(join(dir, PLATFORM_OBJECTS_FILE), 'utf8')) as Record<string, KubeObject[]>;
  for (const { env, catalog } of loadInputs(ENVIRONMENT_NAMES, scaledSources(Number(factor)))) {
    naiveApp(env, catalog, platformObjects[env.name] ?? [], join(outdir, env.name)).synth();
  }
  return 0;
}
