import type { DistArtifact, DistObject } from './dist-tree.js';
import type { PathChange } from '../compare/field-diff.js';
import { formatPath, keysOf, overlaps } from '../compare/field-path.js';
import { isRecord, valueAt } from '../model/json.js';
import { RISK_FLAGS, type FlagReason, type RiskFlag } from './model.js';
import { ingressExposure, policyEdges, rbacGrants, serviceExposure, type IntentContext } from './intent.js';
import { networkPolicyWidening } from './network-policy.js';
import { parseQuantity } from '../model/quantity.js';
import { PROTECTED_KINDS } from '../model/protection.js';
import { isPrimaryIngress, skippedCanary } from './cutover.js';

/** What the rules know of the environment beyond the one object. The shell computes what needs the checks. */
export interface RiskOptions {
  /** Names for the intents: the stateful VMs by address. @default none */
  readonly context?: IntentContext;
  /** What each module still calls after the change (from its `*_URL` variables, which synth writes from `dependsOn.modules`). */
  readonly needs?: ReadonlyMap<string, readonly ModuleNeed[]>;
  /** Whether the environment is one users depend on (prod): a route's jump from legacy to kubernetes is flagged there. @default false */
  readonly protectedEnv?: boolean;
  /** Capacity findings (`capacity.worker-down: …`) of the after tree that the before tree did not have. @default none */
  readonly newCapacityFindings?: readonly string[];
}

/** A module another module calls: from `VEHICLE_REGISTRY_URL=http://vehicle-registry.icv-vehicle.svc.cluster.local:8080`. */
export interface ModuleNeed {
  readonly module: string;
  /** The ports a policy may allow for it: the URL's Service port and its numeric targetPort. */
  readonly ports: readonly string[];
  /** The variable that says so. */
  readonly variable: string;
}

/** An object change to judge: `before` is missing for an addition, `after` for a deletion. */
export interface ObjectChangeInput {
  readonly env: string;
  readonly before?: DistObject;
  readonly after?: DistObject;
  readonly changes: readonly PathChange[];
}

export interface ArtifactChangeInput {
  readonly env: string;
  readonly before?: DistArtifact;
  readonly after?: DistArtifact;
  readonly changes: readonly PathChange[];
}

/** Fields Kubernetes refuses to update in place, per kind: changing one means delete and re-create. */
const IMMUTABLE: readonly { readonly kinds: readonly string[]; readonly path: readonly string[] }[] = [
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'], path: ['spec', 'selector'] },
  { kinds: ['StatefulSet'], path: ['spec', 'volumeClaimTemplates'] },
  { kinds: ['StatefulSet'], path: ['spec', 'serviceName'] },
  { kinds: ['StatefulSet'], path: ['spec', 'podManagementPolicy'] },
  { kinds: ['Service'], path: ['spec', 'clusterIP'] },
  { kinds: ['Service'], path: ['spec', 'clusterIPs'] },
  { kinds: ['Job'], path: ['spec', 'template'] },
  { kinds: ['Secret'], path: ['type'] },
  { kinds: ['RoleBinding', 'ClusterRoleBinding'], path: ['roleRef'] },
];
/** Objects that hold data or identity that re-applying cannot bring back: the kinds prod protects, and StatefulSets. */
const STATEFUL_KINDS: Readonly<Record<string, string>> = {
  ...PROTECTED_KINDS,
  StatefulSet: 'its pods own data-bearing volume claims',
};
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
const WRITE_VERBS = new Set(['*', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate']);
const SCALING_PATHS = ['spec.replicas', 'spec.maxReplicas', 'spec.minReplicas'];

/** The rules a change to a Kubernetes object raises, each with a one-line reason. */
export function objectRisks(input: ObjectChangeInput, options: RiskOptions = {}): FlagReason[] {
  const { before, after, changes } = input;
  const current = (after ?? before)!;
  const reasons: FlagReason[] = [];
  const add = (flag: RiskFlag, reason: string) => reasons.push({ flag, reason });
  const stateful = statefulReason(current);

  const what = `${current.kind} ${current.namespace ? `${current.namespace}/` : ''}${current.name}`;
  if (!after && stateful) add('data.delete', `deletes ${what}: ${stateful}`);
  if (before && after && stateful) {
    const replacement = replacementReasons(before, after, changes);
    if (replacement.length > 0) add('data.replace', `replaces ${what} (${replacement.join('; ')}): ${stateful}`);
  }
  if (before && after) for (const reason of volumeChanges(current.kind, changes)) add('data.volume', reason);
  // Any other change to an object that holds data (a claim, a StatefulSet with claim templates): its pods restart on
  // their volumes, or a claim appears, which a later change can no longer take back without losing what it holds.
  const data = dataBearing(before, after);
  const beyondMetadata = !before || changes.some((c) => c.segments[0] !== 'metadata');
  if (data && after && beyondMetadata && !reasons.some((r) => r.flag.startsWith('data.'))) add('data.change', `${!before ? 'creates' : 'changes'} ${what}: ${data}`);
  if (options.protectedEnv && isPrimaryIngress(current)) {
    const skipped = skippedCanary(before?.body, after?.body);
    if (skipped) add('cutover.skip-canary', `route ${skipped} in ${input.env}`);
  }
  if (options.newCapacityFindings && options.newCapacityFindings.length > 0 && changesCapacity(input)) {
    add('capacity.n-1', `the capacity plan no longer holds: ${options.newCapacityFindings.join('; ')}`);
  }
  if (current.kind === 'NetworkPolicy' && before && options.needs) for (const reason of stillNeeded(before.body, after?.body, options)) add('edge.still-needed', reason);
  for (const reason of securityWeakening(current.kind, before?.body, after?.body)) add('security.weaken', reason);
  for (const reason of rbacWidening(current.kind, before?.body, after?.body)) add('rbac.widen', reason);
  if (current.kind === 'NetworkPolicy') {
    const knownAddresses = new Set(options.context?.addresses.keys() ?? []);
    for (const reason of networkPolicyWidening(before?.body, after?.body, { narrowPeers: true, knownAddresses })) add('network.widen', reason);
  }
  for (const reason of exposureWidening(current.kind, before?.body, after?.body)) add('exposure.widen', reason);
  if (current.kind === 'Secret' && before) for (const reason of secretChanges(before.body, after?.body)) add('secret.change', reason);
  return dedupe(reasons);
}

/** The rules a change to a Helm values file, the KubeKey config or a Jenkinsfile raises. */
export function artifactRisks(input: ArtifactChangeInput): FlagReason[] {
  const current = (input.after ?? input.before)!;
  const reasons: FlagReason[] = [];
  const release = /^helm\/(.+)$/.exec(current.unit)?.[1];
  const harbor = current.kind === 'helm-values' && release !== undefined && /^harbor/i.test(release);
  if (!input.after && harbor) reasons.push({ flag: 'data.delete', reason: `removes the Helm release ${release}: the registry every environment pulls from, with its database` });
  if (input.before && input.after) {
    for (const { segments, change } of input.changes) {
      if (harbor && keysOf(segments).includes('persistence') && keysOf(segments).some((k) => /size|storageClass|existingClaim/.test(k))) {
        reasons.push({ flag: 'data.volume', reason: `${change.path} of Harbor's data volumes: ${String(change.old)} → ${String(change.new)}` });
      }
      if (change.hidden) reasons.push({ flag: 'secret.change', reason: `${change.path} ${change.op} (value hidden)` });
    }
  }
  return dedupe(reasons);
}

/** Distinct flags of some reasons, most severe first. */
export function flagsOf(reasons: readonly FlagReason[]): RiskFlag[] {
  return RISK_FLAGS.filter((flag) => reasons.some((r) => r.flag === flag));
}

/** Why Kubernetes or Pulumi can only make this change by deleting and re-creating the object; empty when it can update. */
export function replacementReasons(before: DistObject, after: DistObject, changes: readonly PathChange[]): string[] {
  const reasons: string[] = [];
  if (before.apiVersion !== after.apiVersion) reasons.push(`apiVersion ${before.apiVersion} → ${after.apiVersion}`);
  if (before.kind !== after.kind) reasons.push(`kind ${before.kind} → ${after.kind}`);
  if (before.unit !== after.unit) {
    reasons.push(`moves from unit ${before.unit} to ${after.unit}: its Pulumi parent changes, so Pulumi replaces it unless the program declares an alias`);
  }
  if (before.kind !== after.kind) return reasons;
  const kind = after.kind;
  for (const rule of IMMUTABLE) {
    if (rule.kinds.includes(kind) && changes.some((c) => overlaps(c.segments, rule.path))) reasons.push(`${formatPath(rule.path)} is immutable on a ${kind}`);
  }
  if ((kind === 'ConfigMap' || kind === 'Secret') && before.body.immutable === true) {
    const data = changes.filter((c) => ['data', 'binaryData', 'stringData'].some((key) => overlaps(c.segments, [key])));
    if (data.length > 0) reasons.push(`the ${kind} is immutable: its data can only change by re-creating it`);
  }
  if (kind === 'Service') {
    const typeBefore = valueAt(before.body, ['spec', 'type']) ?? 'ClusterIP';
    const typeAfter = valueAt(after.body, ['spec', 'type']) ?? 'ClusterIP';
    if (typeBefore !== typeAfter && (typeBefore === 'ExternalName' || typeAfter === 'ExternalName')) {
      reasons.push(`spec.type ${String(typeBefore)} → ${String(typeAfter)} re-creates the Service`);
    }
  }
  if (kind === 'PersistentVolumeClaim') {
    for (const { segments, change } of changes) {
      if (!overlaps(segments, ['spec']) || segments.length === 0) continue;
      if (formatPath(segments) === 'spec.resources.requests.storage') {
        const old = parseQuantity(change.old);
        const next = parseQuantity(change.new);
        if (old !== undefined && next !== undefined && next >= old) continue;
        reasons.push(`spec.resources.requests.storage ${String(change.old)} → ${String(change.new)}: a claim can only grow`);
      } else {
        reasons.push(`${change.path} is immutable on a PersistentVolumeClaim`);
      }
    }
  }
  return reasons;
}

/** What makes an object data-bearing: a claim, or a StatefulSet whose pods own claims. */
function dataBearing(before: DistObject | undefined, after: DistObject | undefined): string | undefined {
  const current = (after ?? before)!;
  if (current.kind === 'PersistentVolumeClaim') return 'it holds a volume\'s data';
  const templates = (o: DistObject | undefined) => valueAt(o?.body, ['spec', 'volumeClaimTemplates']);
  if (current.kind === 'StatefulSet' && (Array.isArray(templates(before)) || Array.isArray(templates(after)))) return 'its pods write to their volume claims';
  return undefined;
}

function statefulReason(object: DistObject): string | undefined {
  const byKind = STATEFUL_KINDS[object.kind];
  if (byKind) return byKind;
  if (object.namespace === 'harbor' && object.kind !== 'NetworkPolicy') return 'it belongs to Harbor, the registry every environment pulls from';
  return undefined;
}

/** Changes to a data-bearing claim: a PVC's spec, a StatefulSet's claim templates. */
function volumeChanges(kind: string, changes: readonly PathChange[]): string[] {
  const prefix = kind === 'PersistentVolumeClaim' ? ['spec'] : kind === 'StatefulSet' ? ['spec', 'volumeClaimTemplates'] : undefined;
  if (!prefix) return [];
  return changes
    .filter((c) => c.segments.length >= prefix.length && overlaps(c.segments, prefix))
    .map(({ change }) => `${change.path} of a data-bearing claim: ${change.op === 'changed' ? `${show(change.old)} → ${show(change.new)}` : change.op}`);
}

/** Whether a change alters how many pods run or what they request: replicas, autoscaler bounds, requests, a new workload. */
function changesCapacity(input: ObjectChangeInput): boolean {
  const kind = (input.after ?? input.before)!.kind;
  const workload = ['Deployment', 'StatefulSet', 'DaemonSet', 'HorizontalPodAutoscaler'].includes(kind);
  if (!workload) return false;
  if (!input.before || !input.after) return input.after !== undefined;
  return input.changes.some(({ segments }) => SCALING_PATHS.includes(formatPath(segments)) || (keysOf(segments).includes('resources') && keysOf(segments).includes('requests')));
}

/**
 * Edges the change removes while the module on the other end is still called: the policy of `a` no longer lets `a`
 * reach `b`, or the policy of `b` no longer admits `a`, and `a` still has `B_URL` (its `dependsOn` still lists b).
 */
function stillNeeded(before: unknown, after: unknown, options: RiskOptions): string[] {
  const parse = (edge: string) => /^(.+) → (.+):([^:]+) \((egress|ingress)\)$/.exec(edge);
  const afterEdges = policyEdges(after, options.context).map(parse).filter((m) => m !== null);
  const removed = policyEdges(before, options.context).filter((e) => !policyEdges(after, options.context).includes(e));
  const reasons: string[] = [];
  for (const edge of removed) {
    const match = parse(edge);
    if (!match) continue;
    const [, from, to, , direction] = match;
    const need = options.needs!.get(from!)?.find((n) => n.module === to);
    if (!need) continue;
    const allowed = afterEdges.some(([, f, t, port, d]) => f === from && t === to && d === direction && (port === 'any port' || need.ports.includes(port!)));
    if (!allowed) {
      reasons.push(`${from} may no longer reach ${to} (${direction} rule removed) but still calls it: ${need.variable} (its dependsOn still lists ${to})`);
    }
  }
  return reasons;
}

interface SecurityField {
  readonly path: string;
  /** Whether going from `before` to `after` weakens the pod's isolation. */
  readonly weaker: (before: unknown, after: unknown) => boolean;
}
const TRUE_IS_WEAK = (b: unknown, a: unknown) => a === true && b !== true;
const TRUE_IS_STRONG = (b: unknown, a: unknown) => b === true && a !== true;
const FALSE_IS_STRONG = (b: unknown, a: unknown) => b === false && a !== false;
const CONTAINER_SECURITY: readonly SecurityField[] = [
  { path: 'securityContext.privileged', weaker: TRUE_IS_WEAK },
  { path: 'securityContext.allowPrivilegeEscalation', weaker: (b, a) => a === true || (b === false && a === undefined) },
  { path: 'securityContext.runAsNonRoot', weaker: TRUE_IS_STRONG },
  { path: 'securityContext.readOnlyRootFilesystem', weaker: TRUE_IS_STRONG },
  { path: 'securityContext.runAsUser', weaker: (b, a) => a === 0 && b !== 0 },
  { path: 'securityContext.seccompProfile.type', weaker: (b, a) => (b === 'RuntimeDefault' || b === 'Localhost') && a !== b },
];
const POD_SECURITY: readonly SecurityField[] = [
  { path: 'hostNetwork', weaker: TRUE_IS_WEAK },
  { path: 'hostPID', weaker: TRUE_IS_WEAK },
  { path: 'hostIPC', weaker: TRUE_IS_WEAK },
  { path: 'automountServiceAccountToken', weaker: FALSE_IS_STRONG },
  { path: 'securityContext.runAsNonRoot', weaker: TRUE_IS_STRONG },
  { path: 'securityContext.runAsUser', weaker: (b, a) => a === 0 && b !== 0 },
  { path: 'securityContext.seccompProfile.type', weaker: (b, a) => (b === 'RuntimeDefault' || b === 'Localhost') && a !== b },
];

/**
 * Privilege or security-context weakening of a workload's pods: privileged, privilege escalation, root, a writable
 * root filesystem, a looser seccomp profile, host namespaces, a mounted token, added capabilities or dropped drops,
 * host paths. A new workload is judged against a restricted pod (no field set counts as restricted for it).
 */
function securityWeakening(kind: string, before: unknown, after: unknown): string[] {
  if (after === undefined) return [];
  const podBefore = before === undefined ? undefined : podSpecOf(before);
  const podAfter = podSpecOf(after);
  if (podAfter === undefined) return [];
  const reasons: string[] = [];
  const isNew = before === undefined;
  const check = (fields: readonly SecurityField[], b: unknown, a: unknown, where: string) => {
    for (const field of fields) {
      const path = field.path.split('.');
      const old = b === undefined ? undefined : valueAt(b, path);
      const next = valueAt(a, path);
      const weaker = isNew ? next !== undefined && field.weaker(defaultStrong(field.path), next) : field.weaker(old, next);
      if (weaker) reasons.push(`${where}${field.path} ${isNew ? 'is' : `${show(old)} →`} ${show(next)}`);
    }
  };
  check(POD_SECURITY, podBefore, podAfter, 'pod ');
  for (const list of CONTAINER_LISTS) {
    const containers = (pod: unknown) => new Map((Array.isArray(valueAt(pod, [list])) ? (valueAt(pod, [list]) as unknown[]) : []).filter(isRecord).map((c) => [String(c.name), c] as const));
    const old = podBefore === undefined ? new Map<string, Record<string, unknown>>() : containers(podBefore);
    for (const [name, container] of containers(podAfter)) {
      const previous = old.get(name);
      const where = `container ${name} `;
      if (previous === undefined && !isNew) {
        check(CONTAINER_SECURITY, { securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } } }, container, `new ${where}`);
      } else check(CONTAINER_SECURITY, previous, container, where);
      const added = stringList(valueAt(container, ['securityContext', 'capabilities', 'add'])).filter((c) => !stringList(valueAt(previous, ['securityContext', 'capabilities', 'add'])).includes(c));
      if (added.length > 0) reasons.push(`${where}adds capabilities ${added.join(', ')}`);
      const dropped = stringList(valueAt(previous, ['securityContext', 'capabilities', 'drop'])).filter((c) => !stringList(valueAt(container, ['securityContext', 'capabilities', 'drop'])).includes(c));
      if (dropped.length > 0) reasons.push(`${where}no longer drops capabilities ${dropped.join(', ')}`);
    }
  }
  const hostPaths = (pod: unknown) => (Array.isArray(valueAt(pod, ['volumes'])) ? (valueAt(pod, ['volumes']) as unknown[]) : []).filter((v) => isRecord(v) && isRecord(v.hostPath)).map((v) => String(valueAt(v, ['hostPath', 'path'])));
  const newHostPaths = hostPaths(podAfter).filter((p) => !(podBefore === undefined ? [] : hostPaths(podBefore)).includes(p));
  if (newHostPaths.length > 0) reasons.push(`mounts host path ${newHostPaths.join(', ')}`);
  void kind;
  return reasons;
}

function defaultStrong(path: string): unknown {
  if (path.endsWith('runAsNonRoot') || path.endsWith('readOnlyRootFilesystem')) return true;
  if (path.endsWith('allowPrivilegeEscalation') || path.endsWith('automountServiceAccountToken')) return false;
  if (path.endsWith('seccompProfile.type')) return 'RuntimeDefault';
  return undefined;
}

function podSpecOf(body: unknown): unknown {
  return valueAt(body, ['spec', 'template', 'spec']) ?? valueAt(body, ['spec', 'jobTemplate', 'spec', 'template', 'spec']);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** New write, wildcard or secret access granted by a Role, or new subjects of a binding. */
function rbacWidening(kind: string, before: unknown, after: unknown): string[] {
  if (after === undefined) return [];
  if (kind === 'Role' || kind === 'ClusterRole') {
    const old = new Set(rbacGrants(before));
    return rbacGrants(after)
      .filter((g) => !old.has(g))
      .filter((g) => {
        const [verb, resource] = g.split(' ');
        return WRITE_VERBS.has(verb!) || resource === '*' || resource === 'secrets' || resource?.startsWith('secrets/') === true;
      })
      .map((g) => `${kind} now grants ${g}`);
  }
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    const subjects = (b: unknown) => (Array.isArray(valueAt(b, ['subjects'])) ? (valueAt(b, ['subjects']) as unknown[]) : []).map((s) => JSON.stringify(s));
    const old = new Set(before === undefined ? [] : subjects(before));
    const ref = valueAt(after, ['roleRef']);
    const role = isRecord(ref) ? `${String(ref.kind)} ${String(ref.name)}` : 'its role';
    const added = subjects(after).filter((s) => !old.has(s));
    const refChanged = before !== undefined && JSON.stringify(valueAt(before, ['roleRef'])) !== JSON.stringify(ref);
    const out = added.map((s) => `binds ${role} to a new subject ${s}`);
    if (refChanged) out.push(`now binds ${role} (was ${JSON.stringify(valueAt(before, ['roleRef']))})`);
    return before === undefined && kind === 'RoleBinding' ? [] : out;
  }
  return [];
}

/**
 * New ways in from outside: an Ingress route (host and path), a Service that becomes NodePort or LoadBalancer or gains
 * a node port, an external IP, a source range widened or lifted (Service ranges, the ingress-nginx annotation).
 */
function exposureWidening(kind: string, before: unknown, after: unknown): string[] {
  if (after === undefined) return [];
  if (kind === 'Ingress') {
    const route = (s: string) => !s.startsWith('TLS ') && !s.startsWith('source range ');
    const old = new Set((before === undefined ? [] : ingressExposure(before)).filter(route).map((r) => r.split(' → ')[0]));
    const added = ingressExposure(after).filter(route).map((r) => r.split(' → ')[0]!).filter((r) => !old.has(r));
    const reasons = added.length > 0 ? [`${before === undefined ? 'new Ingress exposes' : 'Ingress now exposes'} ${[...new Set(added)].join(', ')}`] : [];
    return [...reasons, ...rangeLifting(ingressExposure(before), ingressExposure(after), 'Ingress')];
  }
  if (kind === 'Service') {
    const old = before === undefined ? [] : serviceExposure(before);
    const next = serviceExposure(after);
    const publicType = (list: readonly string[]) => list.find((s) => s === 'type NodePort' || s === 'type LoadBalancer');
    const reasons: string[] = [];
    const typeAfter = publicType(next);
    if (typeAfter && typeAfter !== publicType(old)) reasons.push(`Service ${before === undefined ? 'is' : 'becomes'} ${typeAfter.slice(5)}, reachable from outside the cluster`);
    for (const entry of next) {
      if (old.includes(entry)) continue;
      if (entry.startsWith('NodePort ') && !(typeAfter && typeAfter !== publicType(old))) reasons.push(`new ${entry}`);
      if (entry.startsWith('external IP ')) reasons.push(`new ${entry}`);
    }
    return [...reasons, ...rangeLifting(old, next, 'Service')];
  }
  return [];
}

/** Source ranges of an exposed object that are lifted (no range left) or gain a range. */
function rangeLifting(before: readonly string[], after: readonly string[], what: string): string[] {
  const ranges = (list: readonly string[]) => list.filter((s) => s.startsWith('source range ')).map((s) => s.slice('source range '.length));
  const old = ranges(before);
  const next = ranges(after);
  if (old.length > 0 && next.length === 0) return [`${what} no longer restricts its sources (was ${old.join(', ')})`];
  const added = next.filter((r) => !old.includes(r));
  return old.length > 0 && added.length > 0 ? [`${what} admits more sources: ${added.join(', ')}`] : [];
}

/** Keys of a Secret that change, appear or go: never their values. */
function secretChanges(before: unknown, after: unknown): string[] {
  const keys = (body: unknown) => {
    const out = new Map<string, string>();
    for (const field of ['data', 'stringData', 'binaryData']) {
      const map = valueAt(body, [field]);
      if (isRecord(map)) for (const [k, v] of Object.entries(map)) out.set(k, JSON.stringify(v));
    }
    return out;
  };
  const old = keys(before);
  if (after === undefined) return old.size > 0 ? [`deletes a Secret holding ${[...old.keys()].join(', ')}`] : [];
  const next = keys(after);
  const changed = [...next].filter(([k, v]) => old.has(k) && old.get(k) !== v).map(([k]) => k);
  const added = [...next.keys()].filter((k) => !old.has(k));
  const removed = [...old.keys()].filter((k) => !next.has(k));
  const parts = [
    changed.length > 0 ? `changes ${changed.join(', ')}` : '',
    added.length > 0 ? `adds ${added.join(', ')}` : '',
    removed.length > 0 ? `removes ${removed.join(', ')}` : '',
  ].filter(Boolean);
  const typeChanged = valueAt(before, ['type']) !== valueAt(after, ['type']);
  if (typeChanged) parts.push(`type ${String(valueAt(before, ['type']))} → ${String(valueAt(after, ['type']))}`);
  return parts.length > 0 ? [`Secret ${parts.join('; ')} (values hidden)`] : [];
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'unset';
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function dedupe(reasons: readonly FlagReason[]): FlagReason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = `${r.flag}\0${r.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
