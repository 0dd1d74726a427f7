import type { EnvironmentInput } from '../infra/schema/environment.js';

/**
 * What test and prod share: the seed's cluster plan (KubeKey, two control-plane nodes, four workers;
 * the node names are the seed's, the gap at kp-node04 included), versions, CIDRs and sizes.
 * `test.ts` and `prod.ts` add only what differs; nothing here may be repeated there.
 */

/** Host shape shared by both environments; each environment supplies the addresses. */
export const hostPlan = {
  'kp-master01': { capacity: { cpu: 8, memoryGiB: 16 }, labels: { 'icv.io/role': 'control-plane' } },
  'kp-master02': { capacity: { cpu: 8, memoryGiB: 16 }, labels: { 'icv.io/role': 'control-plane' } },
  'kp-node01': { capacity: { cpu: 16, memoryGiB: 32 }, labels: { 'icv.io/role': 'worker', 'icv.io/etcd': 'true' } },
  'kp-node02': { capacity: { cpu: 16, memoryGiB: 32 }, labels: { 'icv.io/role': 'worker' } },
  'kp-node03': { capacity: { cpu: 16, memoryGiB: 32 }, labels: { 'icv.io/role': 'worker' } },
  'kp-node05': { capacity: { cpu: 16, memoryGiB: 32 }, labels: { 'icv.io/role': 'worker' } },
} as const;

export type HostName = keyof typeof hostPlan;

/** Builds the host list from the shared plan and one environment's addresses. */
function hostsAt(addresses: Readonly<Record<HostName, string>>): EnvironmentInput['cluster']['hosts'] {
  return (Object.keys(hostPlan) as HostName[]).map((name) => ({
    name,
    address: addresses[name],
    internalAddress: addresses[name],
    capacity: { ...hostPlan[name].capacity },
    labels: { ...hostPlan[name].labels },
  }));
}

const roleGroups = {
  // The seed runs etcd on its two masters only: two members tolerate zero failures (etcd FAQ), so losing
  // either master would stop the control plane. A third member on kp-node01 gives a quorum of 2 of 3.
  etcd: ['kp-master01', 'kp-master02', 'kp-node01'],
  controlPlane: ['kp-master01', 'kp-master02'],
  worker: ['kp-node01', 'kp-node02', 'kp-node03', 'kp-node05'],
};

const clusterBase = {
  kubernetesVersion: 'v1.26.15',
  containerRuntime: 'containerd',
  roleGroups,
  network: {
    plugin: 'calico',
    podCidr: '10.233.64.0/18',
    serviceCidr: '10.233.0.0/18',
  },
  /** kubelet, containerd, calico, haproxy and the OS keep this much of every worker. */
  systemReserve: { cpu: 1, memoryGiB: 2 },
} as const;

const sizingBase = {
  // KubeKey installs OpenEBS LocalPV with the default StorageClass `local` when it installs KubeSphere.
  storageClass: 'local',
  harborStorage: { registry: '200Gi', database: '10Gi', redis: '2Gi', jobLog: '2Gi', trivy: '10Gi' },
} as const;

/** Ports of the VM-hosted stateful services; only their addresses differ per environment. */
const statefulPorts = {
  mysql: 3306,
  redis: 6379,
  clickhouse: 8123,
  hdfs: 8020,
  flink: 8081,
  elasticsearch: 9200,
  logstash: 5044,
} as const;

const registryBase = { project: 'icv' } as const;

export type StatefulServiceName = keyof typeof statefulPorts;
type Declaration = Omit<EnvironmentInput, 'releases'>;

/** Everything an environment declares that the other does not: the only content of `test.ts` and `prod.ts`. */
export interface EnvironmentDifferences {
  readonly name: string;
  readonly production: boolean;
  /** Public domain the routes live under. */
  readonly domain: string;
  readonly clusterName: string;
  /** Domain of KubeKey's internal haproxy in front of the control plane (port 6443). */
  readonly controlPlaneDomain: string;
  /** The hosts' network, and each host's address on it (address and internal address are the same). */
  readonly hostCidr: string;
  readonly hostAddresses: Readonly<Record<HostName, string>>;
  /** Harbor's host and how containerd trusts its certificate. */
  readonly registry: Pick<Declaration['registry'], 'host' | 'tls'>;
  /** The addresses of each VM-hosted stateful service; the ports are shared. */
  readonly statefulAddresses: Readonly<Record<StatefulServiceName, readonly string[]>>;
  /** Fewest replicas of any module. */
  readonly replicaFloor: number;
}

/** An environment: the shared structure above with one environment's differences filled in. */
export function environment(d: EnvironmentDifferences) {
  return {
    name: d.name,
    production: d.production,
    domain: d.domain,
    cluster: {
      ...clusterBase,
      clusterName: d.clusterName,
      hosts: hostsAt(d.hostAddresses),
      controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', domain: d.controlPlaneDomain, port: 6443 },
      network: { ...clusterBase.network, hostCidr: d.hostCidr },
    },
    registry: { ...registryBase, ...d.registry },
    statefulServices: Object.fromEntries(
      (Object.keys(statefulPorts) as StatefulServiceName[]).map((s) => [s, { addresses: [...d.statefulAddresses[s]], port: statefulPorts[s] }]),
    ) as Record<StatefulServiceName, { addresses: string[]; port: number }>,
    sizing: { ...sizingBase, replicaFloor: d.replicaFloor },
  } satisfies Declaration;
}
