/**
 * `npm run e2e:scaled`: the real `pulumi preview` of a ×10 stack (scaled-suite.ts) against a throwaway control
 * plane, inside a private network, PID and mount namespace, as `npm run e2e` runs its suite (namespaced-run.ts):
 * loopback is the only network, every process the run starts dies with the namespace, and afterwards no host process
 * may carry the run's token. Not part of `.ci/run`: it measures (for the bench), it checks nothing that `npm run e2e`
 * does not. The suite's node gets the arguments Pulumi.yaml gives node under `pulumi up`
 * (`runtime.options.nodeargs`, infra/pulumi/node-args.ts), so the program runs with the V8 flags it has there.
 */
import { join } from 'node:path';
import { pulumiNodeArgs } from '../../infra/pulumi/node-args.js';
import { ROOT } from './engines.js';
import { failRun, runInPrivateNamespaces } from './namespaced-run.js';

const nodeArgs = pulumiNodeArgs(ROOT);
if (!nodeArgs.includes('tsx')) failRun('e2e:scaled', `Pulumi.yaml's runtime.options.nodeargs (${nodeArgs.join(' ')}) no longer loads the program through tsx; scaled.ts starts the suite with them`);
await runInPrivateNamespaces({ name: 'e2e:scaled', suite: join(ROOT, 'test/e2e/scaled-suite.ts'), nodeArgs });
