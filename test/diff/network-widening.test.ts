import { describe, expect, it } from 'vitest';
import { networkPolicyWidening } from '../../infra/preview/index.js';

/**
 * networkPolicyWidening (the `network.widen` rule) on small policies, one boundary per case: which directions a policy
 * restricts, when an old peer covers a new one (pods, namespaces, ipBlocks and their exceptions), when old ports cover
 * new ones (protocols, ranges, named ports), which new peers are narrow (one workload, one known VM), and how a peer is
 * described. Each case names the reason it expects, or that the change widens nothing. The cases come from the
 * surviving mutants of infra/preview/network-policy.ts (MUTATION.md).
 */

type Body = Record<string, any>;
const policy = (spec: Body, podSelector: Body = { matchLabels: { app: 'w' } }) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'w', namespace: 'icv-ops' }, spec: { podSelector, ...spec } });
const egress = (...rules: Body[]) => policy({ policyTypes: ['Egress'], egress: rules });
const ingress = (...rules: Body[]) => policy({ policyTypes: ['Ingress'], ingress: rules });
const tcp = (port: number | string, extra: Body = {}) => ({ port, protocol: 'TCP', ...extra });
const pods = (labels: Body, namespaceSelector?: Body) => ({ podSelector: { matchLabels: labels }, ...(namespaceSelector && { namespaceSelector }) });
const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except && { except }) } });
const rule = (peers: Body[] | undefined, ports?: Body[]) => ({ ...(peers && { to: peers }), ...(ports && { ports }) });
const widening = (before: Body | undefined, after: Body | undefined, options = {}) => networkPolicyWidening(before, after, options);

describe('directions a policy restricts', () => {
  it('without policyTypes: ingress only, or both when it has egress rules', () => {
    const untyped = (spec: Body) => policy(spec);
    expect(widening(untyped({ ingress: [] }), untyped({ ingress: [], egress: [rule([pods({ app: 'a' })], [tcp(80)])] }))).toEqual([]);
    expect(widening(untyped({ ingress: [], egress: [] }), policy({ policyTypes: ['Ingress'], ingress: [] }))).toEqual(['no longer restricts egress (policyTypes)']);
    expect(widening(untyped({ ingress: [], egress: [] }), untyped({ ingress: [], egress: [rule([pods({ app: 'a' })], [tcp(80)])] }))).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 80/TCP']);
  });
  it('policyTypes decide over the rule lists: egress rules of an ingress-only policy restrict nothing until egress is typed', () => {
    const b = policy({ policyTypes: ['Ingress'], ingress: [], egress: [rule([pods({ app: 'a' })], [tcp(80)])] });
    const a = policy({ policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [rule([pods({ app: 'a' })], [tcp(80)]), rule([pods({ app: 'b' })], [tcp(80)])] });
    expect(widening(b, a)).toEqual([]);
  });
  it('an untyped policy without egress rules restricts ingress: a new ingress peer is a widening', () => {
    const from = (...peers: Body[]) => ({ from: peers, ports: [tcp(8080)] });
    expect(widening(policy({ ingress: [from(pods({ app: 'a' }))] }), policy({ ingress: [from(pods({ app: 'a' }), pods({ app: 'b' }))] }))).toEqual(['now allows ingress from pods {"matchLabels":{"app":"b"}} in the same namespace on port 8080/TCP']);
  });
  it('an unknown policy type is no direction', () => {
    expect(widening(policy({ policyTypes: ['Ingress', 'Bogus'], ingress: [] }), policy({ policyTypes: ['Ingress'], ingress: [] }))).toEqual([]);
  });
  it('a new ingress peer is described "ingress from"', () => {
    const from = (...peers: Body[]) => ({ from: peers, ports: [tcp(8080)] });
    expect(widening(ingress(from(pods({ app: 'a' }))), ingress(from(pods({ app: 'a' }), pods({ app: 'b' }))))).toEqual(['now allows ingress from pods {"matchLabels":{"app":"b"}} in the same namespace on port 8080/TCP']);
  });
  it('a restricted direction without its rule list allows nothing, before and after', () => {
    expect(widening(policy({ policyTypes: ['Egress'] }), policy({ policyTypes: ['Egress'] }, { matchLabels: {} }))).toEqual([]);
  });
});

describe('when an old peer covers a new one', () => {
  const kept = (before: Body, after: Body) => widening(egress(rule([before], [tcp(80)])), egress(rule([before], [tcp(80)]), rule([after], [tcp(80)])));
  it('a rule without peers covers every peer; a peer does not cover a rule without peers', () => {
    expect(widening(egress(rule(undefined, [tcp(80)])), egress(rule(undefined, [tcp(80)]), rule([pods({}, {})], [tcp(80)])))).toEqual([]);
    expect(widening(egress(rule([{}], [tcp(80)])), egress(rule([], [tcp(80)])))).toEqual(['now allows egress to anywhere (rule without peers) on port 80/TCP']);
  });
  it('an ipBlock covers no pod peer, a pod peer no ipBlock; pods kept as they were are no widening', () => {
    expect(kept(block('10.0.0.0/8'), pods({ app: 'a' }))).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 80/TCP']);
    expect(kept(pods({ app: 'a' }), block('10.1.0.0/16'))).toEqual(['now allows egress to 10.1.0.0/16 on port 80/TCP']);
    expect(widening(egress(rule([pods({ app: 'a' })], [tcp(80)])), policy({ policyTypes: ['Egress'], egress: [rule([pods({ app: 'a' })], [tcp(80)])] }, { matchLabels: { app: 'w', tier: 'x' } }))).toEqual([]);
  });
  it('namespaces: the same namespace covers no other; all namespaces cover the same one; one named set covers only a narrower one', () => {
    expect(kept(pods({ app: 'a' }), pods({ app: 'a' }, { matchLabels: { team: 'x' } }))).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in namespaces {"matchLabels":{"team":"x"}} on port 80/TCP']);
    expect(kept(pods({ app: 'a' }, {}), pods({ app: 'a' }))).toEqual([]);
    expect(kept(pods({ app: 'a' }, { matchLabels: { team: 'x' } }), pods({ app: 'a' }))).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 80/TCP']);
    expect(kept(pods({ app: 'a' }, { matchLabels: { team: 'x' } }), pods({ app: 'a' }, { matchLabels: { team: 'x', zone: 'z' } }))).toEqual([]);
  });
  it('pods: other labels are not covered, more labels are; one of several old peers is enough', () => {
    expect(kept(pods({ app: 'a' }), pods({ app: 'b' }))).toEqual(['now allows egress to pods {"matchLabels":{"app":"b"}} in the same namespace on port 80/TCP']);
    expect(kept(pods({ app: 'a' }), pods({ app: 'a', tier: 'x' }))).toEqual([]);
    expect(widening(egress(rule([pods({ app: 'a' }), pods({ app: 'b' })], [tcp(80)])), egress(rule([pods({ app: 'b' })], [tcp(80)])))).toEqual([]);
  });
  it('match expressions: an old one is covered by the same one among others', () => {
    const x = { key: 'tier', operator: 'In', values: ['api'] };
    const y = { key: 'zone', operator: 'Exists' };
    expect(kept({ podSelector: { matchExpressions: [x] } }, { podSelector: { matchLabels: { app: 'a' }, matchExpressions: [y, x] } })).toEqual([]);
    expect(kept(pods({ app: 'a' }), { podSelector: { matchLabels: { app: 'a' }, matchExpressions: [y] } })).toEqual([]);
    expect(kept({ podSelector: { matchExpressions: [x] } }, { podSelector: { matchExpressions: [y] } })).toEqual(['now allows egress to pods {"matchExpressions":[{"key":"zone","operator":"Exists"}]} in the same namespace on port 80/TCP']);
  });
});

describe('when an old ipBlock covers a new one', () => {
  const change = (before: Body, after: Body) => widening(egress(rule([before], [tcp(443)])), egress(rule([after], [tcp(443)])));
  it('a block outside the old one is a widening; one inside it is not', () => {
    expect(change(block('10.0.0.0/8'), block('192.168.0.0/16'))).toEqual(['now allows egress to 192.168.0.0/16 on port 443/TCP']);
    expect(change(block('10.0.0.0/8'), block('10.1.0.0/16'))).toEqual([]);
  });
  it('the old exceptions: kept, covered by a wider new one, or away from the new block are fine; lifted, narrowed or inside the new block are not', () => {
    expect(change(block('0.0.0.0/0', ['10.0.0.0/8']), block('0.0.0.0/0', ['10.0.0.0/8']))).toEqual([]);
    expect(change(block('0.0.0.0/0', ['10.1.0.0/16']), block('0.0.0.0/0', ['10.0.0.0/8']))).toEqual([]);
    expect(change(block('0.0.0.0/0', ['10.0.0.0/8']), block('8.8.8.0/24'))).toEqual([]);
    expect(change(block('0.0.0.0/0', ['10.0.0.0/8']), block('0.0.0.0/0'))).toEqual(['now allows egress to 0.0.0.0/0 on port 443/TCP']);
    expect(change(block('0.0.0.0/0', ['10.0.0.0/8']), block('0.0.0.0/0', ['10.1.0.0/16']))).toEqual(['now allows egress to 0.0.0.0/0 except 10.1.0.0/16 on port 443/TCP']);
    expect(change(block('0.0.0.0/0', ['10.1.0.0/16']), block('10.0.0.0/8'))).toEqual(['now allows egress to 10.0.0.0/8 on port 443/TCP']);
    expect(change(block('0.0.0.0/0', ['10.1.0.0/16']), block('10.1.2.0/24'))).toEqual(['now allows egress to 10.1.2.0/24 on port 443/TCP']);
  });
});

describe('when old ports cover new ones', () => {
  const change = (before: Body[], after: Body[]) => widening(egress(rule([pods({ app: 'a' })], before)), egress(rule([pods({ app: 'a' })], after)));
  it('every new port must be covered, by any old one', () => {
    expect(change([tcp(80)], [tcp(80), tcp(443)])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 80/TCP, 443/TCP']);
    expect(change([tcp(80), tcp(443)], [tcp(443)])).toEqual([]);
    expect(change([tcp(80)], [tcp(80)])).toEqual([]);
  });
  it('a port entry that is not a map is left out', () => {
    expect(change([null as unknown as Body, tcp(80)], [tcp(80), null as unknown as Body])).toEqual([]);
  });
  it('protocols: TCP by default, UDP is another port', () => {
    expect(change([{ port: 53 }], [tcp(53)])).toEqual([]);
    expect(change([{ port: 53, protocol: 'UDP' }], [tcp(53)])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 53/TCP']);
  });
  it('an old rule for every port of its protocol covers any port; no ports at all covers everything', () => {
    expect(change([{ protocol: 'TCP' }], [tcp(8080)])).toEqual([]);
    expect(change([], [tcp(8080)])).toEqual([]);
    expect(change([tcp(8080)], [])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on any port']);
  });
  it('named ports cover only the same name without a range; a number and a name never cover each other', () => {
    expect(change([tcp('http')], [tcp('http')])).toEqual([]);
    expect(change([tcp('http')], [tcp('web')])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port web/TCP']);
    expect(change([tcp('http')], [tcp(80)])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 80/TCP']);
    expect(change([tcp(80)], [tcp('http')])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port http/TCP']);
    expect(change([tcp('http')], [tcp('http', { endPort: 90 })])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port http-90/TCP']);
    expect(change([tcp('http', { endPort: 90 })], [tcp('http')])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port http/TCP']);
  });
  it('ranges: inside the old range is covered, past either end is not', () => {
    expect(change([tcp(8000, { endPort: 8090 })], [tcp(8010, { endPort: 8020 })])).toEqual([]);
    expect(change([tcp(8000, { endPort: 8090 })], [tcp(7999)])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 7999/TCP']);
    expect(change([tcp(8000)], [tcp(8000, { endPort: 8001 })])).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port 8000-8001/TCP']);
  });
});

describe('narrow peers (a new declared dependency, shown as an edge instead)', () => {
  const known = new Set(['192.168.16.200']);
  const added = (peer: Body, ports: Body[] = [tcp(3306)]) => widening(egress(), egress(rule([peer], ports)), { narrowPeers: true, knownAddresses: known });
  const addedNew = (peer: Body) => widening(undefined, egress(rule([peer], [tcp(3306)])), { narrowPeers: true, knownAddresses: known });
  it('a known VM address written as address/32, on listed ports, is narrow; an unknown one, a wider block or any port is not', () => {
    expect(added(block('192.168.16.200/32'))).toEqual([]);
    expect(addedNew(block('192.168.16.200/32'))).toEqual([]);
    expect(added(block('192.168.16.201/32'))).toEqual(['now allows egress to 192.168.16.201/32 on port 3306/TCP']);
    expect(added(block('192.168.16.200/24'))).toEqual(['now allows egress to 192.168.16.200/24 on port 3306/TCP']);
    expect(added(block('1192.168.16.200/32'))).toEqual(['now allows egress to 1192.168.16.200/32 on port 3306/TCP']);
    expect(added(block('a192.168.16.200/32'))).toEqual(['now allows egress to a192.168.16.200/32 on port 3306/TCP']);
    expect(added(block('192.168.16.200/321'))).toEqual(['now allows egress to 192.168.16.200/321 on port 3306/TCP']);
    expect(added(block('192.168.16.200/32'), [])).toEqual(['now allows egress to 192.168.16.200/32 on any port']);
    expect(widening(egress(), egress(rule([block('192.168.16.200/32')], [tcp(3306)])), { narrowPeers: true })).toEqual(['now allows egress to 192.168.16.200/32 on port 3306/TCP']);
    expect(widening(egress(), egress(rule([block('192.168.16.200/32')], [tcp(3306)])), { knownAddresses: known })).toEqual(['now allows egress to 192.168.16.200/32 on port 3306/TCP']);
  });
  it('pods of one labelled workload, in the same namespace or one named namespace, are narrow', () => {
    expect(added(pods({ app: 'a' }))).toEqual([]);
    expect(added(pods({ app: 'a' }, { matchLabels: { 'kubernetes.io/metadata.name': 'icv-map' } }))).toEqual([]);
  });
  it('all pods, namespaces by another label, by two labels or by expressions only, are not narrow', () => {
    expect(added({ podSelector: {} })).toEqual(['now allows egress to all pods in the same namespace on port 3306/TCP']);
    expect(added({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-map' } } })).toEqual(['now allows egress to all pods in namespaces {"matchLabels":{"kubernetes.io/metadata.name":"icv-map"}} on port 3306/TCP']);
    expect(added(pods({ app: 'a' }, { matchLabels: { team: 'x' } }))).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in namespaces {"matchLabels":{"team":"x"}} on port 3306/TCP']);
    expect(added(pods({ app: 'a' }, { matchLabels: { 'kubernetes.io/metadata.name': 'icv-map', team: 'x' } }))).toEqual([
      'now allows egress to pods {"matchLabels":{"app":"a"}} in namespaces {"matchLabels":{"kubernetes.io/metadata.name":"icv-map","team":"x"}} on port 3306/TCP',
    ]);
    expect(added(pods({ app: 'a' }, { matchExpressions: [{ key: 'team', operator: 'Exists' }] }))).toEqual(['now allows egress to pods {"matchLabels":{"app":"a"}} in namespaces {"matchExpressions":[{"key":"team","operator":"Exists"}]} on port 3306/TCP']);
  });
});

describe('how a peer and its ports are described', () => {
  const described = (peer: Body, ports?: Body[]) => widening(undefined, egress(rule([peer], ports)));
  it('the empty peer, all pods, an ipBlock with and without exceptions', () => {
    expect(described({})).toEqual(['new NetworkPolicy allows egress to every pod in the same namespace (empty peer) on any port']);
    expect(described({ podSelector: {} })).toEqual(['new NetworkPolicy allows egress to all pods in the same namespace on any port']);
    expect(described(block('0.0.0.0/0', []))).toEqual(['new NetworkPolicy allows egress to 0.0.0.0/0 on any port']);
    expect(described(block('0.0.0.0/0', ['10.0.0.0/8', '192.168.0.0/16']))).toEqual(['new NetworkPolicy allows egress to 0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16 on any port']);
  });
  it('a port without a number is *, its protocol TCP by default', () => {
    expect(described(pods({ app: 'a' }), [{ protocol: 'UDP' }, { port: 80 }])).toEqual(['new NetworkPolicy allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on port */UDP, 80/TCP']);
  });
  it('a selector longer than 120 characters is cut to 117 and "..."; one of 120 is kept', () => {
    const long = 'x'.repeat(100);
    const text = JSON.stringify({ matchLabels: { app: long } });
    expect(described(pods({ app: long }))).toEqual([`new NetworkPolicy allows egress to pods ${text.slice(0, 117)}... in the same namespace on any port`]);
    const exact = 'y'.repeat(120 - JSON.stringify({ matchLabels: { app: '' } }).length);
    expect(described(pods({ app: exact }))).toEqual([`new NetworkPolicy allows egress to pods ${JSON.stringify({ matchLabels: { app: exact } })} in the same namespace on any port`]);
  });
});

describe('the pods a policy applies its allow rules to', () => {
  it('more pods: only when it allows something; fewer pods or the same are fine; other pods say "other"', () => {
    const typed = (podSelector: Body, spec: Body) => policy({ policyTypes: ['Ingress', 'Egress'], ...spec }, podSelector);
    const rules = { ingress: [{ from: [pods({ app: 'a' })], ports: [tcp(80)] }], egress: [] };
    expect(widening(typed({ matchLabels: { app: 'w' } }, rules), typed({}, rules))).toEqual(['applies its allow rules to more pods (podSelector {"matchLabels":{"app":"w"}} → {})']);
    expect(widening(typed({ matchLabels: { app: 'w' } }, rules), typed({ matchLabels: { app: 'v' } }, rules))).toEqual(['applies its allow rules to other pods (podSelector {"matchLabels":{"app":"w"}} → {"matchLabels":{"app":"v"}})']);
    expect(widening(typed({ matchLabels: { app: 'w' } }, rules), typed({ matchLabels: { app: 'w', tier: 'x' } }, rules))).toEqual([]);
    expect(widening(typed({ matchLabels: { app: 'w' } }, { ingress: [], egress: [] }), typed({}, { ingress: [], egress: [] }))).toEqual([]);
    expect(widening(typed({ matchLabels: { app: 'w' } }, rules), typed({ matchLabels: { app: 'w' } }, rules))).toEqual([]);
  });
});
