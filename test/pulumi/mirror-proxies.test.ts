import { beforeAll, describe, expect, it } from 'vitest';
import { loadInputs } from '../../infra/cli/inputs.js';
import type { MirrorImage } from '../../infra/model/mirrors.js';
import { runProgram, unwrapSecrets, testSecrets, type ProgramRun } from './stack-harness.js';

/**
 * A mirror list the repository does not have (it declares Redis only), two upstream registries, given to the
 * program's PlatformStack as the entry point gives it modules/mirrors.ts. That the entry point passes
 * modules/mirrors.ts is the stack suites' assertion (test/pulumi/stack-suite.ts: the docker.io proxy cache of Redis).
 */
const digest = `sha256:${'a'.repeat(64)}`;
const declared: MirrorImage[] = [
  { name: 'busybox', upstream: 'docker.io/library/busybox:1.36.1', digest, reason: 'test' },
  { name: 'pause', upstream: 'registry.k8s.io/pause:3.9', digest, reason: 'test' },
];
const DYNAMIC_TYPE = 'pulumi-nodejs:dynamic:Resource';

describe('the program declares a Harbor proxy cache per upstream registry of the mirror list (modules/mirrors.ts)', () => {
  let run: ProgramRun;
  beforeAll(async () => {
    const [{ env, catalog }] = loadInputs(['test']) as [ReturnType<typeof loadInputs>[number]];
    run = await runProgram('test', { inputs: { env, catalog, mirrors: declared } });
  }, 240_000);

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
