import type { DistArtifact, DistObject } from './dist-tree.js';
import type { PathChange } from '../compare/field-diff.js';
import { formatPath, keysOf, overlaps } from '../compare/field-path.js';
import { describeImageChange } from '../model/image-ref.js';
import { isRecord, valueAt } from '../model/json.js';
import { RISK_FLAGS, type FlagReason, type RiskFlag } from './model.js';
import { networkPolicyWidening } from './network-policy.js';
import { parseQuantity } from '../model/quantity.js';
import { PROTECTED_KINDS } from '../model/protection.js';

export interface RiskOptions {
  /** Environments where every change is flagged `prod`. */
  readonly protectedEnvs: readonly string[];
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
];
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const PUBLIC_SERVICE_TYPES = new Set(['NodePort', 'LoadBalancer']);

/** The risk flags of a change to a Kubernetes object, each with the reason it was raised. */
export function objectRisks(input: ObjectChangeInput, options: RiskOptions): FlagReason[] {
  const { before, after, changes } = input;
  const current = (after ?? before)!;
  const reasons: FlagReason[] = [];
  const add = (flag: RiskFlag, reason: string) => reasons.push({ flag, reason });

  if (!after) add('deleted', `deleted from ${before!.file}`);
  if (before && after) {
    for (const reason of replacementReasons(before, after, changes)) add('replacement', reason);
    for (const reason of imageChanges(before.body, after.body)) add('image', reason);
  }
  for (const object of new Set([before, after])) if (object) for (const reason of protectedReasons(object)) add('protected', reason);
  if (current.kind === 'NetworkPolicy') for (const reason of networkPolicyWidening(before?.body, after?.body)) add('network-widened', reason);
  for (const reason of publicRoutes(before?.body, after?.body, current.kind)) add('public-route', reason);
  if (options.protectedEnvs.includes(input.env)) add('prod', `a change in ${input.env}`);
  return dedupe(reasons);
}

/** The risk flags of a change to a Helm values file, the KubeKey config or a Jenkinsfile. */
export function artifactRisks(input: ArtifactChangeInput, options: RiskOptions): FlagReason[] {
  const current = (input.after ?? input.before)!;
  const reasons: FlagReason[] = [];
  if (!input.after) reasons.push({ flag: 'deleted', reason: `${current.file} deleted` });
  const release = /^helm\/(.+)$/.exec(current.unit)?.[1];
  if (current.kind === 'helm-values' && release && /^harbor/i.test(release)) {
    reasons.push({ flag: 'protected', reason: `Helm values of ${release}: the registry every environment pulls from` });
  }
  if (input.before && input.after) {
    for (const { segments, change } of input.changes) {
      if (keysOf(segments).some((k) => /image/i.test(k)) && change.op === 'changed' && !change.hidden) {
        reasons.push({ flag: 'image', reason: `${change.path}: ${String(change.old)} → ${String(change.new)}` });
      }
    }
  }
  if (options.protectedEnvs.includes(input.env)) reasons.push({ flag: 'prod', reason: `a change in ${input.env}` });
  return dedupe(reasons);
}

/** Distinct flags of some reasons, most severe first. */
export function flagsOf(reasons: readonly FlagReason[]): RiskFlag[] {
  return RISK_FLAGS.filter((flag) => reasons.some((r) => r.flag === flag));
}

function replacementReasons(before: DistObject, after: DistObject, changes: readonly PathChange[]): string[] {
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

function protectedReasons(object: DistObject): string[] {
  const reasons: string[] = [];
  const byKind = PROTECTED_KINDS[object.kind];
  if (byKind) reasons.push(byKind);
  if (object.namespace === 'harbor') reasons.push('in namespace harbor (the registry every environment pulls from)');
  else if (/^harbor/i.test(object.name)) reasons.push(`${object.name} belongs to Harbor (the registry every environment pulls from)`);
  return reasons;
}

/** Container image changes: `container app (spec.template.spec.containers): tag 1.2.0 → 1.3.0`, new containers too. */
function imageChanges(before: unknown, after: unknown): string[] {
  const old = containerImages(before);
  const reasons: string[] = [];
  for (const [where, image] of containerImages(after)) {
    const previous = old.get(where);
    if (previous === undefined) reasons.push(`new ${where} runs ${image}`);
    else if (previous !== image) reasons.push(`${where}: ${describeImageChange(previous, image)}`);
  }
  return reasons;
}

/** Images of every container list anywhere in an object, keyed `container app (spec.template.spec.containers)`. */
function containerImages(value: unknown, path: readonly string[] = [], out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) return out;
  if (!isRecord(value)) return out;
  for (const [key, child] of Object.entries(value)) {
    if (CONTAINER_LISTS.has(key) && Array.isArray(child)) {
      for (const container of child) {
        if (isRecord(container) && typeof container.name === 'string' && typeof container.image === 'string') {
          out.set(`container ${container.name} (${[...path, key].join('.')})`, container.image);
        }
      }
    } else containerImages(child, [...path, key], out);
  }
  return out;
}

/** New public entry points: Ingress hosts and paths, Services that become NodePort or LoadBalancer. */
function publicRoutes(before: unknown, after: unknown, kind: string): string[] {
  if (after === undefined) return [];
  if (kind === 'Ingress') {
    const old = new Set(before === undefined ? [] : ingressRoutes(before));
    const added = ingressRoutes(after).filter((route) => !old.has(route));
    if (added.length === 0) return [];
    return [`${before === undefined ? 'new Ingress exposes' : 'Ingress now exposes'} ${added.join(', ')}`];
  }
  if (kind === 'Service') {
    const typeAfter = valueAt(after, ['spec', 'type']);
    const typeBefore = before === undefined ? undefined : valueAt(before, ['spec', 'type']);
    if (typeof typeAfter === 'string' && PUBLIC_SERVICE_TYPES.has(typeAfter) && typeBefore !== typeAfter) {
      return [`Service ${before === undefined ? 'is' : 'becomes'} ${typeAfter}, reachable from outside the cluster`];
    }
  }
  return [];
}

function ingressRoutes(ingress: unknown): string[] {
  const routes: string[] = [];
  if (valueAt(ingress, ['spec', 'defaultBackend']) !== undefined) routes.push('* (default backend)');
  const rules = valueAt(ingress, ['spec', 'rules']);
  for (const rule of Array.isArray(rules) ? rules : []) {
    const host = isRecord(rule) && typeof rule.host === 'string' ? rule.host : '*';
    const paths = valueAt(rule, ['http', 'paths']);
    if (!Array.isArray(paths) || paths.length === 0) routes.push(`${host}/`);
    for (const path of Array.isArray(paths) ? paths : []) {
      routes.push(`${host}${isRecord(path) && typeof path.path === 'string' ? path.path : '/'}`);
    }
  }
  return routes;
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
