import { resolveImageRef } from './image-ref.js';

/**
 * An image the platform runs that no pipeline of ours builds, declared once: where it comes from (reference and
 * digest) and why it is needed. It reaches the environment's Harbor through a proxy-cache project per upstream
 * registry (`mirror-<registry>`, declared by the Pulumi program from `modules/mirrors.ts`): manifests pull
 * `<harbor>/mirror-<registry>/<upstream repository>@<digest>`, and Harbor fetches that digest from the upstream on
 * the first pull. `npm run check` (`supply-chain.provenance`) fails on any image that is neither built by a module's
 * pipeline nor declared here.
 *
 * Why a proxy cache and not a replication rule: a pull by digest through a proxy-cache project can only return that
 * digest, with nothing to schedule or trigger, while a replication policy copies what its name, tag and label filters
 * select on its own trigger (goharbor/harbor `src/pkg/reg/model/policy.go`) and has no digest filter.
 */
export interface MirrorImage {
  /** A short name for messages, e.g. `busybox`. */
  readonly name: string;
  /** The upstream reference, e.g. `docker.io/library/busybox:1.36.1`. */
  readonly upstream: string;
  /** `sha256:…` of the upstream manifest: the only form manifests reference. */
  readonly digest: string;
  readonly reason: string;
}

/** Harbor's registry adapters for the upstreams a proxy-cache project can front. */
export type ProxyAdapter = 'docker-hub' | 'docker-registry' | 'quay' | 'github-ghcr';

/** One proxy-cache project: an upstream registry, the Harbor project that fronts it, and Harbor's adapter for it. */
export interface MirrorProxy {
  readonly registry: string;
  readonly project: string;
  readonly upstream: { readonly type: ProxyAdapter; readonly url: string };
}

/** The proxy-cache project fronting an upstream registry: `docker.io` → `mirror-docker-io`. */
export function proxyProjectName(registry: string): string {
  return `mirror-${registry.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

/** How Harbor reaches an upstream: Docker Hub through its own adapter, any other registry by its v2 API. */
export function proxyUpstream(registry: string): MirrorProxy['upstream'] {
  if (registry === 'docker.io') return { type: 'docker-hub', url: 'https://hub.docker.com' };
  if (registry === 'quay.io') return { type: 'quay', url: 'https://quay.io' };
  if (registry === 'ghcr.io') return { type: 'github-ghcr', url: 'https://ghcr.io' };
  return { type: 'docker-registry', url: `https://${registry}` };
}

/** The upstream registry and repository of a mirror (`busybox` on Docker Hub is `library/busybox`). */
function upstreamOf(mirror: MirrorImage): { registry: string; repository: string } {
  const ref = resolveImageRef(mirror.upstream);
  const repository = ref.registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return { registry: ref.registry, repository };
}

/** Where a declared mirror is pulled from in an environment's Harbor: through its registry's proxy-cache project. */
export function mirrorReference(host: string, mirror: MirrorImage): string {
  const { registry, repository } = upstreamOf(mirror);
  return `${host}/${proxyProjectName(registry)}/${repository}@${mirror.digest}`;
}

/** The proxy-cache projects the declared mirrors need: one per upstream registry, sorted; none for no mirrors. */
export function mirrorProxies(mirrors: readonly MirrorImage[]): MirrorProxy[] {
  const registries = [...new Set(mirrors.map((m) => upstreamOf(m).registry))].sort();
  return registries.map((registry) => ({ registry, project: proxyProjectName(registry), upstream: proxyUpstream(registry) }));
}

/**
 * Redis for a stateful service run in the cluster (`statefulServices.redis.mode: 'cluster'`): the image the in-cluster
 * profile runs, listed in `modules/mirrors.ts` whatever the mode, so that it is in each Harbor before a switch.
 * The digest is the multi-arch index of the official `redis:7.2.5-alpine` as several public projects pin it; verify it
 * when mirroring (`crane digest docker.io/library/redis:7.2.5-alpine`, or `skopeo inspect`) before the first switch.
 */
export const REDIS_MIRROR: MirrorImage = {
  name: 'redis',
  upstream: 'docker.io/library/redis:7.2.5-alpine',
  digest: 'sha256:6aaf3f5e6bc8a592fbfe2cccf19eb36d27c39d12dab4f4b01556b7449e7b1f44',
  reason: 'Redis run in the cluster as a StatefulSet when statefulServices.redis.mode is cluster (infra/synth/workloads/stateful/profiles.ts)',
};
