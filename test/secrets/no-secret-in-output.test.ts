import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main as synth } from '../../infra/cli/synth.js';
import { sharedProgramRun, unwrapSecrets, type ProgramRun } from '../pulumi/stack-harness.js';
import { captureOutput, readTree, tempDir } from '../support/inputs.js';

/**
 * The secret values a stack is configured with reach the cluster through Pulumi and nowhere else: not dist/, not the
 * synth log, not a tracked file of the repository (test snapshots included).
 */
describe('secret values never appear in plain text', () => {
  let run: ProgramRun;
  let dist: Map<string, string>;
  let log: string;

  it('are configured and used by the prod stack (so the search below looks for real values)', async () => {
    run = await sharedProgramRun('prod');
    expect(run.secretValues.length).toBeGreaterThanOrEqual(10);
    const applied = JSON.stringify(run.registrations.map((r) => unwrapSecrets(r.inputs)));
    // Multi-line values (the PEM certificate and key) appear JSON-escaped in the serialized registrations.
    for (const secret of run.secretValues) expect(applied.includes(JSON.stringify(secret).slice(1, -1)), secret).toBe(true);
  }, 240_000); // runs the whole program under mocks, as the stack suites' beforeAll does

  it('are absent from every file synth writes and from what it prints', async () => {
    const out = tempDir();
    const { result, stdout, stderr } = await captureOutput(() => synth(['--out', out]));
    expect(result).toBe(0);
    dist = readTree(out);
    log = stdout + stderr;
    expect(dist.size).toBeGreaterThan(100);
    for (const secret of run.secretValues) {
      expect(log.includes(secret)).toBe(false);
      for (const [path, content] of dist) expect(content.includes(secret), `${secret} in ${path}`).toBe(false);
    }
    expect([...dist.values()].some((c) => c.includes('<redacted:secret:mysqlPassword>'))).toBe(true);
  });

  it('are absent from every tracked file of the repository', () => {
    const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const content = readFileSync(file, 'utf8');
      for (const secret of run.secretValues) expect(content.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});
