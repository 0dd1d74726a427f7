import { describe, expect, it } from 'vitest';
import { checkTopology } from '../../infra/checks/index.js';
import { environmentSchema } from '../../infra/schema/environment.js';
import { expectFinding, fixtureEnv } from './fixtures.js';

describe('topology', () => {
  it('etcd-quorum: two etcd members are an error naming the path', () => {
    const env = fixtureEnv();
    const even = environmentSchema.parse({ ...env, cluster: { ...env.cluster, roleGroups: { ...env.cluster.roleGroups, etcd: ['cp1', 'w1'] } } });
    const finding = expectFinding(checkTopology({ objects: [], env: even, envFile: 'environments/fixture.ts' }), 'topology.etcd-quorum', 'Environment/fixture-test', 'cluster.roleGroups.etcd');
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('tolerate 0 failure(s)');
  });

  it('an acknowledged even count is a warning', () => {
    const env = fixtureEnv();
    const acknowledged = environmentSchema.parse({
      ...env,
      cluster: { ...env.cluster, roleGroups: { ...env.cluster.roleGroups, etcd: ['cp1', 'w1'] }, evenEtcdAcknowledged: { reason: 'a third machine arrives next quarter' } },
    });
    expect(expectFinding(checkTopology({ objects: [], env: acknowledged }), 'topology.etcd-quorum', 'Environment/fixture-test', 'cluster.roleGroups.etcd').severity).toBe('warning');
  });

  it('role groups, hosts and networks map to their own rule ids', () => {
    const env = fixtureEnv();
    const broken = environmentSchema.parse({
      ...env,
      cluster: {
        ...env.cluster,
        hosts: [...env.cluster.hosts, { ...env.cluster.hosts[1]!, name: 'w4' }],
        roleGroups: { ...env.cluster.roleGroups, worker: ['w1', 'w2', 'w3', 'w9'] },
        network: { ...env.cluster.network, podCidr: '10.233.0.0/17' },
      },
    });
    const findings = checkTopology({ objects: [], env: broken });
    expectFinding(findings, 'topology.role-groups', 'Environment/fixture-test', 'cluster.roleGroups.worker[3]');
    expectFinding(findings, 'topology.hosts', 'Environment/fixture-test', 'cluster.hosts[4].address');
    expectFinding(findings, 'topology.network', 'Environment/fixture-test', 'cluster.network.podCidr');
  });

  it('without an environment, a KubeKey Cluster read from manifests is checked for etcd quorum', () => {
    const cluster = { apiVersion: 'kubekey.kubesphere.io/v1alpha2', kind: 'Cluster', metadata: { name: 'seed' }, spec: { roleGroups: { etcd: ['kp-master01', 'kp-master02'] } } };
    expectFinding(checkTopology({ objects: [cluster] }), 'topology.etcd-quorum', 'Cluster/seed', 'spec.roleGroups.etcd');
  });

  it('a KubeKey Cluster without spec or without roleGroups has no etcd members to count: no finding, no crash', () => {
    const cluster = (spec?: object) => ({ apiVersion: 'kubekey.kubesphere.io/v1alpha2', kind: 'Cluster', metadata: { name: 'bare' }, ...(spec ? { spec } : {}) });
    expect(checkTopology({ objects: [cluster()] })).toEqual([]);
    expect(checkTopology({ objects: [cluster({ hosts: [] })] })).toEqual([]);
    expect(checkTopology({ objects: [cluster({ roleGroups: { worker: ['w1'] } })] })).toEqual([]);
  });
});
