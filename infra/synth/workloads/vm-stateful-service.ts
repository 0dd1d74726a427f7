import { Construct } from 'constructs';
import type { Environment, StatefulServiceName } from '../../schema/environment.js';
import { appLabels } from '../../model/names.js';
import { STATEFUL_NAMESPACE, VM_STATEFUL_COMPONENT } from '../../model/names.js';
import { ExternalEndpoints } from './external-endpoints.js';

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
    new ExternalEndpoints(this, 'endpoints', {
      name: service,
      namespace: STATEFUL_NAMESPACE,
      labels: appLabels(service, VM_STATEFUL_COMPONENT),
      addresses,
      port,
      portName: 'tcp',
      sliceName: `${service}-vms`,
    });
  }
}
