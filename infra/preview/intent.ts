import type { PathChange } from '../compare/field-diff.js';
import { formatPath, keysOf, type PathSegment } from '../compare/field-path.js';
import { describeImageChange } from '../model/image-ref.js';
import { isRecord, valueAt } from '../model/json.js';
import type { Intent, IntentAspect } from './model.js';
import { cutoverLines } from './cutover.js';

/** What the intents of one environment can name: the VM addresses of the stateful services, by address. */
export interface IntentContext {
  /** `192.168.16.206` → `redis`: from the EndpointSlices of the environment (both sides of the diff). */
  readonly addresses: ReadonlyMap<string, string>;
}

/** One object change to explain: `before` missing for an addition, `after` for a deletion. */
export interface IntentInput {
  readonly kind: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly fields: readonly PathChange[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
const NAME_LABELS = ['app.kubernetes.io/name', 'k8s-app', 'app'];
const EMPTY_CONTEXT: IntentContext = { addresses: new Map() };

/**
 * The intent-level statements of a change, for the kinds reviewers reason about: NetworkPolicy as allowed edges
 * (`from → to:port`, with module names and the stateful VMs named), Roles as granted verbs, bindings as subjects,
 * Services and Ingresses as exposure, workloads as image, replicas, resources, security context and environment,
 * autoscalers and disruption budgets as replica bounds, ConfigMaps and Secrets by key (Secret values never shown),
 * claims by size and class. Undefined for kinds it does not know, whose field-level changes say it all.
 * A pure function of the two bodies: the drift report can use it on a refreshed state.
 */
export function changeIntents(input: IntentInput, context: IntentContext = EMPTY_CONTEXT): Intent[] | undefined {
  const { kind, before, after } = input;
  if (kind === 'NetworkPolicy') return networkIntents(before, after, context);
  if (kind === 'Role' || kind === 'ClusterRole') return setIntents('rbac', rbacGrants(before), rbacGrants(after), 'grants');
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') return setIntents('rbac', bindings(before), bindings(after), 'binds');
  if (kind === 'Service') return setIntents('exposure', serviceExposure(before), serviceExposure(after), 'exposes');
  if (kind === 'Ingress') return [...cutoverIntents(before, after), ...setIntents('exposure', ingressExposure(before), ingressExposure(after), 'routes')];
  if (WORKLOAD_KINDS.has(kind)) return workloadIntents(input);
  if (kind === 'HorizontalPodAutoscaler') return scalarIntents(input, 'scaling', { 'spec.minReplicas': 'minimum replicas', 'spec.maxReplicas': 'maximum replicas' });
  if (kind === 'PodDisruptionBudget') return scalarIntents(input, 'scaling', { 'spec.minAvailable': 'minimum available', 'spec.maxUnavailable': 'maximum unavailable' });
  if (kind === 'ConfigMap') return keyIntents(input, 'config', ['data', 'binaryData'], false);
  if (kind === 'Secret') return keyIntents(input, 'secret', ['data', 'stringData', 'binaryData'], true);
  if (kind === 'PersistentVolumeClaim') return scalarIntents(input, 'storage', { 'spec.resources.requests.storage': 'size', 'spec.storageClassName': 'storage class', 'spec.accessModes': 'access modes' });
  return undefined;
}

/** A route's cutover stage change, one line per route (`route console…/vehicle: legacy 100% → canary 20%`). */
function cutoverIntents(before: unknown, after: unknown): Intent[] {
  return cutoverLines(before, after).map((text) => ({ aspect: 'exposure', op: 'changed', text }));
}

// --- NetworkPolicy --------------------------------------------------------------------------------------------

/**
 * Edges a policy allows, as text: `vehicle-access → vehicle-registry:8080 (egress)` for an egress rule of the
 * vehicle-access policy, `dispatch-scheduler → vehicle-access:9000 (ingress)` for an ingress rule. Compared as sets,
 * so removing one rule is one removed edge, whatever its position.
 */
export function policyEdges(policy: unknown, context: IntentContext = EMPTY_CONTEXT): string[] {
  if (!isRecord(policy)) return [];
  const namespace = valueAt(policy, ['metadata', 'namespace']);
  const subject = selectorName(valueAt(policy, ['spec', 'podSelector']), typeof namespace === 'string' ? namespace : undefined, true);
  const edges = new Set<string>();
  for (const [key, peerKey, direction] of [['egress', 'to', 'egress'], ['ingress', 'from', 'ingress']] as const) {
    const rules = valueAt(policy, ['spec', key]);
    for (const rule of Array.isArray(rules) ? rules : []) {
      const peers = isRecord(rule) && Array.isArray(rule[peerKey]) && rule[peerKey].length > 0 ? (rule[peerKey] as unknown[]) : [undefined];
      const ports = isRecord(rule) && Array.isArray(rule.ports) && rule.ports.length > 0 ? rule.ports.map(portText) : ['any port'];
      for (const peer of peers) {
        const other = peerName(peer, typeof namespace === 'string' ? namespace : undefined, context);
        for (const port of ports) {
          edges.add(direction === 'egress' ? `${subject} → ${other}:${port} (egress)` : `${other} → ${subject}:${port} (ingress)`);
        }
      }
    }
  }
  return [...edges].sort();
}

function networkIntents(before: unknown, after: unknown, context: IntentContext): Intent[] {
  const intents = setIntents('network', policyEdges(before, context), policyEdges(after, context), 'allows');
  const typesBefore = policyTypes(before);
  const typesAfter = policyTypes(after);
  if (before !== undefined && after !== undefined) {
    for (const t of typesAfter) if (!typesBefore.includes(t)) intents.push({ aspect: 'network', op: 'added', text: `now restricts ${t.toLowerCase()} (policyTypes)` });
    for (const t of typesBefore) if (!typesAfter.includes(t)) intents.push({ aspect: 'network', op: 'removed', text: `no longer restricts ${t.toLowerCase()} (policyTypes)` });
    const selectorBefore = JSON.stringify(valueAt(before, ['spec', 'podSelector']) ?? {});
    const selectorAfter = JSON.stringify(valueAt(after, ['spec', 'podSelector']) ?? {});
    if (selectorBefore !== selectorAfter) intents.push({ aspect: 'network', op: 'changed', text: `applies to other pods: podSelector ${selectorBefore} → ${selectorAfter}` });
  }
  return intents;
}

function policyTypes(policy: unknown): string[] {
  if (policy === undefined) return [];
  const types = valueAt(policy, ['spec', 'policyTypes']);
  if (Array.isArray(types)) return types.map(String);
  return valueAt(policy, ['spec', 'egress']) === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

function portText(port: unknown): string {
  if (!isRecord(port)) return 'any port';
  const protocol = typeof port.protocol === 'string' && port.protocol !== 'TCP' ? `/${port.protocol}` : '';
  if (port.port === undefined) return `any port${protocol}`;
  return `${String(port.port)}${port.endPort !== undefined ? `-${String(port.endPort)}` : ''}${protocol}`;
}

/** A peer as a reviewer names it: the module, `kube-system/kube-dns`, `redis (VM)`, `0.0.0.0/0`, `all namespaces`. */
function peerName(peer: unknown, policyNamespace: string | undefined, context: IntentContext): string {
  if (!isRecord(peer)) return 'anywhere';
  if (isRecord(peer.ipBlock)) {
    const cidr = String(peer.ipBlock.cidr);
    const except = Array.isArray(peer.ipBlock.except) && peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(', ')}` : '';
    const host = /^(\d+\.\d+\.\d+\.\d+)\/32$/.exec(cidr)?.[1];
    const service = host === undefined ? undefined : context.addresses.get(host);
    return service !== undefined ? `${service} (VM)` : `${cidr}${except}`;
  }
  const nsSelector = peer.namespaceSelector;
  const namespace = nsSelector === undefined ? policyNamespace : namespaceOfSelector(nsSelector);
  if (peer.podSelector === undefined) {
    if (nsSelector === undefined) return 'every pod of the namespace';
    return namespace === undefined ? `all pods in namespaces ${JSON.stringify(nsSelector)}` : isEmpty(nsSelector) ? 'all pods in all namespaces' : `all pods in namespace ${namespace}`;
  }
  const pods = selectorName(peer.podSelector, namespace, false);
  if (nsSelector !== undefined && isEmpty(nsSelector)) return `${pods} in all namespaces`;
  if (nsSelector !== undefined && namespace === undefined) return `${pods} in namespaces ${JSON.stringify(nsSelector)}`;
  return pods.startsWith('icv:') ? pods.slice(4) : namespace !== undefined && namespace !== policyNamespace ? `${namespace}/${pods}` : pods;
}

/**
 * The name of what a pod selector selects: a platform module's name (marked `icv:` for the caller to strip), another
 * workload's name label, `all pods`, or the selector itself.
 */
function selectorName(selector: unknown, namespace: string | undefined, subject: boolean): string {
  const labels = isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const expressions = isRecord(selector) && Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (Object.keys(labels).length === 0 && expressions.length === 0) return subject ? `every pod of ${namespace ?? 'the namespace'}` : 'all pods';
  const label = NAME_LABELS.find((l) => typeof labels[l] === 'string');
  if (label === undefined || expressions.length > 0) return `pods ${JSON.stringify(selector)}`;
  const name = String(labels[label]);
  if (subject) return name;
  return labels['app.kubernetes.io/part-of'] === 'icv-platform' ? `icv:${name}` : name;
}

function namespaceOfSelector(selector: unknown): string | undefined {
  const labels = isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const name = labels['kubernetes.io/metadata.name'];
  return typeof name === 'string' && Object.keys(labels).length === 1 ? name : undefined;
}

function isEmpty(selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  const labels = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels) : [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return labels.length === 0 && expressions.length === 0;
}

// --- RBAC ------------------------------------------------------------------------------------------------------

/** `get, list secrets (core)` per rule and resource: what a Role grants. */
export function rbacGrants(role: unknown): string[] {
  const rules = valueAt(role, ['rules']);
  const out = new Set<string>();
  for (const rule of Array.isArray(rules) ? rules : []) {
    if (!isRecord(rule)) continue;
    const verbs = (Array.isArray(rule.verbs) ? rule.verbs.map(String) : []).sort();
    const groups = Array.isArray(rule.apiGroups) ? rule.apiGroups.map((g) => (g === '' ? 'core' : String(g))) : [];
    const names = Array.isArray(rule.resourceNames) && rule.resourceNames.length > 0 ? ` named ${rule.resourceNames.join(', ')}` : '';
    const resources = Array.isArray(rule.resources) ? rule.resources.map(String) : [];
    const urls = Array.isArray(rule.nonResourceURLs) ? rule.nonResourceURLs.map(String) : [];
    for (const verb of verbs) {
      for (const resource of resources) out.add(`${verb} ${resource}${names} (${groups.join(', ') || 'core'})`);
      for (const url of urls) out.add(`${verb} ${url}`);
    }
  }
  return [...out].sort();
}

function bindings(binding: unknown): string[] {
  const roleRef = valueAt(binding, ['roleRef']);
  const role = isRecord(roleRef) ? `${String(roleRef.kind)} ${String(roleRef.name)}` : 'no role';
  const subjects = valueAt(binding, ['subjects']);
  return (Array.isArray(subjects) ? subjects : [])
    .filter(isRecord)
    .map((s) => `${role} to ${String(s.kind)} ${s.namespace !== undefined ? `${String(s.namespace)}/` : ''}${String(s.name)}`)
    .sort();
}

// --- exposure --------------------------------------------------------------------------------------------------

/** How a Service is reached: its type, node ports, load balancer, external IPs and source ranges. */
export function serviceExposure(service: unknown): string[] {
  if (service === undefined) return [];
  const type = String(valueAt(service, ['spec', 'type']) ?? 'ClusterIP');
  const out: string[] = [`type ${type}`];
  const ports = valueAt(service, ['spec', 'ports']);
  for (const port of Array.isArray(ports) ? ports.filter(isRecord) : []) {
    const protocol = typeof port.protocol === 'string' && port.protocol !== 'TCP' ? `/${port.protocol}` : '';
    out.push(`port ${String(port.port)}${protocol} → ${String(port.targetPort ?? port.port)}`);
    if (port.nodePort !== undefined) out.push(`NodePort ${String(port.nodePort)}${protocol} on every node`);
  }
  const ranges = valueAt(service, ['spec', 'loadBalancerSourceRanges']);
  for (const range of Array.isArray(ranges) ? ranges : []) out.push(`source range ${String(range)}`);
  const external = valueAt(service, ['spec', 'externalIPs']);
  for (const ip of Array.isArray(external) ? external : []) out.push(`external IP ${String(ip)}`);
  const policy = valueAt(service, ['spec', 'externalTrafficPolicy']);
  if (typeof policy === 'string') out.push(`externalTrafficPolicy ${policy}`);
  return out.sort();
}

const SOURCE_RANGE_ANNOTATIONS = ['nginx.ingress.kubernetes.io/whitelist-source-range', 'nginx.ingress.kubernetes.io/allowlist-source-range'];

/** What an Ingress routes: `host/path → service:port`, TLS hosts, source-range annotations. */
export function ingressExposure(ingress: unknown): string[] {
  if (ingress === undefined) return [];
  const out: string[] = [];
  const backend = (b: unknown) => {
    const svc = valueAt(b, ['service']);
    const port = valueAt(svc, ['port']);
    const portName = isRecord(port) ? (port.number ?? port.name) : undefined;
    return isRecord(svc) ? `${String(svc.name)}:${String(portName ?? '?')}` : JSON.stringify(b);
  };
  const fallback = valueAt(ingress, ['spec', 'defaultBackend']);
  if (fallback !== undefined) out.push(`* (default backend) → ${backend(fallback)}`);
  const rules = valueAt(ingress, ['spec', 'rules']);
  for (const rule of Array.isArray(rules) ? rules : []) {
    const host = isRecord(rule) && typeof rule.host === 'string' ? rule.host : '*';
    const paths = valueAt(rule, ['http', 'paths']);
    for (const path of Array.isArray(paths) ? paths : []) {
      out.push(`${host}${isRecord(path) && typeof path.path === 'string' ? path.path : '/'} → ${backend(valueAt(path, ['backend']))}`);
    }
  }
  const tls = valueAt(ingress, ['spec', 'tls']);
  for (const entry of Array.isArray(tls) ? tls : []) {
    const hosts = valueAt(entry, ['hosts']);
    for (const host of Array.isArray(hosts) ? hosts : []) out.push(`TLS for ${String(host)}`);
  }
  const annotations = valueAt(ingress, ['metadata', 'annotations']);
  for (const key of SOURCE_RANGE_ANNOTATIONS) {
    const value = isRecord(annotations) ? annotations[key] : undefined;
    if (typeof value === 'string') for (const range of value.split(',')) out.push(`source range ${range.trim()}`);
  }
  return out.sort();
}

// --- workloads -------------------------------------------------------------------------------------------------

function workloadIntents(input: IntentInput): Intent[] {
  const { before, after } = input;
  if (!before || !after) {
    const body = (after ?? before)!;
    const op = after ? 'added' : 'removed';
    const intents: Intent[] = [];
    const replicas = valueAt(body, ['spec', 'replicas']);
    if (replicas !== undefined) intents.push({ aspect: 'scaling', op, text: `replicas ${String(replicas)}` });
    for (const [name, image] of containerImages(body)) intents.push({ aspect: 'workload', op, text: `container ${name} runs ${image}` });
    return intents;
  }
  const intents: Intent[] = [];
  const other: string[] = [];
  const beforeImages = containerImages(before);
  const afterImages = containerImages(after);
  for (const [name, image] of afterImages) {
    const old = beforeImages.get(name);
    if (old === undefined) intents.push({ aspect: 'workload', op: 'added', text: `container ${name} runs ${image}` });
    else if (old !== image) intents.push({ aspect: 'workload', op: 'changed', text: `container ${name} image: ${describeImageChange(old, image)}` });
  }
  for (const [name] of beforeImages) if (!afterImages.has(name)) intents.push({ aspect: 'workload', op: 'removed', text: `container ${name}` });

  for (const { segments, change } of input.fields) {
    const keys = keysOf(segments);
    const container = containerOf(segments);
    const where = container === undefined ? '' : `container ${container} `;
    const last = keys[keys.length - 1];
    if (keys.includes('image') && last === 'image') continue;
    if (container !== undefined && keys.length === 4 + (keys[0] === 'spec' && keys[1] === 'jobTemplate' ? 2 : 0) && change.op !== 'changed') continue; // whole container: said above
    if (formatPath(segments) === 'spec.replicas') {
      intents.push({ aspect: 'scaling', op: change.op, text: `replicas ${describe(change)}` });
    } else if (keys.includes('resources') && container !== undefined) {
      intents.push({ aspect: 'workload', op: change.op, text: `${where}${pathAfter(segments, 'resources')} ${describe(change)}` });
    } else if (keys.includes('securityContext') || ['hostNetwork', 'hostPID', 'hostIPC', 'automountServiceAccountToken', 'serviceAccountName'].includes(last ?? '')) {
      const from = keys.includes('securityContext') ? pathAfter(segments, 'securityContext', true) : (last ?? '');
      intents.push({ aspect: 'workload', op: change.op, text: `${where}security context ${from} ${describe(change)}` });
    } else if (keys.includes('hostPath')) {
      intents.push({ aspect: 'workload', op: change.op, text: `hostPath volume ${describe(change)}` });
    } else if (keys.includes('env') && container !== undefined) {
      const variable = envName(segments);
      const whole = variable !== undefined && keys[keys.length - 1] === 'env';
      const item = (v: unknown) => (isRecord(v) && 'value' in v ? v.value : isRecord(v) && 'valueFrom' in v ? { valueFrom: v.valueFrom } : v);
      const shown = whole && !change.hidden ? { ...change, old: item(change.old), new: item(change.new) } : change;
      intents.push({ aspect: 'config', op: change.op, text: `${where}env ${variable ?? formatPath(segments)} ${describe(shown)}` });
    } else {
      other.push(change.path);
    }
  }
  if (other.length > 0) intents.push({ aspect: 'object', op: 'changed', text: `${other.length} other field${other.length === 1 ? '' : 's'} (see details)` });
  return intents;
}

/** Images by container name, init containers marked `(init)`, anywhere in a workload's pod template. */
function containerImages(body: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const spec = podSpec(body);
  for (const [list, suffix] of [['containers', ''], ['initContainers', ' (init)']] as const) {
    const containers = isRecord(spec) ? spec[list] : undefined;
    for (const c of Array.isArray(containers) ? containers : []) {
      if (isRecord(c) && typeof c.name === 'string' && typeof c.image === 'string') out.set(`${c.name}${suffix}`, c.image);
    }
  }
  return out;
}

function podSpec(body: unknown): unknown {
  return valueAt(body, ['spec', 'template', 'spec']) ?? valueAt(body, ['spec', 'jobTemplate', 'spec', 'template', 'spec']);
}

function containerOf(segments: readonly PathSegment[]): string | undefined {
  const index = segments.findIndex((s) => s === 'containers' || s === 'initContainers');
  const item = index < 0 ? undefined : segments[index + 1];
  if (item === undefined) return undefined;
  const name = typeof item === 'object' ? item.value : String(item);
  return segments[index] === 'initContainers' ? `${name} (init)` : name;
}

function envName(segments: readonly PathSegment[]): string | undefined {
  const index = segments.indexOf('env');
  const item = segments[index + 1];
  return item !== undefined && typeof item === 'object' ? item.value : undefined;
}

function pathAfter(segments: readonly PathSegment[], key: string, includeKey = false): string {
  const index = segments.indexOf(key);
  const rest = segments.slice(includeKey ? index + 1 : index + 1);
  return rest.length === 0 ? key : formatPath(rest);
}

function describe(change: PathChange['change']): string {
  if (change.hidden) return `${change.op} (value hidden)`;
  if (change.op === 'added') return `added: ${show(change.new)}`;
  if (change.op === 'removed') return `removed (was ${show(change.old)})`;
  return `${show(change.old)} → ${show(change.new)}`;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

// --- scalars, keys, sets -----------------------------------------------------------------------------------------

function scalarIntents(input: IntentInput, aspect: IntentAspect, names: Readonly<Record<string, string>>): Intent[] {
  const body = input.after ?? input.before;
  if (!input.before || !input.after) {
    const op = input.after ? 'added' : 'removed';
    return Object.entries(names).flatMap(([path, name]) => {
      const value = valueAt(body, path.split('.'));
      return value === undefined ? [] : [{ aspect, op, text: `${name} ${show(value)}` } as Intent];
    });
  }
  const intents: Intent[] = [];
  let other = 0;
  for (const { segments, change } of input.fields) {
    const path = Object.keys(names).find((p) => formatPath(segments).startsWith(p));
    if (path === undefined) other++;
    else {
      const old = valueAt(input.before, path.split('.'));
      const next = valueAt(input.after, path.split('.'));
      const text = `${names[path]} ${old === undefined ? `added: ${show(next)}` : next === undefined ? `removed (was ${show(old)})` : `${show(old)} → ${show(next)}`}`;
      if (!intents.some((i) => i.text === text)) intents.push({ aspect, op: change.op, text });
    }
  }
  if (other > 0) intents.push({ aspect: 'object', op: 'changed', text: `${other} other field${other === 1 ? '' : 's'} (see details)` });
  return intents;
}

/**
 * Keys of a ConfigMap or Secret that change, appear or go. Values come from the field changes, which are already
 * redacted (a secret-looking key hides its value even in a ConfigMap); a Secret never shows one.
 */
function keyIntents(input: IntentInput, aspect: IntentAspect, fields: readonly string[], secret: boolean): Intent[] {
  const keysOfBody = (body: unknown) => fields.flatMap((f) => Object.keys(isRecord(body) && isRecord(body[f]) ? body[f] : {}));
  if (!input.before || !input.after) {
    const op = input.after ? 'added' : 'removed';
    return keysOfBody(input.after ?? input.before).map((key) => ({ aspect, op, text: `key ${key}` }));
  }
  const intents: Intent[] = [];
  let other = 0;
  for (const { segments, change } of input.fields) {
    const key = segments[1];
    if (typeof segments[0] !== 'string' || !fields.includes(segments[0]) || typeof key !== 'string') {
      other++;
      continue;
    }
    const value = secret || change.hidden ? (change.op === 'changed' ? 'changed (value hidden)' : `${change.op} (value hidden)`) : describe(change);
    intents.push({ aspect, op: change.op, text: `key ${key} ${value}` });
  }
  if (other > 0) intents.push({ aspect: 'object', op: 'changed', text: `${other} other field${other === 1 ? '' : 's'} (see details)` });
  return intents;
}

/** Added and removed members of a set of statements, `verb` naming what the object does with them. */
function setIntents(aspect: IntentAspect, before: readonly string[], after: readonly string[], verb: string): Intent[] {
  const old = new Set(before);
  const next = new Set(after);
  return [
    ...before.filter((s) => !next.has(s)).map((s) => ({ aspect, op: 'removed' as const, text: `no longer ${verb}: ${s}` })),
    ...after.filter((s) => !old.has(s)).map((s) => ({ aspect, op: 'added' as const, text: `${verb}: ${s}` })),
  ];
}
