import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MirrorImage } from '../../infra/model/mirrors.js';
import { runProgram, unwrapSecrets, testSecrets, type ProgramRun } from './stack-harness.js';

/** A mirror list the repository does not have (it declares none today), to see the program declare its proxies. */
const digest = `sha256:${'a'.repeat(64)}`;
const declared: MirrorImage[] = [
  { name: 'busybox', upstream: 'docker.io/library/busybox:1.36.1', digest, reason: 'test' },
  { name: 'pause', upstream: 'registry.k8s.io/pause:3.9', digest, reason: 'test' },
];
const DYNAMIC_TYPE = 'pulumi-nodejs:dynamic:Resource';

describe('the program declares a Harbor proxy cache per upstream registry of modules/mirrors.ts', () => {
  let run: ProgramRun;
  beforeAll(async () => {
    vi.doMock('../../modules/mirrors.js', () => ({ mirrors: declared }));
    run = await runProgram('test');
  }, 240_000);
  afterAll(() => {
    vi.doUnmock('../../modules/mirrors.js');
  });

  it('registers one HarborProxyCache per registry, under the Registry component, after Harbor is installed', () => {
    const byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
    const proxies = run.registrations.filter((r) => r.type === DYNAMIC_TYPE && r.name.startsWith('registry-proxy-'));
    expect(proxies.map((r) => [r.name, r.inputs.name, r.inputs.upstream])).toEqual([
      ['registry-proxy-mirror-docker-io', 'mirror-docker-io', { type: 'docker-hub', url: 'https://hub.docker.com' }],
      ['registry-proxy-mirror-registry-k8s-io', 'mirror-registry-k8s-io', { type: 'docker-registry', url: 'https://registry.k8s.io' }],
    ]);
    const release = run.registrations.find((r) => r.type === 'kubernetes:helm.sh/v3:Release')!;
    for (const proxy of proxies) {
      expect(byUrn.get(proxy.parent)!.type).toBe('icv:platform:Registry');
      expect(proxy.dependencies).toContain(release.urn);
      expect(proxy.additionalSecretOutputs).toContain('api');
      expect(unwrapSecrets(proxy.inputs.api)).toEqual({ url: 'https://harbor.test.icv.example.cn', username: 'admin', password: testSecrets('test')['icv:harborAdminPassword'] });
    }
  });
});
