import type { KubeObject } from '../core/types.js';
import type { Environment } from '../environment/schema.js';
import { finding, type Finding } from './finding.js';
import { asArray, asObject, asString, containersOf, HOSTNAME_KEY, namespaceOf, parseCpu, parseMemory, podTemplate, REPLICATED_KINDS, replicaRange, selectorMatches, type Json, type PodTemplate } from './kube.js';

/**
 * Capacity plan: does every pod fit on the workers, with all of them up and with any one of them down?
 * Deployments count at their maximum (the HPA's maxReplicas, else spec.replicas), DaemonSets one pod per worker.
 * Pods are placed first-fit decreasing by resource requests; replicas of a spread workload go to the
 * least-loaded feasible node holding the fewest of them, and hard constraints (required anti-affinity,
 * DoNotSchedule spread) are never broken. Rules `capacity.all-up` and `capacity.worker-down`.
 */

const GIB = 2 ** 30;

/** How a workload's replicas may share a node. */
type Spread = { readonly kind: 'free' } | { readonly kind: 'soft' } | { readonly kind: 'max-skew'; readonly maxSkew: number } | { readonly kind: 'one-per-node' };

export interface PodDemand {
  /** `Deployment/icv-vehicle/vehicle-access`. */
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

export interface CapacityPlan {
  readonly env: string;
  readonly production: boolean;
  readonly reserve: { readonly cpu: number; readonly memoryGiB: number };
  readonly scenarios: readonly CapacityScenario[];
}

interface Workload {
  readonly ref: string;
  readonly name: string;
  readonly namespace: string;
  readonly daemon: boolean;
  readonly replicas: number;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly spread: Spread;
}

export function planCapacity(env: Environment, objects: readonly KubeObject[]): CapacityPlan {
  const workloads = objects.map((o) => workloadOf(o, objects)).filter((w): w is Workload => w !== undefined);
  const workers = env.cluster.roleGroups.worker;
  const scenarios = [
    place(env, workloads, workers, 'all workers up'),
    ...workers.map((down) => place(env, workloads, workers.filter((w) => w !== down), `${down} down`, down)),
  ];
  return { env: env.name, production: env.production, reserve: env.cluster.systemReserve, scenarios };
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
    name: asString(obj.metadata?.name) ?? '',
    namespace: namespaceOf(obj),
    daemon,
    replicas: REPLICATED_KINDS.has(obj.kind) ? replicaRange(obj, objects).max : 1,
    cpu,
    memoryGiB,
    spread: spreadOf(template),
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
    const c = parseCpu(requests.cpu ?? limits.cpu) ?? 0;
    const m = parseMemory(requests.memory ?? limits.memory) ?? 0;
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
  const ordered = workloads.filter((w) => !w.daemon).sort((a, b) => size(b) - size(a) || a.ref.localeCompare(b.ref));
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
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(notes.length > 0 ? notes : ['every pod fits with all workers up and with any one worker down']),
  ].join('\n');
}
