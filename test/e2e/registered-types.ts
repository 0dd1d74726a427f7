/**
 * `node --import tsx test/e2e/registered-types.ts <stack>`: runs the platform program (`platformProgram()`) under
 * `pulumi.runtime.setMocks` and prints one JSON line, the sorted resource types it registers. Setup and the e2e run
 * compare them with the schema of the Kubernetes provider they built: the served provider is older than
 * `@pulumi/kubernetes`, so a type the SDK knows may be missing from it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as pulumi from '@pulumi/pulumi';
import { ROOT } from './engines.js';

/** The resource types of one stack, by running this file in its own process (the program's modules load once per stack). */
export async function registeredTypes(stack: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), stack], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

/**
 * The types among `types` that the provider's schema does not define. Types of other packages (components,
 * `pulumi-nodejs:dynamic:Resource`) are not the provider's, and custom resources of the vendored CRDs are served by
 * its generic CustomResource support, not by its schema.
 */
export function missingFromSchema(types: readonly string[], schema: { resources: Record<string, unknown> }, customTypes: ReadonlySet<string>): string[] {
  return types.filter((type) => type.startsWith('kubernetes:') && !Object.hasOwn(schema.resources, type) && !customTypes.has(type));
}

async function main(stack: string): Promise<void> {
  const { clusterUid, mockClusterRead, mockStackConfig } = await import('../pulumi/stack-files.js');
  const types = new Set<string>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        types.add(args.type);
        const read = mockClusterRead(args, clusterUid(stack));
        if (read) return read;
        const harbor =
          args.type !== 'pulumi-nodejs:dynamic:Resource' ? {} : 'access' in args.inputs ? { robotName: 'robot$x+y', secret: 'mock' } : { projectId: 1 };
        return { id: `${args.name}-id`, state: { ...args.inputs, ...harbor } };
      },
      call: (args) => args.inputs,
    },
    'icv-platform',
    stack,
    false,
  );
  // The stack files plus the values the mocks harness gives (secrets, the mocked cluster's kube-system UID).
  const { config, secretKeys } = mockStackConfig(stack, ROOT);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const { platformProgram } = await import('../../infra/pulumi/program.js');
  await platformProgram();
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  process.stdout.write(`${JSON.stringify([...types].sort())}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv[2] ?? 'test');
