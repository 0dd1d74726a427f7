import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pulumiNodeArgs } from '../../infra/pulumi/node-args.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./run-entry-under-mocks.ts', import.meta.url));

describe('the Pulumi entry started where the engine starts it', () => {
  it('registers the whole platform with infra/pulumi as the working directory', async () => {
    // The engine runs `main` (infra/pulumi/index.ts) in the directory that holds it, not in the project root, with
    // Pulumi.yaml's nodeargs before it (the tsx loader and the V8 flags).
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...pulumiNodeArgs(ROOT), SCRIPT, 'test', ROOT], {
      cwd: `${ROOT}infra/pulumi`,
      timeout: 150_000,
    });
    expect(stderr).not.toMatch(/error/i);
    const run = JSON.parse(stdout.trim().split('\n').at(-1)!) as { registered: number; outputs: string[] };
    expect(run.registered).toBeGreaterThan(600);
    expect(run.outputs).toEqual(['appliedImages', 'devopsProject', 'kubernetesResources', 'modulesByTier', 'publicHosts', 'registryUrl', 'workspace']);
  }, 180_000);
});
