import { environment } from './base.js';

/** Test: the same cluster plan on its own private network, its own domain and Harbor, one replica floor. */
export const test = environment({
  name: 'test',
  production: false,
  domain: 'test.icv.example.cn',
  clusterName: 'test.icv.local',
  controlPlaneDomain: 'lb.test.icv.local',
  hostCidr: '192.168.17.0/24',
  hostAddresses: {
    'kp-master01': '192.168.17.70',
    'kp-master02': '192.168.17.80',
    'kp-node01': '192.168.17.100',
    'kp-node02': '192.168.17.110',
    'kp-node03': '192.168.17.120',
    'kp-node05': '192.168.17.140',
  },
  registry: {
    host: 'harbor.test.icv.example.cn',
    tls: { trust: 'skipVerify', reason: 'test Harbor uses a self-signed certificate that is re-issued with every test rebuild' },
  },
  statefulAddresses: {
    mysql: ['192.168.17.201'],
    redis: ['192.168.17.203'],
    clickhouse: ['192.168.17.211'],
    hdfs: ['192.168.17.221'],
    flink: ['192.168.17.225'],
    elasticsearch: ['192.168.17.231'],
    logstash: ['192.168.17.235'],
  },
  replicaFloor: 1,
});
