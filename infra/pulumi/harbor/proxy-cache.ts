import type * as pulumi from '@pulumi/pulumi';
import { requireHarborName, secretConnection, withSecret, type HarborConnectionArgs } from './project.js';
import { HarborDynamicResource } from './provider-code.js';
import type { ProxyUpstream } from './proxy-cache-provider.js';

export {
  endpointName,
  HarborProxyCacheProvider,
  type HarborProxyCacheInputs,
  type HarborProxyCacheState,
  type ProxyUpstream,
} from './proxy-cache-provider.js';

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

/** A proxy-cache project and its registry endpoint, as one resource; its id is the project name. */
export class HarborProxyCache extends HarborDynamicResource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly projectId: pulumi.Output<number>;
  declare public readonly registryId: pulumi.Output<number>;

  constructor(name: string, args: HarborProxyCacheArgs, opts: pulumi.CustomResourceOptions = {}) {
    requireHarborName('HarborProxyCache', name, args.name, 'mirror-docker-io');
    if (!/^https:\/\/[^/]+/.test(args.upstream.url)) {
      throw new Error(`'upstream.url' (${JSON.stringify(args.upstream.url)}) of HarborProxyCache '${name}' must be an https:// URL, such as "https://hub.docker.com"`);
    }
    const inputs = { api: secretConnection(args.api), name: args.name, upstream: args.upstream, projectId: undefined, registryId: undefined };
    super('proxy-cache', name, inputs, { ...opts, additionalSecretOutputs: withSecret(opts, 'api') });
  }
}
