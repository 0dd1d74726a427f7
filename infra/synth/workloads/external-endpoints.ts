import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';

export interface ExternalEndpointsProps {
  /** The Service's name: the cluster DNS name clients use (`<name>.<namespace>.svc.cluster.local`). */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Addresses outside the cluster; they must be interchangeable, as the Service balances connections across them. */
  readonly addresses: readonly string[];
  readonly port: number;
  /** Name of the one port, on the Service and the EndpointSlice alike. */
  readonly portName: string;
  /** The EndpointSlice's name. @default `${name}-endpoints` */
  readonly sliceName?: string;
}

/**
 * Hosts outside the cluster behind a stable cluster name: a selector-less Service plus an EndpointSlice that lists the
 * addresses (kube-proxy balances the Service's ClusterIP across them). Used for the VM-hosted stateful services and for
 * a module's legacy upstream during its cutover.
 */
export class ExternalEndpoints extends Construct {
  public readonly name: string;
  public readonly portName: string;

  constructor(scope: Construct, id: string, props: ExternalEndpointsProps) {
    super(scope, id);
    const { name, namespace, port, portName } = props;
    this.name = name;
    this.portName = portName;
    const labels = { ...props.labels };
    new k8s.KubeService(this, 'service', {
      metadata: { name, namespace, labels },
      spec: { type: 'ClusterIP', ports: [{ name: portName, port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }] },
    });
    new k8s.KubeEndpointSlice(this, 'endpoints', {
      metadata: {
        name: props.sliceName ?? `${name}-endpoints`,
        namespace,
        labels: { ...labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'pulumi.icv.io' },
      },
      addressType: 'IPv4',
      ports: [{ name: portName, port, protocol: 'TCP' }],
      endpoints: props.addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
    });
  }
}
