import { HARBOR_CHART } from '../model/names.js';
import { HARBOR_APP_LABEL, HARBOR_COMPONENTS, harborObjectName, harborPodSelector, type HarborComponent } from '../model/harbor-chart.js';
import { asObject, type Json } from '../model/json.js';
import type { HelmReleaseSpec, KubeObject } from '../model/types.js';

/**
 * The workloads a Helm release runs, as the checks need them when the chart is not rendered: kind, name,
 * namespace, pod labels and replicas, from the chart's pinned facts (infra/model/harbor-chart.ts) and the
 * release's values. Only Harbor's chart is known. When the rendered objects are among the checked ones
 * (`npm run check --chart-dir`), those are used instead.
 */

/** Whether the release's values run a component (trivy can be disabled; database and redis can be external). */
function runs(values: Json, component: HarborComponent): boolean {
  if (component === 'trivy') return asObject(values.trivy)?.enabled !== false;
  if (component === 'database' || component === 'redis') return asObject(values[component])?.type !== 'external';
  return true;
}

/** The pod workloads of a release as skeleton objects: metadata, replicas, selector and template labels. */
export function chartWorkloads(release: HelmReleaseSpec): KubeObject[] {
  if (release.chart !== HARBOR_CHART.chart || release.repository !== HARBOR_CHART.repository) return [];
  const values = release.values as Json;
  return (Object.keys(HARBOR_COMPONENTS) as HarborComponent[])
    .filter((component) => runs(values, component))
    .map((component) => {
      const facts = HARBOR_COMPONENTS[component];
      const own = asObject(values[component]);
      const replicas = facts.replicasValue ? own?.replicas : undefined;
      const annotations = asObject(own?.podAnnotations);
      const selector = harborPodSelector(release.name, component);
      return {
        apiVersion: 'apps/v1',
        kind: facts.kind,
        metadata: { name: harborObjectName(release.name, component), namespace: release.namespace, labels: { ...selector, 'app.kubernetes.io/name': HARBOR_APP_LABEL } },
        spec: {
          replicas: typeof replicas === 'number' ? replicas : 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...selector, 'app.kubernetes.io/component': component }, ...(annotations ? { annotations } : {}) },
            spec: { containers: facts.ports.map((port, i) => ({ name: `${component}-${i}`, ports: [{ containerPort: port }] })) },
          },
        },
      };
    });
}

/** The releases' workloads that are not already among `objects` (rendered by `--chart-dir`). */
export function unrenderedChartWorkloads(releases: readonly HelmReleaseSpec[], objects: readonly KubeObject[]): KubeObject[] {
  const present = new Set(objects.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`));
  return releases.flatMap(chartWorkloads).filter((o) => !present.has(`${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`));
}
