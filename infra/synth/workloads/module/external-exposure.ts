import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { objectMetadata, type ModuleIdentity } from './identity.js';
import type { ModuleDeployment } from './deployment.js';

export interface ModuleExternalExposureProps {
  readonly identity: ModuleIdentity;
  readonly deployment: ModuleDeployment;
  /** The port the Service listens on inside the cluster. */
  readonly port: number;
  /** The node port devices outside the cluster connect to. */
  readonly nodePort: number;
}

/** A device-facing module's NodePort Service (`<module>-external`) on the Deployment's pods. */
export class ModuleExternalExposure extends Construct {
  constructor(scope: Construct, id: string, props: ModuleExternalExposureProps) {
    super(scope, id);
    const { deployment } = props;
    new k8s.KubeService(this, 'service', {
      metadata: objectMetadata(props.identity, `${props.identity.name}-external`),
      spec: {
        type: 'NodePort',
        // Cluster: every node answers and forwards to a ready pod wherever it runs. There is no load balancer in front
        // to health-check nodes, and the pods do not run on every node (nor ever on the control plane, which also
        // opens the port), so Local would drop a device's connection on a node without a local pod. The price: the
        // pod sees the forwarding node's address instead of the device's (see ModuleNetworkPolicy).
        externalTrafficPolicy: 'Cluster',
        selector: { ...deployment.selector },
        ports: [{ name: deployment.portName, port: props.port, targetPort: k8s.IntOrString.fromString(deployment.portName), nodePort: props.nodePort, protocol: 'TCP' }],
      },
    });
  }
}
