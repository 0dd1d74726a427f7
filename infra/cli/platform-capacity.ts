import { parseAllDocuments } from 'yaml';
import { planCapacity, type CapacityPlan } from '../checks/capacity.js';
import type { KubeObject, Platform } from '../model/types.js';
import type { Environment } from '../schema/environment.js';

// The capacity plan of a built platform, shared by `check` and `status`. Its own file, importing the capacity rules
// directly rather than through infra/checks/index.ts, so that status's bundle leaves out what only check needs
// (the schema checks: ajv, kubernetes-models and the CRDs; issue 17: each start compiles and runs less).

/** Reads the KubeKey and ks-installer configs the platform writes, so they are schema-checked like manifests. */
export function configObjects(platform: Platform): KubeObject[] {
  return platform.units
    .flatMap((u) => u.artifacts)
    .filter((a) => a.path.startsWith('kubekey/') && /\.ya?ml$/.test(a.path))
    .flatMap((a) => parseAllDocuments(a.content).map((d) => d.toJS() as KubeObject | null))
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

/** The capacity plan `npm run check` reports for an environment: its objects, the installer configs, its Helm releases. */
export function platformCapacity(env: Environment, platform: Platform): CapacityPlan {
  return planCapacity(env, [...platform.units.flatMap((u) => u.objects), ...configObjects(platform)], platform.units.flatMap((u) => u.helmReleases));
}
