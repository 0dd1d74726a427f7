// A namespace import, so that a bundle keeps only the zod it uses (`import { z }` bundles all ~60 locales; issue 17).
import * as z from 'zod';
import { releaseEntrySchema } from './releases.js';
import { canonicalCidr, isCanonicalCidr, isIPv4, isIPv4Cidr } from '../model/cidr.js';

export { isIPv4, isIPv4Cidr };

/**
 * The typed, runtime-validated description of one environment (test, prod).
 * `environments/base.ts` declares what both share; `environments/<env>.ts` only what differs.
 */

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label (lower-case letters, digits, "-")');
const hostname = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'must be a fully qualified host name');
const ipv4 = z.string().refine(isIPv4, { message: 'must be an IPv4 address such as 192.168.16.70' });
/**
 * An IPv4 network in canonical form: `10.233.64.1/18` names no network (its host bits are set), and Kubernetes,
 * Calico and NetworkPolicy ipBlocks would each read it differently, so the schema asks for the network address.
 */
export const cidrSchema = z
  .string()
  .refine(isIPv4Cidr, { message: 'must be an IPv4 CIDR such as 10.233.64.0/18' })
  .refine(isCanonicalCidr, { error: (issue) => `'${String(issue.input)}' has host bits set: the network is '${canonicalCidr(String(issue.input))}'` });
const cidr = cidrSchema;
/** CPU in cores (may be fractional), memory in GiB. */
const capacity = z.strictObject({ cpu: z.number().positive(), memoryGiB: z.number().positive() });

export const ROLE_GROUPS = ['etcd', 'controlPlane', 'worker'] as const;
export type RoleGroup = (typeof ROLE_GROUPS)[number];

export const hostSchema = z.strictObject({
  /** Node name, as KubeKey and Kubernetes will call it. */
  name: dnsLabel,
  /** Address KubeKey uses to reach the host over SSH. */
  address: ipv4,
  /** Address the cluster's components use between nodes. */
  internalAddress: ipv4,
  /** Allocatable capacity before the system reserve. */
  capacity,
  /** Node labels KubeKey applies. */
  labels: z.record(z.string(), z.string()).default({}),
});
export type Host = z.infer<typeof hostSchema>;

export const STATEFUL_SERVICES = ['mysql', 'redis', 'clickhouse', 'hdfs', 'flink', 'elasticsearch', 'logstash', 'objectstore'] as const;
export type StatefulServiceName = (typeof STATEFUL_SERVICES)[number];

/**
 * Where a stateful service runs: on its virtual machines (a selector-less Service in front of them), or in the cluster
 * (a StatefulSet behind the same Service name, so that no module changes).
 */
export const STATEFUL_MODES = ['vm', 'cluster'] as const;
export type StatefulMode = (typeof STATEFUL_MODES)[number];

/**
 * The stateful services that have an in-cluster profile (`infra/synth/workloads/stateful/profiles.ts`): only these may
 * be set to `cluster` or declare a `cluster` section. Redis first; the others follow the same pattern one at a time.
 */
export const IN_CLUSTER_SERVICES = ['redis'] as const satisfies readonly StatefulServiceName[];
export type InClusterService = (typeof IN_CLUSTER_SERVICES)[number];

export function hasInClusterProfile(service: string): service is InClusterService {
  return (IN_CLUSTER_SERVICES as readonly string[]).includes(service);
}

const statefulService = z.strictObject({
  /**
   * Addresses clients connect to. They must be interchangeable (the Service balances connections across them):
   * every node of a multi-master cluster (ClickHouse, Elasticsearch), or the one virtual IP in front of a
   * primary/replica pair (MySQL, Redis, the HDFS NameNodes), never a replica that refuses writes.
   */
  addresses: z.array(ipv4).min(1, 'needs at least one address'),
  /** The port clients connect to. */
  port: z.number().int().min(1).max(65535),
  /**
   * Where the service's Service sends clients: the VMs above (`vm`), or the in-cluster StatefulSet (`cluster`). Only a
   * service with an in-cluster profile may be `cluster`. By default, `vm`.
   */
  mode: z.enum(STATEFUL_MODES).default('vm'),
  /**
   * The in-cluster StatefulSet's size. While it is declared the StatefulSet and its volume claims exist whatever the
   * mode, so that switching back to `vm` keeps the data (and a migration can replicate into the StatefulSet before the
   * Service moves). `mode: 'cluster'` without it runs the profile's defaults. By default, none.
   */
  cluster: z
    .strictObject({
      /** Pods of the StatefulSet: ordinal 0 serves, the others replicate from it. By default, 1. */
      replicas: z.number().int().min(1).max(5).default(1),
      /** Size of each pod's data volume, e.g. "8Gi". By default, the profile's. */
      storage: z.string().regex(/^\d+Gi$/, 'must be gibibytes such as "8Gi"').optional(),
    })
    .optional(),
});

/** The stages of a module's cutover from its legacy deployment outside the cluster to Kubernetes. */
export const CUTOVER_STAGES = ['legacy', 'canary', 'kubernetes'] as const;
export type CutoverStage = (typeof CUTOVER_STAGES)[number];

/** A header name as ingress-nginx's canary-by-header takes it. */
const headerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'must be an HTTP header name such as X-Canary');

/**
 * One routed module's cutover stage. `legacy`: the public route sends every request to the legacy upstream, while the
 * Deployment runs for smoke tests on the route's smoke host; `canary`: `weight` percent of the requests (1-99) go to
 * the Deployment, the rest to the legacy upstream, and a tester's request with `<header>: always` always goes to the
 * Deployment; `kubernetes`: today's behaviour, no legacy object. Rules across fields and the catalog:
 * `infra/schema/cutover.ts`.
 */
export const cutoverSchema = z.strictObject({
  stage: z.enum(CUTOVER_STAGES),
  /** Percent of the route's requests that go to Kubernetes; `canary` only. */
  weight: z.number().int().min(1, 'must be 1 to 99').max(99, 'must be 1 to 99').optional(),
  /** The legacy deployment outside the cluster: interchangeable addresses and the port they serve HTTP on. */
  legacy: z
    .strictObject({
      addresses: z.array(ipv4).min(1, 'needs at least one address'),
      port: z.number().int().min(1).max(65535),
    })
    .optional(),
  /** Header testers send with the value `always` to reach the Deployment during `canary`. By default, X-Canary. */
  header: headerName.optional(),
});
export type Cutover = z.infer<typeof cutoverSchema>;

export const environmentSchema = z.strictObject({
  /** The environment's name; also the Pulumi stack name. */
  name: dnsLabel,
  /** True for the environment users depend on: stricter checks, protected resources. */
  production: z.boolean(),
  /** Base DNS domain: public routes are `<sub>.<domain>`. */
  domain: hostname,
  cluster: z.strictObject({
    /** Kubernetes cluster name (KubeKey `kubernetes.clusterName`). */
    clusterName: hostname,
    /** Kubernetes version KubeKey installs, e.g. v1.26.15. */
    kubernetesVersion: z.string().regex(/^v\d+\.\d+\.\d+$/, 'must look like v1.26.15'),
    /** Container runtime on every node: containerd (KubeSphere 3.4 with Kubernetes ≥ 1.24). */
    containerRuntime: z.enum(['containerd']),
    hosts: z.array(hostSchema).min(1, 'needs at least one host'),
    roleGroups: z.strictObject({
      etcd: z.array(z.string()),
      controlPlane: z.array(z.string()),
      worker: z.array(z.string()),
    }),
    /**
     * An even etcd member count tolerates no more failures than one member fewer.
     * Keeping one anyway needs this acknowledgement with a reason; the run then prints a warning.
     */
    evenEtcdAcknowledged: z.strictObject({ reason: z.string().min(10, 'must say why') }).optional(),
    controlPlaneEndpoint: z.strictObject({
      /** Internal load balancer for the API servers (KubeKey runs haproxy on every worker). */
      internalLoadbalancer: z.enum(['haproxy']),
      domain: hostname,
      port: z.number().int().min(1).max(65535),
    }),
    network: z.strictObject({
      plugin: z.enum(['calico']),
      /** The hosts' own network: pod and service CIDRs must not overlap it. */
      hostCidr: cidr,
      podCidr: cidr,
      serviceCidr: cidr,
    }),
    /** Reserved on every worker for kubelet, the runtime and the OS; the capacity plan subtracts it. */
    systemReserve: capacity,
  }),
  registry: z.strictObject({
    /** Harbor's host name: image references, the ingress, KubeKey's registry section all derive from it. */
    host: hostname,
    /** Harbor project that holds this platform's images. */
    project: dnsLabel,
    /** How nodes trust Harbor's certificate: a CA bundle path on every node, or TLS verification skipped. */
    tls: z.discriminatedUnion('trust', [
      z.strictObject({ trust: z.literal('certsPath'), certsPath: z.string().startsWith('/') }),
      z.strictObject({ trust: z.literal('skipVerify'), reason: z.string().min(10, 'must say why') }),
    ]),
  }),
  /**
   * Where this environment's releases come from when it builds nothing itself: its pipelines copy the digest the
   * named environment's pipeline pushed and tested (`environments/releases/<from>.yaml`) from that environment's
   * Harbor into this one's, by digest, and never build from source. Required in production.
   */
  promotesFrom: z
    .strictObject({
      environment: dnsLabel,
      registry: z.strictObject({ host: hostname, project: dnsLabel, tls: z.strictObject({ verify: z.boolean() }) }),
    })
    .optional(),
  /** Stateful services that stay on virtual machines; pods reach them through selector-less Services. */
  statefulServices: z.strictObject(
    Object.fromEntries(STATEFUL_SERVICES.map((s) => [s, statefulService])) as Record<StatefulServiceName, typeof statefulService>,
  ),
  sizing: z.strictObject({
    /** Minimum replicas of every module (2 or more in production). */
    replicaFloor: z.number().int().min(1),
    /** StorageClass for persistent volumes (Harbor). */
    storageClass: dnsLabel,
    /**
     * Harbor persistent volume sizes, e.g. "10Gi". The images are not among them: they live in the object store
     * (`statefulServices.objectstore`), and job logs in Harbor's database.
     */
    harborStorage: z.strictObject({
      database: z.string().regex(/^\d+Gi$/),
      redis: z.string().regex(/^\d+Gi$/),
      trivy: z.string().regex(/^\d+Gi$/),
    }),
  }),
  /**
   * Cutover stages of routed modules from their legacy deployment to Kubernetes, by module name; a module not listed
   * is on `kubernetes`. By default, none.
   */
  cutover: z.record(z.string(), cutoverSchema).default({}),
  /** What each module runs here (tag, and digest once recorded), loaded from `environments/releases/<env>.yaml`. */
  releases: z.record(z.string(), releaseEntrySchema),
});

export type Environment = z.infer<typeof environmentSchema>;
/** What an environment file declares before release tags are attached. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
