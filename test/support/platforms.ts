import { buildPlatform } from '../../infra/synth/build-platform.js';
import { loadInputs } from '../../infra/cli/inputs.js';
import type { KubeObject, Platform } from '../../infra/model/types.js';
import type { ModuleSpec } from '../../infra/schema/module.js';
import type { Environment } from '../../infra/schema/environment.js';
import { deepFreeze, perWorker } from './shared.js';

/** Both real environments, built once per test worker (test/support/shared.ts) and frozen: read them, never change them. */
export const built: readonly { env: Environment; catalog: readonly ModuleSpec[]; platform: Platform }[] = perWorker('built', () =>
  deepFreeze(
    loadInputs().map(({ env, catalog }) => ({
      env,
      catalog,
      platform: buildPlatform(env, catalog),
    })),
  ),
);

export function objectsOf(platform: Platform): KubeObject[] {
  return platform.units.flatMap((u) => u.objects);
}

export function find(platform: Platform, kind: string, name: string, namespace?: string): any {
  const found = objectsOf(platform).find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ?? '*'}/${name} in ${platform.env}`);
  return found;
}
