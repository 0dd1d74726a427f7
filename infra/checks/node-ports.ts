import { cidrContains, cidrsOverlap, isIPv4Cidr } from '../model/cidr.js';
import type { KubeObject } from '../model/types.js';
import { finding, type CheckInput, type Finding } from './finding.js';
import { asArray, asLabels, asObject, asString, labelMapMatches, namespaceOf, podTemplates, selectorMatches, type PodTemplate } from './kube.js';

/**
 * Rule `network.nodeport-reachable`: every node that accepts a NodePort must have a way to a ready pod.
 * kube-proxy opens a NodePort on every node of the cluster, control plane included. With
 * `externalTrafficPolicy: Local` a node forwards only to pods on itself and drops the connection otherwise, so
 * Local is sound only for a DaemonSet on every node, or behind a load balancer that health-checks
 * `healthCheckNodePort` (declared with the `icv.io/health-checked-by` annotation naming it). With `Cluster` every
 * node forwards to any ready pod, source-NATed to its own address: the pods' NetworkPolicy must then admit the
 * nodes' addresses (the hosts' network) and their tunnel addresses (inside the pod network), or the forwarded
 * connections are dropped at the pod.
 */

export const HEALTH_CHECKED_BY = 'icv.io/health-checked-by';

export function checkNodePorts(input: CheckInput): Finding[] {
  const pods = podTemplates(input.objects);
  const policies = input.objects.filter((o) => o.kind === 'NetworkPolicy');
  return input.objects
    .filter((o) => o.kind === 'Service' && asObject(o.spec)?.type === 'NodePort')
    .flatMap((service) => checkService(service, pods, policies, input));
}

function checkService(service: KubeObject, pods: readonly PodTemplate[], policies: readonly KubeObject[], input: CheckInput): Finding[] {
  const spec = asObject(service.spec) ?? {};
  const selector = asLabels(spec.selector);
  const backends = pods.filter((p) => namespaceOf(p.owner) === namespaceOf(service) && Object.keys(selector).length > 0 && labelMapMatches(selector, p.labels));
  const rule = 'network.nodeport-reachable';
  if (spec.externalTrafficPolicy === 'Local') {
    const balancer = asString(service.metadata?.annotations?.[HEALTH_CHECKED_BY]);
    if (balancer?.trim()) return [];
    if (backends.length > 0 && backends.every((p) => p.owner.kind === 'DaemonSet' && toleratesEverything(p))) return [];
    const kinds = backends.map((p) => `${p.owner.kind}/${p.owner.metadata?.name}`).join(', ') || 'no pods';
    return [
      finding(service, rule, 'error', 'spec.externalTrafficPolicy', `externalTrafficPolicy Local, but its pods (${kinds}) do not run on every node and no load balancer health-checks healthCheckNodePort: a client that connects to a node without a local pod gets no answer`, `use externalTrafficPolicy: Cluster (and admit the nodes' addresses in the pods' NetworkPolicy), or put a health-checking load balancer in front and annotate ${HEALTH_CHECKED_BY}`),
    ];
  }
  // Cluster (the default): forwarded connections arrive from node addresses.
  const env = input.env;
  if (!env) return [];
  const sources = [env.cluster.network.hostCidr, env.cluster.network.podCidr].filter((c): c is string => typeof c === 'string' && isIPv4Cidr(c));
  const findings: Finding[] = [];
  asArray(spec.ports).forEach((item, i) => {
    const port = asObject(item) ?? {};
    for (const pod of backends) {
      const covering = policies.filter((p) => namespaceOf(p) === namespaceOf(pod.owner) && selectorMatches(asObject(p.spec)?.podSelector, pod.labels));
      const isolated = covering.some((p) => asArray(asObject(p.spec)?.policyTypes).includes('Ingress') || asObject(p.spec)?.ingress !== undefined);
      if (!isolated) continue;
      const targetPort = containerPort(pod, port.targetPort ?? port.port);
      const missing = sources.filter((cidr) => !covering.some((p) => admits(p, cidr, targetPort)));
      if (missing.length > 0) {
        findings.push(
          finding(service, rule, 'error', `spec.ports[${i}]`, `externalTrafficPolicy Cluster forwards node port ${String(port.nodePort)} from the nodes' addresses, but no NetworkPolicy of ${pod.owner.kind}/${pod.owner.metadata?.name} admits ${missing.join(' and ')} on port ${String(targetPort)}: forwarded connections are dropped at the pod`, `admit ingress from ${missing.join(' and ')} on the service's target port`),
        );
      }
    }
  });
  return findings;
}

function toleratesEverything(pod: PodTemplate): boolean {
  return asArray(pod.spec.tolerations).some((t) => asObject(t)?.operator === 'Exists' && asObject(t)?.key === undefined);
}

/** The container port number a Service port's targetPort names (a number, or a named container port). */
function containerPort(pod: PodTemplate, target: unknown): number | string | undefined {
  if (typeof target === 'number') return target;
  for (const c of asArray(pod.spec.containers)) {
    for (const p of asArray(asObject(c)?.ports)) if (asObject(p)?.name === target) return asObject(p)?.containerPort as number;
  }
  return typeof target === 'string' ? target : undefined;
}

/** Whether a policy has an ingress rule admitting the whole CIDR on the port. */
function admits(policy: KubeObject, cidr: string, port: number | string | undefined): boolean {
  return asArray(asObject(policy.spec)?.ingress).some((item) => {
    const rule = asObject(item) ?? {};
    const from = asArray(rule.from);
    const ports = asArray(rule.ports);
    const portOk = ports.length === 0 || ports.some((p) => asObject(p)?.port === undefined || asObject(p)?.port === port);
    const fromOk = from.length === 0 || from.some((peer) => {
      const block = asObject(asObject(peer)?.ipBlock);
      const outer = asString(block?.cidr);
      return outer !== undefined && isIPv4Cidr(outer) && cidrContains(outer, cidr) && asArray(block?.except).every((e) => typeof e !== 'string' || !cidrsOverlap(e, cidr));
    });
    return portOk && fromOk;
  });
}
