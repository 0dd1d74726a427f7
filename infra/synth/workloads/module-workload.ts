import { k8s } from 'cdk8s-plus-27';
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import type { ModuleSpec } from '../../schema/module.js';
import { MANAGEMENT_PORT } from '../../schema/module.js';
import type { Environment } from '../../schema/environment.js';
import { secretMarker } from '../../model/secrets.js';
import { appLabels, exceptionAnnotation, selectorLabels } from '../../model/names.js';
import {
  moduleUrl,
  INGRESS_CLASS,
  moduleImage,
  moduleNamespace,
  PULL_SECRET,
  routeHost,
  STATEFUL_CREDENTIALS,
  statefulHost,
  TLS_SECRET,
} from '../../model/names.js';
import { ModuleNetworkPolicy } from './module-network-policy.js';
import { quantity, restrictedContainerSecurity, restrictedPodSecurity, spreadAcrossHosts } from './pod-defaults.js';

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
const EXCEPTION_RULE_IDS = {
  'read-only-root-filesystem': 'pss-restricted.read-only-root-filesystem',
  spread: 'reliability.spread',
  'min-replicas': 'reliability.min-replicas',
  'network-egress-internet': 'network.egress-internet',
} as const;

/**
 * One catalog module as a production-grade workload: ServiceAccount, ConfigMap, Deployment, Service,
 * HorizontalPodAutoscaler or fixed replicas, PodDisruptionBudget, NetworkPolicy, credentials Secret and
 * Ingress for routed modules. Every safe default is applied here, so a module declaration never has to.
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
    const name = module.name;
    this.namespace = moduleNamespace(module.domain);
    this.image = moduleImage(env, module);
    const tag = env.releases[name];
    const floor = module.exceptions.some((e) => e.rule === 'min-replicas') ? 1 : env.sizing.replicaFloor;
    const scaling = module.scaling;
    this.minReplicas = Math.max(floor, 'replicas' in scaling ? scaling.replicas : scaling.min);
    this.maxReplicas = 'replicas' in scaling ? this.minReplicas : Math.max(scaling.max, this.minReplicas);

    const labels = appLabels(name, module.tier);
    // The version label only where it describes what runs, so a release changes the pods, not every object.
    const podLabels = appLabels(name, module.tier, tag);
    const selector = selectorLabels(name);
    const annotations = Object.fromEntries(
      module.exceptions.map((e) => [exceptionAnnotation(EXCEPTION_RULE_IDS[e.rule]), e.reason]),
    );
    const metadata = (objectName = name) => ({ name: objectName, namespace: this.namespace, labels });
    const exceptionMetadata = Object.keys(annotations).length > 0 ? { annotations } : {};

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: metadata(), automountServiceAccountToken: false });

    const configFiles = Object.keys(module.config.files);
    new k8s.KubeConfigMap(this, 'config', {
      metadata: metadata(`${name}-config`),
      data: { ...module.config.files },
    });

    const credentials = module.dependsOn.stateful.filter((s): s is keyof typeof STATEFUL_CREDENTIALS => s in STATEFUL_CREDENTIALS);
    if (credentials.length > 0) {
      new k8s.KubeSecret(this, 'credentials', {
        metadata: metadata(`${name}-credentials`),
        type: 'Opaque',
        stringData: Object.fromEntries(credentials.map((s) => [`${s}-password`, secretMarker(STATEFUL_CREDENTIALS[s].secret)])),
      });
    }

    const env_: k8s.EnvVar[] = [
      ...Object.entries(module.config.env).map(([key, value]) => ({ name: key, value })),
      // Each declared dependency's address, so nobody writes a URL into config by hand.
      ...props.dependencies.map((dep) => ({ name: `${dep.name.toUpperCase().replaceAll('-', '_')}_URL`, value: moduleUrl(dep) })),
      ...module.dependsOn.stateful.flatMap((s) => {
        const prefix = s.toUpperCase();
        const vars: k8s.EnvVar[] = [
          { name: `${prefix}_HOST`, value: statefulHost(s) },
          { name: `${prefix}_PORT`, value: String(env.statefulServices[s].port) },
        ];
        if (s in STATEFUL_CREDENTIALS) {
          const cred = STATEFUL_CREDENTIALS[s as keyof typeof STATEFUL_CREDENTIALS];
          vars.push(
            { name: `${prefix}_USER`, value: cred.user },
            { name: `${prefix}_PASSWORD`, valueFrom: { secretKeyRef: { name: `${name}-credentials`, key: `${s}-password` } } },
          );
        }
        return vars;
      }),
    ].sort((a, b) => a.name.localeCompare(b.name));

    const portName = module.port.protocol;
    const healthPort = module.port.protocol === 'http' ? portName : 'management';
    const ports: k8s.ContainerPort[] = [{ name: portName, containerPort: module.port.number, protocol: 'TCP' }];
    if (healthPort === 'management') ports.push({ name: 'management', containerPort: MANAGEMENT_PORT, protocol: 'TCP' });
    const readOnlyRoot = !module.exceptions.some((e) => e.rule === 'read-only-root-filesystem');
    const spread = !module.exceptions.some((e) => e.rule === 'spread');

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { ...metadata(), labels: podLabels, ...exceptionMetadata },
      spec: {
        ...('replicas' in scaling ? { replicas: this.minReplicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: podLabels,
            annotations: { ...annotations, ...(configFiles.length > 0 ? { 'icv.io/config-checksum': checksum(module.config.files) } : {}) },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurity(),
            imagePullSecrets: [{ name: PULL_SECRET }],
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 45,
            ...(spread ? spreadAcrossHosts(selector) : {}),
            containers: [
              {
                name,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                ports,
                env: env_,
                resources: {
                  requests: { cpu: quantity(module.resources.requests.cpu), memory: quantity(module.resources.requests.memory) },
                  limits: { cpu: quantity(module.resources.limits.cpu), memory: quantity(module.resources.limits.memory) },
                },
                readinessProbe: {
                  httpGet: { path: module.health.readiness, port: k8s.IntOrString.fromString(healthPort) },
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: { path: module.health.liveness, port: k8s.IntOrString.fromString(healthPort) },
                  initialDelaySeconds: 20,
                  periodSeconds: 15,
                  timeoutSeconds: 3,
                  failureThreshold: 4,
                },
                startupProbe: {
                  httpGet: { path: module.health.liveness, port: k8s.IntOrString.fromString(healthPort) },
                  periodSeconds: 5,
                  failureThreshold: 36,
                },
                // Endpoints are removed asynchronously after SIGTERM; keep serving until the gateways notice.
                lifecycle: { preStop: { exec: { command: ['sleep', '10'] } } },
                securityContext: restrictedContainerSecurity(readOnlyRoot),
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  ...(configFiles.length > 0 ? [{ name: 'config', mountPath: `/etc/${name}`, readOnly: true }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: quantity('256Mi') } },
              ...(configFiles.length > 0 ? [{ name: 'config', configMap: { name: `${name}-config` } }] : []),
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata: metadata(),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: portName, port: module.port.number, targetPort: k8s.IntOrString.fromString(portName), protocol: 'TCP', appProtocol: module.port.protocol }],
      },
    });

    if (module.external) {
      new k8s.KubeService(this, 'external-service', {
        metadata: metadata(`${name}-external`),
        spec: {
          type: 'NodePort',
          // Local keeps the client's source address, which the NetworkPolicy's ipBlock rules match on.
          externalTrafficPolicy: 'Local',
          selector,
          ports: [{ name: portName, port: module.port.number, targetPort: k8s.IntOrString.fromString(portName), nodePort: module.external.nodePort, protocol: 'TCP' }],
        },
      });
    }

    if (!('replicas' in scaling)) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
        metadata: metadata(),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: this.minReplicas,
          maxReplicas: this.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: scaling.targetCpu } } }],
        },
      });
    }

    // maxUnavailable 1 lets a node drain evict one replica at a time, whatever the replica count.
    new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata: metadata(),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });

    new ModuleNetworkPolicy(this, 'network-policy', {
      module,
      env,
      namespace: this.namespace,
      dependencies: props.dependencies,
      dependents: props.dependents,
      labels,
    });

    if (module.routes.length > 0) {
      const hosts = [...new Set(module.routes.map((r) => routeHost(env, r.host)))];
      new k8s.KubeIngress(this, 'ingress', {
        metadata: metadata(),
        spec: {
          ingressClassName: INGRESS_CLASS,
          tls: [{ hosts, secretName: TLS_SECRET }],
          rules: hosts.map((host) => ({
            host,
            http: {
              paths: module.routes
                .filter((r) => routeHost(env, r.host) === host)
                .map((r) => ({
                  path: r.path,
                  pathType: 'Prefix',
                  backend: { service: { name, port: { name: portName } } },
                })),
            },
          })),
        },
      });
    }
  }
}

/** Content hash of the mounted config files: a change rolls the pods, as a mounted file change alone would not. */
function checksum(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(files).sort()) hash.update(`${key}\0${files[key]}\0`);
  return hash.digest('hex').slice(0, 16);
}
