import { describe, expect, it } from 'vitest';
import type { ModuleSpec } from '../../infra/schema/module.js';
import { built, objectsOf } from '../support/platforms.js';

interface Pod { namespace: string; labels: Record<string, string> }
const NS_LABEL = 'kubernetes.io/metadata.name';

const matches = (selector: any, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** Whether a NetworkPolicy peer (namespace and pod selectors) selects `pod`, for policies living in `policyNs`. */
function peerSelects(peer: any, pod: Pod, policyNs: string): boolean {
  if (peer.ipBlock) return false;
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, { [NS_LABEL]: pod.namespace }) : pod.namespace === policyNs;
  const podOk = peer.podSelector ? matches(peer.podSelector, pod.labels) : true;
  return nsOk && podOk;
}

const portAllowed = (rule: any, port: number) => !rule.ports || rule.ports.some((p: any) => p.port === port);

/** Can `from` open a TCP connection to `to` on `port`, given every policy (egress of the source, ingress of the target)? */
function reachable(policies: any[], from: Pod, to: Pod, port: number): boolean {
  const selecting = (pod: Pod, type: string) =>
    policies.filter((p) => p.metadata.namespace === pod.namespace && matches(p.spec.podSelector, pod.labels) && p.spec.policyTypes.includes(type));
  const egress = selecting(from, 'Egress');
  const ingress = selecting(to, 'Ingress');
  const egressOk = egress.length === 0 || egress.some((p) => (p.spec.egress ?? []).some((r: any) => portAllowed(r, port) && (r.to ?? []).some((peer: any) => peerSelects(peer, to, p.metadata.namespace))));
  const ingressOk = ingress.length === 0 || ingress.some((p) => (p.spec.ingress ?? []).some((r: any) => portAllowed(r, port) && (r.from ?? []).some((peer: any) => peerSelects(peer, from, p.metadata.namespace))));
  return egressOk && ingressOk;
}

describe.each(built)('network policies of $env.name', ({ platform, catalog, env }) => {
  const policies = objectsOf(platform).filter((o) => o.kind === 'NetworkPolicy') as any[];
  // Each module's pod once (the pairs below ask for each of them 2 × 67 times).
  const deployments = new Map<string, any>();
  for (const o of objectsOf(platform)) if (o.kind === 'Deployment' && !deployments.has(o.metadata.name)) deployments.set(o.metadata.name, o);
  const pods = new Map(catalog.map((m): [string, Pod] => [m.name, { namespace: `icv-${m.domain}`, labels: deployments.get(m.name).spec.template.metadata.labels }]));
  const podOf = (m: ModuleSpec): Pod => pods.get(m.name)!;

  it('allow exactly the declared module-to-module edges', () => {
    const allowed: string[] = [];
    const declared: string[] = [];
    for (const a of catalog) {
      for (const b of catalog) {
        if (a === b) continue;
        if (reachable(policies, podOf(a), podOf(b), b.port.number)) allowed.push(`${a.name} -> ${b.name}`);
        if (a.dependsOn.modules.includes(b.name)) declared.push(`${a.name} -> ${b.name}`);
      }
    }
    expect(declared.length).toBeGreaterThan(100);
    expect(allowed).toEqual(declared);
  });

  it('block a module that does not declare a dependency (portal-web cannot reach identity-auth directly)', () => {
    const portal = catalog.find((m) => m.name === 'portal-web')!;
    const auth = catalog.find((m) => m.name === 'identity-auth')!;
    expect(portal.dependsOn.modules).not.toContain('identity-auth');
    expect(reachable(policies, podOf(portal), podOf(auth), auth.port.number)).toBe(false);
  });

  it('admit traffic from the ingress controller only to routed modules', () => {
    const controller: Pod = { namespace: 'kubesphere-controls-system', labels: { app: 'kubesphere-router' } };
    for (const m of catalog) expect([m.name, reachable(policies, controller, podOf(m), m.port.number)]).toEqual([m.name, m.routes.length > 0]);
  });

  it('allow DNS egress for every module and egress to a stateful service only for modules that declare it', () => {
    for (const m of catalog) {
      const policy = policies.find((p) => p.metadata.name === m.name);
      expect(policy.spec.egress[0].ports.map((p: any) => `${p.protocol}/${p.port}`)).toEqual(['UDP/53', 'TCP/53']);
      // KubeKey's NodeLocal DNSCache is kubelet's cluster DNS: a host address, reachable only through an ipBlock.
      expect(policy.spec.egress[0].to).toContainEqual({ ipBlock: { cidr: '169.254.25.10/32' } });
      const cidrs = policy.spec.egress.flatMap((r: any) => (r.to ?? []).map((t: any) => t.ipBlock?.cidr)).filter(Boolean);
      for (const [service, { addresses }] of Object.entries(env.statefulServices)) {
        const declares = (m.dependsOn.stateful as string[]).includes(service);
        for (const address of addresses) expect([m.name, service, cidrs.includes(`${address}/32`)]).toEqual([m.name, service, declares]);
      }
    }
  });

  it('cover every pod-bearing namespace with a default-deny policy', () => {
    const namespaces = new Set(objectsOf(platform).filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet').map((o) => o.metadata.namespace));
    for (const ns of namespaces) expect(policies.some((p) => p.metadata.namespace === ns && p.metadata.name === 'default-deny')).toBe(true);
  });

  it('never spell an empty ingress or egress list, which the API server stores as absent (a new generation on every apply)', () => {
    // Found by npm run e2e: a server-side apply of `ingress: []` bumped the generation of policies that had not changed.
    const empty = policies.filter((p) => (Array.isArray(p.spec.ingress) && p.spec.ingress.length === 0) || (Array.isArray(p.spec.egress) && p.spec.egress.length === 0));
    expect(empty.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([]);
    const denyAllIngress = policies.filter((p) => p.spec.policyTypes.includes('Ingress') && p.spec.ingress === undefined);
    expect(denyAllIngress.length).toBeGreaterThan(0);
  });
});
