import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HARBOR_COMPONENTS, HARBOR_EDGES, HARBOR_INGRESS_BACKENDS, harborObjectName, harborPodSelector, type HarborComponent } from '../../model/harbor-chart.js';
import { INGRESS_CONTROLLER_NAMESPACE, NAMESPACE_NAME_LABEL } from '../../model/names.js';
import { addressesEgress, dnsEgress, internetHttpsEgress } from '../workloads/module-network-policy.js';

export interface HarborNetworkPolicyProps {
  readonly namespace: string;
  /** The Helm release name: the chart's pods carry it as their `release` label. */
  readonly releaseName: string;
  /** Components the release runs (trivy only when enabled). */
  readonly components: readonly HarborComponent[];
  /** The object store's addresses and port: the registry writes images there. */
  readonly objectStore: { readonly addresses: readonly string[]; readonly port: number };
  readonly labels: Record<string, string>;
}

const tcp = (ports: readonly number[]): k8s.NetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));

/**
 * Harbor fenced: a default-deny for every pod of the namespace, then one policy per chart component allowing
 * exactly the connections the chart configures between them (`HARBOR_EDGES`), the cluster gateway to core and
 * portal (image pulls by the nodes and pushes by the build agents arrive through it, at core, which proxies
 * `/v2/` to the registry), the registry to the object store, Trivy to the internet for its databases, and DNS.
 * Kubelet probes come from the node itself, which Calico always admits to its local pods.
 */
export class HarborNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: HarborNetworkPolicyProps) {
    super(scope, id);
    const { namespace, releaseName: release, labels } = props;
    const runs = new Set(props.components);
    const edges = HARBOR_EDGES.filter((e) => runs.has(e.from) && runs.has(e.to));

    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny', namespace, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    for (const component of props.components) {
      const ingress: k8s.NetworkPolicyIngressRule[] = edges
        .filter((e) => e.to === component)
        .map((e) => ({ from: [{ podSelector: { matchLabels: harborPodSelector(release, e.from) } }], ports: tcp(e.ports) }));
      if (HARBOR_INGRESS_BACKENDS.includes(component)) {
        ingress.push({ from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: INGRESS_CONTROLLER_NAMESPACE } } }], ports: tcp(HARBOR_COMPONENTS[component].ports.slice(0, 1)) });
      }
      const egress: k8s.NetworkPolicyEgressRule[] = [
        dnsEgress(),
        ...edges.filter((e) => e.from === component).map((e) => ({ to: [{ podSelector: { matchLabels: harborPodSelector(release, e.to) } }], ports: tcp(e.ports) })),
      ];
      if (component === 'registry') egress.push(addressesEgress(props.objectStore.addresses, props.objectStore.port));
      if (component === 'trivy') egress.push(internetHttpsEgress());

      new k8s.KubeNetworkPolicy(this, component, {
        metadata: { name: harborObjectName(release, component), namespace, labels },
        spec: { podSelector: { matchLabels: harborPodSelector(release, component) }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
      });
    }
  }
}
