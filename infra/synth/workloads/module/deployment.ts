import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { appLabels, moduleUrl, PULL_SECRET, selectorLabels, STATEFUL_CREDENTIALS, statefulHost } from '../../../model/names.js';
import { secretMarker } from '../../../model/secrets.js';
import type { Environment } from '../../../schema/environment.js';
import { MANAGEMENT_PORT, type ModuleSpec } from '../../../schema/module.js';
import { quantity, restrictedContainerSecurity, restrictedPodSecurity, spreadAcrossHosts } from '../pod-defaults.js';
import { objectMetadata, type ModuleIdentity } from './identity.js';
import { compareText } from '../../../model/text-order.js';

export interface ModuleDeploymentProps {
  readonly identity: ModuleIdentity;
  readonly module: ModuleSpec;
  /** Registry, release tags and the stateful services' ports. */
  readonly env: Environment;
  /** The image reference the container runs. */
  readonly image: string;
  /** Modules this one calls: each becomes a `<NAME>_URL` variable. */
  readonly dependencies: readonly ModuleSpec[];
  /** A fixed replica count; absent when an autoscaler owns it. @default - no `spec.replicas` */
  readonly replicas?: number;
  /** Exception annotations (`exceptions.icv.io/<rule>`), on the Deployment and its pods. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Pods are spread across hosts unless the module declares the `spread` exception. @default true */
  readonly spread?: boolean;
  /** The root filesystem is read-only unless the module declares that exception. @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Seconds Kubernetes waits after SIGTERM before killing the container. @default 45 */
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * What every module's Deployment has alike, made once and shared by all of them (cdk8s keeps props as given and
 * copies them only when it serializes; nothing here writes to them).
 */
const STRATEGY: k8s.DeploymentStrategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } };
const POD_SECURITY = restrictedPodSecurity();
const CONTAINER_SECURITY = { readOnly: restrictedContainerSecurity(true), writable: restrictedContainerSecurity(false) };
const PULL_SECRETS: k8s.LocalObjectReference[] = [{ name: PULL_SECRET }];
// Endpoints are removed asynchronously after SIGTERM; keep serving until the gateways notice.
const LIFECYCLE: k8s.Lifecycle = { preStop: { exec: { command: ['sleep', '10'] } } };
const TMP_MOUNT: k8s.VolumeMount = { name: 'tmp', mountPath: '/tmp' };
const TMP_VOLUME: k8s.Volume = { name: 'tmp', emptyDir: { sizeLimit: quantity('256Mi') } };

/**
 * A module's pods and what they need to start: ServiceAccount, ConfigMap of config files, the credentials Secret of
 * the stateful services it logs in to, and the Deployment. It owns the selector: everything that targets the pods
 * (Service, autoscaler, disruption budget) takes `selector` and `portName` from here.
 */
export class ModuleDeployment extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** The labels the pods are selected by. */
  public readonly selector: Readonly<Record<string, string>>;
  /** Name of the container port that serves the module's protocol. */
  public readonly portName: string;

  constructor(scope: Construct, id: string, props: ModuleDeploymentProps) {
    super(scope, id);
    const { identity, module, env } = props;
    const name = identity.name;
    this.name = name;
    this.namespace = identity.namespace;
    this.selector = selectorLabels(name);
    this.portName = module.port.protocol;
    const selector = { ...this.selector };
    // The version label only where it describes what runs, so a release changes the pods, not every object.
    const podLabels = appLabels(name, module.tier, env.releases[name]?.tag);
    const annotations = props.annotations ?? {};
    const exceptionMetadata = Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {};

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: objectMetadata(identity), automountServiceAccountToken: false });

    const configFiles = Object.keys(module.config.files);
    const spread = (props.spread ?? true) ? spreadAcrossHosts(selector) : undefined;
    new k8s.KubeConfigMap(this, 'config', { metadata: objectMetadata(identity, `${name}-config`), data: { ...module.config.files } });

    const credentials = module.dependsOn.stateful.filter((s): s is keyof typeof STATEFUL_CREDENTIALS => s in STATEFUL_CREDENTIALS);
    if (credentials.length > 0) {
      new k8s.KubeSecret(this, 'credentials', {
        metadata: objectMetadata(identity, `${name}-credentials`),
        type: 'Opaque',
        stringData: Object.fromEntries(credentials.map((s) => [`${s}-password`, secretMarker(STATEFUL_CREDENTIALS[s].secret)])),
      });
    }

    const healthPort = module.port.protocol === 'http' ? this.portName : 'management';
    const ports: k8s.ContainerPort[] = [{ name: this.portName, containerPort: module.port.number, protocol: 'TCP' }];
    if (healthPort === 'management') ports.push({ name: 'management', containerPort: MANAGEMENT_PORT, protocol: 'TCP' });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { ...objectMetadata(identity), labels: podLabels, ...exceptionMetadata },
      spec: {
        // Absent (undefined, dropped when serialized) when an autoscaler owns the count.
        replicas: props.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: STRATEGY,
        template: {
          metadata: {
            labels: podLabels,
            annotations: configFiles.length > 0 ? { ...annotations, 'icv.io/config-checksum': checksum(module.config.files) } : annotations,
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: POD_SECURITY,
            imagePullSecrets: PULL_SECRETS,
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 45,
            // Absent (undefined, dropped when serialized) for the `spread` exception.
            topologySpreadConstraints: spread?.topologySpreadConstraints,
            affinity: spread?.affinity,
            containers: [
              {
                name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                ports,
                env: environmentVariables(module, env, props.dependencies),
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
                lifecycle: LIFECYCLE,
                securityContext: (props.readOnlyRootFilesystem ?? true) ? CONTAINER_SECURITY.readOnly : CONTAINER_SECURITY.writable,
                volumeMounts: configFiles.length > 0 ? [TMP_MOUNT, { name: 'config', mountPath: `/etc/${name}`, readOnly: true }] : [TMP_MOUNT],
              },
            ],
            volumes: configFiles.length > 0 ? [TMP_VOLUME, { name: 'config', configMap: { name: `${name}-config` } }] : [TMP_VOLUME],
          },
        },
      },
    });
  }
}

/**
 * A dependency's `<NAME>_URL` variable, made once per catalog entry and shared by the Deployments of every module
 * that calls it (nothing writes to it).
 */
const urlVariables = new WeakMap<ModuleSpec, k8s.EnvVar>();
function urlVariable(dependency: ModuleSpec): k8s.EnvVar {
  let variable = urlVariables.get(dependency);
  if (variable === undefined) {
    variable = { name: `${dependency.name.toUpperCase().replaceAll('-', '_')}_URL`, value: moduleUrl(dependency) };
    urlVariables.set(dependency, variable);
  }
  return variable;
}

/** The container's environment: declared variables, each dependency's URL, each stateful service's address and login. */
function environmentVariables(module: ModuleSpec, env: Environment, dependencies: readonly ModuleSpec[]): k8s.EnvVar[] {
  const vars: k8s.EnvVar[] = Object.entries(module.config.env).map(([key, value]) => ({ name: key, value }));
  // Each declared dependency's address, so nobody writes a URL into config by hand.
  for (const dependency of dependencies) vars.push(urlVariable(dependency));
  for (const s of module.dependsOn.stateful) {
    const prefix = s.toUpperCase();
    vars.push({ name: `${prefix}_HOST`, value: statefulHost(s) }, { name: `${prefix}_PORT`, value: String(env.statefulServices[s].port) });
    if (s in STATEFUL_CREDENTIALS) {
      const cred = STATEFUL_CREDENTIALS[s as keyof typeof STATEFUL_CREDENTIALS];
      vars.push(
        { name: `${prefix}_USER`, value: cred.user },
        { name: `${prefix}_PASSWORD`, valueFrom: { secretKeyRef: { name: `${module.name}-credentials`, key: `${s}-password` } } },
      );
    }
  }
  return vars.sort((a, b) => compareText(a.name, b.name));
}

/** Content hash of the mounted config files: a change rolls the pods, as a mounted file change alone would not. */
function checksum(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(files).sort()) hash.update(`${key}\0${files[key]}\0`);
  return hash.digest('hex').slice(0, 16);
}
