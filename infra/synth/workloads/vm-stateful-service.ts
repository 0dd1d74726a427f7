import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { Environment, StatefulServiceName } from '../../schema/environment.js';
import { appLabels } from '../../model/names.js';
import { STATEFUL_NAMESPACE } from '../../model/names.js';

export interface VmStatefulServiceProps {
  readonly service: StatefulServiceName;
  readonly env: Environment;
}

/**
 * A stateful service that stays on virtual machines, given a stable cluster DNS name: a selector-less Service
 * plus an EndpointSlice listing the VM addresses (`<service>.icv-stateful.svc.cluster.local`).
 */
export class VmStatefulService extends Construct {
  constructor(scope: Construct, id: string, props: VmStatefulServiceProps) {
    super(scope, id);
    const { service, env } = props;
    const { addresses, port } = env.statefulServices[service];
    const labels = appLabels(service, 'vm-stateful-service');
    new k8s.KubeService(this, 'service', {
      metadata: { name: service, namespace: STATEFUL_NAMESPACE, labels },
      spec: { type: 'ClusterIP', ports: [{ name: 'tcp', port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }] },
    });
    new k8s.KubeEndpointSlice(this, 'endpoints', {
      metadata: {
        name: `${service}-vms`,
        namespace: STATEFUL_NAMESPACE,
        labels: { ...labels, 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'pulumi.icv.io' },
      },
      addressType: 'IPv4',
      ports: [{ name: 'tcp', port, protocol: 'TCP' }],
      endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
    });
  }
}
