/**
 * `node --import tsx test/pulumi/run-entry-under-mocks.ts <stack> <project root>`: runs the Pulumi entry
 * (`infra/pulumi/index.ts`) under `pulumi.runtime.setMocks` in whatever directory the process was started in, and
 * prints one JSON line `{ "registered": <count>, "outputs": [...] }`. The test starts it in `infra/pulumi`, the
 * directory the real engine starts the program in.
 */
import { pathToFileURL } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { clusterUid, mockClusterRead, mockStackConfig } from './stack-files.js';

// tsx maps every stack trace through the source maps, and the SDK takes one for every promise and resource it makes;
// nothing here reads them, so the run goes without the mapping (as the in-process harness does, stack-harness.ts).
process.setSourceMapsEnabled(false);
const [stack = 'test', root = process.cwd()] = process.argv.slice(2);
let registered = 0;
await pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      const read = mockClusterRead(args, clusterUid(stack));
      if (read) return read;
      registered += 1;
      const harbor =
        args.type !== 'pulumi-nodejs:dynamic:Resource' ? {} : 'access' in args.inputs ? { robotName: `robot$${args.inputs.project}+${args.inputs.name}`, secret: 'mock-robot-secret' } : { projectId: 1 };
      return { id: `${args.name}-id`, state: { ...args.inputs, ...harbor } };
    },
    call: (args) => args.inputs,
  },
  'icv-platform',
  stack,
  false,
);
const { config, secretKeys } = mockStackConfig(stack, root);
pulumi.runtime.setAllConfig(config, secretKeys);
const program = (await import(pathToFileURL(`${root}/infra/pulumi/index.ts`).href)) as Record<string, unknown>;
await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
process.stdout.write(`${JSON.stringify({ registered, outputs: Object.keys(program).sort() })}\n`);
