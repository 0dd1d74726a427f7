import type { EnvironmentInput } from '../infra/schema/environment.js';
import { clusterBase, hostsAt, registryBase, sizingBase, statefulPorts } from './base.js';

/** Prod: the seed's addresses (192.168.16.0/24), the public domain, and at least two replicas of everything. */
export const prod = {
  name: 'prod',
  production: true,
  domain: 'icv.example.cn',
  cluster: {
    ...clusterBase,
    clusterName: 'prod.icv.local',
    hosts: hostsAt({
      'kp-master01': '192.168.16.70',
      'kp-master02': '192.168.16.80',
      'kp-node01': '192.168.16.100',
      'kp-node02': '192.168.16.110',
      'kp-node03': '192.168.16.120',
      'kp-node05': '192.168.16.140',
    }),
    controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', domain: 'lb.prod.icv.local', port: 6443 },
    network: { ...clusterBase.network, hostCidr: '192.168.16.0/24' },
  },
  registry: { ...registryBase, host: 'harbor.icv.example.cn', tls: { trust: 'certsPath', certsPath: '/etc/containerd/certs.d/harbor.icv.example.cn' } },
  statefulServices: {
    // MySQL, Redis and the HDFS NameNodes run as primary/standby pairs on VMs; clients use the keepalived VIP that
    // follows the primary. ClickHouse and Elasticsearch nodes all accept the same requests.
    mysql: { addresses: ['192.168.16.200'], port: statefulPorts.mysql },
    redis: { addresses: ['192.168.16.206'], port: statefulPorts.redis },
    clickhouse: { addresses: ['192.168.16.211', '192.168.16.212'], port: statefulPorts.clickhouse },
    hdfs: { addresses: ['192.168.16.220'], port: statefulPorts.hdfs },
    flink: { addresses: ['192.168.16.225'], port: statefulPorts.flink },
    elasticsearch: { addresses: ['192.168.16.231', '192.168.16.232', '192.168.16.233'], port: statefulPorts.elasticsearch },
    logstash: { addresses: ['192.168.16.235'], port: statefulPorts.logstash },
  },
  sizing: { ...sizingBase, replicaFloor: 2 },
} satisfies Omit<EnvironmentInput, 'releases'>;
