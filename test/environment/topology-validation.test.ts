import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/synth.js';
import { captureOutput, declarationOf, tempDir } from '../support/inputs.js';

/** Runs synth with prod's declaration broken by `mutate`; returns exit code, stderr, and whether anything was written. */
async function synthWithBrokenProd(mutate: (d: any) => void) {
  const prod = declarationOf('prod');
  mutate(prod);
  const out = tempDir();
  const { result, stderr } = await captureOutput(() => main(['--out', out], { declarations: { test: declarationOf('test'), prod } }));
  return { code: result, stderr, wrote: readdirSync(out).length > 0 };
}

describe('topology validation: exit 2, the field path, nothing written', () => {
  const cases: [string, (d: any) => void, string, RegExp][] = [
    ['duplicate host names', (d) => (d.cluster.hosts[3].name = 'kp-node01'), 'cluster.hosts[3].name', /duplicate host name 'kp-node01'/],
    ['duplicate addresses', (d) => (d.cluster.hosts[3].address = '192.168.16.100'), 'cluster.hosts[3].address', /duplicate address '192.168.16.100'/],
    ['malformed addresses', (d) => (d.cluster.hosts[0].internalAddress = '192.168.16.300'), 'cluster.hosts[0].internalAddress', /IPv4 address/],
    ['pod CIDR overlapping the service CIDR', (d) => (d.cluster.network.podCidr = '10.233.0.0/16'), 'cluster.network.podCidr', /overlaps cluster.network.serviceCidr/],
    ['service CIDR overlapping the hosts', (d) => (d.cluster.network.serviceCidr = '192.168.0.0/16'), 'cluster.network.serviceCidr', /overlaps cluster.network.hostCidr/],
    ['a role group naming an unknown host', (d) => d.cluster.roleGroups.worker.push('kp-node04'), 'cluster.roleGroups.worker[4]', /unknown host 'kp-node04'/],
    ['no control plane', (d) => (d.cluster.roleGroups.controlPlane = []), 'cluster.roleGroups.controlPlane', /no control-plane host/],
    ['no workers', (d) => (d.cluster.roleGroups.worker = []), 'cluster.roleGroups.worker', /no worker host/],
    ['an even number of etcd members', (d) => (d.cluster.roleGroups.etcd = ['kp-master01', 'kp-master02']), 'cluster.roleGroups.etcd', /2 etcd members tolerate 0 failure/],
    ['an address outside the host network', (d) => (d.cluster.hosts[5].address = '192.168.99.140'), 'cluster.hosts[5].address', /outside cluster.network.hostCidr/],
    ['a bad environment value', (d) => (d.sizing.replicaFloor = 0), 'sizing.replicaFloor', /too small|>=1/i],
  ];
  for (const [rule, mutate, path, message] of cases) {
    it(`rejects ${rule}`, async () => {
      const { code, stderr, wrote } = await synthWithBrokenProd(mutate);
      expect(code).toBe(2);
      expect(stderr).toContain(`environments/prod.ts: ${path}: `);
      expect(stderr).toMatch(message);
      expect(wrote).toBe(false);
    });
  }

  it('accepts an even etcd count with an acknowledgement, and warns', async () => {
    const prod = declarationOf('prod');
    prod.cluster.roleGroups.etcd = ['kp-master01', 'kp-master02'];
    prod.cluster.evenEtcdAcknowledged = { reason: 'a third member is being added in the next maintenance window' };
    const out = tempDir();
    const { result, stderr } = await captureOutput(() => main(['--out', out, '--env', 'prod'], { declarations: { test: declarationOf('test'), prod } }));
    expect(result).toBe(0);
    expect(stderr).toMatch(/warning: environments\/prod.ts: cluster.roleGroups.etcd: 2 etcd members .*acknowledged: a third member/);
    expect(existsSync(join(out, 'prod', 'kubekey', 'cluster.yaml'))).toBe(true);
  });

  it('rejects an unknown --env with exit 2', async () => {
    const out = tempDir();
    const { result, stderr } = await captureOutput(() => main(['--out', out, '--env', 'staging']));
    expect(result).toBe(2);
    expect(stderr).toContain("unknown environment(s) 'staging'");
    expect(readdirSync(out)).toEqual([]);
  });

  it('rejects an unknown option with exit 2', async () => {
    const { result } = await captureOutput(() => main(['--frobnicate']));
    expect(result).toBe(2);
  });
});

describe('release tags file', () => {
  it('rejects malformed YAML naming the file and line, exit 2, nothing written', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'environments', 'releases'), { recursive: true });
    copyFileSync('environments/releases/prod.yaml', join(root, 'environments/releases/prod.yaml'));
    writeFileSync(join(root, 'environments/releases/test.yaml'), 'modules:\n  audit-log: 1.0.0\n   portal-web: [\n');
    const out = tempDir();
    const { result, stderr } = await captureOutput(() => main(['--out', out], { root }));
    expect(result).toBe(2);
    expect(stderr).toMatch(/error: environments\/releases\/test\.yaml: line \d+: YAML syntax error/);
    expect(readdirSync(out)).toEqual([]);
  });
});
