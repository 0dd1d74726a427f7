import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as check } from '../../infra/cli/check.js';
import { captureOutput, tempDir } from '../support/inputs.js';

/**
 * Every command runs as one esbuild bundle (infra/cli/run-bundled.mjs), never through tsx, and reads its resources
 * (the CRDs, the environments' files) from the project root: a lookup relative to its own source file would break
 * once bundled into build/. The bundled process prints what the command prints in-process, byte for byte.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNNER = 'infra/cli/run-bundled.mjs';
const COMMANDS = ['synth', 'check', 'diff', 'graph', 'drift', 'rollback', 'status'] as const;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function bundled(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [RUNNER, ...args], { cwd: ROOT, timeout: 60_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout: string; stderr: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('every command runs bundled', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it.each(COMMANDS)('npm run %s is the bundled runner of infra/cli/%s.ts', (command) => {
    expect(scripts[command]).toBe(`node ${RUNNER} ${command}`);
    expect(readdirSync(join(ROOT, 'infra/cli'))).toContain(`${command}.ts`);
  });

  it('npm run bench is the bundled runner of bench/run.ts, and no script of a command starts tsx', () => {
    // `exec`: npm runs a script through `sh -c`, which (dash) does not exec its command and dies of the SIGTERM npm
    // forwards to it; exec'd, the bench itself gets the signal and stops its children (bench/processes.ts).
    expect(scripts.bench).toBe(`exec node ${RUNNER} bench`);
    expect(readFileSync(join(ROOT, RUNNER), 'utf8')).toContain("bench: '../../bench/run.ts'");
    for (const command of [...COMMANDS, 'bench']) expect(scripts[command], command).not.toMatch(/\btsx\b/);
  });

  it('refuses an unknown command with one line and exit 2', async () => {
    const run = await bundled('no-such-command');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`usage: node ${RUNNER} <command> [args...]: no command 'no-such-command'\n`);
  });

  describe('check, bundled', () => {
    // Two processes at once: the bad manifests (schema findings need the vendored CRDs) and a bad argument.
    let findings: Run;
    let badInput: Run;
    beforeAll(async () => {
      [findings, badInput] = await Promise.all([
        bundled('check', '--manifests', 'test/fixtures/bad-manifests', '--format', 'json'),
        bundled('check', '--env', 'staging'),
      ]);
    }, 90_000);

    it('finds the CRDs from the bundle and prints exactly what check prints in-process, exit 1', async () => {
      const inProcess = await captureOutput(() => check(['--manifests', 'test/fixtures/bad-manifests', '--format', 'json']));
      expect(inProcess.result).toBe(1);
      expect(findings.code).toBe(1);
      expect(findings.stdout).toBe(inProcess.stdout);
      expect(findings.stderr).toBe(inProcess.stderr);
      // The KubeSphere Pipeline among the bad manifests is validated against its vendored CRD, not skipped.
      expect(findings.stdout).toContain("spec must have required property 'type'");
    });

    it('exits 2 on a bad argument with the same message as in-process and no trace', async () => {
      const inProcess = await captureOutput(() => check(['--env', 'staging']));
      expect(badInput.code).toBe(2);
      expect(inProcess.result).toBe(2);
      expect(badInput.stderr).toBe(inProcess.stderr);
      expect(badInput.stderr.split('\n')[0]).toMatch(/^error: .*staging/);
      expect(badInput.stderr).not.toMatch(/\n\s+at /);
      expect(badInput.stdout).toBe('');
    });
  });

  it('bundles only the parts of zod the schemas use: its English messages, none of its ~60 other locales (a namespace import; `import { z }` pulls in every locale)', async () => {
    expect((await bundled('graph', '--help')).code).toBe(0);
    const { digest } = JSON.parse(readFileSync(join(ROOT, 'build/graph.inputs.json'), 'utf8')) as { digest: string };
    const bundle = readFileSync(join(ROOT, 'build', `graph-${digest}.cjs`), 'utf8');
    expect(bundle).toContain('// node_modules/zod/v4/locales/en.js\n');
    expect(bundle.match(/^\/\/ node_modules\/zod\/v4\/locales\/.*$/gm)).toEqual(['// node_modules/zod/v4/locales/en.js']);
  }, 60_000);

  it('status, bundled, leaves out what only check needs (ajv, kubernetes-models: the schema checks)', async () => {
    expect((await bundled('status', '--help')).code).toBe(0);
    const { inputs } = JSON.parse(readFileSync(join(ROOT, 'build/status.inputs.json'), 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('infra/checks/capacity.ts');
    expect(inputs.filter((p) => /^node_modules\/(ajv|kubernetes-models)\//.test(p) || p === 'infra/checks/schema.ts')).toEqual([]);
  }, 60_000);

  it('graph, bundled, writes the page synth writes', async () => {
    const out = tempDir('icv-bundled-graph-');
    const run = await bundled('graph', '--env', 'prod', '--out', out);
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'prod', 'platform.md'), 'utf8')).toContain('vehicle-access');
  }, 60_000);
});
