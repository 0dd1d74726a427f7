import * as pulumi from '@pulumi/pulumi';
import { formatProblem, InputError } from '../model/errors.js';
import { loadInputs, type InputSources, type PlatformInputs } from '../cli/inputs.js';
import { SECRET_KEYS, type SecretKey } from '../model/secrets.js';
import { ENVIRONMENT_NAMES } from '../cli/inputs.js';

/** The config namespace of every key this program reads: `icv:<key>`. */
export const CONFIG_NAMESPACE = 'icv';

/**
 * What a stack's config (`Pulumi.<stack>.yaml` plus the secrets set with `pulumi config set --secret`) holds.
 *
 * The cluster is chosen by `icv:kubeContext`, which every stack file must set: a stack never applies to whatever
 * context happens to be current in the operator's kubeconfig, so `pulumi up --stack prod` cannot land on the test
 * cluster. `icv:kubeconfig` is optional and secret, because a kubeconfig holds the cluster-admin credentials.
 */
export interface StackConfig {
  /** The stack the config was read for; also the environment's name. */
  readonly stack: string;
  /** kubeconfig context of the stack's cluster (`icv:kubeContext`). */
  readonly kubeContext: string;
  /**
   * Path to a kubeconfig file, or its content (`icv:kubeconfig`, secret).
   * @default - the Kubernetes provider's default: $KUBECONFIG, else ~/.kube/config
   */
  readonly kubeconfig?: pulumi.Output<string>;
  /** Every secret of SECRET_KEYS, as Pulumi secrets. */
  readonly secrets: Readonly<Record<SecretKey, pulumi.Output<string>>>;
  /** The `kube-system` Namespace UID of the stack's cluster (`icv:clusterIdentity`), recorded when the stack is set up. */
  readonly clusterIdentity: string;
  /**
   * The API server URL the kube context must use (`icv:apiServer`).
   * @default - https://<cluster.controlPlaneEndpoint.domain>:<port> of the environment
   */
  readonly apiServer?: string;
  /**
   * `icv:skipAwait`: do not wait for the platform's workloads, Services and Ingresses to become ready; for a first
   * install, before the modules' images exist (await-control.ts).
   * @default false
   */
  readonly skipAwait: boolean;
  /** Overrides that only the e2e harness sets (`npm run e2e`); never set them on a real stack. */
  readonly testOnly: TestOnlyConfig;
}

/**
 * Test-only stack config, for `npm run e2e` (test/e2e/), which applies the stacks to a throwaway API server with no
 * nodes and no network: the Harbor chart cannot be fetched and Harbor's API is not there.
 */
export interface TestOnlyConfig {
  /** `icv:testHarborChart`: path of a local chart installed instead of Harbor's (test/e2e/charts/harbor-stand-in). */
  readonly harborChart?: string;
  /** `icv:testHarborApiUrl`: the URL the Harbor project and robot resources call instead of Harbor's (a fake Harbor). */
  readonly harborApiUrl?: string;
}

/** A config value as plain text, for the checks that run before anything is registered; never printed. */
export function plainConfig(key: string): string | undefined {
  return pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`);
}

/**
 * Whether a key was set with `--secret` (a `secure:` value). The engine hands the program the list of secret keys
 * (PULUMI_CONFIG_SECRET_KEYS); @pulumi/pulumi 3.248.0 reads it with `runtime.isConfigSecret`, which it exports at
 * runtime but marks @internal in its typings (sdk/nodejs/runtime/config.ts), hence the cast.
 */
export function isSecretConfig(fullKey: string): boolean {
  return (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret(fullKey);
}

/** One config value the stack lacks, and how to set it. */
export interface MissingConfig {
  /** The full key, such as `icv:mysqlPassword`. */
  readonly key: string;
  readonly secret: boolean;
  readonly description: string;
}

/** The stack's config lacks values the program needs; the message gives the command that sets each. */
export class StackConfigError extends pulumi.RunError {
  constructor(
    public readonly stackName: string,
    public readonly missing: readonly MissingConfig[],
  ) {
    super(
      [
        `stack '${stackName}' is missing ${missing.length} configuration value(s):`,
        ...missing.flatMap((m) => [
          `  ${m.key}${m.secret ? ' (secret)' : ''}: ${m.description}`,
          `    pulumi config set${m.secret ? ' --secret' : ''} ${m.key} <value> --stack ${stackName}`,
        ]),
        'Multi-line values such as PEM files are read from standard input when <value> is left out: ' +
          `pulumi config set --secret ${CONFIG_NAMESPACE}:tlsCertificate --stack ${stackName} < wildcard.crt`,
      ].join('\n'),
    );
    this.name = 'StackConfigError';
  }
}

/**
 * Reads every config value of the stack once, failing with one StackConfigError that lists all the missing values.
 * Secrets are read with `getSecret`, so they are Pulumi secrets from the start.
 */
export function readStackConfig(config: pulumi.Config, stack: string): StackConfig {
  const missing: MissingConfig[] = [];
  const kubeContext = config.get('kubeContext') ?? '';
  if (kubeContext === '') {
    missing.push({
      key: `${CONFIG_NAMESPACE}:kubeContext`,
      secret: false,
      description: `kubeconfig context of the ${stack} cluster (KubeKey's admin kubeconfig calls it kubernetes-admin@<clusterName>)`,
    });
  }
  const secrets: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of Object.keys(SECRET_KEYS) as SecretKey[]) {
    const value = config.getSecret(key);
    if (value === undefined) missing.push({ key: `${CONFIG_NAMESPACE}:${key}`, secret: true, description: SECRET_KEYS[key] });
    else secrets[key] = value;
  }
  const clusterIdentity = config.get('clusterIdentity') ?? '';
  if (clusterIdentity === '') {
    missing.push({
      key: `${CONFIG_NAMESPACE}:clusterIdentity`,
      secret: false,
      description:
        `UID of the ${stack} cluster's kube-system Namespace, which ties the stack to that one cluster; read it with ` +
        `kubectl --context <icv:kubeContext> get namespace kube-system -o jsonpath='{.metadata.uid}'`,
    });
  }
  if (missing.length > 0) throw new StackConfigError(stack, missing);
  const kubeconfig = config.getSecret('kubeconfig');
  const apiServer = config.get('apiServer');
  const harborChart = config.get('testHarborChart');
  const harborApiUrl = config.get('testHarborApiUrl');
  return {
    stack,
    kubeContext,
    clusterIdentity,
    ...(apiServer === undefined ? {} : { apiServer }),
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    secrets: secrets as Record<SecretKey, pulumi.Output<string>>,
    skipAwait: config.getBoolean('skipAwait') ?? false,
    testOnly: { ...(harborChart === undefined ? {} : { harborChart }), ...(harborApiUrl === undefined ? {} : { harborApiUrl }) },
  };
}

/**
 * The validated inputs of the environment a stack applies: the stack's name is the environment's name.
 * An unknown stack fails before anything is registered. `sources` replaces what the repository declares (the
 * catalog, the release tags), as `loadInputs` takes it: only the harnesses pass it (`npm run e2e:scaled`).
 */
export function stackInputs(stack: string, sources: InputSources = {}): PlatformInputs {
  if (!ENVIRONMENT_NAMES.includes(stack)) {
    throw new pulumi.RunError(
      `stack '${stack}' has no environment: a stack applies environments/<stack>.ts, and the environments are ` +
        `${ENVIRONMENT_NAMES.join(', ')}; select one with \`pulumi stack select ${ENVIRONMENT_NAMES[0]}\` ` +
        `(or create it with \`pulumi stack init ${ENVIRONMENT_NAMES[0]}\`)`,
    );
  }
  try {
    const [inputs] = loadInputs([stack], sources);
    return inputs!;
  } catch (error) {
    if (error instanceof InputError) throw new pulumi.RunError(error.problems.map(formatProblem).join('\n'));
    throw error;
  }
}
