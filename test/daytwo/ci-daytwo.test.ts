import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { temporaryDirectory } from '../diff/fixtures.js';
import { repoRoot } from '../diff/scratch-repo.js';

interface Job {
  extends?: string;
  stage?: string;
  script?: string[];
  rules?: { if?: string; when?: string }[];
  variables?: Record<string, string>;
  resource_group?: string;
  allow_failure?: { exit_codes: number[] };
  artifacts?: { paths: string[] };
  needs?: unknown[];
}
const pipeline = parse(readFileSync(join(repoRoot, '.gitlab-ci.yml'), 'utf8')) as Record<string, Job>;
/** A job with its `extends` template merged in, as GitLab does. */
const job = (name: string): Job => {
  const own = pipeline[name]!;
  return own.extends ? { ...pipeline[own.extends], ...own } : own;
};

describe('.gitlab-ci.yml day-two jobs', () => {
  it.each([
    ['drift-test', 'test', 'KUBECONFIG_TEST'],
    ['drift-prod', 'prod', 'KUBECONFIG_PROD'],
  ])('%s runs only in scheduled pipelines with the stack credentials, then updates the issue', (name, env, kube) => {
    const drift = job(name);
    expect(drift.rules).toEqual([{ if: `$CI_PIPELINE_SOURCE == "schedule" && ($PULUMI_BACKEND_URL || $PULUMI_ACCESS_TOKEN) && $${kube}` }]);
    expect(drift.variables).toEqual({ DRIFT_ENV: env });
    expect(drift.resource_group).toBe(`pulumi-${env}`);
    expect(drift.script!.join('\n')).toContain('bash ci/pulumi.sh drift "$DRIFT_ENV"');
    expect(drift.script!.join('\n')).toContain('npx tsx ci/drift-notify.ts --report drift.json --body drift.md');
    // Drift (exit 1) is a warning; a refresh that could not run (exit 2) fails the job.
    expect(drift.allow_failure).toEqual({ exit_codes: [1] });
    expect(drift.script!.join('\n')).toContain('bash ci/pulumi.sh status "$DRIFT_ENV"');
    expect(drift.artifacts!.paths).toEqual(['drift.md', 'drift.json', 'drift-events.jsonl', 'dist/']);
  });

  it('writes the offline status pages on the default branch, never in scheduled pipelines', () => {
    const status = job('status-offline');
    expect(status.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"', when: 'never' }, { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(status.script).toEqual(['npm run status -- --env test', 'npm run status -- --env prod']);
    expect(status.artifacts!.paths).toEqual(['dist/']);
  });

  it('the status step of ci/pulumi.sh reads the stack outputs and passes drift.json when the drift step wrote it', () => {
    const bin = temporaryDirectory('icv-fake-npm-');
    const cwd = temporaryDirectory('icv-status-job-');
    writeFileSync(join(bin, 'npm'), '#!/usr/bin/env bash\necho "npm $*"\n');
    writeFileSync(join(bin, 'pulumi'), '#!/usr/bin/env bash\n[[ "$1" == version ]] || echo \'{"appliedImages":{}}\'\n');
    chmodSync(join(bin, 'npm'), 0o755);
    chmodSync(join(bin, 'pulumi'), 0o755);
    const run = () =>
      spawnSync('bash', [join(repoRoot, 'ci/pulumi.sh'), 'status', 'test'], {
        cwd,
        encoding: 'utf8',
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: tmpdir(), PULUMI_ACCESS_TOKEN: 'pul-x', KUBECONFIG_TEST: 'apiVersion: v1' },
      });
    expect(run().stdout).toBe('npm run --silent status -- --env test --outputs stack-outputs.json\n');
    expect(readFileSync(join(cwd, 'stack-outputs.json'), 'utf8')).toBe('{"appliedImages":{}}\n');
    writeFileSync(join(cwd, 'drift.json'), '{}');
    const withDrift = run();
    expect(withDrift.stdout).toBe('npm run --silent status -- --env test --outputs stack-outputs.json --drift drift.json\n');
    expect(withDrift.status).toBe(0);
  });

  it('the drift step of ci/pulumi.sh runs npm run drift for the stack and passes its exit code through', () => {
    const bin = temporaryDirectory('icv-fake-npm-');
    writeFileSync(join(bin, 'npm'), '#!/usr/bin/env bash\necho "npm $*"\nexit 1\n');
    writeFileSync(join(bin, 'pulumi'), '#!/usr/bin/env bash\nexit 0\n');
    chmodSync(join(bin, 'npm'), 0o755);
    chmodSync(join(bin, 'pulumi'), 0o755);
    const result = spawnSync('bash', ['ci/pulumi.sh', 'drift', 'prod'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: tmpdir(), PULUMI_ACCESS_TOKEN: 'pul-x', KUBECONFIG_PROD: 'apiVersion: v1', PULUMI_STACK_PREFIX: 'icv/' },
    });
    expect(result.stdout).toBe('npm run --silent drift -- --env prod --stack icv/prod --out drift.md --json-out drift.json --event-log drift-events.jsonl\n');
    expect(result.status).toBe(1);
  });
});
