import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeKeyCluster } from '../../infra/synth/cluster/kubekey-cluster.js';
import { loadEnvironment } from '../../infra/cli/inputs.js';

const sample = parse(readFileSync('test/fixtures/reference/kubekey-config-example.yaml', 'utf8'));
const prod = parse(new KubeKeyCluster({ env: loadEnvironment('prod').env }).toYaml());
const test = parse(new KubeKeyCluster({ env: loadEnvironment('test').env }).toYaml());

/** Every key path of `value` that the reference sample does not have at the same place (list items merged). */
function unknownKeys(value: unknown, reference: unknown, path = ''): string[] {
  if (Array.isArray(value)) {
    const refItem = Array.isArray(reference) ? Object.assign({}, ...reference.filter((r) => r && typeof r === 'object')) : undefined;
    return value.flatMap((item, i) => unknownKeys(item, refItem, `${path}[${i}]`));
  }
  if (value === null || typeof value !== 'object' || reference === undefined || reference === null || typeof reference !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    if (!(key in (reference as object))) return [childPath];
    return unknownKeys(child, (reference as Record<string, unknown>)[key], childPath);
  });
}

describe('KubeKey Cluster config', () => {
  it('has the reference sample\'s apiVersion and kind', () => {
    expect(prod.apiVersion).toBe(sample.apiVersion);
    expect(prod.kind).toBe(sample.kind);
    expect(prod.metadata.name).toBe('prod');
  });

  it('uses only fields the reference sample has (maps of host names and labels aside)', () => {
    const unknown = unknownKeys(prod, sample).filter(
      (p) => !/^spec\.hosts\[\d+\]\.labels\./.test(p) && !/^spec\.registry\.auths\./.test(p) && !/^spec\.roleGroups\.control-plane$/.test(p) && p !== 'spec.network.multusCNI' && p !== 'spec.kubernetes.nodelocaldns' && !/^spec\.hosts\[\d+\]\.arch$/.test(p),
    );
    expect(unknown).toEqual([]);
    // control-plane is KubeKey's current name for the sample's `master` group; multusCNI (NetworkConfig),
    // nodelocaldns (Kubernetes) and a host's arch (HostCfg) are v1alpha2 fields the sample leaves out.
    expect(Object.keys(sample.spec.roleGroups)).toContain('master');
  });

  it('lists the six seed hosts with their addresses, the gap at kp-node04 included', () => {
    expect(prod.spec.hosts.map((h: any) => [h.name, h.address, h.internalAddress])).toEqual([
      ['kp-master01', '192.168.16.70', '192.168.16.70'],
      ['kp-master02', '192.168.16.80', '192.168.16.80'],
      ['kp-node01', '192.168.16.100', '192.168.16.100'],
      ['kp-node02', '192.168.16.110', '192.168.16.110'],
      ['kp-node03', '192.168.16.120', '192.168.16.120'],
      ['kp-node05', '192.168.16.140', '192.168.16.140'],
    ]);
    for (const host of prod.spec.hosts) {
      expect(host).toMatchObject({ user: 'root', privateKeyPath: '~/.ssh/id_ed25519', arch: 'amd64' });
      expect(host.password).toBeUndefined();
    }
    expect(prod.spec.hosts[2].labels).toMatchObject({ 'icv.io/role': 'worker', 'icv.io/etcd': 'true' });
  });

  it('has an odd etcd count, two control-plane nodes and four workers', () => {
    expect(prod.spec.roleGroups).toEqual({
      etcd: ['kp-master01', 'kp-master02', 'kp-node01'],
      'control-plane': ['kp-master01', 'kp-master02'],
      worker: ['kp-node01', 'kp-node02', 'kp-node03', 'kp-node05'],
    });
    expect(prod.spec.roleGroups.etcd.length % 2).toBe(1);
  });

  it('puts the two control-plane nodes behind KubeKey\'s internal haproxy', () => {
    expect(prod.spec.controlPlaneEndpoint).toEqual({ internalLoadbalancer: 'haproxy', domain: 'lb.prod.icv.local', address: '', port: 6443 });
  });

  it('runs containerd and calico with the environment\'s CIDRs', () => {
    expect(prod.spec.kubernetes).toMatchObject({ version: 'v1.26.15', containerManager: 'containerd', clusterName: 'prod.icv.local', autoRenewCerts: true });
    expect(prod.spec.etcd).toEqual({ type: 'kubekey' });
    expect(prod.spec.network).toMatchObject({ plugin: 'calico', kubePodsCIDR: '10.233.64.0/18', kubeServiceCIDR: '10.233.0.0/18' });
  });

  it('makes containerd trust the environment\'s Harbor, with no credential and no system images from it', () => {
    // Harbor is installed by Pulumi into this very cluster: kk must not pull its system images from it.
    expect(prod.spec.registry).toMatchObject({ privateRegistry: '', insecureRegistries: [], registryMirrors: [] });
    expect(prod.spec.registry.auths).toEqual({ 'harbor.icv.example.cn': { certsPath: '/etc/containerd/certs.d/harbor.icv.example.cn' } });
    expect(test.spec.registry.auths).toEqual({ 'harbor.test.icv.example.cn': { skipTLSVerify: true } });
  });

  it('enables NodeLocal DNSCache explicitly (the network policies allow DNS to its address)', () => {
    expect(prod.spec.kubernetes.nodelocaldns).toBe(true);
  });
});
