import { deepEqual, isRecord, valueAt } from '../model/json.js';
import { cidrContains } from '../model/cidr.js';

type Direction = 'Ingress' | 'Egress';
/** A rule without peers allows every source or destination. */
const ANYWHERE = 'anywhere' as const;
type Peer = Record<string, unknown> | typeof ANYWHERE;

interface Rule {
  readonly peers: readonly Peer[];
  /** Undefined or empty: every port. */
  readonly ports: readonly Record<string, unknown>[];
}

/**
 * Why a NetworkPolicy change lets more traffic through, if it does: a new rule or peer not covered by an old one,
 * a peer selector losing a label, a rule losing its port list, a direction no longer restricted, the policy applying
 * to more pods; a new policy with allow rules; a deleted policy (which can lift the isolation of its pods).
 */
export function networkPolicyWidening(before: unknown, after: unknown): string[] {
  if (before === undefined) {
    return directions(after).flatMap((d) => rules(after, d).flatMap((rule) => rule.peers.map((peer) => `new NetworkPolicy allows ${describe(d, peer, rule.ports)}`)));
  }
  if (after === undefined) return ['deleting a NetworkPolicy can lift the isolation of the pods it selects'];
  const reasons: string[] = [];
  const enforcedBefore = directions(before);
  const enforcedAfter = directions(after);
  for (const d of enforcedBefore) if (!enforcedAfter.includes(d)) reasons.push(`no longer restricts ${d.toLowerCase()} (policyTypes)`);
  for (const d of enforcedAfter) {
    if (!enforcedBefore.includes(d)) continue;
    const old = rules(before, d);
    for (const rule of rules(after, d)) {
      for (const peer of rule.peers) {
        if (!old.some((o) => o.peers.some((p) => peerCovers(p, peer)) && portsCover(o.ports, rule.ports))) {
          reasons.push(`now allows ${describe(d, peer, rule.ports)}`);
        }
      }
    }
  }
  const selectorBefore = valueAt(before, ['spec', 'podSelector']) ?? {};
  const selectorAfter = valueAt(after, ['spec', 'podSelector']) ?? {};
  const allows = enforcedAfter.some((d) => rules(after, d).length > 0);
  if (allows && !deepEqual(selectorBefore, selectorAfter) && !selectorCovers(selectorBefore, selectorAfter)) {
    const how = selectorCovers(selectorAfter, selectorBefore) ? 'more' : 'other';
    reasons.push(`applies its allow rules to ${how} pods (podSelector ${short(selectorBefore)} → ${short(selectorAfter)})`);
  }
  return reasons;
}

function directions(policy: unknown): Direction[] {
  const types = valueAt(policy, ['spec', 'policyTypes']);
  if (Array.isArray(types)) return types.filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  return valueAt(policy, ['spec', 'egress']) === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

function rules(policy: unknown, direction: Direction): Rule[] {
  const list = valueAt(policy, ['spec', direction === 'Ingress' ? 'ingress' : 'egress']);
  if (!Array.isArray(list)) return [];
  return list.map((rule) => {
    const peers = isRecord(rule) ? rule[direction === 'Ingress' ? 'from' : 'to'] : undefined;
    const ports = isRecord(rule) && Array.isArray(rule.ports) ? rule.ports.filter(isRecord) : [];
    return { peers: Array.isArray(peers) && peers.length > 0 ? peers.map((p) => (isRecord(p) ? p : {})) : [ANYWHERE], ports };
  });
}

/** Whether every pod or address `inner` selects is also selected by `outer`. */
function peerCovers(outer: Peer, inner: Peer): boolean {
  if (outer === ANYWHERE) return true;
  if (inner === ANYWHERE) return false;
  const outerBlock = outer.ipBlock;
  const innerBlock = inner.ipBlock;
  if (isRecord(outerBlock) || isRecord(innerBlock)) return isRecord(outerBlock) && isRecord(innerBlock) && blockCovers(outerBlock, innerBlock);
  const namespacesCovered =
    outer.namespaceSelector === undefined
      ? inner.namespaceSelector === undefined
      : inner.namespaceSelector === undefined
        ? isEmptySelector(outer.namespaceSelector)
        : selectorCovers(outer.namespaceSelector, inner.namespaceSelector);
  const podsCovered = outer.podSelector === undefined || (inner.podSelector !== undefined && selectorCovers(outer.podSelector, inner.podSelector));
  return namespacesCovered && podsCovered;
}

/** A label selector selects at least what `inner` selects when its requirements are a subset of inner's. */
function selectorCovers(outer: unknown, inner: unknown): boolean {
  const labels = (s: unknown) => (isRecord(s) && isRecord(s.matchLabels) ? s.matchLabels : {});
  const expressions = (s: unknown) => (isRecord(s) && Array.isArray(s.matchExpressions) ? s.matchExpressions : []);
  const innerLabels = labels(inner);
  return (
    Object.entries(labels(outer)).every(([k, v]) => innerLabels[k] === v) &&
    expressions(outer).every((e) => expressions(inner).some((i) => deepEqual(e, i)))
  );
}

function isEmptySelector(selector: unknown): boolean {
  return selectorCovers(selector, {});
}

function blockCovers(outer: Record<string, unknown>, inner: Record<string, unknown>): boolean {
  const outerCidr = String(outer.cidr);
  const innerCidr = String(inner.cidr);
  if (!cidrContains(outerCidr, innerCidr)) return false;
  const innerExcept = Array.isArray(inner.except) ? inner.except.map(String) : [];
  const outerExcept = Array.isArray(outer.except) ? outer.except.map(String) : [];
  return outerExcept.every((e) => innerExcept.some((i) => cidrContains(i, e)) || !(cidrContains(e, innerCidr) || cidrContains(innerCidr, e)));
}

function portsCover(outer: readonly Record<string, unknown>[], inner: readonly Record<string, unknown>[]): boolean {
  if (outer.length === 0) return true;
  if (inner.length === 0) return false;
  return inner.every((i) =>
    outer.some((o) => {
      if ((o.protocol ?? 'TCP') !== (i.protocol ?? 'TCP')) return false;
      if (o.port === undefined) return true;
      if (typeof o.port !== 'number' || typeof i.port !== 'number') return o.port === i.port && i.endPort === undefined && o.endPort === undefined;
      const oEnd = typeof o.endPort === 'number' ? o.endPort : o.port;
      const iEnd = typeof i.endPort === 'number' ? i.endPort : i.port;
      return o.port <= i.port && iEnd <= oEnd;
    }),
  );
}

function describe(direction: Direction, peer: Peer, ports: readonly Record<string, unknown>[]): string {
  const where = direction === 'Ingress' ? 'ingress from' : 'egress to';
  const portText = ports.length === 0 ? 'any port' : `port ${ports.map((p) => `${String(p.port ?? '*')}${p.endPort !== undefined ? `-${String(p.endPort)}` : ''}/${String(p.protocol ?? 'TCP')}`).join(', ')}`;
  return `${where} ${describePeer(peer)} on ${portText}`;
}

function describePeer(peer: Peer): string {
  if (peer === ANYWHERE) return 'anywhere (rule without peers)';
  if (isRecord(peer.ipBlock)) {
    const except = Array.isArray(peer.ipBlock.except) && peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(', ')}` : '';
    return `${String(peer.ipBlock.cidr)}${except}`;
  }
  const { namespaceSelector, podSelector } = peer;
  if (namespaceSelector === undefined && podSelector === undefined) return 'every pod in the same namespace (empty peer)';
  const namespaces = namespaceSelector === undefined ? 'the same namespace' : isEmptySelector(namespaceSelector) ? 'all namespaces' : `namespaces ${short(namespaceSelector)}`;
  const pods = podSelector === undefined || isEmptySelector(podSelector) ? 'all pods' : `pods ${short(podSelector)}`;
  return `${pods} in ${namespaces}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
