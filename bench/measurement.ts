/** What one measurement process reports, as one JSON line on stdout. */
export interface Measurement {
  /** Wall time of the timed work, in milliseconds. */
  readonly ms: number;
  /** CPU time (user + system, every thread of the process) of the timed work, in milliseconds. */
  readonly cpuMs: number;
  /** Kubernetes objects (or Pulumi resources) the work produced. */
  readonly objects: number;
  /** RSS high-water mark of the whole process when the work was done, in MiB. */
  readonly peakRssMiB: number;
  /** What a check after the timing found (output read back), when one ran. */
  readonly check?: string;
  /**
   * V8's verdict on the code cache the driver was compiled with (`script.cachedDataRejected`; bench/launch.mjs):
   * false when every function came from the cache. Absent when it ran without one (the untimed run that writes it).
   */
  readonly cachedDataRejected?: boolean;
}

/**
 * Prints the measurement with the process's RSS high-water mark; call it when the work is done. `afterTiming`, a
 * check of the output, runs after the memory is read, so it weighs on no figure.
 */
export function report(result: Omit<Measurement, 'peakRssMiB' | 'check'>, afterTiming?: () => string): void {
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const measurement: Measurement = { ...result, peakRssMiB, ...(afterTiming ? { check: afterTiming() } : {}) };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}
