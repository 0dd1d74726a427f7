import type { KubeObject } from '../model/types.js';

/**
 * Read-only helpers over plain Kubernetes JSON shared by the rules. Objects may come from any YAML file,
 * so every accessor tolerates missing or mistyped fields instead of trusting the types.
 */

export { asArray, asObject, asString, type Json } from '../model/json.js';
import { asArray, asObject, asString, type Json } from '../model/json.js';

export function asLabels(value: unknown): Record<string, string> {
  const map = asObject(value) ?? {};
  return Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Appends a map key to a path: `data.password`, or `data['.dockerconfigjson']` when the key is not an identifier. */
export function keyPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${path}.${key}` : `${path}['${key}']`;
}

/** Whether an apiVersion belongs to an API group Kubernetes itself serves (as opposed to a custom resource). */
export function isBuiltInApiVersion(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return group === '' || group.endsWith('.k8s.io') || ['apps', 'batch', 'autoscaling', 'policy', 'extensions'].includes(group);
}

export function namespaceOf(obj: KubeObject): string {
  return asString(obj.metadata?.namespace) ?? '';
}

/** A pod spec as it appears in a workload, with where it sits and the labels and annotations its pods get. */
export interface PodTemplate {
  readonly owner: KubeObject;
  readonly spec: Json;
  readonly labels: Record<string, string>;
  /** Path of the pod spec inside the owner: `spec.template.spec`. */
  readonly path: string;
}

/** Kinds whose objects carry a pod template, and where it is. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds that run until stopped: probes, spreading and disruption budgets apply to them, not to Jobs. */
export const LONG_RUNNING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);
/** Kinds whose replica count is declared (and may be managed by an HPA). */
export const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

export function podTemplate(obj: KubeObject): PodTemplate | undefined {
  if (obj.kind === 'Pod') {
    const spec = asObject(obj.spec);
    return spec ? { owner: obj, spec, labels: asLabels(obj.metadata?.labels), path: 'spec' } : undefined;
  }
  const steps = TEMPLATE_PATHS[obj.kind];
  if (!steps) return undefined;
  let template: Json | undefined = obj as unknown as Json;
  for (const step of steps) template = asObject(template?.[step]);
  const spec = asObject(template?.spec);
  if (!template || !spec) return undefined;
  return { owner: obj, spec, labels: asLabels(asObject(template.metadata)?.labels), path: `${steps.join('.')}.spec` };
}

export function podTemplates(objects: readonly KubeObject[]): PodTemplate[] {
  return objects.map(podTemplate).filter((t): t is PodTemplate => t !== undefined);
}

export interface ContainerRef {
  readonly container: Json;
  readonly name: string;
  /** `spec.template.spec.containers[app]`. */
  readonly path: string;
  readonly init: boolean;
}

/** Containers and init containers of a pod spec, each with its path (named by container name). */
export function containersOf(template: PodTemplate): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    asArray(template.spec[field]).forEach((item, index) => {
      const container = asObject(item);
      if (!container) return;
      const name = asString(container.name) ?? String(index);
      refs.push({ container, name, path: `${template.path}.${field}[${name}]`, init: field === 'initContainers' });
    });
  }
  return refs;
}

/**
 * Whether a LabelSelector (`matchLabels` + `matchExpressions`) selects the labels.
 * An empty selector selects everything; a missing one selects nothing.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = asObject(selector);
  if (!sel) return false;
  for (const [key, value] of Object.entries(asLabels(sel.matchLabels))) if (labels[key] !== value) return false;
  for (const item of asArray(sel.matchExpressions)) {
    const expr = asObject(item);
    const key = asString(expr?.key) ?? '';
    const values = asArray(expr?.values).filter((v): v is string => typeof v === 'string');
    const has = Object.hasOwn(labels, key);
    switch (expr?.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Whether a plain label map (a Service selector) selects the labels; an empty map selects nothing. */
export function labelMapMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** The HorizontalPodAutoscaler whose scaleTargetRef names this workload. */
export function autoscalerFor(workload: KubeObject, objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find((o) => {
    if (o.kind !== 'HorizontalPodAutoscaler' || namespaceOf(o) !== namespaceOf(workload)) return false;
    const ref = asObject(asObject(o.spec)?.scaleTargetRef);
    return ref?.kind === workload.kind && ref?.name === workload.metadata?.name;
  });
}

export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
  readonly autoscaler?: KubeObject;
}

/** Replicas of a Deployment, StatefulSet or ReplicaSet: the HPA's bounds if one targets it, else `spec.replicas` (default 1). */
export function replicaRange(workload: KubeObject, objects: readonly KubeObject[]): ReplicaRange {
  const autoscaler = autoscalerFor(workload, objects);
  if (autoscaler) {
    const spec = asObject(autoscaler.spec) ?? {};
    const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
    const max = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : min;
    return { min, max, autoscaler };
  }
  const replicas = asObject(workload.spec)?.replicas;
  const count = typeof replicas === 'number' ? replicas : 1;
  return { min: count, max: count };
}

/** Resolves an int-or-percent (`minAvailable`, `maxUnavailable`) against a replica count, rounding up as Kubernetes does. */
export function scaledValue(value: unknown, replicas: number): number | undefined {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return match ? Math.ceil((Number(match[1]) * replicas) / 100) : undefined;
}

/** The topology key that means "one node". */
export const HOSTNAME_KEY = 'kubernetes.io/hostname';
