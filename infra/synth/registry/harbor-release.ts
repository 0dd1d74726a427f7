import type { Environment } from '../../schema/environment.js';
import { secretMarker } from '../../model/secrets.js';
import type { HelmReleaseSpec } from '../../model/types.js';
import { HARBOR_CHART, INGRESS_CLASS, STATEFUL_NAMESPACE, TLS_SECRET } from '../../model/names.js';
import { exceptionAnnotation } from '../../model/names.js';
import type { HarborComponent } from '../../model/harbor-chart.js';

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

/**
 * Where the registry keeps images: the S3 API of the VM-hosted MinIO (`persistence.imageChartStorage`, goharbor/harbor-helm
 * v1.15.1 `values.yaml` and `templates/registry/registry-cm.yaml`). `disableredirect` because MinIO is not reachable by
 * the clients the registry would redirect to (the chart's comment names MinIO for it).
 */
export interface HarborImageStorage {
  readonly type: 's3';
  readonly disableredirect: true;
  readonly s3: {
    readonly region: string;
    readonly bucket: string;
    readonly regionendpoint: string;
    readonly accesskey: string;
    readonly secretkey: string;
    readonly v4auth: true;
  };
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
  readonly updateStrategy: { readonly type: 'RollingUpdate' };
  readonly persistence: {
    readonly enabled: true;
    readonly resourcePolicy: 'keep';
    readonly persistentVolumeClaim: {
      readonly database: HarborVolume;
      readonly redis: HarborVolume;
      readonly trivy: HarborVolume;
    };
    readonly imageChartStorage: HarborImageStorage;
  };
  readonly portal: { readonly replicas: number; readonly podAnnotations: Annotations; readonly resources: HarborResources };
  readonly core: { readonly replicas: number; readonly podAnnotations: Annotations; readonly resources: HarborResources };
  /** Job logs go to Harbor's database, so jobservice has no volume and runs more than one replica. */
  readonly jobservice: { readonly replicas: number; readonly jobLoggers: readonly ['database']; readonly podAnnotations: Annotations; readonly resources: HarborResources };
  readonly registry: {
    readonly replicas: number;
    readonly podAnnotations: Annotations;
    readonly registry: { readonly resources: HarborResources };
    readonly controller: { readonly resources: HarborResources };
    /**
     * Basic-auth credentials core uses towards the registry component. `htpasswdString` is set because
     * goharbor/harbor-helm v1.15.1 `templates/registry/registry-secret.yaml` otherwise renders
     * `htpasswd username password` (bcrypt, random salt) on every render: every values change would change the
     * registry's Secret and restart its pods. The Pulumi program computes it from the secret.
     */
    readonly credentials: { readonly username: string; readonly password: string; readonly htpasswdString: string };
  };
  readonly trivy: { readonly enabled: boolean; readonly podAnnotations: Annotations; readonly resources: HarborResources };
  readonly database: {
    readonly type: 'internal';
    readonly podAnnotations: Annotations;
    readonly internal: { readonly password: string; readonly resources: HarborResources; readonly initContainer: { readonly permissions: { readonly resources: HarborResources } } };
  };
  readonly redis: { readonly type: 'internal'; readonly podAnnotations: Annotations; readonly internal: { readonly resources: HarborResources } };
}

type Annotations = Readonly<Record<string, string>>;

/**
 * What the chart's rendered pods do that the platform's rules flag and the chart's values cannot change
 * (goharbor/harbor-helm v1.15.1; `npm run check -- --chart-dir` shows them), declared as exceptions on the pods
 * through each component's `podAnnotations`.
 */
const CHART_EXCEPTIONS = {
  'reliability.probes-identical':
    "the chart's liveness and readiness probes are the same hard-coded HTTP check (e.g. core's /api/v2.0/ping in templates/core/core-dpl.yaml); no value changes them",
  'pss-restricted.high-uid-gid':
    "the chart's images run as uid 10000 (PostgreSQL and Redis as 999, which own their data files) and set no runAsGroup; the pod securityContext is not a value",
  'pss-restricted.read-only-root-filesystem':
    "Harbor's images write to their root filesystem (nginx caches, PostgreSQL's run directory) and the chart mounts no emptyDir there",
} as const;

const SINGLE_POD_REASON =
  "the chart runs exactly one internal PostgreSQL and one Redis (replicas fixed in templates/database/database-ss.yaml and templates/redis/statefulset.yaml); a lost node stops Harbor until it returns — moving them to external, replicated services (database.type and redis.type external) is the way out";
const TRIVY_SINGLE_REASON = 'a scanner outage delays scans only; pulls and pushes do not wait for it';

function chartExceptions(extra: Readonly<Record<string, string>> = {}): Annotations {
  const all: Record<string, string> = { ...CHART_EXCEPTIONS, ...extra };
  return Object.fromEntries(Object.entries(all).map(([rule, reason]) => [exceptionAnnotation(rule), reason]));
}

/** Why Harbor's scanner may open HTTPS connections to the internet (the registry unit's NetworkPolicy allows it). */
export const TRIVY_INTERNET_REASON =
  'Trivy downloads its vulnerability databases (trivy-db, trivy-java-db) from ghcr.io over HTTPS; without them scans report nothing and the prevent-vulnerable policy passes every image';

/** The user core authenticates as towards the registry component. */
export const REGISTRY_USER = 'harbor_registry_user';

const resources = (requestCpu: string, requestMemory: string, limitCpu: string, limitMemory: string): HarborResources => ({
  requests: { cpu: requestCpu, memory: requestMemory },
  limits: { cpu: limitCpu, memory: limitMemory },
});

/**
 * Harbor through its official Helm chart: exposed by the cluster's ingress at the environment's registry host with
 * the wildcard certificate, images in the VM-hosted object store, core, portal, registry and jobservice at the
 * environment's replica floor, persistent volumes (database, Redis, scanner cache) on the environment's
 * StorageClass that survive `helm uninstall`, Trivy scanning, and the internal database and Redis sized for one
 * team's ~60 images.
 */
export class HarborRelease {
  public readonly releaseName: string;
  public readonly trivy: boolean;
  /** The chart components these values run. */
  public readonly components: readonly HarborComponent[];
  /** The values handed to the chart, secrets as redaction markers. */
  public readonly values: HarborValues;
  /** The release as Pulumi installs it and `synth` writes it. */
  public readonly spec: HelmReleaseSpec;

  constructor(props: HarborReleaseProps) {
    const { env } = props;
    this.releaseName = props.releaseName ?? 'harbor';
    this.trivy = props.trivy ?? true;
    this.components = ['core', 'portal', 'registry', 'jobservice', 'database', 'redis', ...(this.trivy ? (['trivy'] as const) : [])];
    const host = env.registry.host;
    if (!host.endsWith(`.${env.domain}`) || host.slice(0, -env.domain.length - 1).includes('.')) {
      throw new Error(
        `'registry.host' (${host}) of environment '${env.name}' must be one label under 'domain' (${env.domain}), such as harbor.${env.domain}: ` +
          `Harbor's ingress serves the wildcard certificate *.${env.domain}`,
      );
    }
    const volume = (size: string): HarborVolume => ({ storageClass: env.sizing.storageClass, size });
    const storage = env.sizing.harborStorage;
    // The stateless components run the environment's replica floor (2 in prod; each has a PodDisruptionBudget in the
    // registry unit). Database and Redis stay single pods: the chart fixes them at one replica.
    const replicas = env.sizing.replicaFloor;
    const objectStore = env.statefulServices.objectstore;

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
      // Neither registry nor jobservice holds a ReadWriteOnce volume (images in the object store, job logs in the
      // database), so their pods roll one at a time instead of all stopping at once.
      updateStrategy: { type: 'RollingUpdate' },
      persistence: {
        enabled: true,
        // `helm uninstall` (or replacing the release) must never delete the database, Redis or scanner volumes.
        resourcePolicy: 'keep',
        persistentVolumeClaim: {
          database: volume(storage.database),
          redis: volume(storage.redis),
          trivy: volume(storage.trivy),
        },
        // Images off the nodes' local disks: a node lost loses no image, and two registry pods share one store.
        // The endpoint is the object store's in-cluster Service (its EndpointSlice lists the MinIO VMs); plain HTTP
        // inside the hosts' network, as for the other VM-hosted services.
        imageChartStorage: {
          type: 's3',
          disableredirect: true,
          s3: {
            region: 'us-east-1',
            bucket: 'harbor',
            regionendpoint: `http://objectstore.${STATEFUL_NAMESPACE}.svc.cluster.local:${objectStore.port}`,
            accesskey: secretMarker('harborObjectStoreAccessKey'),
            secretkey: secretMarker('harborObjectStoreSecretKey'),
            v4auth: true,
          },
        },
      },
      portal: { replicas, podAnnotations: chartExceptions(), resources: resources('50m', '64Mi', '200m', '256Mi') },
      core: { replicas, podAnnotations: chartExceptions(), resources: resources('100m', '256Mi', '1000m', '1Gi') },
      jobservice: { replicas, jobLoggers: ['database'], podAnnotations: chartExceptions(), resources: resources('100m', '256Mi', '500m', '512Mi') },
      registry: {
        replicas,
        podAnnotations: chartExceptions(),
        registry: { resources: resources('100m', '256Mi', '1000m', '1Gi') },
        controller: { resources: resources('50m', '64Mi', '200m', '256Mi') },
        credentials: { username: REGISTRY_USER, password: secretMarker('harborRegistryPassword'), htpasswdString: secretMarker('harborRegistryHtpasswd') },
      },
      trivy: {
        enabled: this.trivy,
        // The scanner downloads its vulnerability databases from the internet (the chart's `trivy.skipUpdate` false).
        podAnnotations: chartExceptions({ 'network.egress-internet': TRIVY_INTERNET_REASON, 'reliability.min-replicas': TRIVY_SINGLE_REASON }),
        resources: resources('200m', '512Mi', '1000m', '1Gi'),
      },
      database: {
        type: 'internal',
        podAnnotations: chartExceptions({ 'reliability.min-replicas': SINGLE_POD_REASON }),
        internal: {
          password: secretMarker('harborDatabasePassword'),
          resources: resources('100m', '256Mi', '1000m', '1Gi'),
          initContainer: { permissions: { resources: resources('10m', '16Mi', '100m', '64Mi') } },
        },
      },
      redis: { type: 'internal', podAnnotations: chartExceptions({ 'reliability.min-replicas': SINGLE_POD_REASON }), internal: { resources: resources('50m', '64Mi', '500m', '512Mi') } },
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
