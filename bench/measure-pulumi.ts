import * as pulumi from '@pulumi/pulumi';
import { loadInputs } from '../infra/cli/inputs.js';
import { SECRET_KEYS } from '../infra/model/secrets.js';
import { ENVIRONMENT_NAMES } from '../infra/cli/inputs.js';
import { CONFIG_NAMESPACE, PlatformStack, readStackConfig } from '../infra/pulumi/components.js';
import { report } from './measurement.js';
import { scaledSources } from './scale-catalog.js';

/**
 * `node build/bench/measure-pulumi.mjs <factor>`: the Pulumi program of one stack (the first environment) under
 * `pulumi.runtime.setMocks`, timed from the start of the program (loading the inputs, reading the config) to the
 * last resource it registers. It does what infra/pulumi/index.ts does, with the scaled catalog in place of the
 * real one; secrets get test values, and the mocked engine answers Harbor's robots with a secret.
 */
const factor = Number(process.argv[2] ?? 1);
const stack = ENVIRONMENT_NAMES[0]!;
const sources = scaledSources(factor);

const CLUSTER_UID = `bench-${stack}-kube-system-uid`;
let registered = 0;
let lastRegistration = 0;
await pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      // The cluster guard reads kube-system: the mocked cluster is the stack's own (icv:clusterIdentity below).
      if (args.type === 'kubernetes:core/v1:Namespace' && args.id === 'kube-system') return { id: 'kube-system', state: { metadata: { name: 'kube-system', uid: CLUSTER_UID } } };
      registered += 1;
      lastRegistration = performance.now();
      const robot = args.type === 'pulumi-nodejs:dynamic:Resource' && 'access' in args.inputs ? { robotName: `robot-${args.name}`, secret: `bench-robot-secret-${args.name}` } : {};
      return { id: `${args.name}-id`, state: { ...args.inputs, ...robot } };
    },
    call: (args) => args.inputs,
  },
  'icv-platform',
  stack,
  false,
);
const secrets = Object.fromEntries(Object.keys(SECRET_KEYS).map((key) => [`${CONFIG_NAMESPACE}:${key}`, `bench-secret-${key}`]));
pulumi.runtime.setAllConfig({ [`${CONFIG_NAMESPACE}:kubeContext`]: `bench-${stack}`, [`${CONFIG_NAMESPACE}:clusterIdentity`]: CLUSTER_UID, ...secrets }, Object.keys(secrets));

const start = performance.now();
const [inputs] = loadInputs([stack], sources);
const config = readStackConfig(new pulumi.Config(CONFIG_NAMESPACE), stack);
await new PlatformStack('platform', { env: inputs!.env, catalog: inputs!.catalog, config, warnings: inputs!.warnings }).ready;
await pulumi.runtime.disconnect();
report({ ms: lastRegistration - start, objects: registered });
