import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planCapacity } from '../../infra/checks/capacity.js';
import { built, objectsOf } from '../support/platforms.js';

/**
 * One log pipeline to ELK: KubeSphere's fluent-bit (ClusterConfiguration `logging`, shipping to the environment's
 * Elasticsearch; the console's log search reads its index). No second shipper is synthesized.
 */
describe.each(built)('the log pipeline of $env.name', ({ env, platform }) => {
  const objects = objectsOf(platform);

  it('is KubeSphere logging only: no DaemonSet, no log-shipper namespace, nothing reading the node\'s /var/log', () => {
    expect(objects.filter((o) => o.kind === 'DaemonSet')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).not.toContain('icv-logging');
    expect(JSON.stringify(objects)).not.toMatch(/hostPath|filebeat/);
  });

  it('is counted by the capacity plan: fluent-bit on every worker and its operator, at ks-installer v3.4.1 requests per pod', () => {
    const configuration = platform.units.flatMap((u) => u.artifacts).find((a) => a.path === 'kubekey/cluster-configuration.yaml')!;
    expect(configuration.content).toMatch(/logging:\n(?:.*\n)*?\s+enabled: true/);
    const plan = planCapacity(env, [...objects, parse(configuration.content)], platform.units.flatMap((u) => u.helmReleases));
    const logging = plan.workloads.filter((w) => w.source === 'ClusterConfiguration logging');
    const workers = env.cluster.roleGroups.worker.length;
    expect(logging).toEqual([
      { workload: 'KubeSphere/kubesphere-logging-system/fluent-bit', source: 'ClusterConfiguration logging', pods: workers, cpu: 0.01, memoryGiB: 25 / 1024 },
      { workload: 'KubeSphere/kubesphere-logging-system/fluentbit-operator', source: 'ClusterConfiguration logging', pods: 1, cpu: 0.01, memoryGiB: 20 / 1024 },
    ]);
  });
});
