import { parseQuantity } from '../model/quantity.js';
import type { HelmReleaseSpec, KubeObject } from '../model/types.js';
import type { Environment } from '../schema/environment.js';
import { HARBOR_CHART } from '../model/names.js';
import { finding, type Finding } from './finding.js';
import { asArray, asObject, asString, containersOf, HOSTNAME_KEY, namespaceOf, podTemplate, REPLICATED_KINDS, replicaRange, selectorMatches, type Json, type PodTemplate } from './kube.js';
import { compareText } from '../model/text-order.js';

/**
 * Capacity plan: does every pod fit on the workers, with all of them up and with any one of them down?
 * Deployments count at their maximum (the HPA's maxReplicas, else spec.replicas), DaemonSets one pod per worker.
 * Besides the manifests' workloads it counts what the platform runs without a manifest of ours: the Harbor Helm
 * release (one pod per component, requests from its values), and, when the ks-installer ClusterConfiguration is
 * among the objects, Jenkins as its `spec.devops` sizes it plus KubeSphere's own core and monitoring pods.
 * Pods are placed first-fit decreasing by resource requests; replicas of a spread workload go to the
 * least-loaded feasible node holding the fewest of them, and hard constraints (required anti-affinity,
 * DoNotSchedule spread) are never broken. Rules `capacity.all-up` and `capacity.worker-down`.
 */

const GIB = 2 ** 30;

/** How a workload's replicas may share a node. */
type Spread = { readonly kind: 'free' } | { readonly kind: 'soft' } | { readonly kind: 'max-skew'; readonly maxSkew: number } | { readonly kind: 'one-per-node' };

export interface PodDemand {
  /** `Deployment/icv-vehicle/vehicle-access`, or `HelmRelease/harbor/harbor-core` for a pod without a manifest. */
  readonly workload: string;
  /** `icv-vehicle/vehicle-access-1`, or `icv-logging/log-shipper@kp-node01` for a DaemonSet pod. */
  readonly pod: string;
  readonly cpu: number;
  readonly memoryGiB: number;
}

export interface NodeUsage {
  readonly node: string;
  readonly cpuAllocatable: number;
  readonly memoryAllocatableGiB: number;
  readonly cpuRequested: number;
  readonly memoryRequestedGiB: number;
  readonly pods: number;
}

export interface CapacityScenario {
  /** `all workers up` or `kp-node01 down`. */
  readonly name: string;
  /** The worker taken down, if any. */
  readonly down?: string;
  readonly nodes: readonly NodeUsage[];
  readonly unplaced: readonly PodDemand[];
}

/** One workload the plan counts, and where its requests come from. */
export interface WorkloadDemand {
  /** `Deployment/icv-vehicle/vehicle-access`, `HelmRelease/harbor/harbor-core`, `KubeSphere/kubesphere-system/ks-apiserver`. */
  readonly workload: string;
  /** `manifests`, `Helm release harbor`, `ClusterConfiguration devops`, or `KubeSphere 3.4 defaults`. */
  readonly source: string;
  /** Pods with all workers up: the maximum replicas, or one per worker for a DaemonSet. */
  readonly pods: number;
  /** Requests of one pod. */
  readonly cpu: number;
  readonly memoryGiB: number;
}

export interface CapacityPlan {
  readonly env: string;
  readonly production: boolean;
  readonly reserve: { readonly cpu: number; readonly memoryGiB: number };
  /** Every workload counted, in a fixed order: the manifests' in object order, then Harbor's, Jenkins, KubeSphere's. */
  readonly workloads: readonly WorkloadDemand[];
  readonly scenarios: readonly CapacityScenario[];
}

interface Workload {
  readonly ref: string;
  readonly source: string;
  readonly name: string;
  readonly namespace: string;
  readonly daemon: boolean;
  readonly replicas: number;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly spread: Spread;
}

const MANIFESTS = 'manifests';

/**
 * Plans the environment's workers for `objects` (manifests, plus the KubeKey and ks-installer configs if given) and
 * `helmReleases` (the platform's units' releases; Harbor's are counted, other charts are not known to the plan).
 */
export function planCapacity(env: Environment, objects: readonly KubeObject[], helmReleases: readonly HelmReleaseSpec[] = []): CapacityPlan {
  const workloads = [
    ...objects.map((o) => workloadOf(o, objects)).filter((w): w is Workload => w !== undefined),
    ...helmReleases.flatMap(harborWorkloads),
    ...kubeSphereWorkloads(env, objects),
  ];
  const workers = env.cluster.roleGroups.worker;
  const scenarios = [
    place(env, workloads, workers, 'all workers up'),
    ...workers.map((down) => place(env, workloads, workers.filter((w) => w !== down), `${down} down`, down)),
  ];
  return {
    env: env.name,
    production: env.production,
    reserve: env.cluster.systemReserve,
    workloads: workloads.map((w) => ({ workload: w.ref, source: w.source, pods: w.daemon ? workers.length : w.replicas, cpu: w.cpu, memoryGiB: w.memoryGiB })),
    scenarios,
  };
}

/** Pods that do not fit: an error with all workers up; with one worker down, an error in production, else a warning. */
export function capacityFindings(plan: CapacityPlan): Finding[] {
  const object = `Environment/${plan.env}`;
  return plan.scenarios
    .filter((scenario) => scenario.unplaced.length > 0)
    .map((scenario) => {
      const pods = scenario.unplaced.map(describe).join(', ');
      return scenario.down === undefined
        ? finding(object, 'capacity.all-up', 'error', 'cluster.roleGroups.worker', `${scenario.unplaced.length} pod(s) do not fit on the workers: ${pods}`, 'add worker capacity or lower requests / maximum replicas')
        : finding(
            object,
            'capacity.worker-down',
            plan.production ? 'error' : 'warning',
            'cluster.roleGroups.worker',
            `with ${scenario.down} down, ${scenario.unplaced.length} pod(s) do not fit: ${pods}`,
            'keep one worker of headroom: add capacity or lower requests / maximum replicas',
          );
    });
}

function describe(pod: PodDemand): string {
  return `${pod.pod} (${round(pod.cpu)} CPU, ${round(pod.memoryGiB)} GiB)`;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function workloadOf(obj: KubeObject, objects: readonly KubeObject[]): Workload | undefined {
  const daemon = obj.kind === 'DaemonSet';
  if (!daemon && !REPLICATED_KINDS.has(obj.kind) && obj.kind !== 'Pod') return undefined;
  const template = podTemplate(obj);
  if (!template) return undefined;
  const { cpu, memoryGiB } = podRequests(template);
  return {
    ref: `${obj.kind}/${namespaceOf(obj)}/${asString(obj.metadata?.name) ?? ''}`,
    source: MANIFESTS,
    name: asString(obj.metadata?.name) ?? '',
    namespace: namespaceOf(obj),
    daemon,
    replicas: REPLICATED_KINDS.has(obj.kind) ? replicaRange(obj, objects).max : 1,
    cpu,
    memoryGiB,
    spread: spreadOf(template),
  };
}

/** A pod of the Harbor chart and where its values set each container's resources. */
interface HarborPod {
  /** `core`; the pod is `<release>-core`. */
  readonly component: string;
  /** Paths in the values of each container's `resources`: `['registry', 'controller']`. */
  readonly containers: readonly (readonly string[])[];
  /** Whether the values run the pod at all. @default always */
  readonly runs?: (values: Json) => boolean;
}

/**
 * The pods of the Harbor chart (goharbor/harbor-helm). The registry pod runs the registry and its controller; trivy,
 * database and redis run only when enabled or internal. With `expose.type: ingress` and metrics off the chart runs
 * no nginx or exporter pod.
 */
const HARBOR_PODS: readonly HarborPod[] = [
  { component: 'portal', containers: [['portal']] },
  { component: 'core', containers: [['core']] },
  { component: 'jobservice', containers: [['jobservice']] },
  { component: 'registry', containers: [['registry', 'registry'], ['registry', 'controller']] },
  { component: 'trivy', containers: [['trivy']], runs: (values) => asObject(values.trivy)?.enabled !== false },
  { component: 'database', containers: [['database', 'internal']], runs: (values) => asObject(values.database)?.type !== 'external' },
  { component: 'redis', containers: [['redis', 'internal']], runs: (values) => asObject(values.redis)?.type !== 'external' },
];

/** One workload per Harbor component, with the requests and replicas its Helm values give (database and redis: 1). */
function harborWorkloads(release: HelmReleaseSpec): Workload[] {
  if (release.chart !== HARBOR_CHART.chart || release.repository !== HARBOR_CHART.repository) return [];
  const values = release.values;
  return HARBOR_PODS.filter((pod) => pod.runs?.(values) ?? true).map(({ component, containers }) => {
    const requests = containers.map((path) => {
      const container = path.reduce<Json | undefined>((node, key) => asObject(node?.[key]), values);
      return asObject(asObject(container?.resources)?.requests) ?? {};
    });
    const replicas = asObject(values[component])?.replicas;
    return installedWorkload(`HelmRelease/${release.namespace}/${release.name}-${component}`, `Helm release ${release.name}`, requests, typeof replicas === 'number' ? replicas : 1, { kind: 'free' });
  });
}

const CLUSTER_CONFIGURATION = { apiVersion: 'installer.kubesphere.io/v1alpha1', kind: 'ClusterConfiguration' } as const;

/** A pod ks-installer runs, at its default requests. */
interface KubeSpherePod {
  /** `kubesphere-system/ks-apiserver`. */
  readonly pod: string;
  /** Requests of each container. */
  readonly containers: readonly { readonly cpu: string; readonly memory: string }[];
  /** Replicas from the cluster's size, as ks-installer's templates decide them. @default - a DaemonSet, one per worker */
  readonly replicas?: (cluster: { readonly controlPlaneNodes: number; readonly nodes: number }) => number;
  readonly spread: Spread;
}

const KUBE_RBAC_PROXY = { cpu: '10m', memory: '20Mi' };

/**
 * KubeSphere 3.4 core + monitoring requests: the pods ks-installer runs on every cluster, at its defaults (our
 * ClusterConfiguration overrides none of them), from kubesphere/ks-installer:
 * - ks-apiserver 20m/100Mi and ks-controller-manager 30m/50Mi: `roles/ks-core/ks-core/templates/custom-values-ks-core.yaml.j2`,
 *   which also sets `replicaCount: {{ master_num }}`; ks-console 20m/100Mi: the ks-core chart's `values.yaml`
 *   (`roles/ks-core/ks-core/files/ks-core/`; the same three requests in kubesphere/kubesphere `config/ks-core/values.yaml`).
 *   With more than one replica the chart's templates require one per node. They prefer control-plane nodes but are
 *   not bound to them, so counting them on the workers is the worst case.
 * - `roles/ks-monitor/templates/`: prometheus-k8s 200m/400Mi, 2 replicas from 3 nodes (`prometheus-prometheus.yaml.j2`);
 *   alertmanager-main 20m/30Mi, 3 replicas from 3 nodes (`alertmanager-alertmanager.yaml.j2`); kube-state-metrics
 *   100m/150Mi (`kube-state-metrics-deployment.yaml.j2`) and prometheus-operator 100m/100Mi
 *   (`prometheus-operator-deployment.yaml.j2`), each with kube-rbac-proxy sidecars of 10m/20Mi; node-exporter
 *   102m/180Mi plus kube-rbac-proxy on every node, tolerating every taint (`node-exporter-daemonset.yaml.j2`).
 *   Prometheus and Alertmanager replicas prefer separate nodes.
 */
const KUBESPHERE_PODS: readonly KubeSpherePod[] = [
  { pod: 'kubesphere-system/ks-apiserver', containers: [{ cpu: '20m', memory: '100Mi' }], replicas: (c) => c.controlPlaneNodes, spread: { kind: 'one-per-node' } },
  { pod: 'kubesphere-system/ks-console', containers: [{ cpu: '20m', memory: '100Mi' }], replicas: (c) => c.controlPlaneNodes, spread: { kind: 'one-per-node' } },
  { pod: 'kubesphere-system/ks-controller-manager', containers: [{ cpu: '30m', memory: '50Mi' }], replicas: (c) => c.controlPlaneNodes, spread: { kind: 'one-per-node' } },
  { pod: 'kubesphere-monitoring-system/prometheus-k8s', containers: [{ cpu: '200m', memory: '400Mi' }], replicas: (c) => (c.nodes < 3 ? 1 : 2), spread: { kind: 'soft' } },
  { pod: 'kubesphere-monitoring-system/alertmanager-main', containers: [{ cpu: '20m', memory: '30Mi' }], replicas: (c) => (c.nodes < 3 ? 1 : 3), spread: { kind: 'soft' } },
  { pod: 'kubesphere-monitoring-system/kube-state-metrics', containers: [{ cpu: '100m', memory: '150Mi' }, KUBE_RBAC_PROXY, KUBE_RBAC_PROXY], replicas: () => 1, spread: { kind: 'free' } },
  { pod: 'kubesphere-monitoring-system/prometheus-operator', containers: [{ cpu: '100m', memory: '100Mi' }, KUBE_RBAC_PROXY], replicas: () => 1, spread: { kind: 'free' } },
  { pod: 'kubesphere-monitoring-system/node-exporter', containers: [{ cpu: '102m', memory: '180Mi' }, KUBE_RBAC_PROXY], spread: { kind: 'free' } },
];

/**
 * KubeSphere logging (`spec.logging.enabled`), the platform's one log pipeline, from kubesphere/ks-installer v3.4.1
 * `roles/common/tasks/fluentbit-install.yaml`: fluent-bit 10m/25Mi on every node, tolerating every taint
 * (`roles/common/templates/custom-fluentbit-fluentBit.yaml.j2`), and fluentbit-operator 10m/20Mi, one replica
 * (`roles/common/templates/custom-fluentbit-operator-deployment.yaml.j2`). The log-sidecar injector stays off.
 */
const LOGGING_PODS: readonly KubeSpherePod[] = [
  { pod: 'kubesphere-logging-system/fluent-bit', containers: [{ cpu: '10m', memory: '25Mi' }], spread: { kind: 'free' } },
  { pod: 'kubesphere-logging-system/fluentbit-operator', containers: [{ cpu: '10m', memory: '20Mi' }], replicas: () => 1, spread: { kind: 'free' } },
];

/**
 * What ks-installer runs when the ClusterConfiguration is among the objects: Jenkins (`devops-jenkins`) as
 * `spec.devops` sizes it (`jenkinsCpuReq` counts 0 when absent), KubeSphere's core and monitoring pods, and
 * fluent-bit when logging is on.
 */
function kubeSphereWorkloads(env: Environment, objects: readonly KubeObject[]): Workload[] {
  const config = objects.find((o) => o.apiVersion === CLUSTER_CONFIGURATION.apiVersion && o.kind === CLUSTER_CONFIGURATION.kind);
  if (!config) return [];
  const devops = asObject(asObject(config.spec)?.devops);
  const jenkins =
    devops?.enabled === true
      ? [installedWorkload('ClusterConfiguration/kubesphere-devops-system/devops-jenkins', 'ClusterConfiguration devops', [{ cpu: devops.jenkinsCpuReq, memory: devops.jenkinsMemoryReq }], 1, { kind: 'free' })]
      : [];
  const cluster = { controlPlaneNodes: env.cluster.roleGroups.controlPlane.length, nodes: env.cluster.hosts.length };
  const core = KUBESPHERE_PODS.map(({ pod, containers, replicas, spread }) => installedWorkload(`KubeSphere/${pod}`, 'KubeSphere 3.4 defaults', containers, replicas?.(cluster), spread));
  const logging =
    asObject(asObject(config.spec)?.logging)?.enabled === true
      ? LOGGING_PODS.map(({ pod, containers, replicas, spread }) => installedWorkload(`KubeSphere/${pod}`, 'ClusterConfiguration logging', containers, replicas?.(cluster), spread))
      : [];
  return [...jenkins, ...core, ...logging];
}

/** A workload without a manifest: `ref` is `Source/namespace/name`; `replicas` undefined makes it a DaemonSet. */
function installedWorkload(ref: string, source: string, containerRequests: readonly Json[], replicas: number | undefined, spread: Spread): Workload {
  const [, namespace = '', name = ''] = ref.split('/');
  return {
    ref,
    source,
    name,
    namespace,
    daemon: replicas === undefined,
    replicas: replicas ?? 1,
    cpu: containerRequests.reduce((sum, r) => sum + (parseQuantity(r.cpu) ?? 0), 0),
    memoryGiB: containerRequests.reduce((sum, r) => sum + (parseQuantity(r.memory) ?? 0), 0) / GIB,
    spread,
  };
}

/** What the scheduler reserves for a pod: the containers' requests (limits when no request), or the largest init container. */
function podRequests(template: PodTemplate): { cpu: number; memoryGiB: number } {
  let cpu = 0;
  let memory = 0;
  let initCpu = 0;
  let initMemory = 0;
  for (const { container, init } of containersOf(template)) {
    const resources = asObject(container.resources) ?? {};
    const requests = asObject(resources.requests) ?? {};
    const limits = asObject(resources.limits) ?? {};
    const c = parseQuantity(requests.cpu ?? limits.cpu) ?? 0;
    const m = parseQuantity(requests.memory ?? limits.memory) ?? 0;
    if (init) {
      initCpu = Math.max(initCpu, c);
      initMemory = Math.max(initMemory, m);
    } else {
      cpu += c;
      memory += m;
    }
  }
  return { cpu: Math.max(cpu, initCpu), memoryGiB: Math.max(memory, initMemory) / GIB };
}

function spreadOf(template: PodTemplate): Spread {
  const spec = template.spec;
  const selectsSelf = (term: Json | undefined) => term?.topologyKey === HOSTNAME_KEY && selectorMatches(term.labelSelector, template.labels);
  const antiAffinity = asObject(asObject(spec.affinity)?.podAntiAffinity) ?? {};
  if (asArray(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution).some((t) => selectsSelf(asObject(t)))) return { kind: 'one-per-node' };
  const constraints = asArray(spec.topologySpreadConstraints).map(asObject).filter(selectsSelf);
  const hard = constraints.filter((c) => c?.whenUnsatisfiable === 'DoNotSchedule');
  if (hard.length > 0) return { kind: 'max-skew', maxSkew: Math.min(...hard.map((c) => (typeof c?.maxSkew === 'number' ? c.maxSkew : 1))) };
  const preferred = asArray(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution).some((p) => selectsSelf(asObject(asObject(p)?.podAffinityTerm)));
  return constraints.length > 0 || preferred ? { kind: 'soft' } : { kind: 'free' };
}

interface NodeState {
  readonly name: string;
  readonly cpuAllocatable: number;
  readonly memoryAllocatableGiB: number;
  cpu: number;
  memoryGiB: number;
  pods: number;
  readonly replicas: Map<string, number>;
}

function place(env: Environment, workloads: readonly Workload[], workers: readonly string[], name: string, down?: string): CapacityScenario {
  const reserve = env.cluster.systemReserve;
  const nodes: NodeState[] = workers.map((worker) => {
    const host = env.cluster.hosts.find((h) => h.name === worker);
    return {
      name: worker,
      cpuAllocatable: Math.max(0, (host?.capacity.cpu ?? 0) - reserve.cpu),
      memoryAllocatableGiB: Math.max(0, (host?.capacity.memoryGiB ?? 0) - reserve.memoryGiB),
      cpu: 0,
      memoryGiB: 0,
      pods: 0,
      replicas: new Map(),
    };
  });
  const unplaced: PodDemand[] = [];
  const fits = (node: NodeState, pod: PodDemand) => node.cpu + pod.cpu <= node.cpuAllocatable + 1e-9 && node.memoryGiB + pod.memoryGiB <= node.memoryAllocatableGiB + 1e-9;
  const assign = (node: NodeState, pod: PodDemand) => {
    node.cpu += pod.cpu;
    node.memoryGiB += pod.memoryGiB;
    node.pods += 1;
    node.replicas.set(pod.workload, (node.replicas.get(pod.workload) ?? 0) + 1);
  };

  for (const workload of workloads.filter((w) => w.daemon)) {
    for (const node of nodes) {
      const pod = { workload: workload.ref, pod: `${workload.namespace}/${workload.name}@${node.name}`, cpu: workload.cpu, memoryGiB: workload.memoryGiB };
      if (fits(node, pod)) assign(node, pod);
      else unplaced.push(pod);
    }
  }

  const largest = { cpu: Math.max(1e-9, ...nodes.map((n) => n.cpuAllocatable)), memoryGiB: Math.max(1e-9, ...nodes.map((n) => n.memoryAllocatableGiB)) };
  const size = (w: Workload) => Math.max(w.cpu / largest.cpu, w.memoryGiB / largest.memoryGiB);
  const ordered = workloads.filter((w) => !w.daemon).sort((a, b) => size(b) - size(a) || compareText(a.ref, b.ref));
  const load = (n: NodeState) => n.cpu / Math.max(n.cpuAllocatable, 1e-9) + n.memoryGiB / Math.max(n.memoryAllocatableGiB, 1e-9);

  for (const workload of ordered) {
    for (let i = 1; i <= workload.replicas; i++) {
      const pod = { workload: workload.ref, pod: `${workload.namespace}/${workload.name}-${i}`, cpu: workload.cpu, memoryGiB: workload.memoryGiB };
      const count = (n: NodeState) => n.replicas.get(workload.ref) ?? 0;
      const fewest = Math.min(...nodes.map(count));
      const spread = workload.spread;
      const allowed = (n: NodeState) =>
        spread.kind === 'one-per-node' ? count(n) === 0 : spread.kind === 'max-skew' ? count(n) + 1 - fewest <= spread.maxSkew : true;
      const candidates = nodes.filter((n) => fits(n, pod) && allowed(n));
      const chosen = spread.kind === 'free' ? candidates[0] : [...candidates].sort((a, b) => count(a) - count(b) || load(a) - load(b))[0];
      if (chosen) assign(chosen, pod);
      else unplaced.push(pod);
    }
  }

  return {
    name,
    ...(down === undefined ? {} : { down }),
    nodes: nodes.map((n) => ({
      node: n.name,
      cpuAllocatable: n.cpuAllocatable,
      memoryAllocatableGiB: n.memoryAllocatableGiB,
      cpuRequested: n.cpu,
      memoryRequestedGiB: n.memoryGiB,
      pods: n.pods,
    })),
    unplaced,
  };
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '-';
}

/** `163 from manifests (28.75 CPU, 50.41 GiB), 7 from Helm release harbor (0.75 CPU, 1.69 GiB), ...` in the plan's order. */
function countedBySource(workloads: readonly WorkloadDemand[]): string {
  const totals = new Map<string, { pods: number; cpu: number; memoryGiB: number }>();
  for (const w of workloads) {
    const total = totals.get(w.source) ?? { pods: 0, cpu: 0, memoryGiB: 0 };
    totals.set(w.source, { pods: total.pods + w.pods, cpu: total.cpu + w.pods * w.cpu, memoryGiB: total.memoryGiB + w.pods * w.memoryGiB });
  }
  return [...totals].map(([source, t]) => `${t.pods} from ${source} (${round(t.cpu)} CPU, ${round(t.memoryGiB)} GiB)`).join(', ') || 'none';
}

/** The plan as a plain-text table: one row per worker per scenario, then the pods that did not fit. */
export function renderCapacityTable(plan: CapacityPlan): string {
  const header = ['scenario', 'node', 'pods', 'CPU req/alloc', 'CPU %', 'mem GiB req/alloc', 'mem %', 'headroom CPU', 'headroom GiB'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const scenario of plan.scenarios) {
    scenario.nodes.forEach((n, i) => {
      rows.push([
        i === 0 ? scenario.name : '',
        n.node,
        String(n.pods),
        `${n.cpuRequested.toFixed(2)}/${n.cpuAllocatable.toFixed(2)}`,
        percent(n.cpuRequested, n.cpuAllocatable),
        `${n.memoryRequestedGiB.toFixed(1)}/${n.memoryAllocatableGiB.toFixed(1)}`,
        percent(n.memoryRequestedGiB, n.memoryAllocatableGiB),
        (n.cpuAllocatable - n.cpuRequested).toFixed(2),
        (n.memoryAllocatableGiB - n.memoryRequestedGiB).toFixed(1),
      ]);
    });
    if (scenario.unplaced.length > 0) notes.push(`${scenario.name}: ${scenario.unplaced.length} pod(s) do not fit: ${scenario.unplaced.map(describe).join(', ')}`);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    `Capacity plan for ${plan.env} (allocatable = worker capacity minus the system reserve of ${plan.reserve.cpu} CPU / ${plan.reserve.memoryGiB} GiB; Deployments at maximum replicas)`,
    `Pods counted with all workers up: ${countedBySource(plan.workloads)}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(notes.length > 0 ? notes : ['every pod fits with all workers up and with any one worker down']),
  ].join('\n');
}
