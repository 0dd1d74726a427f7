import * as pulumi from '@pulumi/pulumi';
import { loadInputs } from '../infra/cli/inputs.js';
import { projectRoot } from '../infra/cli/project-root.js';
import { ENVIRONMENT_NAMES } from '../infra/cli/inputs.js';
import { CONFIG_NAMESPACE, PlatformStack, readStackConfig } from '../infra/pulumi/components.js';
import { clusterUid, mockClusterRead, mockStackConfig } from '../test/pulumi/stack-files.js';
import { mirrors } from '../modules/mirrors.js';
import { report } from './measurement.js';
import { scaledSources } from './scale-catalog.js';

/**
 * `node build/bench/measure-pulumi.mjs <factor>`: the Pulumi program of one stack (the first environment) under
 * `pulumi.runtime.setMocks`, timed from the start of the program (loading the inputs, reading the config) to the
 * last resource it registers (CPU time: to the end of the program). It does what infra/pulumi/program.ts does (less the
 * context and secret checks), with the scaled catalog in place of the
 * real one and the test harness's stack config (test/pulumi/stack-files.ts); the mocked engine answers the cluster
 * guard's read of kube-system and Harbor's robots as the tests' mocks do.
 */
const factor = Number(process.argv[2] ?? 1);
const stack = ENVIRONMENT_NAMES[0]!;
const sources = scaledSources(factor);

let registered = 0;
let lastRegistration = 0;
await pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      const read = mockClusterRead(args, clusterUid(stack));
      if (read) return read;
      registered += 1;
      lastRegistration = performance.now();
      const harbor =
        args.type !== 'pulumi-nodejs:dynamic:Resource' ? {} : 'access' in args.inputs ? { robotName: `robot$${args.inputs.project}+${args.inputs.name}`, secret: 'bench-robot-secret' } : { projectId: 1 };
      return { id: `${args.name}-id`, state: { ...args.inputs, ...harbor } };
    },
    call: (args) => args.inputs,
  },
  'icv-platform',
  stack,
  false,
);
// The test harness's stack config: the stack files, the mocked cluster's identity, test values for every secret.
const { config: stackConfig, secretKeys } = mockStackConfig(stack, projectRoot());
pulumi.runtime.setAllConfig(stackConfig, secretKeys);

const cpu = process.cpuUsage();
const start = performance.now();
const [inputs] = loadInputs([stack], sources);
const config = readStackConfig(new pulumi.Config(CONFIG_NAMESPACE), stack);
await new PlatformStack('platform', { ...inputs!, config, mirrors }).ready;
await pulumi.runtime.disconnect();
const { user, system } = process.cpuUsage(cpu);
report({ ms: lastRegistration - start, cpuMs: (user + system) / 1000, objects: registered });
