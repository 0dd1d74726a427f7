import { kkHandOff, parseKkCommand, type KkResult } from './kubekey.js';
import { installerRuns, type InstallerRun, type KubeSphereOutcome } from './ks-installer.js';

export * from './kubekey.js';
export * from './ks-installer.js';
export * from './install-steps.js';
export * from './declared.js';

/** What a real `kk` + ks-installer would install from our files, step by step. */
export interface InstallEvaluation {
  readonly kk: KkResult;
  /** The installer's runs (see `installerRuns`); empty when kk hands it nothing. */
  readonly runs: readonly InstallerRun[];
  /** The KubeSphere that stays installed (the last run's reading). */
  readonly outcome?: KubeSphereOutcome;
}

/** Runs the multi-document file kk reads through kk's and ks-installer's encoded behaviour, for a `kk` command line. */
export function evaluateInstall(fileText: string, kkCommand: string): InstallEvaluation {
  const kk = kkHandOff(fileText, parseKkCommand(kkCommand));
  if (!kk.config) return { kk, runs: [] };
  const runs = installerRuns(kk.config);
  return { kk, runs, ...(runs.length > 0 ? { outcome: runs[runs.length - 1]!.outcome } : {}) };
}

/** One field where the installed KubeSphere differs from the declared one. */
export interface OutcomeDifference {
  readonly field: string;
  readonly declared: unknown;
  readonly actual: unknown;
}

/** Field-by-field comparison of the declared KubeSphere and the installed one. */
export function compareOutcome(declared: KubeSphereOutcome, actual: KubeSphereOutcome | undefined): OutcomeDifference[] {
  const flat = (o: KubeSphereOutcome | undefined): Record<string, unknown> => ({
    devops: o?.devops ?? false,
    logging: o?.logging ?? false,
    metricsServer: o?.metricsServer ?? false,
    inClusterOpenSearch: o?.inClusterOpenSearch ?? false,
    'elasticsearchOutput.host': o?.elasticsearchOutput?.host,
    'elasticsearchOutput.port': o?.elasticsearchOutput?.port,
    'elasticsearchOutput.indexPrefix': o?.elasticsearchOutput?.indexPrefix,
    openSearchOutput: o?.openSearchOutput ?? false,
    consoleIndexPrefix: o?.consoleIndexPrefix,
  });
  const want = flat(declared);
  const got = flat(actual);
  return Object.keys(want)
    .filter((field) => want[field] !== got[field])
    .map((field) => ({ field, declared: want[field], actual: got[field] }));
}
