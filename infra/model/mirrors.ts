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
