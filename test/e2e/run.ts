/**
 * `npm run e2e`: applies both stacks with the real Pulumi engine to throwaway control planes and checks what the
 * issue asks (test/e2e/README.md). This file is the outer shell: it synthesizes dist/, then runs the suite
 * (suite.ts) in a private network, PID and mount namespace and checks that no process of the run survives
 * (namespaced-run.ts).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './engines.js';
import { runInPrivateNamespaces } from './namespaced-run.js';

await runInPrivateNamespaces({
  name: 'e2e',
  suite: join(ROOT, 'test/e2e/suite.ts'),
  nodeArgs: ['--import', 'tsx'],
  // dist/ must be what this code synthesizes: the assertions compare the API server with it.
  beforeStart: () => execFileSync(process.execPath, ['infra/cli/run-bundled.mjs', 'synth'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }),
});
