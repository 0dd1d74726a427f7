/**
 * An image the platform runs that no pipeline of ours builds, declared once: where it comes from (reference and
 * digest) and why it is needed. Manifests reference it in the environment's Harbor as
 * `<harbor>/<project>/mirror/<name>@<digest>`; `npm run check` (`supply-chain.provenance`) fails on any image that is
 * neither built by a module's pipeline nor declared here.
 */
export interface MirrorImage {
  /** Repository under `<project>/mirror/`, e.g. `busybox`. */
  readonly name: string;
  /** The upstream reference, e.g. `docker.io/library/busybox:1.36.1`. */
  readonly upstream: string;
  /** `sha256:…` of the upstream manifest: the only form manifests reference. */
  readonly digest: string;
  readonly reason: string;
}

/** Where a declared mirror is pulled from in an environment's Harbor. */
export function mirrorReference(host: string, project: string, mirror: MirrorImage): string {
  return `${host}/${project}/mirror/${mirror.name}@${mirror.digest}`;
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
