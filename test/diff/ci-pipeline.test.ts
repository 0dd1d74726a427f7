import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { main as mrDiff, mergeRequestBase } from '../../ci/mr-diff.js';
import { NOTE_MARKER } from '../../infra/preview/index.js';
import { temporaryDirectory } from './fixtures.js';
import { ciEnvironment, fakeGitLab } from './gitlab-fake.js';
import { git, linkNodeModules, repoRoot, scratchRepository, setImage } from './scratch-repo.js';

interface Job {
  stage?: string;
  script?: string[];
  rules?: { if?: string; when?: string }[];
  environment?: { name: string };
  needs?: unknown[];
}
const pipeline = parse(readFileSync(join(repoRoot, '.gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
const jobs = Object.fromEntries(Object.entries(pipeline).filter(([name, v]) => !name.startsWith('.') && typeof v === 'object' && v !== null && 'script' in v)) as Record<string, Job>;
const scripts = Object.values(jobs).flatMap((job) => job.script ?? []);

describe('.gitlab-ci.yml', () => {
  it('parses, and every ci/ script it runs exists and is exercised by a test', () => {
    const referenced = [...new Set(scripts.flatMap((line) => [...line.matchAll(/\bci\/[\w.\/-]+/g)].map((m) => m[0])))];
    expect(referenced.sort()).toEqual(['ci/mr-diff.ts', 'ci/pulumi.sh']);
    const tests = readdirSync(join(repoRoot, 'test/diff')).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(repoRoot, 'test/diff', f), 'utf8')).join('\n');
    for (const script of [...referenced, 'ci/post-mr-note.ts']) {
      expect(existsSync(join(repoRoot, script)), script).toBe(true);
      expect(tests.includes(`'${script}'`) || tests.includes(`'../../${script.replace(/\.ts$/, '.js')}'`), `${script} is exercised by a test`).toBe(true);
    }
  });

  it('tests, synthesizes and checks on every pipeline, keeping dist/', () => {
    expect(jobs.test!.script).toEqual(['npm test']);
    expect(jobs['synth-check']!.script).toEqual(['npm run synth', 'npm run check']);
    expect(pipeline.default).toMatchObject({ image: 'node:20', before_script: [expect.stringMatching(/^npm ci/)] });
    expect((pipeline['synth-check'] as { artifacts: { paths: string[] } }).artifacts.paths).toEqual(['dist/']);
  });

  it('diffs merge requests only, and runs Pulumi only with its credentials: prod by hand in a protected environment', () => {
    expect(jobs['mr-diff']!.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(jobs['preview-test']!.rules![0]!.if).toContain('$PULUMI_ACCESS_TOKEN && $KUBECONFIG_TEST');
    expect(jobs['preview-prod']!.rules![0]!.if).toContain('$PULUMI_ACCESS_TOKEN && $KUBECONFIG_PROD');
    expect(jobs['deploy-test']!.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $PULUMI_ACCESS_TOKEN && $KUBECONFIG_TEST' }]);
    expect(jobs['deploy-prod']!.rules![0]).toMatchObject({ if: expect.stringContaining('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'), when: 'manual' });
    expect(jobs['deploy-prod']!.environment!.name).toBe('prod');
    expect(jobs['deploy-test']!.script).toEqual(['bash ci/pulumi.sh up test']);
    expect(jobs['deploy-prod']!.script).toEqual(['bash ci/pulumi.sh up prod']);
    expect(jobs['preview-test']!.script).toEqual(['bash ci/pulumi.sh preview test']);
  });
});

describe('ci/pulumi.sh', () => {
  /** A fake `pulumi` on PATH that prints its arguments and the kubeconfig it was given. */
  function fakePulumi(): string {
    const bin = temporaryDirectory('icv-fake-pulumi-');
    writeFileSync(join(bin, 'pulumi'), '#!/usr/bin/env bash\necho "pulumi $*"\necho "kubeconfig: $(cat "$KUBECONFIG")"\n');
    chmodSync(join(bin, 'pulumi'), 0o755);
    return bin;
  }
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync('bash', ['ci/pulumi.sh', ...args], { cwd: repoRoot, encoding: 'utf8', env: { PATH: `${fakePulumi()}:${process.env.PATH}`, HOME: tmpdir(), ...env } });

  it('previews a stack with --diff, using the file variable as KUBECONFIG', () => {
    const kubeconfig = join(temporaryDirectory('icv-kube-'), 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1 # test cluster\n');
    const result = run(['preview', 'test'], { PULUMI_ACCESS_TOKEN: 'pul-x', KUBECONFIG_TEST: kubeconfig });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('pulumi preview --diff --non-interactive --stack test\nkubeconfig: apiVersion: v1 # test cluster\n');
    expect(result.status).toBe(0);
  });

  it('applies with --yes, accepting a kubeconfig given as content, and a stack prefix', () => {
    const result = run(['up', 'prod'], { PULUMI_ACCESS_TOKEN: 'pul-x', KUBECONFIG_PROD: 'apiVersion: v1 # prod cluster', PULUMI_STACK_PREFIX: 'icv/' });
    expect(result.stdout).toBe('pulumi up --yes --non-interactive --stack icv/prod\nkubeconfig: apiVersion: v1 # prod cluster\n');
    expect(result.status).toBe(0);
  });

  it('exits 2 without credentials or with bad arguments, without running pulumi', () => {
    const missing = run(['up', 'prod'], { PULUMI_ACCESS_TOKEN: 'pul-x' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('KUBECONFIG_PROD not set');
    expect(missing.stdout).toBe('');
    expect(run(['destroy', 'prod'], {}).status).toBe(2);
    expect(run(['up'], {}).status).toBe(2);
    expect(run(['up', 'Prod;rm'], {}).status).toBe(2);
  });
});

describe('ci/mr-diff.ts', () => {
  let output = '';
  beforeEach(() => {
    output = '';
    const capture = (chunk: string | Uint8Array) => ((output += String(chunk)), true);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => vi.restoreAllMocks());

  it('measures against the merge base, or the merged target in merged-results pipelines', () => {
    expect(mergeRequestBase({ CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' })).toBe('origin/main');
    expect(mergeRequestBase({ CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_MERGE_REQUEST_DIFF_BASE_SHA: 'abc' })).toBe('abc');
    expect(
      mergeRequestBase({ CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_MERGE_REQUEST_DIFF_BASE_SHA: 'abc', CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result', CI_MERGE_REQUEST_TARGET_BRANCH_SHA: 'def' }),
    ).toBe('def');
    expect(() => mergeRequestBase({})).toThrow(/CI_MERGE_REQUEST_TARGET_BRANCH_NAME: not set/);
  });

  it('fetches the target, diffs the merge request, and posts one note that later pushes update', async () => {
    const origin = scratchRepository();
    const clone = temporaryDirectory('icv-mr-clone-');
    git(tmpdir(), 'clone', '-q', origin, clone);
    linkNodeModules(clone);
    git(clone, 'checkout', '-q', '-b', 'bump-demo');
    setImage(clone, '1.1.0');
    git(clone, 'commit', '-qam', 'bump demo');
    const gitlab = await fakeGitLab({ notes: ['LGTM'] });
    try {
      const env = ciEnvironment(gitlab, { CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_JOB_URL: 'https://gitlab.icv.local/icv/platform/-/jobs/9' });
      expect(await mrDiff([], env, clone)).toBe(0);
      expect(gitlab.notes).toHaveLength(2);
      expect(gitlab.notes[1]!.body.startsWith(NOTE_MARKER)).toBe(true);
      expect(gitlab.notes[1]!.body).toContain('| test | 0 | 1 | 0 | 0 | 1 |');
      expect(readFileSync(join(clone, 'diff.md'), 'utf8')).toBe(gitlab.notes[1]!.body);
      expect(JSON.parse(readFileSync(join(clone, 'diff.json'), 'utf8'))).toMatchObject({ from: expect.stringMatching(/^origin\/main /) });

      setImage(clone, '1.2.0');
      git(clone, 'commit', '-qam', 'bump demo again');
      expect(await mrDiff([], env, clone)).toBe(0);
      expect(gitlab.notes).toHaveLength(2);
      expect(gitlab.notes[1]!.body).toContain('tag 1.0.0 → 1.2.0');
      expect(gitlab.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST', 'PUT']);
    } finally {
      await gitlab.close();
    }
  });

  it('keeps the report but skips posting without GITLAB_API_TOKEN', async () => {
    const repo = scratchRepository();
    git(repo, 'remote', 'add', 'origin', repo);
    expect(await mrDiff(['--out', 'mr.md', '--json-out', 'mr.json'], { CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' }, repo)).toBe(0);
    expect(output).toContain('GITLAB_API_TOKEN is not set');
    expect(readFileSync(join(repo, 'mr.md'), 'utf8')).toContain('No changes');
  });
});
