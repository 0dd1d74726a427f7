import * as pulumi from '@pulumi/pulumi';
import { deepFreeze, perRun, perWorker } from '../support/shared.js';
import { clusterUid, mockClusterRead, mockStackConfig, testKubeconfig, testSecrets } from './stack-files.js';

export { clusterUid, stackConfigFromFiles, testKubeconfig, testSecrets } from './stack-files.js';

/**
 * Runs the real Pulumi program (`infra/pulumi/index.ts`) under `pulumi.runtime.setMocks` for one stack, with the
 * stack's config read from `Pulumi.<stack>.yaml` the way the CLI hands it to a program, and records every resource
 * registration: type, name, parent, provider, protect, dependencies, secret outputs, and the inputs as the engine
 * would receive them (secrets still wrapped).
 */

export const PROJECT = 'icv-platform';

/** The value under which the serialized inputs mark a secret: `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
const SECRET_SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly id: string;
  /** URN of the parent, '' for none. */
  readonly parent: string;
  /** `<provider urn>::<provider id>`, '' for the default provider. */
  readonly provider: string;
  readonly protect: boolean;
  /** Whether Pulumi leaves the object in the cluster when it leaves the program. */
  readonly retainOnDelete: boolean;
  /** URNs this resource waits for: explicit dependsOn and the resources its input Outputs came from. */
  readonly dependencies: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly custom: boolean;
  /** The inputs as serialized for the engine; secrets are `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
  readonly inputs: Record<string, any>;
}

export interface ProgramRun {
  readonly stack: string;
  /** Every registration, in order. */
  readonly registrations: readonly Registration[];
  /** The program's exports (the stack outputs), resolved. */
  readonly outputs: Record<string, unknown>;
  /** The secret values given to the program: config secrets and the robots' secrets. */
  readonly secretValues: readonly string[];
  /** How long the program took to register everything, in ms. */
  readonly elapsedMs: number;
}

/** The secret the mocked Harbor returns for a robot account. */
export function robotSecret(stack: string, robot: string): string {
  return `robot-secret-${robot}-${stack}-51ab`;
}

export interface RunOptions {
  /** Config keys (`icv:gitlabToken`) to leave unset, to see the program fail. @default [] */
  readonly omit?: readonly string[];
  /** Config values to set instead of the test values. @default {} */
  readonly config?: Readonly<Record<string, string>>;
  /** Keys whose values are plain config instead of secrets, as a value typed into Pulumi.<stack>.yaml would be. @default [] */
  readonly plain?: readonly string[];
  /** The kube-system UID the mocked cluster answers. @default clusterUid(stack) */
  readonly serverUid?: string;
  /**
   * Run the platform on these inputs instead of the stack's environment files (a cutover or a stateful mode under
   * test): the program's PlatformStack with the stack's config, as the entry point builds it. @default the real entry point
   */
  readonly inputs?: { readonly env: unknown; readonly catalog: readonly unknown[]; readonly mirrors?: readonly unknown[] };
}

/**
 * The run of the real entry point on a stack's own config (`runProgram(stack)` with no options), done once per
 * `vitest run` (in whichever worker asks first; the other reads its copy: test/support/shared.ts `perRun`) and shared
 * by the files that only read it (the stack suites, the secret search, await control's default), frozen. A test that
 * mocks a module or changes the config runs its own with `runProgram`.
 */
export function sharedProgramRun(stack: string): Promise<ProgramRun> {
  return perWorker(`program-run:${stack}`, () => perRun(`program-run:${stack}`, () => runProgram(stack)).then(deepFreeze));
}

/** The API server of the throwaway cluster in `throwawayClusterRun`, as `npm run e2e` starts one on loopback. */
export const THROWAWAY_API_SERVER = 'https://127.0.0.1:36443';

/**
 * The run of stack prod on the config `npm run e2e` gives a throwaway cluster (test/e2e/suite.ts): a kubeconfig
 * whose server is the throwaway's URL, recorded in `icv:apiServer`, `icv:skipAwait`, the stand-in Harbor chart
 * (`icv:testHarborChart`) and the fake Harbor's API (`icv:testHarborApiUrl`). Once per `vitest run`, as
 * `sharedProgramRun`, for the files that read it (cluster-guard: the API server accepted; test-only-config: what the
 * test-only keys change), frozen.
 */
export function throwawayClusterRun(): Promise<ProgramRun> {
  const config = {
    'icv:kubeconfig': testKubeconfig('prod', THROWAWAY_API_SERVER),
    'icv:apiServer': THROWAWAY_API_SERVER,
    'icv:skipAwait': 'true',
    'icv:testHarborChart': '/tmp/stand-in',
    'icv:testHarborApiUrl': 'http://127.0.0.1:4321',
  };
  return perWorker('program-run:prod:throwaway', () => perRun('program-run:prod:throwaway', () => runProgram('prod', { config })).then(deepFreeze));
}

/**
 * Sets up the mocks and the config, then evaluates the entry point afresh, exactly as the Pulumi language host would
 * run it, and waits until every registration is done. Each run imports its own instance of `infra/pulumi/index.ts`
 * (a query naming the run makes it a module of its own); the modules it imports are the worker's, evaluated once,
 * as in the language host, where the program runs once per process. None of them keeps anything of a run: the config
 * and the stack are read when `platformProgram()` runs, the Pulumi runtime is reset by `setMocks`, and what they
 * hold at module level is constant (the Harbor providers, stateless; files read once, such as ks-installer's).
 * Evaluating all of them again for every run (`vi.resetModules`, as the harness did) cost CPU in the run and in the
 * files after it, and gave new Harbor provider instances each time, whose closures the SDK serialized again
 * (`@pulumi/pulumi/dynamic` caches a provider's serialized closure per instance): together ~0.5–1 s per run. So no
 * test mocks a module of the program (`vi.doMock` would reach only a run that evaluates the module afresh); a test
 * that needs other inputs passes them (`inputs`).
 */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const registrations: Registration[] = [];
  const inputsByResource = new Map<string, Record<string, any>>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const read = mockClusterRead(args, options.serverUid ?? clusterUid(stack));
        if (read) return read;
        inputsByResource.set(`${args.type}::${args.name}`, args.inputs);
        return { id: `${args.name}-id`, state: { ...args.inputs, ...harborState(stack, args.type, args.inputs) } };
      },
      call: (args) => args.inputs,
    },
    PROJECT,
    stack,
    false,
  );
  const monitor = (pulumi.runtime as unknown as { getMonitor(): MockMonitorLike }).getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (error, response) => {
      if (!error && response) {
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          id: response.getId(),
          parent: req.getParent(),
          provider: req.getProvider(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete() ?? false,
          dependencies: req.getDependenciesList(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          custom: req.getCustom(),
          inputs: inputsByResource.get(`${req.getType()}::${req.getName()}`) ?? {},
        });
      }
      callback(error, response);
    });

  const { config: base, secretKeys } = mockStackConfig(stack);
  const secrets = testSecrets(stack);
  const omitted = new Set(options.omit ?? []);
  const plain = new Set(options.plain ?? []);
  const config: Record<string, string> = { ...base, ...options.config };
  for (const key of omitted) delete config[key];
  pulumi.runtime.setAllConfig(config, secretKeys.filter((key) => !omitted.has(key) && !plain.has(key)));

  const started = performance.now();
  const entry = `../../infra/pulumi/index.js?run=${++perWorker('program-runs', () => ({ count: 0 })).count}`;
  let program: Record<string, unknown>;
  // A check that fails inside an Output (the cluster identity) rejects the resources waiting on it; the language host
  // reports that unhandled rejection as the program's failure, and under mocks the harness plays that role, for the
  // run's duration only, in place of vitest's own handler.
  const vitestHandlers = process.listeners('unhandledRejection');
  let onRejection: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (onRejection = reject));
  failed.catch(() => undefined);
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', (reason) => onRejection(reason));
  // The SDK takes a stack trace for every promise and every resource it makes; vitest formats each one through its
  // source maps (Error.prepareStackTrace), ~15% of a run's CPU. No test reads those traces, and the engine's own runs
  // pay no such cost, so the run goes without the mapping; it is back before any assertion sees an error.
  const mapStackTrace = Error.prepareStackTrace;
  Reflect.deleteProperty(Error, 'prepareStackTrace');
  // For the same reason the traces are one frame deep during the run (another ~20% of a run's CPU: the SDK captures
  // and formats a trace for each of its thousands of promises). One frame still shows a trace that leaks into a
  // message as an `    at …` line, which is what the refusal tests look for; the SDK's source positions take their
  // own unlimited traces. The limit is back with the mapping.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  try {
    program = options.inputs ? await runPlatformStack(stack, options.inputs) : ((await import(/* @vite-ignore */ entry)) as Record<string, unknown>);
    await Promise.race([(pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(), failed]);
  } catch (error) {
    // What was registered before the program failed: a test of a refusal asserts that it is nothing.
    throw Object.assign(error as object, { registrations });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    if (mapStackTrace) Error.prepareStackTrace = mapStackTrace;
    process.removeAllListeners('unhandledRejection');
    for (const handler of vitestHandlers) process.on('unhandledRejection', handler);
  }
  const outputs = Object.fromEntries(await Promise.all(Object.entries(program).map(async ([key, value]) => [key, await resolve(value)] as const)));
  return {
    stack,
    registrations,
    outputs,
    secretValues: [...Object.values(secrets), robotSecret(stack, 'pull'), robotSecret(stack, 'push')],
    elapsedMs: performance.now() - started,
  };
}

/** The program's PlatformStack on given inputs, with the stack's config read as `platformProgram()` reads it. */
async function runPlatformStack(stack: string, inputs: NonNullable<RunOptions['inputs']>): Promise<Record<string, unknown>> {
  const { PlatformStack } = await import('../../infra/pulumi/platform-stack.js');
  const { CONFIG_NAMESPACE, readStackConfig } = await import('../../infra/pulumi/stack-config.js');
  const config = readStackConfig(new pulumi.Config(CONFIG_NAMESPACE), stack);
  const platform = new PlatformStack('platform', { env: inputs.env as never, catalog: inputs.catalog as never, config, ...(inputs.mirrors ? { mirrors: inputs.mirrors as never } : {}) });
  await platform.ready;
  return { kubernetesResources: platform.kubernetesResources };
}

/** What the mocked engine answers for Harbor's dynamic resources: a project id, a robot's name and secret. */
function harborState(stack: string, type: string, inputs: Record<string, any>): Record<string, unknown> {
  if (type !== 'pulumi-nodejs:dynamic:Resource') return {};
  if ('access' in inputs) return { robotName: `robot$${inputs.project}+${inputs.name}`, secret: robotSecret(stack, inputs.name) };
  return { projectId: 1 };
}

/** Whether a serialized input value is a secret. */
export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** The serialized value without its secret wrappers. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** The serialized value with every secret replaced by a placeholder: what a non-secret reader sees. */
export function withoutSecrets(value: unknown): unknown {
  if (isSecret(value)) return '[secret]';
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  return value;
}

async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return new Promise((done) => value.apply((v) => done(v)));
  return value;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getProtect(): boolean;
  getRetainondelete(): boolean | undefined;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getCustom(): boolean;
}

interface RegisterResponse {
  getUrn(): string;
  getId(): string;
}

type Callback = (error: unknown, response?: RegisterResponse) => void;

interface MockMonitorLike {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
}
