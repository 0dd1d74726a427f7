import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { objectRef } from '../checks/finding.js';
import type { HelmReleaseSpec, KubeObject, Platform, Unit } from '../model/types.js';
import type { Environment } from '../schema/environment.js';
import { isProtected, isReleaseProtected, isRetainedOnDelete } from '../model/protection.js';
import { withAwaitChoice } from './await-control.js';
import { createKubeResource } from './kube-resources.js';
import type { RegistrationWaves } from './registration-waves.js';
import { fillMarkersDeep, resolveObjectSecrets, type SecretSource } from './secret-values.js';
import type { StackConfig } from './stack-config.js';

/** What every unit component needs from the stack around it. */
export interface UnitContext {
  /** The environment being applied. */
  readonly env: Environment;
  /** The stack's one Kubernetes provider; every Kubernetes resource uses it. */
  readonly provider: k8s.Provider;
  /** Secret values by name: stack config, or what the Harbor robots produce. */
  readonly secrets: SecretSource;
  /** The platform's Namespace resources, shared by all units. */
  readonly namespaces: NamespaceIndex;
  /**
   * The proof that the provider's cluster is the stack's own (cluster-guard.ts), handed out in waves
   * (registration-waves.ts); every Kubernetes resource waits for it, so none is registered on any other cluster.
   */
  readonly clusterVerified: RegistrationWaves;
  /** Await control and the test-only overrides of the stack config. */
  readonly config: Pick<StackConfig, 'skipAwait' | 'testOnly'>;
}

/**
 * `dependsOn` that waits for `resources` and for the cluster check. The check is a plain Promise (one per wave): the
 * SDK awaits a Promise in `dependsOn` directly, while an Output there costs it a walk of the Output's dependency graph
 * for every resource (twice the program's run time for 720 resources).
 */
function afterClusterCheck(context: UnitContext, resources: pulumi.Resource[]): pulumi.Input<pulumi.Resource>[] {
  return [...resources, context.clusterVerified.next()];
}

/** The resources one unit registered. */
export interface UnitResources {
  /** One resource per object of the unit, in the unit's order. */
  readonly objects: readonly pulumi.CustomResource[];
  /** One Helm release per release spec of the unit. */
  readonly releases: readonly k8s.helm.v3.Release[];
}

/** Helm waits for every Harbor pod to be ready; first installs pull a dozen images. */
const HELM_TIMEOUT_SECONDS = 900;

/**
 * The platform's Namespace resources, so that an object waits for its namespace even when another unit declares it
 * (the modules' namespaces come from shared-infra). Namespaces the platform does not declare (kube-system, KubeSphere's
 * own) already exist and are not waited for.
 */
export class NamespaceIndex {
  private readonly created = new Map<string, k8s.core.v1.Namespace>();

  private constructor(private readonly declared: ReadonlyMap<string, string>) {}

  /** The index of every Namespace the platform declares, none created yet. */
  static of(platform: Platform): NamespaceIndex {
    const declared = new Map<string, string>();
    for (const unit of platform.units) {
      for (const obj of unit.objects) if (obj.kind === 'Namespace') declared.set(obj.metadata.name, unit.id);
    }
    return new NamespaceIndex(declared);
  }

  add(name: string, namespace: k8s.core.v1.Namespace): void {
    this.created.set(name, namespace);
  }

  /** What something in `namespace` must be created after: its Namespace, when this stack declares it. */
  dependencyOf(namespace: string | undefined, who: string): pulumi.Resource[] {
    if (namespace === undefined || !this.declared.has(namespace)) return [];
    const created = this.created.get(namespace);
    if (!created) {
      throw new Error(
        `${who} is in namespace '${namespace}', which unit '${this.declared.get(namespace)}' declares but has not created yet: ` +
          'PlatformStack must create that unit first',
      );
    }
    return [created];
  }
}

/**
 * Registers a unit's objects and Helm releases as children of `parent`: Namespaces first (so that the unit's own
 * objects can wait for them), then ServiceAccounts, then every other object, then the releases.
 *
 * A workload waits for the ServiceAccount its pods run as: created first, its controller's pod creations are refused
 * ("error looking up service account … not found") and retried with back-off, so pods appear late (found by
 * `npm run e2e`).
 */
export function registerUnitResources(unit: Unit, context: UnitContext, parent: pulumi.Resource): UnitResources {
  const isProject = (o: KubeObject) => o.kind === 'DevOpsProject';
  const rank = (o: KubeObject) => (isNamespace(o) ? 0 : isProject(o) ? 1 : o.kind === 'ServiceAccount' ? 2 : 3);
  const ordered = [...unit.objects].sort((a, b) => rank(a) - rank(b));
  const created = new Map<KubeObject, pulumi.CustomResource>();
  /** DevOpsProjects by the namespace their controller owns (the project's own name). */
  const projects = new Map<string, pulumi.CustomResource>();
  const serviceAccounts = new Map<string, pulumi.CustomResource>();
  for (const obj of ordered) {
    const project = obj.metadata.namespace === undefined ? undefined : projects.get(obj.metadata.namespace);
    const serviceAccount = serviceAccounts.get(`${obj.metadata.namespace}/${podServiceAccount(obj)}`);
    const inputs = withAwaitChoice(obj.kind, resolveObjectSecrets(obj, context.secrets), context.config.skipAwait);
    const resource = createKubeResource(obj, inputs, {
      parent,
      provider: context.provider,
      protect: isProtected(context.env, obj),
      ...(isRetainedOnDelete(obj) ? { retainOnDelete: true } : {}),
      // A DevOpsProject is cluster-scoped but owns the namespace of its own name: created first, the controller
      // would create that namespace itself and Pulumi's Namespace would then fail with AlreadyExists. What lives in
      // that namespace waits for the project, so a destroy deletes it before the project (see infra/model/protection.ts).
      dependsOn: afterClusterCheck(context, [
        ...context.namespaces.dependencyOf(isProject(obj) ? obj.metadata.name : obj.metadata.namespace, objectRef(obj)),
        ...(project ? [project] : []),
        ...(serviceAccount ? [serviceAccount] : []),
      ]),
      ...(obj.kind === 'Secret' ? { additionalSecretOutputs: ['data', 'stringData'] } : {}),
    });
    if (resource instanceof k8s.core.v1.Namespace) context.namespaces.add(obj.metadata.name, resource);
    if (isProject(obj)) projects.set(obj.metadata.name, resource);
    if (obj.kind === 'ServiceAccount') serviceAccounts.set(`${obj.metadata.namespace}/${obj.metadata.name}`, resource);
    created.set(obj, resource);
  }
  return {
    objects: unit.objects.map((obj) => created.get(obj)!),
    releases: unit.helmReleases.map((spec) => registerRelease(spec, context, parent)),
  };
}

/** A Helm release; its values' secret markers are filled from the secret sources. */
function registerRelease(spec: HelmReleaseSpec, context: UnitContext, parent: pulumi.Resource): k8s.helm.v3.Release {
  const testChart = context.config.testOnly.harborChart;
  return new k8s.helm.v3.Release(
    `${spec.namespace}/${spec.name}`,
    {
      // Without a name Pulumi would add a random suffix, and every object the chart creates is prefixed with it.
      name: spec.name,
      namespace: spec.namespace,
      ...(testChart === undefined ? { chart: spec.chart, version: spec.version, repositoryOpts: { repo: spec.repository } } : { chart: testChart }),
      values: fillMarkersDeep(spec.values, context.secrets) as Record<string, unknown>,
      timeout: HELM_TIMEOUT_SECONDS,
    },
    {
      parent,
      provider: context.provider,
      protect: isReleaseProtected(context.env),
      dependsOn: afterClusterCheck(context, context.namespaces.dependencyOf(spec.namespace, `Helm release '${spec.name}'`)),
    },
  );
}

/** The ServiceAccount a workload's pods run as, for the kinds whose controllers create pods. */
function podServiceAccount(obj: KubeObject): string | undefined {
  if (!['Deployment', 'DaemonSet', 'StatefulSet', 'Job'].includes(obj.kind)) return undefined;
  return (obj.spec as { template?: { spec?: { serviceAccountName?: string } } } | undefined)?.template?.spec?.serviceAccountName;
}

function isNamespace(obj: KubeObject): boolean {
  return obj.kind === 'Namespace';
}
