import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { objectRef } from '../checks/finding.js';
import type { KubeObject } from '../model/types.js';

/**
 * How a synthesized object becomes a Pulumi resource.
 *
 * Every object of `dist/<env>/manifests/` is registered as its own typed resource (`new k8s.apps.v1.Deployment`),
 * named by its Kubernetes identity, rather than through `k8s.yaml.ConfigGroup`:
 * - `k8s.yaml.v2.ConfigGroup` is a remote component: under `pulumi.runtime.setMocks` it registers only itself, so
 *   the unit tests could not see, count or inspect a single object;
 * - v1 and v2 name their children differently (`ns/name` vs `prefix:ns/name`); whichever is chosen is fixed for
 *   the life of the stacks, because a later switch changes every URN and replaces every object unless aliased;
 * - a direct resource takes per-object options: `protect` on what holds data, `dependsOn` on its namespace,
 *   secret outputs on Secrets, and a stable URN `…$kubernetes:apps/v1:Deployment::icv-vehicle/vehicle-access`.
 *
 * Resource names are `<namespace>/<name>`, or `<name>` for cluster-scoped objects: Kubernetes already makes that
 * unique per kind, the resource type in the URN carries the kind, and no hash is involved. Names deliberately do
 * not carry the unit (STYLE rule 6 names children after their component): the URN already holds the parent's
 * type, so an object moving between two modules keeps its URN instead of being deleted and re-created.
 */

/** A resource class of @pulumi/kubernetes, as the map below uses it. */
type KubeResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The typed resource class of every built-in kind the core synthesizes, by `apiVersion/kind`. A kind missing here
 * fails the run with a message naming the object, never silently falls back to an untyped resource.
 */
const BUILT_IN_KINDS: Readonly<Record<string, KubeResourceClass>> = {
  'v1/Namespace': k8s.core.v1.Namespace,
  // Nodes are created by KubeKey, not by Pulumi: the Node objects carry only the labels from `environments/`, applied
  // with server-side apply as a patch that Pulumi owns (and removes again on destroy) while kubelet keeps the rest.
  'v1/Node': k8s.core.v1.NodePatch,
  'v1/ConfigMap': k8s.core.v1.ConfigMap,
  'v1/Secret': k8s.core.v1.Secret,
  'v1/Service': k8s.core.v1.Service,
  'v1/ServiceAccount': k8s.core.v1.ServiceAccount,
  'v1/PersistentVolumeClaim': k8s.core.v1.PersistentVolumeClaim,
  'apps/v1/Deployment': k8s.apps.v1.Deployment,
  'apps/v1/DaemonSet': k8s.apps.v1.DaemonSet,
  'apps/v1/StatefulSet': k8s.apps.v1.StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.autoscaling.v2.HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': k8s.policy.v1.PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': k8s.networking.v1.NetworkPolicy,
  'networking.k8s.io/v1/Ingress': k8s.networking.v1.Ingress,
  'networking.k8s.io/v1/IngressClass': k8s.networking.v1.IngressClass,
  'discovery.k8s.io/v1/EndpointSlice': k8s.discovery.v1.EndpointSlice,
  'rbac.authorization.k8s.io/v1/ClusterRole': k8s.rbac.v1.ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': k8s.rbac.v1.ClusterRoleBinding,
};

/**
 * API groups whose objects are registered as `k8s.apiextensions.CustomResource`. Their CRDs come with KubeSphere
 * (ks-installer installs DevOps and the tenant API before this stack runs), so there is no CRD resource in the
 * stack for them to depend on.
 */
export const CUSTOM_RESOURCE_GROUPS: readonly string[] = ['devops.kubesphere.io', 'tenant.kubesphere.io'];

/**
 * Every object is applied with `pulumi.com/patchForce: "true"`: the code is the source of truth, so a field another
 * field manager took over is taken back instead of failing the apply. The Kubernetes provider applies with
 * server-side apply and, without force, refuses as a conflict any field another manager now owns
 * (pulumi/pulumi-kubernetes v4.25.0, `provider/pkg/await/await.go`, `patchForce`: the annotation, else
 * `PULUMI_K8S_ENABLE_PATCH_FORCE`, else no force outside a few preview cases). Found by the real-engine test loop:
 * after `kubectl scale` (manager `kubectl`, subresource `scale`, the same path as the KubeSphere console's scale
 * button) every `pulumi preview --refresh`, and so `npm run drift`, failed with "Apply failed with 1 conflict:
 * .spec.replicas" instead of reporting the drift, and `pulumi up` could not restore it. KubeKey likewise owns the
 * node labels it set at install time, which `environments/` later changes. Replica counts an autoscaler owns are
 * never fought over: a Deployment with a HorizontalPodAutoscaler has no `spec.replicas` (`workloads/module/deployment.ts`).
 * The annotation is an instruction to the provider, not part of the object model, so `dist/` does not carry it.
 */
export const PATCH_FORCE_ANNOTATION = 'pulumi.com/patchForce';

/** The object's inputs as applied: its annotations plus the patch-force instruction. */
function forced(inputs: Record<string, unknown>): Record<string, unknown> {
  const metadata = inputs.metadata as KubeObject['metadata'];
  return { ...inputs, metadata: { ...metadata, annotations: { ...metadata.annotations, [PATCH_FORCE_ANNOTATION]: 'true' } } };
}

/** The Pulumi resource name of an object: `<namespace>/<name>`, or `<name>` when cluster-scoped. */
export function resourceName(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/**
 * Registers one object as its typed resource. `inputs` is the object with its secrets resolved (see
 * `secret-values.ts`); the object itself picks the class.
 */
export function createKubeResource(
  obj: KubeObject,
  inputs: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const name = resourceName(obj);
  const typed = BUILT_IN_KINDS[`${obj.apiVersion}/${obj.kind}`];
  if (typed) return new typed(name, forced(inputs) as never, opts);
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
  if (CUSTOM_RESOURCE_GROUPS.includes(group)) {
    return new k8s.apiextensions.CustomResource(name, forced(inputs) as unknown as k8s.apiextensions.CustomResourceArgs, opts);
  }
  throw new Error(
    `${objectRef(obj)} has apiVersion '${obj.apiVersion}', kind '${obj.kind}', which the Pulumi program cannot register: ` +
      'add its resource class to BUILT_IN_KINDS (or its API group to CUSTOM_RESOURCE_GROUPS) in infra/pulumi/kube-resources.ts',
  );
}
