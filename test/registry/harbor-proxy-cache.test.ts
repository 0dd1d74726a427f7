import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HarborProxyCacheProvider, endpointName, type HarborProxyCacheInputs, type HarborProxyCacheState } from '../../infra/pulumi/harbor/proxy-cache.js';
import { mirrorProxies, mirrorReference, type MirrorImage } from '../../infra/model/mirrors.js';
import { mirrors } from '../../modules/mirrors.js';
import { FakeHarbor } from '../support/fake-harbor.js';

const PASSWORD = 'Harbor12345';
let harbor: FakeHarbor;
let inputs: HarborProxyCacheInputs;
const provider = new HarborProxyCacheProvider();

beforeEach(async () => {
  harbor = await FakeHarbor.start({ username: 'admin', password: PASSWORD });
  inputs = { api: { url: harbor.url, username: 'admin', password: PASSWORD }, name: 'mirror-docker-io', upstream: { type: 'docker-hub', url: 'https://hub.docker.com' } };
});
afterEach(async () => {
  await harbor.close();
});

describe('HarborProxyCacheProvider against the fake Harbor', () => {
  it('creates the registry endpoint, then a public project bound to it', async () => {
    const { id, outs } = await provider.create(inputs);
    const state = outs as HarborProxyCacheState;
    expect(id).toBe('mirror-docker-io');
    const registry = harbor.registries.get(state.registryId)!;
    expect(registry).toMatchObject({ name: endpointName('mirror-docker-io'), type: 'docker-hub', url: 'https://hub.docker.com', insecure: false });
    const project = harbor.projects.get('mirror-docker-io')!;
    expect(project).toMatchObject({ project_id: state.projectId, registry_id: state.registryId, metadata: { public: 'true' } });
    expect(harbor.requestsTo('POST', '/api/v2.0/projects')[0]!.body).toMatchObject({ project_name: 'mirror-docker-io', registry_id: state.registryId });
  });

  it('deletes the project, then its endpoint (Harbor refuses the other order)', async () => {
    const { id, outs } = await provider.create(inputs);
    await provider.delete(id, outs as HarborProxyCacheState);
    expect(harbor.projects.size).toBe(0);
    expect(harbor.registries.size).toBe(0);
  });

  it('removes the endpoint again when the project cannot be created, so the next run starts clean', async () => {
    await provider.create(inputs);
    harbor.projects.delete('mirror-docker-io');
    const registry = [...harbor.registries.values()][0]!;
    harbor.registries.delete(registry.id);
    harbor.projects.set('mirror-docker-io', { project_id: 99, name: 'mirror-docker-io', metadata: {}, repoCount: 0, rules: [] });
    await expect(provider.create(inputs)).rejects.toThrow(/409/);
    expect(harbor.registries.size).toBe(0);
  });

  it('replaces the project when the upstream changes, and only updates the state for a new password', async () => {
    const { id, outs } = await provider.create(inputs);
    const state = outs as HarborProxyCacheState;
    expect(await provider.diff(id, state, { ...inputs, upstream: { type: 'docker-registry', url: 'https://registry.k8s.io' } })).toMatchObject({ changes: true, replaces: ['upstream'], deleteBeforeReplace: true });
    expect(await provider.diff(id, state, { ...inputs, api: { ...inputs.api, password: 'rotated' } })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff(id, state, inputs)).toMatchObject({ changes: false });
  });

  it('reads a project deleted behind Pulumi as gone', async () => {
    const { id, outs } = await provider.create(inputs);
    harbor.projects.delete('mirror-docker-io');
    expect(await provider.read(id, outs as HarborProxyCacheState)).toEqual({ id: '' });
  });
});

describe('mirrors declared in modules/mirrors.ts reach Harbor through one proxy cache per upstream registry', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const mirror = (name: string, upstream: string): MirrorImage => ({ name, upstream, digest, reason: 'test' });

  it('needs no proxy cache for an empty mirror list, and one per upstream registry of the declared mirrors (today: docker.io, for Redis)', () => {
    expect(mirrorProxies([])).toEqual([]);
    expect(mirrors.map((m) => m.name)).toEqual(['redis']);
    expect(mirrorProxies(mirrors).map((p) => p.project)).toEqual(['mirror-docker-io']);
  });

  it('groups mirrors by registry and picks Harbor\'s adapter for each', () => {
    const declared = [mirror('busybox', 'docker.io/library/busybox:1.36.1'), mirror('pause', 'registry.k8s.io/pause:3.9'), mirror('nginx', 'nginx:1.25')];
    expect(mirrorProxies(declared)).toEqual([
      { registry: 'docker.io', project: 'mirror-docker-io', upstream: { type: 'docker-hub', url: 'https://hub.docker.com' } },
      { registry: 'registry.k8s.io', project: 'mirror-registry-k8s-io', upstream: { type: 'docker-registry', url: 'https://registry.k8s.io' } },
    ]);
  });

  it('references a mirror through its proxy cache, by digest', () => {
    expect(mirrorReference('harbor.icv.local', mirror('nginx', 'nginx:1.25'))).toBe(`harbor.icv.local/mirror-docker-io/library/nginx@${digest}`);
    expect(mirrorReference('harbor.icv.local', mirror('pause', 'registry.k8s.io/pause:3.9'))).toBe(`harbor.icv.local/mirror-registry-k8s-io/pause@${digest}`);
  });
});
