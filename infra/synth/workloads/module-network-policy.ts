import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ModuleSpec } from '../../schema/module.js';
import type { Environment } from '../../schema/environment.js';
import { NAMESPACE_NAME_LABEL, selectorLabels } from '../../model/names.js';
import { INGRESS_CONTROLLER_NAMESPACE, moduleNamespace, NODE_LOCAL_DNS, STATEFUL_NAMESPACE } from '../../model/names.js';

export interface ModuleNetworkPolicyProps {
  readonly module: ModuleSpec;
  readonly env: Environment;
  readonly namespace: string;
  /** Modules this one declares it calls: egress is allowed to exactly these. */
  readonly dependencies: readonly ModuleSpec[];
  /** Modules that declare they call this one: ingress is allowed from exactly these. */
  readonly dependents: readonly ModuleSpec[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Private ranges kept out of the internet egress exception: it must never open the cluster's own networks. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** HTTPS to the internet and nowhere private: what the `network-egress-internet` exception allows. */
export function internetHttpsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }],
    ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }],
  };
}

/** A peer: the pods of one module, wherever its namespace is. */
export function modulePeer(module: ModuleSpec): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: moduleNamespace(module.domain) } },
    podSelector: { matchLabels: selectorLabels(module.name) },
  };
}

/**
 * DNS egress, which every pod needs: to CoreDNS, and to NodeLocal DNSCache, which KubeKey enables by default and
 * points kubelet's cluster DNS at (a host-network listener on every node, so only an ipBlock can allow it).
 */
export function dnsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [
      { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      { ipBlock: { cidr: `${NODE_LOCAL_DNS}/32` } },
    ],
    ports: [
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
      { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
    ],
  };
}

/** Every module's DNS rule, made once and shared (cdk8s copies props only when it serializes; nothing writes to them). */
const DNS_EGRESS = dnsEgress();

/** A stateful service's pods in the cluster (mode `cluster`): every pod of its StatefulSet in the stateful namespace. */
export function inClusterPeer(service: string): k8s.NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: STATEFUL_NAMESPACE } }, podSelector: { matchLabels: selectorLabels(service) } };
}

/** Egress to the virtual machines behind a stateful service (pods connect to the EndpointSlice addresses). */
export function addressesEgress(addresses: readonly string[], port: number): k8s.NetworkPolicyEgressRule {
  return {
    to: addresses.map((address) => ({ ipBlock: { cidr: `${address}/32` } })),
    ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }],
  };
}

/**
 * How the policies of a module's callers and callees name it: its pods as a peer, its port, and the egress rule to it.
 * Made once per catalog entry (a module is named by every module it calls and every module that calls it) and shared
 * by those policies; nothing writes to them (cdk8s copies props only when it serializes).
 */
const callees = new WeakMap<ModuleSpec, { readonly peer: k8s.NetworkPolicyPeer; readonly port: k8s.NetworkPolicyPort; readonly egress: k8s.NetworkPolicyEgressRule }>();
function callee(module: ModuleSpec): { readonly peer: k8s.NetworkPolicyPeer; readonly port: k8s.NetworkPolicyPort; readonly egress: k8s.NetworkPolicyEgressRule } {
  let found = callees.get(module);
  if (found === undefined) {
    const peer = modulePeer(module);
    const port: k8s.NetworkPolicyPort = { protocol: 'TCP', port: k8s.IntOrString.fromNumber(module.port.number) };
    found = { peer, port, egress: { to: [peer], ports: [port] } };
    callees.set(module, found);
  }
  return found;
}

/**
 * The allow rules of one module, derived from the declared dependency graph; the namespace's default-deny
 * policy blocks everything else. Nobody writes a NetworkPolicy by hand.
 */
export class ModuleNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ModuleNetworkPolicyProps) {
    super(scope, id);
    const { module, env } = props;
    const ports = [callee(module).port];

    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    if (props.dependents.length > 0) ingress.push({ from: props.dependents.map((m) => callee(m).peer), ports });
    if (module.routes.length > 0) {
      ingress.push({
        from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: INGRESS_CONTROLLER_NAMESPACE } } }],
        ports,
      });
    }

    if (module.external) {
      // The NodePort Service forwards with externalTrafficPolicy Cluster: device connections arrive source-NATed to
      // the address of the node that received them (in the hosts' network), or to its Calico tunnel address (inside
      // the pod network) when the pod runs on another node. The devices' own ranges (external.sourceRanges) are
      // no longer visible here; they are what the hosts' network admits to the node port.
      const { hostCidr, podCidr } = env.cluster.network;
      ingress.push({ from: [hostCidr, podCidr].map((cidr) => ({ ipBlock: { cidr } })), ports });
    }

    const egress: k8s.NetworkPolicyEgressRule[] = [DNS_EGRESS];
    for (const dependency of props.dependencies) egress.push(callee(dependency).egress);
    for (const service of module.dependsOn.stateful) {
      const { addresses, port: servicePort, mode } = env.statefulServices[service];
      if (mode === 'cluster') egress.push({ to: [inClusterPeer(service)], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(servicePort) }] });
      else egress.push(addressesEgress(addresses, servicePort));
    }
    if (module.exceptions.some((e) => e.rule === 'network-egress-internet')) {
      egress.push(internetHttpsEgress());
    }

    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: { name: module.name, namespace: props.namespace, labels: props.labels },
      // No `ingress` key when nothing may call the module: policyTypes already denies all ingress, and an empty list
      // is stored as absent, so every apply of `ingress: []` would count as a spec change (a new generation).
      spec: { podSelector: { matchLabels: selectorLabels(module.name) }, policyTypes: ['Ingress', 'Egress'], ...(ingress.length > 0 ? { ingress } : {}), egress },
    });
  }
}
