/**
 * The output of the pure core: what `buildPlatform(env, catalog)` returns and every shell consumes.
 */

/** A Kubernetes object as plain JSON (built-in or custom resource). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** Which platform part a unit is; each kind becomes a ComponentResource type `icv:platform:<Kind>`. */
export type UnitKind = 'Cluster' | 'SharedInfra' | 'Registry' | 'DevOps' | 'Module';

/** A file written beside the manifests (`kubekey/cluster.yaml`, `pipelines/<m>.Jenkinsfile`, `helm/<r>.values.yaml`). */
export interface Artifact {
  /** Path relative to `dist/<env>/`. */
  readonly path: string;
  readonly content: string;
}

/** A Helm release Pulumi installs; its values are written to `helm/<name>.values.yaml` with secrets redacted. */
export interface HelmReleaseSpec {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  readonly values: Record<string, unknown>;
}

/** One unit of the platform: a module, or a platform part. Its objects go to `manifests/<unit>.yaml`. */
export interface Unit {
  /** Stable id, also the manifest file name and the ComponentResource name: `module/vehicle-access`, `cluster`. */
  readonly id: string;
  readonly kind: UnitKind;
  /** Kubernetes objects, in apply order within the unit. */
  readonly objects: readonly KubeObject[];
  readonly artifacts: readonly Artifact[];
  readonly helmReleases: readonly HelmReleaseSpec[];
}

/** Everything one environment synthesizes. */
export interface Platform {
  readonly env: string;
  readonly units: readonly Unit[];
}
