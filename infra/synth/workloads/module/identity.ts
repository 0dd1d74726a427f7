import { appLabels } from '../../../model/names.js';

/** Who a module's objects belong to: the name and namespace they share, and the labels every one of them carries. */
export interface ModuleIdentity {
  readonly name: string;
  readonly namespace: string;
  /** `app.kubernetes.io/*` labels without the version, which only the Deployment and its pods carry. */
  readonly labels: Readonly<Record<string, string>>;
}

export function moduleIdentity(name: string, namespace: string, tier: string): ModuleIdentity {
  return { name, namespace, labels: appLabels(name, tier) };
}

/**
 * The metadata of one of the module's objects: named after the module unless `objectName` is given. The labels are
 * the identity's own object, not a copy: cdk8s's ApiObject copies the labels it is given (twice) before it keeps them.
 */
export function objectMetadata(identity: ModuleIdentity, objectName: string = identity.name): { name: string; namespace: string; labels: Readonly<Record<string, string>> } {
  return { name: objectName, namespace: identity.namespace, labels: identity.labels };
}
