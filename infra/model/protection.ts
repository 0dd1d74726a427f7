import type { KubeObject } from './types.js';

/**
 * The one list of protected kinds. What `protect` guards in production (the Pulumi program), what a preview flags
 * as `protected` (the risk flags), and what the stack tests expect: the resources whose deletion loses data or identity that re-applying the
 * stack cannot bring back. Pulumi refuses to delete a protected resource (a `pulumi destroy`, a rename, or a change
 * that needs a replacement) until someone runs `pulumi state unprotect <urn>` on purpose.
 *
 * Everything else is deliberately left unprotected: Deployments, Services, policies, ConfigMaps and Secrets are
 * re-created from the code in seconds, and protecting them would turn every replacement into a manual step. The
 * Harbor project and robot accounts are not protected either: Harbor itself refuses to delete a project that still
 * holds repositories, and a replaced robot only rotates the secret that Pulumi writes into the pull secrets anyway.
 * The test environment protects only `ALWAYS_PROTECTED_KINDS`, so it can otherwise be torn down and rebuilt at will.
 */
export const PROTECTED_KINDS: Readonly<Record<string, string>> = {
  Namespace: 'deleting a namespace deletes every object in it, the DevOps credentials and the application data included',
  PersistentVolumeClaim: 'with OpenEBS LocalPV (StorageClass local), deleting the claim deletes the data on the node',
  DevOpsProject: 'deleting it deletes its Jenkins folder: every pipeline\'s build history and the credentials synced into Jenkins',
  WorkspaceTemplate: 'deleting it deletes the workspace, its members and role bindings, and KubeSphere\'s link to every namespace in it',
};

/**
 * Kinds protected in every environment, test included. kubesphere/ks-devops v3.4.1
 * `controllers/jenkins/devopsproject/devopsproject_controller.go` (`syncHandler`) adopts the namespace labelled
 * `kubesphere.io/devopsproject: <project>` (the one this platform declares) with `controllerutil.SetControllerReference`:
 * the DevOpsProject becomes the namespace's controlling owner. Deleting or replacing the DevOpsProject therefore
 * garbage-collects the namespace, its Pipelines and credential Secrets behind Pulumi's back (Pulumi's state still
 * lists them). So Pulumi never deletes it without a deliberate `pulumi state unprotect`, and everything in its
 * namespace is created after it (and so deleted before it: a deliberate destroy removes the Pipelines and
 * Secrets first, then the project, whose garbage collection takes the then-empty namespace).
 */
export const ALWAYS_PROTECTED_KINDS: Readonly<Record<string, string>> = {
  DevOpsProject: 'its controller owns the DevOps namespace: deleting the project garbage-collects the namespace, the Pipelines and the credentials from under Pulumi',
};

/** Whether an object is protected in this environment. */
export function isProtected(env: { readonly production: boolean }, obj: Pick<KubeObject, 'kind'>): boolean {
  return Object.hasOwn(ALWAYS_PROTECTED_KINDS, obj.kind) || (env.production && Object.hasOwn(PROTECTED_KINDS, obj.kind));
}

/**
 * Kinds Pulumi never deletes from the cluster, in every environment (`retainOnDelete`): when one leaves the program (a
 * stateful service switched back to its VMs and its `cluster` section removed, a renamed claim), Pulumi forgets it and
 * the object stays, with its data. Deleting the data is then a deliberate `kubectl delete`. In production the claims
 * are protected as well, so such a change stops the apply until someone unprotects the claim on purpose.
 */
export const RETAINED_KINDS: Readonly<Record<string, string>> = {
  PersistentVolumeClaim: 'a claim holds data (a stateful service\'s volume) that re-applying the stack cannot bring back',
};

/** Whether Pulumi leaves an object in the cluster when it leaves the program. */
export function isRetainedOnDelete(obj: Pick<KubeObject, 'kind'>): boolean {
  return Object.hasOwn(RETAINED_KINDS, obj.kind);
}

/** Whether a Helm release is protected in this environment: every release holds the state of what it installs. */
export function isReleaseProtected(env: { readonly production: boolean }): boolean {
  return env.production;
}
