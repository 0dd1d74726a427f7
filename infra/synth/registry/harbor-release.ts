import type { Environment } from '../../schema/environment.js';
import { secretMarker } from '../../model/secrets.js';
import type { HelmReleaseSpec } from '../../model/types.js';
import { HARBOR_CHART, INGRESS_CLASS, TLS_SECRET } from '../../model/names.js';

export { HARBOR_CHART };

/** Namespace Harbor runs in, in every environment. */
export const HARBOR_NAMESPACE = 'harbor';

export interface HarborReleaseProps {
  /** The environment: registry host, domain, StorageClass and volume sizes. */
  readonly env: Environment;
  /** Helm release name; also the prefix of every object the chart creates. @default 'harbor' */
  readonly releaseName?: string;
  /** Scan images with Trivy (the registry's vulnerability report and the project's prevent-vulnerable policy need it). @default true */
  readonly trivy?: boolean;
}

/** A requests/limits pair as the chart takes it for each component. */
export interface HarborResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** One persistent volume claim the chart creates. */
export interface HarborVolume {
  readonly storageClass: string;
  readonly size: string;
}

/** The subset of the chart's values.yaml this platform sets; every other value keeps the chart's default. */
export interface HarborValues {
  readonly expose: {
    readonly type: 'ingress';
    readonly tls: { readonly enabled: boolean; readonly certSource: 'secret'; readonly secret: { readonly secretName: string } };
    readonly ingress: {
      readonly hosts: { readonly core: string };
      readonly className: string;
      readonly annotations: Readonly<Record<string, string>>;
    };
  };
  /** Must be `https://` + the ingress host: Harbor hands it to clients as the token service and registry URL. */
  readonly externalURL: string;
  readonly harborAdminPassword: string;
  /** Encryption key of Harbor's stored credentials (exactly 16 characters). */
  readonly secretKey: string;
  readonly updateStrategy: { readonly type: 'Recreate' };
  readonly persistence: {
    readonly enabled: true;
    readonly resourcePolicy: 'keep';
    readonly persistentVolumeClaim: {
      readonly registry: HarborVolume;
      readonly jobservice: { readonly jobLog: HarborVolume };
      readonly database: HarborVolume;
      readonly redis: HarborVolume;
      readonly trivy: HarborVolume;
    };
  };
  readonly portal: { readonly resources: HarborResources };
  readonly core: { readonly resources: HarborResources };
  readonly jobservice: { readonly resources: HarborResources };
  readonly registry: {
    readonly registry: { readonly resources: HarborResources };
    readonly controller: { readonly resources: HarborResources };
    /** Basic-auth credentials core uses towards the registry component. */
    readonly credentials: { readonly username: string; readonly password: string };
  };
  readonly trivy: { readonly enabled: boolean; readonly resources: HarborResources };
  readonly database: { readonly type: 'internal'; readonly internal: { readonly password: string; readonly resources: HarborResources } };
  readonly redis: { readonly type: 'internal'; readonly internal: { readonly resources: HarborResources } };
}

const resources = (requestCpu: string, requestMemory: string, limitCpu: string, limitMemory: string): HarborResources => ({
  requests: { cpu: requestCpu, memory: requestMemory },
  limits: { cpu: limitCpu, memory: limitMemory },
});

/**
 * Harbor through its official Helm chart: exposed by the cluster's ingress at the environment's registry host with
 * the wildcard certificate, persistent volumes on the environment's StorageClass that survive `helm uninstall`,
 * Trivy scanning, and the internal database and Redis sized for one team's ~60 images.
 */
export class HarborRelease {
  public readonly releaseName: string;
  public readonly trivy: boolean;
  /** The values handed to the chart, secrets as redaction markers. */
  public readonly values: HarborValues;
  /** The release as Pulumi installs it and `synth` writes it. */
  public readonly spec: HelmReleaseSpec;

  constructor(props: HarborReleaseProps) {
    const { env } = props;
    this.releaseName = props.releaseName ?? 'harbor';
    this.trivy = props.trivy ?? true;
    const host = env.registry.host;
    if (!host.endsWith(`.${env.domain}`) || host.slice(0, -env.domain.length - 1).includes('.')) {
      throw new Error(
        `'registry.host' (${host}) of environment '${env.name}' must be one label under 'domain' (${env.domain}), such as harbor.${env.domain}: ` +
          `Harbor's ingress serves the wildcard certificate *.${env.domain}`,
      );
    }
    const volume = (size: string): HarborVolume => ({ storageClass: env.sizing.storageClass, size });
    const storage = env.sizing.harborStorage;

    this.values = {
      expose: {
        type: 'ingress',
        tls: { enabled: true, certSource: 'secret', secret: { secretName: TLS_SECRET } },
        ingress: {
          hosts: { core: host },
          className: INGRESS_CLASS,
          // Image layers are often hundreds of MiB: no request body limit, and HTTPS only.
          annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0', 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' },
        },
      },
      externalURL: `https://${host}`,
      harborAdminPassword: secretMarker('harborAdminPassword'),
      // The chart's defaults for these are public strings ('not-a-secure-key', 'changeit', 'harbor_registry_password').
      secretKey: secretMarker('harborSecretKey'),
      // The volumes are ReadWriteOnce: a rolling update would start the new registry and jobservice pods while the
      // old ones still hold their volumes (the chart says to use Recreate when ReadWriteMany is not available).
      updateStrategy: { type: 'Recreate' },
      persistence: {
        enabled: true,
        // `helm uninstall` (or replacing the release) must never delete the images.
        resourcePolicy: 'keep',
        persistentVolumeClaim: {
          registry: volume(storage.registry),
          jobservice: { jobLog: volume(storage.jobLog) },
          database: volume(storage.database),
          redis: volume(storage.redis),
          trivy: volume(storage.trivy),
        },
      },
      portal: { resources: resources('50m', '64Mi', '200m', '256Mi') },
      core: { resources: resources('100m', '256Mi', '1000m', '1Gi') },
      jobservice: { resources: resources('100m', '256Mi', '500m', '512Mi') },
      registry: {
        registry: { resources: resources('100m', '256Mi', '1000m', '1Gi') },
        controller: { resources: resources('50m', '64Mi', '200m', '256Mi') },
        credentials: { username: 'harbor_registry_user', password: secretMarker('harborRegistryPassword') },
      },
      trivy: { enabled: this.trivy, resources: resources('200m', '512Mi', '1000m', '1Gi') },
      database: { type: 'internal', internal: { password: secretMarker('harborDatabasePassword'), resources: resources('100m', '256Mi', '1000m', '1Gi') } },
      redis: { type: 'internal', internal: { resources: resources('50m', '64Mi', '500m', '512Mi') } },
    };

    this.spec = {
      name: this.releaseName,
      namespace: HARBOR_NAMESPACE,
      chart: HARBOR_CHART.chart,
      version: HARBOR_CHART.version,
      repository: HARBOR_CHART.repository,
      values: { ...this.values },
    };
  }
}
