/** What one measurement process reports, as one JSON line on stdout. */
export interface Measurement {
  /** Wall time of the timed work, in milliseconds. */
  readonly ms: number;
  /** Kubernetes objects (or Pulumi resources) the work produced. */
  readonly objects: number;
  /** RSS high-water mark of the whole process, in MiB. */
  readonly peakRssMiB: number;
}

/** Prints the measurement with the process's RSS high-water mark; call it last, when the work is done. */
export function report(result: Omit<Measurement, 'peakRssMiB'>): void {
  const measurement: Measurement = { ...result, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}
