import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the real engines of `npm run e2e` come from and where they live: the pins (versions.json and the two Go
 * modules under go/), and the cache directory that `npm run e2e:setup` fills, outside the tracked tree.
 */

/** The project root (this file is test/e2e/engines.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const E2E_DIR = join(ROOT, 'test/e2e');

export interface Pins {
  readonly kubernetes: string;
  readonly etcd: { readonly debianPackage: string; readonly version: string; readonly sha256: string };
  readonly pulumi: string;
  readonly pulumiKubernetes: { readonly module: string; readonly moduleVersion: string; readonly release: string };
}

export const PINS: Pins = JSON.parse(readFileSync(join(E2E_DIR, 'versions.json'), 'utf8')) as Pins;

/** The Go modules the binaries are built from: their go.mod and go.sum are pins too. */
export const GO_MODULES = { k8s: join(E2E_DIR, 'go/k8s'), pulumi: join(E2E_DIR, 'go/pulumi'), provider: join(E2E_DIR, 'go/provider') } as const;

/** A short hash of every pin, so that changing one of them builds into a fresh cache directory. */
function pinsHash(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(E2E_DIR, 'versions.json')));
  for (const dir of Object.values(GO_MODULES)) {
    for (const file of ['go.mod', 'go.sum', 'tools.go']) hash.update(readFileSync(join(dir, file)));
  }
  return hash.digest('hex').slice(0, 10);
}

/** The cache key: the engine versions, readable, plus the hash of the pins. */
export const CACHE_VERSION = `k8s-${PINS.kubernetes}_pulumi-${PINS.pulumi}_kubernetes-${PINS.pulumiKubernetes.release}_${pinsHash()}`;

/** Environment variable that overrides the cache directory (the whole path). */
export const CACHE_ENV = 'ICV_E2E_CACHE';

/** `$ICV_E2E_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/icv-platform/e2e/<version>`. */
export function cacheDir(): string {
  const override = process.env[CACHE_ENV];
  if (override) return resolve(override);
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'icv-platform/e2e', CACHE_VERSION);
}

/** The directory of the built binaries: etcd, kube-apiserver, kube-controller-manager, kubectl, pulumi, pulumi-resource-kubernetes. */
export function binDir(): string {
  return join(cacheDir(), 'bin');
}

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl', 'pulumi', 'pulumi-resource-kubernetes'] as const;
export type Binary = (typeof BINARIES)[number];

export function binary(name: Binary): string {
  return join(binDir(), name);
}

/** The launcher of Pulumi's dynamic-provider plugin (test/e2e/bin), which the engine finds on PATH. */
export const LAUNCHER_DIR = join(E2E_DIR, 'bin');

/** The provider's schema as built into it (what setup generated), for the resource-type check. */
export function providerSchemaPath(): string {
  return join(cacheDir(), 'src/provider/cmd/pulumi-resource-kubernetes/schema-embed.json');
}

/** The versions of the npm packages the program uses, from package.json. */
export function npmVersions(): { pulumi: string; kubernetes: string } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return { pulumi: pkg.dependencies['@pulumi/pulumi']!, kubernetes: pkg.dependencies['@pulumi/kubernetes']! };
}

/** `-ldflags` of the Kubernetes binaries: the provider refuses an API server that reports version v0.0. */
export function kubernetesLdflags(): string {
  const [major, minor] = PINS.kubernetes.replace(/^v/, '').split('.');
  const stamp = (pkg: string) =>
    [`-X ${pkg}.gitVersion=${PINS.kubernetes}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`];
  return ['-s -w', ...stamp('k8s.io/component-base/version'), ...stamp('k8s.io/client-go/pkg/version')].join(' ');
}

/** `-ldflags` of the Pulumi CLI and the provider: each reports its release as its version (one flag is unused by each). */
export function pulumiLdflags(): string {
  return [
    '-s -w',
    `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PINS.pulumi}`,
    `-X ${PINS.pulumiKubernetes.module}/pkg/version.Version=${PINS.pulumiKubernetes.release}`,
  ].join(' ');
}
