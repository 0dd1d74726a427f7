import { Construct } from 'constructs';
import { exceptionAnnotation, moduleImage, moduleNamespace, routeHost, smokeHost } from '../../model/names.js';
import { cutoverStage } from '../../schema/cutover.js';
import type { Environment } from '../../schema/environment.js';
import type { ModuleSpec } from '../../schema/module.js';
import { ModuleCutover } from './module/cutover.js';
import { ModuleDeployment } from './module/deployment.js';
import { ModuleExternalExposure } from './module/external-exposure.js';
import { moduleIdentity } from './module/identity.js';
import { ModuleIngress } from './module/ingress.js';
import { ModuleScaling } from './module/scaling.js';
import { ModuleService } from './module/service.js';
import { ModuleNetworkPolicy } from './module-network-policy.js';

export interface ModuleWorkloadProps {
  /** The catalog entry. */
  readonly module: ModuleSpec;
  /** The environment it is synthesized for (registry, domain, replica floor, stateful services). */
  readonly env: Environment;
  /** Modules this one calls, resolved from the catalog. */
  readonly dependencies: readonly ModuleSpec[];
  /** Modules that call this one. */
  readonly dependents: readonly ModuleSpec[];
  /** Seconds Kubernetes waits after SIGTERM before killing the container. @default 45 */
  readonly terminationGracePeriodSeconds?: number;
}

/** Maps catalog exception rules to the check rule ids they annotate. */
const EXCEPTION_RULE_IDS: Readonly<Record<ModuleSpec['exceptions'][number]['rule'], string | undefined>> = {
  'read-only-root-filesystem': 'pss-restricted.read-only-root-filesystem',
  spread: 'reliability.spread',
  'min-replicas': 'reliability.min-replicas',
  'network-egress-internet': 'network.egress-internet',
  // A rule of the catalog itself (schema/catalog-rules.ts), not of an object: it annotates nothing.
  'dependency-cycle': undefined,
};

/**
 * One catalog module as a production-grade workload, composed of small constructs: the Deployment with its
 * ServiceAccount, ConfigMap and credentials Secret; the Service; the NodePort Service of a device-facing module; the
 * autoscaler (or fixed replicas) and disruption budget; the NetworkPolicy; the Ingress of a routed module. Every safe
 * default is applied here, so a module declaration never has to; the selector is wired once, by the Deployment.
 */
export class ModuleWorkload extends Construct {
  /** Namespace the module lives in (`icv-<domain>`). */
  public readonly namespace: string;
  /** Replicas at rest: the declared count or HPA minimum, raised to the environment's floor. */
  public readonly minReplicas: number;
  /** Replicas at most (the HPA maximum, or the fixed count). */
  public readonly maxReplicas: number;
  public readonly image: string;

  constructor(scope: Construct, id: string, props: ModuleWorkloadProps) {
    super(scope, id);
    const { module, env } = props;
    this.namespace = moduleNamespace(module.domain);
    this.image = moduleImage(env, module);
    const excepted = (rule: string) => module.exceptions.some((e) => e.rule === rule);
    const floor = excepted('min-replicas') ? 1 : env.sizing.replicaFloor;
    const scaling = module.scaling;
    this.minReplicas = Math.max(floor, 'replicas' in scaling ? scaling.replicas : scaling.min);
    this.maxReplicas = 'replicas' in scaling ? this.minReplicas : Math.max(scaling.max, this.minReplicas);

    const identity = moduleIdentity(module.name, this.namespace, module.tier);
    const deployment = new ModuleDeployment(this, 'deployment', {
      identity,
      module,
      env,
      image: this.image,
      dependencies: props.dependencies,
      annotations: Object.fromEntries(
        module.exceptions.flatMap((e) => {
          const rule = EXCEPTION_RULE_IDS[e.rule];
          return rule === undefined ? [] : [[exceptionAnnotation(rule), e.reason]];
        }),
      ),
      spread: !excepted('spread'),
      readOnlyRootFilesystem: !excepted('read-only-root-filesystem'),
      replicas: 'replicas' in scaling ? this.minReplicas : undefined,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
    });
    const service = new ModuleService(this, 'service', { identity, deployment, port: module.port });
    if (module.external) {
      new ModuleExternalExposure(this, 'external', { identity, deployment, port: module.port.number, nodePort: module.external.nodePort });
    }
    new ModuleScaling(this, 'scaling', {
      identity,
      deployment,
      ...('replicas' in scaling ? {} : { autoscale: { minReplicas: this.minReplicas, maxReplicas: this.maxReplicas, targetCpu: scaling.targetCpu } }),
    });
    new ModuleNetworkPolicy(this, 'network-policy', {
      module,
      env,
      namespace: this.namespace,
      dependencies: props.dependencies,
      dependents: props.dependents,
      labels: identity.labels,
    });
    if (module.routes.length > 0) {
      const routes = module.routes.map((r) => ({ host: routeHost(env, r.host), path: r.path }));
      if (cutoverStage(env, module.name) === 'kubernetes') new ModuleIngress(this, 'ingress', { identity, service, routes });
      else {
        const smokeRoutes = module.routes.map((r) => ({ host: smokeHost(env, r.host), path: r.path }));
        new ModuleCutover(this, 'cutover', { identity, service, routes, smokeRoutes, cutover: env.cutover[module.name]! });
      }
    }
  }
}
