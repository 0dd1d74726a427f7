import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Speed (issue 15 item 5): on two cores vitest would start one worker (cores - 1); two keep both busy while the main
// process transforms. Without per-file isolation a worker runs its files in one process, so @pulumi/*, cdk8s and
// the rest load once per worker instead of once per file, and test/support/shared.ts shares one synthesis and one
// program run per stack among them (frozen, so no file can change what the next one reads). The program runs are
// made once per run and copied to the other worker (test/support/global-setup.ts makes the run's directory).
// Timeouts catch a hang, they time nothing (speed goals live in npm run bench): on an idle machine the slowest test
// takes a few seconds, and a machine shared by several suites may slow each one tenfold.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: Math.max(availableParallelism() - 1, 2),
    isolate: false,
  },
});
