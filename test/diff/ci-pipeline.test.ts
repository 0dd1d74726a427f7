import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { main as mrDiff, mergeRequestBase } from '../../ci/mr-diff.js';
import { main as planNote, planMarker } from '../../ci/plan-note.js';
import { NOTE_MARKER } from '../../infra/preview/index.js';
import { temporaryDirectory } from './fixtures.js';
import { ciEnvironment, fakeGitLab, TOKEN } from './gitlab-fake.js';
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
    expect(referenced.sort()).toEqual(['ci/mr-diff.ts', 'ci/plan-note.ts', 'ci/pulumi.sh']);
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
    // Pulumi jobs run in the image that carries the CLI (ci/image/Dockerfile), pinned to the SDK's version.
    expect(pipeline['.pulumi']).toMatchObject({ image: '$PULUMI_IMAGE' });
    expect((pipeline.variables as Record<string, string>).PULUMI_IMAGE).toBe(`$CI_REGISTRY_IMAGE/ci-pulumi:${(pipeline.variables as Record<string, string>).PULUMI_VERSION}`);
    expect(readFileSync(join(repoRoot, 'ci/image/Dockerfile'), 'utf8')).toContain(`ARG PULUMI_VERSION=${(pipeline.variables as Record<string, string>).PULUMI_VERSION}`);
    expect((pipeline['synth-check'] as { artifacts: { paths: string[] } }).artifacts.paths).toEqual(['dist/']);
  });

  it('diffs merge requests only, and runs Pulumi only with its credentials: prod by hand in a protected environment', () => {
    expect(jobs['mr-diff']!.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(jobs['preview-test']!.rules![0]!.if).toContain('($PULUMI_BACKEND_URL || $PULUMI_ACCESS_TOKEN) && $KUBECONFIG_TEST');
    expect(jobs['preview-prod']).toBeUndefined();
    // Scheduled (nightly drift) pipelines never plan or deploy: an up would undo the drift they are there to report.
    const never = { if: '$CI_PIPELINE_SOURCE == "schedule"', when: 'never' };
    expect(jobs['plan-prod']!.rules).toEqual([never, { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && ($PULUMI_BACKEND_URL || $PULUMI_ACCESS_TOKEN) && $KUBECONFIG_PROD' }]);
    expect(jobs['deploy-test']!.rules).toEqual([never, { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && ($PULUMI_BACKEND_URL || $PULUMI_ACCESS_TOKEN) && $KUBECONFIG_TEST' }]);
    expect(jobs['deploy-prod']!.rules![0]).toEqual(never);
    expect(jobs['deploy-prod']!.rules![1]).toMatchObject({ if: expect.stringContaining('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'), when: 'manual' });
    expect(jobs['deploy-prod']!.environment!.name).toBe('prod');
    expect(jobs['deploy-test']!.script).toEqual(['bash ci/pulumi.sh up test']);
    expect(jobs['preview-test']!.script).toEqual(['bash ci/pulumi.sh preview test']);
  });

  it('applies prod only with the plan that plan-prod saved in the same pipeline, and posts that plan on the merge request', () => {
    expect(jobs['plan-prod']!.script).toEqual(['bash ci/pulumi.sh plan prod', 'npx tsx ci/plan-note.ts --env prod']);
    expect((pipeline['plan-prod'] as { artifacts: { paths: string[] } }).artifacts.paths).toEqual(['plan-prod.json', 'plan-prod.sha', 'pulumi-preview-prod.json']);
    expect(jobs['deploy-prod']!.script).toEqual(['bash ci/pulumi.sh up prod --plan plan-prod.json']);
    expect(jobs['deploy-prod']!.needs).toContainEqual({ job: 'plan-prod', artifacts: true });
    expect(jobs['mr-diff']!.needs).toEqual([{ job: 'preview-test', optional: true, artifacts: true }]);
    const stages = pipeline.stages as string[];
    expect(stages.indexOf('plan')).toBeLessThan(stages.indexOf('deploy'));
  });
});

describe('ci/pulumi.sh', () => {
  /** A fake `pulumi` on PATH that logs its arguments and the kubeconfig it was given, and writes a plan when asked. */
  function fakePulumi(): { bin: string; log: string } {
    const bin = temporaryDirectory('icv-fake-pulumi-');
    const log = join(bin, 'calls.log');
    const script = [
      '#!/usr/bin/env bash',
      `echo "pulumi $*" >>'${log}'`,
      `echo "kubeconfig: $(cat "$KUBECONFIG")" >>'${log}'`,
      'while [[ $# -gt 0 ]]; do [[ "$1" == --save-plan ]] && echo \'{"resourcePlans":{}}\' >"$2"; shift; done',
      'echo \'{"changeSummary":{"update":1,"same":9}}\'',
    ].join('\n');
    writeFileSync(join(bin, 'pulumi'), `${script}\n`);
    chmodSync(join(bin, 'pulumi'), 0o755);
    return { bin, log };
  }
  let calls = '';
  const run = (args: string[], env: NodeJS.ProcessEnv, out = temporaryDirectory('icv-pulumi-out-')) => {
    const fake = fakePulumi();
    const result = spawnSync('bash', ['ci/pulumi.sh', ...args], { cwd: repoRoot, encoding: 'utf8', env: { PATH: `${fake.bin}:${process.env.PATH}`, HOME: tmpdir(), PULUMI_OUT_DIR: out, ...env } });
    calls = existsSync(fake.log) ? readFileSync(fake.log, 'utf8') : '';
    return { ...result, out };
  };
  const credentials = { PULUMI_ACCESS_TOKEN: 'pul-x', KUBECONFIG_PROD: 'apiVersion: v1 # prod cluster' };

  it('previews a stack as JSON for the note, using the file variable as KUBECONFIG', () => {
    const kubeconfig = join(temporaryDirectory('icv-kube-'), 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1 # test cluster\n');
    const result = run(['preview', 'test'], { PULUMI_ACCESS_TOKEN: 'pul-x', KUBECONFIG_TEST: kubeconfig });
    expect(result.stderr).toBe('');
    expect(calls).toBe('pulumi preview --json --non-interactive --stack test\nkubeconfig: apiVersion: v1 # test cluster\n');
    expect(JSON.parse(readFileSync(join(result.out, 'pulumi-preview-test.json'), 'utf8'))).toEqual({ changeSummary: { update: 1, same: 9 } });
    expect(result.status).toBe(0);
  });

  it('applies test with --yes, accepting a kubeconfig given as content, and a stack prefix', () => {
    const result = run(['up', 'test'], { PULUMI_ACCESS_TOKEN: 'pul-x', KUBECONFIG_TEST: 'apiVersion: v1 # test cluster', PULUMI_STACK_PREFIX: 'icv/' });
    expect(calls).toBe('pulumi up --yes --non-interactive --stack icv/test\nkubeconfig: apiVersion: v1 # test cluster\n');
    expect(result.status).toBe(0);
  });

  it('works with a self-managed backend (PULUMI_BACKEND_URL) and no Pulumi Cloud token', () => {
    const result = run(['preview', 'test'], { PULUMI_BACKEND_URL: 's3://icv-pulumi-state', KUBECONFIG_TEST: 'apiVersion: v1' });
    expect(result.stderr).toBe('');
    expect(calls).toBe('pulumi preview --json --non-interactive --stack test\nkubeconfig: apiVersion: v1\n');
    expect(result.status).toBe(0);
  });

  it('uses the CLI baked into the CI image: exits 2 when none is on PATH or its version is not PULUMI_VERSION, never downloading one', () => {
    const bin = temporaryDirectory('icv-no-pulumi-');
    // Only what the script needs besides pulumi; curl is a trap that fails the test if the script tries a download.
    for (const tool of ['tr', 'mktemp', 'rm', 'cat', 'sed']) symlinkSync(spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
    writeFileSync(join(bin, 'curl'), '#!/bin/sh\necho "curl called" >&2\nexit 99\n', { mode: 0o755 });
    const none = spawnSync('/bin/bash', ['ci/pulumi.sh', 'up', 'test'], { cwd: repoRoot, encoding: 'utf8', env: { PATH: bin, HOME: tmpdir(), PULUMI_BACKEND_URL: 'file:///tmp/state', KUBECONFIG_TEST: 'x', PULUMI_VERSION: '3.248.0' } });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no pulumi CLI on PATH: run this job in the CI image built from ci/image/Dockerfile');
    expect(none.stderr).not.toContain('curl called');
    const versioned = temporaryDirectory('icv-old-pulumi-');
    writeFileSync(join(versioned, 'pulumi'), '#!/usr/bin/env bash\n[[ "$1" == version ]] && { echo v3.200.0; exit 0; }\necho "pulumi $*"\n', { mode: 0o755 });
    const old = spawnSync('bash', ['ci/pulumi.sh', 'up', 'test'], { cwd: repoRoot, encoding: 'utf8', env: { PATH: `${versioned}:${process.env.PATH}`, HOME: tmpdir(), PULUMI_BACKEND_URL: 'file:///tmp/state', KUBECONFIG_TEST: 'x', PULUMI_VERSION: '3.248.0' } });
    expect(old.status).toBe(2);
    expect(old.stderr).toContain('the image\'s pulumi is v3.200.0, PULUMI_VERSION wants 3.248.0');
    expect(old.stdout).toBe('');
  });

  it('refuses to apply prod without a saved plan, and never runs pulumi', () => {
    const result = run(['up', 'prod'], credentials);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('refusing to apply prod without a saved plan');
    expect(calls).toBe('');
    const empty = join(temporaryDirectory('icv-plan-'), 'plan-prod.json');
    writeFileSync(empty, '');
    expect(run(['up', 'prod', '--plan', empty], credentials).stderr).toContain('is missing or empty');
    expect(run(['up', 'prod', '--plan', join(tmpdir(), 'no-such-plan.json')], credentials).status).toBe(2);
    expect(calls).toBe('');
  });

  it('applies prod only through the plan that was previewed at the same commit', () => {
    const sha = 'a'.repeat(40);
    const planned = run(['plan', 'prod'], { ...credentials, CI_COMMIT_SHA: sha, PULUMI_STACK_PREFIX: 'icv/' });
    expect(planned.status).toBe(0);
    const plan = join(planned.out, 'plan-prod.json');
    expect(calls).toBe(`pulumi preview --save-plan ${plan} --json --non-interactive --stack icv/prod\nkubeconfig: apiVersion: v1 # prod cluster\n`);
    expect(readFileSync(join(planned.out, 'plan-prod.sha'), 'utf8')).toBe(`${sha}\n`);
    expect(JSON.parse(readFileSync(join(planned.out, 'pulumi-preview-prod.json'), 'utf8'))).toMatchObject({ changeSummary: { update: 1 } });

    const applied = run(['up', 'prod', '--plan', plan], { ...credentials, CI_COMMIT_SHA: sha, PULUMI_STACK_PREFIX: 'icv/' });
    expect(applied.stderr).toBe('');
    expect(calls).toBe(`pulumi up --yes --non-interactive --plan ${plan} --stack icv/prod\nkubeconfig: apiVersion: v1 # prod cluster\n`);
    expect(applied.status).toBe(0);

    const stale = run(['up', 'prod', '--plan', plan], { ...credentials, CI_COMMIT_SHA: 'b'.repeat(40) });
    expect(stale.status).toBe(2);
    expect(stale.stderr).toContain(`the plan was previewed at ${sha}, this pipeline runs ${'b'.repeat(40)}`);
    expect(calls).toBe('');
  });

  it('exits 2 without credentials or with bad arguments, without running pulumi', () => {
    const missing = run(['up', 'test'], { PULUMI_ACCESS_TOKEN: 'pul-x' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('KUBECONFIG_TEST not set');
    expect(calls).toBe('');
    expect(run(['preview', 'test', '--plan', 'x'], {}).status).toBe(2);
    const noBackend = run(['up', 'test'], { KUBECONFIG_TEST: 'x' });
    expect(noBackend.status).toBe(2);
    expect(noBackend.stderr).toContain('PULUMI_BACKEND_URL or PULUMI_ACCESS_TOKEN not set');
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
      expect(gitlab.notes[1]!.body).toContain('| test | 0 | 1 | 0 | 0 | 0 |');
      expect(gitlab.notes[1]!.body).toContain('`prod`: **not run** — merge-request pipelines get no protected variables');
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

describe('ci/plan-note.ts', () => {
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('posts the saved plan\'s summary and artifact link on the merged merge request, once', async () => {
    const dir = temporaryDirectory('icv-plan-note-');
    writeFileSync(join(dir, 'pulumi-preview-prod.json'), JSON.stringify({ changeSummary: { create: 1, update: 3, replace: 1, delete: 2, same: 240 } }));
    const gitlab = await fakeGitLab();
    try {
      const env = { ...ciEnvironment(gitlab), CI_MERGE_REQUEST_IID: '', CI_COMMIT_SHA: 'c'.repeat(40), CI_JOB_URL: 'https://gitlab.icv.local/icv/platform/-/jobs/77', PULUMI_STACK_PREFIX: 'icv/' };
      expect(await planNote(['--env', 'prod'], env, dir)).toBe(0);
      expect(await planNote(['--env', 'prod'], env, dir)).toBe(0);
      expect(gitlab.notes).toHaveLength(1);
      const body = gitlab.notes[0]!.body;
      expect(body.startsWith(planMarker('prod'))).toBe(true);
      expect(body).toContain('| icv/prod | 1 | 3 | 1 | 2 | 240 | [plan](https://gitlab.icv.local/icv/platform/-/jobs/77/artifacts/file/plan-prod.json) |');
      expect(body).toContain('runs `pulumi up --plan` with exactly this plan');
    } finally {
      await gitlab.close();
    }
    expect(await planNote(['--env', 'prod'], { CI_COMMIT_SHA: 'c'.repeat(40) }, temporaryDirectory())).toBe(2);
  });

  it('exits 1 with one error line, token masked, when GitLab refuses the merge-request lookup', async () => {
    const dir = temporaryDirectory('icv-plan-note-');
    writeFileSync(join(dir, 'pulumi-preview-prod.json'), JSON.stringify({ changeSummary: { same: 240 } }));
    const gitlab = await fakeGitLab({ failWith: 403 });
    let stderr = '';
    vi.mocked(process.stderr.write).mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
      expect(await planNote(['--env', 'prod'], { ...ciEnvironment(gitlab), CI_COMMIT_SHA: 'c'.repeat(40) }, dir)).toBe(1);
    } finally {
      await gitlab.close();
    }
    expect(stderr).toMatch(/^error: GitLab API GET \/projects\/42\/repository\/commits\/c{40}\/merge_requests\S* answered 403/m);
    expect(stderr.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(stderr).not.toContain(TOKEN);
    expect(gitlab.notes).toEqual([]);
  });
});
