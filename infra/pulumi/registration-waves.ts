import type * as pulumi from '@pulumi/pulumi';

/** Resources per wave: measured with bench/measure-pulumi.ts (25 to 100 give the same peak; 25 keeps it lowest). */
export const WAVE_SIZE = 25;

/**
 * Hands the cluster check (cluster-guard.ts) to the stack's resources in waves, so that only a wave's worth of
 * registrations is in flight at a time.
 *
 * Every Kubernetes resource waits for the one check in its `dependsOn`. Given one Promise, all of them (6,400 in the
 * ×10 bench) resume in the same microtask drain when it resolves, and the SDK then holds every resource's serialized
 * inputs, request and pending Promises at once: at ×10 that is about 600 MB live, the peak of the program. Here the
 * n-th wave gets the same check, resolved n macrotasks later (`setImmediate`): a wave's registrations are serialized
 * and sent (under mocks, answered) within its own microtask drain, before the next wave resumes.
 *
 * Nothing else changes: each resource still depends on the check's resource (kube-system), the same URNs register in
 * the same order, and no resource waits for another resource's creation, so the engine still creates them in
 * parallel. A failed check rejects every wave.
 */
export class RegistrationWaves {
  private issued = 0;
  private current: Promise<pulumi.Resource>;

  constructor(
    check: Promise<pulumi.Resource>,
    private readonly size: number = WAVE_SIZE,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`RegistrationWaves: size (${size}) must be a whole number of at least 1`);
    this.current = check;
  }

  /** The check, as the next resource's wave resolves it. */
  next(): Promise<pulumi.Resource> {
    if (this.issued > 0 && this.issued % this.size === 0) {
      this.current = this.current.then((resource) => new Promise<pulumi.Resource>((resolve) => setImmediate(resolve, resource)));
      // Awaited by the wave's resources, which report a failed check; never a stray rejection.
      this.current.catch(() => undefined);
    }
    this.issued += 1;
    return this.current;
  }
}
