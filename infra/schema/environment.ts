import { z } from 'zod';
import { isIPv4, isIPv4Cidr } from '../model/cidr.js';

export { isIPv4, isIPv4Cidr };

/**
 * The typed, runtime-validated description of one environment (test, prod).
 * `environments/base.ts` declares what both share; `environments/<env>.ts` only what differs.
 */

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label (lower-case letters, digits, "-")');
const hostname = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'must be a fully qualified host name');
const ipv4 = z.string().refine(isIPv4, { message: 'must be an IPv4 address such as 192.168.16.70' });
const cidr = z.string().refine(isIPv4Cidr, { message: 'must be an IPv4 CIDR such as 10.233.64.0/18' });
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

export const STATEFUL_SERVICES = ['mysql', 'redis', 'clickhouse', 'hdfs', 'flink', 'elasticsearch', 'logstash'] as const;
export type StatefulServiceName = (typeof STATEFUL_SERVICES)[number];

const statefulService = z.strictObject({
  /**
   * Addresses clients connect to. They must be interchangeable (the Service balances connections across them):
   * every node of a multi-master cluster (ClickHouse, Elasticsearch), or the one virtual IP in front of a
   * primary/replica pair (MySQL, Redis, the HDFS NameNodes), never a replica that refuses writes.
   */
  addresses: z.array(ipv4).min(1, 'needs at least one address'),
  /** The port clients connect to. */
  port: z.number().int().min(1).max(65535),
});

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
  /** Stateful services that stay on virtual machines; pods reach them through selector-less Services. */
  statefulServices: z.strictObject(
    Object.fromEntries(STATEFUL_SERVICES.map((s) => [s, statefulService])) as Record<StatefulServiceName, typeof statefulService>,
  ),
  sizing: z.strictObject({
    /** Minimum replicas of every module (2 or more in production). */
    replicaFloor: z.number().int().min(1),
    /** StorageClass for persistent volumes (Harbor). */
    storageClass: dnsLabel,
    /** Harbor persistent volume sizes, e.g. "200Gi". */
    harborStorage: z.strictObject({
      registry: z.string().regex(/^\d+Gi$/),
      database: z.string().regex(/^\d+Gi$/),
      redis: z.string().regex(/^\d+Gi$/),
      jobLog: z.string().regex(/^\d+Gi$/),
      trivy: z.string().regex(/^\d+Gi$/),
    }),
  }),
  /** Image tag each module runs here, loaded from `environments/releases/<env>.yaml`. */
  releases: z.record(z.string(), z.string()),
});

export type Environment = z.infer<typeof environmentSchema>;
/** What an environment file declares before release tags are attached. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
