// Mutation testing of the pure core (`npm run test:mutation`, MUTATION.md): the constructs, the checks, the
// validation and the diff's risk rules. Not part of `npm test`. Snapshots never count as kills: the tests run under
// vitest.mutation.config.ts, which leaves out the snapshot-only file and turns every snapshot assertion into a no-op.
// One area at a time: `npm run test:mutation -- --mutate 'infra/schema/**/*.ts'`; the incremental file keeps the
// results of mutants whose code and covering tests did not change, so a later run only tests what is new.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'infra/synth/workloads/**/*.ts',
    'infra/checks/**/*.ts',
    'infra/schema/**/*.ts',
    'infra/preview/risk-flags.ts',
    'infra/preview/network-policy.ts',
    'infra/preview/cutover.ts',
  ],
  coverageAnalysis: 'perTest',
  // Two cores, shared: one test runner beside Stryker's own process.
  concurrency: 1,
  // A loaded machine slows every run; a mutant is only "timed out" (counted as detected) well past its dry-run time.
  timeoutMS: 30_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
