import { beforeAll, describe, expect, it } from 'vitest';
import { throwawayClusterRun, unwrapSecrets, type ProgramRun } from './stack-harness.js';

const RELEASE_TYPE = 'kubernetes:helm.sh/v3:Release';
const DYNAMIC_TYPE = 'pulumi-nodejs:dynamic:Resource';

describe('test-only stack config (npm run e2e)', () => {
  let run: ProgramRun;
  beforeAll(async () => {
    // The whole config npm run e2e gives a throwaway cluster, the test-only keys with it (shared with cluster-guard).
    run = await throwawayClusterRun();
  }, 240_000);

  it('icv:testHarborChart installs the local chart instead of fetching Harbor\'s, with the same name, namespace and values', () => {
    const release = run.registrations.find((r) => r.type === RELEASE_TYPE)!;
    expect(release.inputs).toMatchObject({ name: 'harbor', namespace: 'harbor', chart: '/tmp/stand-in' });
    expect(release.inputs.repositoryOpts).toBeUndefined();
    expect(release.inputs.version).toBeUndefined();
    expect(unwrapSecrets(release.inputs.values)).toMatchObject({ externalURL: 'https://harbor.icv.example.cn' });
  });

  it('icv:testHarborApiUrl points the Harbor project and robots at that URL, while the stack still reports Harbor\'s', () => {
    const dynamic = run.registrations.filter((r) => r.type === DYNAMIC_TYPE);
    // the Harbor project, its two robots and the docker.io proxy cache of the declared mirrors
    expect(dynamic).toHaveLength(4);
    for (const r of dynamic) expect((unwrapSecrets(r.inputs.api) as { url: string }).url, r.name).toBe('http://127.0.0.1:4321');
    expect(run.outputs.registryUrl).toBe('https://harbor.icv.example.cn');
  });
});
