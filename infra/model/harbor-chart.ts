/**
 * What Harbor's Helm chart renders, pinned from its source so that our constructs (NetworkPolicies, disruption
 * budgets) and the checks (network coverage, capacity) can name the chart's pods without rendering it.
 *
 * Source: github.com/goharbor/harbor-helm, tag v1.15.1 (the version of `HARBOR_CHART`):
 * - pod labels: `templates/_helpers.tpl` `harbor.matchLabels` (`release: <release name>`, `app: "harbor"`, the
 *   chart name unless `nameOverride`) plus `component: <component>` in each workload's `spec.template.metadata.labels`
 *   (`templates/core/core-dpl.yaml`, `portal/deployment.yaml`, `registry/registry-dpl.yaml`,
 *   `jobservice/jobservice-dpl.yaml`, `database/database-ss.yaml`, `redis/statefulset.yaml`, `trivy/trivy-sts.yaml`);
 * - object names: `harbor.fullname` (the release name when it contains "harbor", else `<release>-harbor`) + `-<component>`;
 * - container ports without internal TLS: `_helpers.tpl` `harbor.core.containerPort` 8080, `harbor.portal.containerPort`
 *   8080, `harbor.jobservice.containerPort` 8080, `harbor.registry.containerPort` 5000, `harbor.registryctl.containerPort`
 *   8080, `harbor.trivy.containerPort` 8080, `harbor.database.port` 5432, redis 6379 (`redis/statefulset.yaml`);
 * - who calls whom: `templates/core/core-cm.yaml` (CORE_URL, JOBSERVICE_URL, REGISTRY_URL, REGISTRY_CONTROLLER_URL,
 *   TRIVY_ADAPTER_URL, the redis URLs, POSTGRESQL_HOST), `jobservice/jobservice-cm-env.yaml` (CORE_URL, REGISTRY_URL,
 *   the redis URL), `registry/registry-cm.yaml` (`notifications.endpoints` to core's `/service/notifications`,
 *   the redis cache), `trivy/trivy-sts.yaml` (SCANNER_REDIS_URL; the adapter pulls the scanned artifact through the
 *   registry URL core hands it), `_helpers.tpl` `harbor.redis.addr`.
 * - security: every container takes `containerSecurityContext` from `values.yaml` (privileged false,
 *   allowPrivilegeEscalation false, seccompProfile RuntimeDefault, runAsNonRoot true, capabilities drop ALL); the
 *   database's init container `data-permissions-ensurer` too, and the pods run as uid 10000 (database and redis 999).
 *   So the chart's pods meet the restricted Pod Security profile.
 */

/** The chart name `harbor.name` defaults to. */
export const HARBOR_APP_LABEL = 'harbor';

export type HarborComponent = 'core' | 'portal' | 'registry' | 'jobservice' | 'database' | 'redis' | 'trivy';

export interface HarborComponentFacts {
  /** Kind of the workload the chart renders. */
  readonly kind: 'Deployment' | 'StatefulSet';
  /** Container ports the pod listens on (the registry pod also runs registryctl on 8080). */
  readonly ports: readonly number[];
  /** Whether the chart's values set its replica count (`<component>.replicas`); database and redis are fixed at 1. */
  readonly replicasValue: boolean;
}

export const HARBOR_COMPONENTS: Readonly<Record<HarborComponent, HarborComponentFacts>> = {
  core: { kind: 'Deployment', ports: [8080], replicasValue: true },
  portal: { kind: 'Deployment', ports: [8080], replicasValue: true },
  registry: { kind: 'Deployment', ports: [5000, 8080], replicasValue: true },
  jobservice: { kind: 'Deployment', ports: [8080], replicasValue: true },
  database: { kind: 'StatefulSet', ports: [5432], replicasValue: false },
  redis: { kind: 'StatefulSet', ports: [6379], replicasValue: false },
  trivy: { kind: 'StatefulSet', ports: [8080], replicasValue: true },
};

/** The labels selecting one component's pods (`harbor.matchLabels` + `component`). */
export function harborPodSelector(release: string, component: HarborComponent): Record<string, string> {
  return { release, app: HARBOR_APP_LABEL, component };
}

/** Name of a component's workload and Service: `harbor.fullname` + `-<component>`. */
export function harborObjectName(release: string, component: HarborComponent): string {
  const fullname = release.includes(HARBOR_APP_LABEL) ? release : `${release}-${HARBOR_APP_LABEL}`;
  return `${fullname}-${component}`;
}

/** One connection Harbor's components make to each other, as the chart configures them (without internal TLS). */
export interface HarborEdge {
  readonly from: HarborComponent;
  readonly to: HarborComponent;
  readonly ports: readonly number[];
}

export const HARBOR_EDGES: readonly HarborEdge[] = [
  { from: 'core', to: 'registry', ports: [5000, 8080] },
  { from: 'core', to: 'jobservice', ports: [8080] },
  { from: 'core', to: 'database', ports: [5432] },
  { from: 'core', to: 'redis', ports: [6379] },
  { from: 'core', to: 'trivy', ports: [8080] },
  { from: 'jobservice', to: 'core', ports: [8080] },
  { from: 'jobservice', to: 'registry', ports: [5000] },
  { from: 'jobservice', to: 'redis', ports: [6379] },
  { from: 'jobservice', to: 'database', ports: [5432] },
  { from: 'jobservice', to: 'trivy', ports: [8080] },
  { from: 'registry', to: 'core', ports: [8080] },
  { from: 'registry', to: 'redis', ports: [6379] },
  { from: 'trivy', to: 'core', ports: [8080] },
  { from: 'trivy', to: 'registry', ports: [5000] },
  { from: 'trivy', to: 'redis', ports: [6379] },
];

/**
 * Components the cluster's ingress controller routes to with `expose.type: ingress`
 * (`templates/ingress/ingress.yaml`: `/api/`, `/service/`, `/v2/`, `/chartrepo/`, `/c/` to core, `/` to portal).
 * Image pulls by the nodes' containerd and pushes by the build agents arrive this way: through the gateway, to
 * core, which proxies `/v2/` to the registry.
 */
export const HARBOR_INGRESS_BACKENDS: readonly HarborComponent[] = ['core', 'portal'];
