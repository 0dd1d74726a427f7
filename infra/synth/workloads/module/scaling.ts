import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { objectMetadata, type ModuleIdentity } from './identity.js';
import type { ModuleDeployment } from './deployment.js';

export interface ModuleScalingProps {
  readonly identity: ModuleIdentity;
  readonly deployment: ModuleDeployment;
  /** Autoscaling bounds and CPU target; absent for a fixed replica count. @default - no autoscaler */
  readonly autoscale?: { readonly minReplicas: number; readonly maxReplicas: number; readonly targetCpu: number };
}

/** How the module's pods scale and survive drains: a CPU autoscaler when it scales, and always a disruption budget. */
export class ModuleScaling extends Construct {
  constructor(scope: Construct, id: string, props: ModuleScalingProps) {
    super(scope, id);
    const { identity, deployment, autoscale } = props;
    if (autoscale) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
        metadata: objectMetadata(identity),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name },
          minReplicas: autoscale.minReplicas,
          maxReplicas: autoscale.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscale.targetCpu } } }],
        },
      });
    }
    // maxUnavailable 1 lets a node drain evict one replica at a time, whatever the replica count.
    new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata: objectMetadata(identity),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...deployment.selector } } },
    });
  }
}
