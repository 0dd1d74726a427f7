import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KUBESPHERE_CONFIGURATION_PATH, KubeSphereInstaller } from '../../infra/synth/cluster/kubesphere-installer.js';
import { built } from '../support/platforms.js';

describe.each(built)('ks-installer ClusterConfiguration of $env.name', ({ env, platform }) => {
  const artifact = platform.units.find((u) => u.id === 'cluster')!.artifacts.find((a) => a.path === KUBESPHERE_CONFIGURATION_PATH)!;
  const config = parse(artifact.content);

  it('is written by the cluster unit to kubekey/cluster-configuration.yaml', () => {
    expect(platform.units.find((u) => u.id === 'cluster')!.artifacts.map((a) => a.path)).toContain('kubekey/cluster-configuration.yaml');
    expect(config).toMatchObject({
      apiVersion: 'installer.kubesphere.io/v1alpha1',
      kind: 'ClusterConfiguration',
      metadata: { name: 'ks-installer', namespace: 'kubesphere-system', labels: { version: 'v3.4.1' } },
    });
  });

  it('enables DevOps with Jenkins sized for one pipeline per module', () => {
    expect(config.spec.devops).toMatchObject({ enabled: true, jenkinsMemoryReq: '4Gi', jenkinsMemoryLim: '8Gi', jenkinsVolumeSize: '16Gi' });
  });

  it('enables logging into the environment\'s own Elasticsearch instead of the built-in OpenSearch', () => {
    expect(config.spec.logging).toMatchObject({ enabled: true, containerruntime: 'containerd', logsidecar: { enabled: false } });
    expect(config.spec.common.opensearch).toMatchObject({ enabled: false });
    expect(config.spec.common.opensearch).not.toHaveProperty('opensearchPrefix');
    expect(config.spec.common.opensearch).not.toHaveProperty('basicAuth');
    expect(config.spec.common.es).toMatchObject({
      enabled: true,
      externalElasticsearchHost: env.statefulServices.elasticsearch.addresses[0],
      externalElasticsearchPort: env.statefulServices.elasticsearch.port,
      basicAuth: { enabled: true, username: 'elastic', password: '<redacted:secret:elasticsearchPassword>' },
    });
  });

  it('keeps each environment a single cluster, on the environment\'s StorageClass', () => {
    expect(config.spec.multicluster).toEqual({ clusterRole: 'none' });
    expect(config.spec.persistence).toEqual({ storageClass: env.sizing.storageClass });
  });
});

describe('KubeSphereInstaller', () => {
  it('applies its defaults once and takes overrides', () => {
    const env = built[0]!.env;
    expect(new KubeSphereInstaller({ env })).toMatchObject({ version: 'v3.4.1', jenkinsMemoryRequest: '4Gi', jenkinsMemoryLimit: '8Gi', jenkinsVolumeSize: '16Gi', logMaxAge: 7 });
    const larger = new KubeSphereInstaller({ env, jenkinsMemoryLimit: '12Gi' });
    expect((larger.config.spec as any).devops.jenkinsMemoryLim).toBe('12Gi');
    expect(larger.toYaml()).toContain('WITHOUT --with-kubesphere');
  });

  it('edits its own copy of the upstream file, parsed once: a later installer never changes an earlier one', () => {
    const env = built[0]!.env;
    const first = new KubeSphereInstaller({ env });
    const text = first.toYaml();
    const later = new KubeSphereInstaller({ env, jenkinsMemoryLimit: '12Gi', logMaxAge: 30 });
    expect(first.toYaml()).toBe(text);
    expect(first.toYaml()).not.toContain('12Gi');
    expect(later.toYaml()).toContain('jenkinsMemoryLim: 12Gi');
  });
});
