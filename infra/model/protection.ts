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
 * The test environment protects nothing, so it can be torn down and rebuilt at will.
 */
export const PROTECTED_KINDS: Readonly<Record<string, string>> = {
  Namespace: 'deleting a namespace deletes every object in it, the DevOps credentials and the application data included',
  PersistentVolumeClaim: 'with OpenEBS LocalPV (StorageClass local), deleting the claim deletes the data on the node',
  DevOpsProject: 'deleting it deletes its Jenkins folder: every pipeline\'s build history and the credentials synced into Jenkins',
  WorkspaceTemplate: 'deleting it deletes the workspace, its members and role bindings, and KubeSphere\'s link to every namespace in it',
};

/** Whether an object is protected in this environment. */
export function isProtected(env: { readonly production: boolean }, obj: Pick<KubeObject, 'kind'>): boolean {
  return env.production && Object.hasOwn(PROTECTED_KINDS, obj.kind);
}

/** Whether a Helm release is protected in this environment: every release holds the state of what it installs. */
export function isReleaseProtected(env: { readonly production: boolean }): boolean {
  return env.production;
}
