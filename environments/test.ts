import type { EnvironmentInput } from '../infra/schema/environment.js';
import { clusterBase, hostsAt, registryBase, sizingBase, statefulPorts } from './base.js';

/** Test: the same cluster plan on its own private network, its own domain and Harbor, one replica floor. */
export const test = {
  name: 'test',
  production: false,
  domain: 'test.icv.example.cn',
  cluster: {
    ...clusterBase,
    clusterName: 'test.icv.local',
    hosts: hostsAt({
      'kp-master01': '192.168.17.70',
      'kp-master02': '192.168.17.80',
      'kp-node01': '192.168.17.100',
      'kp-node02': '192.168.17.110',
      'kp-node03': '192.168.17.120',
      'kp-node05': '192.168.17.140',
    }),
    controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', domain: 'lb.test.icv.local', port: 6443 },
    network: { ...clusterBase.network, hostCidr: '192.168.17.0/24' },
  },
  registry: {
    ...registryBase,
    host: 'harbor.test.icv.example.cn',
    tls: { trust: 'skipVerify', reason: 'test Harbor uses a self-signed certificate that is re-issued with every test rebuild' },
  },
  statefulServices: {
    mysql: { addresses: ['192.168.17.201'], port: statefulPorts.mysql },
    redis: { addresses: ['192.168.17.203'], port: statefulPorts.redis },
    clickhouse: { addresses: ['192.168.17.211'], port: statefulPorts.clickhouse },
    hdfs: { addresses: ['192.168.17.221'], port: statefulPorts.hdfs },
    flink: { addresses: ['192.168.17.225'], port: statefulPorts.flink },
    elasticsearch: { addresses: ['192.168.17.231'], port: statefulPorts.elasticsearch },
    logstash: { addresses: ['192.168.17.235'], port: statefulPorts.logstash },
  },
  sizing: { ...sizingBase, replicaFloor: 1 },
} satisfies Omit<EnvironmentInput, 'releases'>;
