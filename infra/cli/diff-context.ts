import { PARITY } from '../../environments/parity.js';
import { capacityFindings, planCapacity } from '../checks/capacity.js';
import { HARBOR_CHART } from '../model/names.js';
import type { HelmReleaseSpec, KubeObject } from '../model/types.js';
import { isRecord } from '../model/json.js';
import { declaredDifference } from '../parity/declared-difference.js';
import type { DeclaredDifference, DistEnv, DistTree } from '../preview/index.js';
import type { Environment } from '../schema/environment.js';
import { ENVIRONMENT_NAMES, loadEnvironment } from './inputs.js';

/** The parity declarations of environments/parity.ts as the preview's question "may the environments differ here?". */
export function paritySays(): DeclaredDifference {
  return declaredDifference(PARITY.declarations);
}

/**
 * Per environment, the capacity findings (`capacity.all-up`, `capacity.worker-down`) the after tree has and the
 * before tree has not: the capacity check of `npm run check` run on both trees, with the nodes of the working tree's
 * environment declaration. Environments the working tree does not declare, or cannot load, are left out.
 */
export function newCapacityFindings(before: DistTree, after: DistTree, envs: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of envs) {
    if (!ENVIRONMENT_NAMES.includes(name)) continue;
    let env: Environment;
    try {
      env = loadEnvironment(name).env;
    } catch {
      continue;
    }
    const findings = (tree: DistTree) => {
      const dist = tree.envs.get(name);
      if (!dist) return [];
      const { objects, releases } = capacityInputs(dist);
      return capacityFindings(planCapacity(env, objects, releases)).map((f) => `${f.rule}: ${f.message}`);
    };
    const old = new Set(findings(before));
    const fresh = findings(after).filter((f) => !old.has(f));
    if (fresh.length > 0) out[name] = fresh;
  }
  return out;
}

/** The objects and Helm releases of a synthesized environment, as the capacity plan counts them. */
function capacityInputs(dist: DistEnv): { objects: KubeObject[]; releases: HelmReleaseSpec[] } {
  const objects: KubeObject[] = [...dist.objects.values()].map((o) => o.body as unknown as KubeObject);
  const releases: HelmReleaseSpec[] = [];
  for (const artifact of dist.artifacts.values()) {
    const documents = Array.isArray(artifact.document) ? artifact.document : [artifact.document];
    if (artifact.kind === 'kubekey') objects.push(...documents.filter(isRecord).filter((d) => typeof d.kind === 'string').map((d) => d as unknown as KubeObject));
    const release = /^helm\/(.+)\.values\.ya?ml$/.exec(artifact.file)?.[1];
    if (release === HARBOR_CHART.chart && isRecord(artifact.document)) {
      releases.push({ name: release, namespace: 'harbor', chart: HARBOR_CHART.chart, version: HARBOR_CHART.version, repository: HARBOR_CHART.repository, values: artifact.document });
    }
  }
  return { objects, releases };
}
