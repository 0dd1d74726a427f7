/**
 * Await control: whether `pulumi up` waits for objects to become ready.
 *
 * By default the Kubernetes provider waits after creating or updating an object until it is ready, for the kinds it
 * has await logic for (pulumi/pulumi-kubernetes v4.25.0, provider/pkg/await/awaiters.go): a Deployment, DaemonSet
 * or StatefulSet until its pods are ready, a Service until it has endpoints, an Ingress until it has an address, a
 * PersistentVolumeClaim until it is bound, a Job until it completes; a Helm release waits until everything it
 * installs is ready. That is the right default: an `up` that succeeds means the platform runs.
 *
 * On a first install it is not: the modules' images do not exist in the fresh Harbor until their pipelines have run,
 * so ~70 workloads (and the Services and Ingresses in front of them) would each wait out their timeout (10 minutes)
 * and the `up` fails. Stack config `icv:skipAwait: true` turns those waits off, and only those: the platform's
 * objects of the kinds below carry the provider's `pulumi.com/skipAwait: "true"` annotation. Objects whose readiness
 * needs nothing but the API server (Secrets, ServiceAccounts, the rest) are awaited as always, and so is the Harbor
 * release: its images are Harbor's own public ones, and the Harbor project and robots need its API up. After the pipelines have pushed the images, unset it and run `up` again (the second `up` removes the
 * annotation, a metadata-only update that restarts nothing), so that later `up`s wait again.
 */

/** The provider's per-object switch (pulumi-kubernetes provider/pkg/metadata: `SkipAwaitLogic`). */
export const SKIP_AWAIT_ANNOTATION = 'pulumi.com/skipAwait';

/** The kinds whose await depends on pods running, and what the provider waits for. */
export const POD_DEPENDENT_AWAITS: Readonly<Record<string, string>> = {
  Deployment: 'its updated replicas to be available',
  DaemonSet: 'its pods to be ready on every node',
  StatefulSet: 'its replicas to be ready',
  Job: 'it to complete',
  Service: 'endpoints for its selector',
  Ingress: 'a load-balancer address and endpoints for its backends',
  PersistentVolumeClaim: 'it to be bound (or pending its first consumer)',
};

/** Whether `up` waits for an object of this kind, given stack config `icv:skipAwait`. */
export function awaitsKind(kind: string, skipAwait: boolean): boolean {
  return !(skipAwait && Object.hasOwn(POD_DEPENDENT_AWAITS, kind));
}

/** The object's inputs, annotated with the provider's skipAwait switch when the stack skips its await. */
export function withAwaitChoice(kind: string, inputs: Record<string, unknown>, skipAwait: boolean): Record<string, unknown> {
  if (awaitsKind(kind, skipAwait)) return inputs;
  const metadata = (inputs.metadata ?? {}) as { annotations?: Record<string, string> };
  return { ...inputs, metadata: { ...metadata, annotations: { ...metadata.annotations, [SKIP_AWAIT_ANNOTATION]: 'true' } } };
}
