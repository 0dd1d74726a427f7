import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { projectRoot } from '../../cli/project-root.js';

/**
 * The Harbor resources are Pulumi dynamic resources: the engine hands every resource of this type to the Node.js
 * dynamic provider host (`@pulumi/pulumi` cmd/dynamic-provider), which loads the provider from the resource's own
 * `__provider` input, a CommonJS module whose `handler()` returns the provider (`requireFromString(text).handler()`),
 * and calls its create, read, diff, update and delete.
 *
 * `pulumi.dynamic.Resource` makes that text by serializing the live provider object with the SDK's closure
 * serializer, which opens an inspector session (`Debugger.enable`) and parses every captured function with the
 * TypeScript compiler: under mocks at ×1 that cost about 1.6 s of the program's ~4 s of CPU (bench/README.md), and
 * the inspector stays enabled for the rest of the program. Here the text is the provider module bundled by esbuild
 * instead (once per kind and process, from the source under infra/pulumi/harbor/): the same code, self-contained
 * (the provider modules import nothing at run time but the Harbor client), deterministic (paths relative to the project
 * root), and registered exactly as the SDK registers it: type `pulumi-nodejs:dynamic:Resource`, the inputs plus
 * `__provider`.
 */
export const DYNAMIC_RESOURCE_TYPE = 'pulumi-nodejs:dynamic:Resource';

/** Each kind of Harbor resource: the module of its provider and the provider's class. */
const PROVIDERS = {
  project: { file: 'project-provider.ts', provider: 'HarborProjectProvider' },
  robot: { file: 'robot-provider.ts', provider: 'HarborRobotProvider' },
  'proxy-cache': { file: 'proxy-cache-provider.ts', provider: 'HarborProxyCacheProvider' },
} as const;
export type HarborProviderKind = keyof typeof PROVIDERS;

const codes = new Map<HarborProviderKind, Promise<string>>();

/** The `__provider` text of a kind of Harbor resource, bundled once per process. */
export function providerCode(kind: HarborProviderKind): Promise<string> {
  let code = codes.get(kind);
  if (code === undefined) {
    code = bundleProvider(kind);
    codes.set(kind, code);
  }
  return code;
}

async function bundleProvider(kind: HarborProviderKind): Promise<string> {
  const { build } = await import('esbuild');
  const { file, provider } = PROVIDERS[kind];
  const root = projectRoot();
  const result = await build({
    absWorkingDir: root,
    stdin: {
      contents: `import { ${provider} } from './${file}';\nexport function handler() {\n  return new ${provider}();\n}\n`,
      resolveDir: join(root, 'infra', 'pulumi', 'harbor'),
      sourcefile: `infra/pulumi/harbor/${kind}-handler.ts`,
      loader: 'ts',
    },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A Harbor resource as the engine sees a `pulumi.dynamic.Resource`: its inputs and the provider's code. */
export abstract class HarborDynamicResource extends pulumi.CustomResource {
  protected constructor(kind: HarborProviderKind, name: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(DYNAMIC_RESOURCE_TYPE, name, { ...inputs, __provider: providerCode(kind) }, opts);
  }
}
