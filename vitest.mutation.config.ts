import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): in-process tests of the pure core. Left out: the
 * snapshot-only file (a snapshot must not count as a kill), tests that run the CLIs or git in child processes (a
 * child does not see Stryker's active mutant, so it can neither kill nor cover one), the real-engine harness and
 * the scanners (external binaries). `test/support/no-snapshots.ts` makes any other snapshot assertion pass
 * unconditionally, so only named assertions can kill a mutant.
 */
const config = mergeConfig(base, defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/workloads/module-objects.test.ts',
      'test/e2e/**',
      'test/checks/scanners.test.ts',
      'test/devops/release-edit.test.ts',
      'test/input/output-paths.test.ts',
      'test/secrets/no-secret-in-output.test.ts',
      'test/daytwo/ci-daytwo.test.ts',
      'test/diff/ci-post-mr-note.test.ts',
      'test/diff/diff-base.test.ts',
      'test/diff/ci-pipeline.test.ts',
      'test/pulumi/**',
      'test/bench/**',
      'test/architecture/**',
    ],
    setupFiles: ['test/support/no-snapshots.ts'],
    update: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
}));

// Stryker re-runs the same vitest for every mutant: a value shared through the run's directory (test/support/
// global-setup.ts) would carry one mutant's results into the next, so each worker makes its own (perWorker only).
export default { ...config, test: { ...config.test, globalSetup: [] } };
