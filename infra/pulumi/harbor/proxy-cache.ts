import * as pulumi from '@pulumi/pulumi';
import { HarborApi } from './api.js';
import { connectionChanged, requireHarborName, secretConnection, withSecret, type HarborConnection, type HarborConnectionArgs } from './project.js';

/**
 * A Harbor proxy-cache project: a project bound to a registry endpoint, so that a pull of
 * `<harbor>/<project>/<upstream repository>@<digest>` makes Harbor fetch that digest from the upstream once and
 * serve it from then on. This is how third-party images (`modules/mirrors.ts`) reach Harbor: nothing is pushed or
 * replicated, the first pull fills the cache, and a pull by digest can only ever return that digest. Harbor binds a
 * project to its endpoint at creation (`registry_id`), so a change of upstream replaces both. The project is public
 * (`public: true`): it serves only public upstream images, and nodes pull them with the namespace's pull secret,
 * whose robot belongs to the platform's own project and cannot be granted another project's pulls.
 */
export interface HarborProxyCacheArgs {
  readonly api: HarborConnectionArgs;
  /** The project's name, e.g. `mirror-docker-io`. */
  readonly name: string;
  /** The upstream registry. */
  readonly upstream: ProxyUpstream;
}

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

const proxyCacheProvider = new HarborProxyCacheProvider();

/** A proxy-cache project and its registry endpoint, as one resource; its id is the project name. */
export class HarborProxyCache extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly projectId: pulumi.Output<number>;
  declare public readonly registryId: pulumi.Output<number>;

  constructor(name: string, args: HarborProxyCacheArgs, opts: pulumi.CustomResourceOptions = {}) {
    requireHarborName('HarborProxyCache', name, args.name, 'mirror-docker-io');
    if (!/^https:\/\/[^/]+/.test(args.upstream.url)) {
      throw new Error(`'upstream.url' (${JSON.stringify(args.upstream.url)}) of HarborProxyCache '${name}' must be an https:// URL, such as "https://hub.docker.com"`);
    }
    const inputs = { api: secretConnection(args.api), name: args.name, upstream: args.upstream, projectId: undefined, registryId: undefined };
    super(proxyCacheProvider, name, inputs, { ...opts, additionalSecretOutputs: withSecret(opts, 'api') });
  }
}
