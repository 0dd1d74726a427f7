import type * as pulumi from '@pulumi/pulumi';
import { HarborApi } from './api.js';
import { connectionChanged, type HarborConnection } from './project-provider.js';

/**
 * The provider side of HarborProxyCache, bundled into its `__provider` text (provider-code.ts): like
 * project-provider.ts, it imports nothing at run time but the Harbor client and the connection check.
 */

export interface ProxyUpstream {
  /** Harbor's adapter for the upstream: `docker-hub` for docker.io, `docker-registry` for any v2 registry. */
  readonly type: 'docker-hub' | 'docker-registry' | 'quay' | 'github-ghcr';
  /** The upstream's URL, e.g. `https://hub.docker.com` (Harbor's docker-hub adapter) or `https://registry.k8s.io`. */
  readonly url: string;
}

export interface HarborProxyCacheInputs {
  readonly api: HarborConnection;
  readonly name: string;
  readonly upstream: ProxyUpstream;
}

export interface HarborProxyCacheState extends HarborProxyCacheInputs {
  readonly projectId: number;
  readonly registryId: number;
}

/** The endpoint a proxy-cache project pulls through is named after it. */
export function endpointName(project: string): string {
  return `${project}-upstream`;
}

/** Creates, reads, updates and deletes a proxy-cache project and its registry endpoint over the REST API. */
export class HarborProxyCacheProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: HarborProxyCacheInputs): Promise<pulumi.dynamic.CreateResult<HarborProxyCacheState>> {
    const api = new HarborApi(inputs.api);
    const endpoint = endpointName(inputs.name);
    await api.createRegistry(
      { name: endpoint, type: inputs.upstream.type, url: inputs.upstream.url, insecure: false, description: `upstream of proxy-cache project ${inputs.name}` },
      `delete the registry endpoint '${endpoint}' in Harbor (Administration → Registries) or pick another project name`,
    );
    const registry = await api.findRegistry(endpoint);
    if (!registry) throw new Error(`Harbor created registry endpoint '${endpoint}' but cannot find it`);
    try {
      await api.createProject(
        { project_name: inputs.name, registry_id: registry.id, metadata: { public: 'true' } },
        'a project of that name already exists in Harbor: pick another mirror project name',
      );
      const project = await api.getProject(inputs.name);
      if (!project) throw new Error(`Harbor created project '${inputs.name}' but cannot find it`);
      return { id: inputs.name, outs: { ...inputs, projectId: project.project_id, registryId: registry.id } };
    } catch (error) {
      // Pulumi records nothing when create fails: remove the endpoint so the next run does not meet a 409.
      await api.deleteRegistry(registry.id).catch(() => undefined);
      throw error;
    }
  }

  async read(id: string, props: HarborProxyCacheState): Promise<pulumi.dynamic.ReadResult<HarborProxyCacheState>> {
    const api = new HarborApi(props.api);
    const project = await api.getProject(id);
    if (!project) return { id: '' };
    return { id, props: { ...props, projectId: project.project_id } };
  }

  async diff(_id: string, olds: HarborProxyCacheState, news: HarborProxyCacheInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = [
      ...(olds.name === news.name ? [] : ['name']),
      ...(olds.upstream.type === news.upstream.type && olds.upstream.url === news.upstream.url ? [] : ['upstream']),
    ];
    return { changes: replaces.length > 0 || connectionChanged(olds.api, news.api), replaces, deleteBeforeReplace: true };
  }

  async update(_id: string, olds: HarborProxyCacheState, news: HarborProxyCacheInputs): Promise<pulumi.dynamic.UpdateResult<HarborProxyCacheState>> {
    return { outs: { ...news, projectId: olds.projectId, registryId: olds.registryId } };
  }

  async delete(id: string, props: HarborProxyCacheState): Promise<void> {
    const api = new HarborApi(props.api);
    await api.deleteProject(id);
    await api.deleteRegistry(props.registryId);
  }
}

