import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { objectMetadata, type ModuleIdentity } from './identity.js';
import type { ModuleDeployment } from './deployment.js';

export interface ModuleServiceProps {
  readonly identity: ModuleIdentity;
  /** The pods it fronts: the selector and the target port come from here. */
  readonly deployment: ModuleDeployment;
  /** The port clients call, and its protocol (the Service's `appProtocol`). */
  readonly port: { readonly number: number; readonly protocol: string };
}

/** The module's in-cluster address: a ClusterIP Service on the Deployment's pods, named after the module. */
export class ModuleService extends Construct {
  public readonly name: string;
  /** The named port Ingress backends refer to. */
  public readonly portName: string;

  constructor(scope: Construct, id: string, props: ModuleServiceProps) {
    super(scope, id);
    const { deployment, port } = props;
    this.name = props.identity.name;
    this.portName = deployment.portName;
    new k8s.KubeService(this, 'service', {
      metadata: objectMetadata(props.identity),
      spec: {
        type: 'ClusterIP',
        selector: { ...deployment.selector },
        ports: [{ name: this.portName, port: port.number, targetPort: k8s.IntOrString.fromString(this.portName), protocol: 'TCP', appProtocol: port.protocol }],
      },
    });
  }
}
