import { environment } from './base.js';

/** Prod: the seed's addresses (192.168.16.0/24), the public domain, and at least two replicas of everything. */
export const prod = environment({
  name: 'prod',
  production: true,
  domain: 'icv.example.cn',
  clusterName: 'prod.icv.local',
  controlPlaneDomain: 'lb.prod.icv.local',
  hostCidr: '192.168.16.0/24',
  hostAddresses: {
    'kp-master01': '192.168.16.70',
    'kp-master02': '192.168.16.80',
    'kp-node01': '192.168.16.100',
    'kp-node02': '192.168.16.110',
    'kp-node03': '192.168.16.120',
    'kp-node05': '192.168.16.140',
  },
  registry: { host: 'harbor.icv.example.cn', tls: { trust: 'certsPath', certsPath: '/etc/containerd/certs.d/harbor.icv.example.cn' } },
  statefulAddresses: {
    // MySQL, Redis and the HDFS NameNodes run as primary/standby pairs on VMs; clients use the keepalived VIP that
    // follows the primary. ClickHouse and Elasticsearch nodes all accept the same requests.
    mysql: ['192.168.16.200'],
    redis: ['192.168.16.206'],
    clickhouse: ['192.168.16.211', '192.168.16.212'],
    hdfs: ['192.168.16.220'],
    flink: ['192.168.16.225'],
    elasticsearch: ['192.168.16.231', '192.168.16.232', '192.168.16.233'],
    logstash: ['192.168.16.235'],
  },
  replicaFloor: 2,
});
