import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { main } from '../../infra/cli/diff.js';
import type { DiffReport } from '../../infra/preview/index.js';
import { temporaryDirectory } from './fixtures.js';
import { git, linkNodeModules, repoRoot, scratchRepository, setImage, worktreeCount } from './scratch-repo.js';

let stderr: string;
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

/**
 * The working tree bumps the image of the scratch repository's last commit, uncommitted. The launcher is in the
 * working tree only, so the working tree's synth runs through it and the commit's, as in older commits, through tsx.
 */
describe('npm run diff -- --base <ref>', () => {
  const repo = scratchRepository({ commitLauncher: false });
  setImage(repo, '1.1.0');

  it('synthesizes the ref in a temporary worktree (committed files only), compares the working tree, and removes the worktree', async () => {
    const out = join(repo, 'diff.json');
    expect(await main(['--base', 'HEAD', '--format', 'json', '--out', out], { cwd: repo })).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as DiffReport;
    expect(report.from).toMatch(/^HEAD \([0-9a-f]{12}\)$/);
    expect(report.to).toBe('working tree');
    expect(report.changes.map((c) => [c.env, c.status, c.flags, c.fields])).toEqual([
      ['prod', 'changed', [], [{ path: 'spec.template.spec.containers[name=app].image', op: 'changed', old: 'harbor.icv.local/icv/demo:1.0.0', new: 'harbor.icv.local/icv/demo:1.1.0' }]],
      ['test', 'changed', [], [{ path: 'spec.template.spec.containers[name=app].image', op: 'changed', old: 'harbor.icv.local/icv/demo:1.0.0', new: 'harbor.icv.local/icv/demo:1.1.0' }]],
    ]);
    // The same image change in both environments is one change, shown once.
    expect(report.groups.map((g) => [g.title, g.envs])).toEqual([['Deployment icv/demo', ['prod', 'test']]]);
    expect(worktreeCount(repo)).toBe(1);
  });

  it('compares with an empty tree when the ref predates the synth', async () => {
    const out = join(repo, 'first.json');
    expect(await main(['--base', 'HEAD~1', '--env', 'test', '--format', 'json', '--out', out], { cwd: repo })).toBe(0);
    expect(stderr).toContain('has no synth yet; comparing with an empty tree');
    expect((JSON.parse(readFileSync(out, 'utf8')) as DiffReport).environments).toEqual([{ env: 'test', added: 1, changed: 0, replaced: 0, deleted: 0, flagged: 0, unchanged: 0 }]);
    expect(worktreeCount(repo)).toBe(1);
  });

  it('exits 2 on an unknown ref, leaving no worktree', async () => {
    expect(await main(['--base', 'no-such-branch'], { cwd: repo })).toBe(2);
    expect(stderr).toContain("unknown git ref 'no-such-branch'");
    expect(await main(['--base', '--upload-pack=x'], { cwd: repo })).toBe(2);
    expect(worktreeCount(repo)).toBe(1);
  });
});

/** The real synth must be committed: the worktree holds committed files only. */
const synthCommitted = spawnSync('git', ['cat-file', '-e', 'HEAD:infra/cli/synth.ts'], { cwd: repoRoot }).status === 0;

describe('npm run diff -- --base HEAD on this repository', () => {
  it.skipIf(!synthCommitted)(
    'reports no changes for a clean checkout of HEAD (synth is deterministic and the pipeline adds nothing)',
    async () => {
      // A worktree of HEAD is a clean working tree even while this checkout has uncommitted edits.
      const clean = join(temporaryDirectory('icv-diff-clean-'), 'checkout');
      git(repoRoot, 'worktree', 'add', '--detach', '--quiet', clean, 'HEAD');
      onTestFinished(() => {
        rmSync(join(clean, 'node_modules'), { force: true });
        git(repoRoot, 'worktree', 'remove', '--force', clean);
      });
      linkNodeModules(clean);
      const out = join(dirname(clean), 'diff.json');
      expect(await main(['--base', 'HEAD', '--format', 'json', '--out', out], { cwd: clean })).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as DiffReport;
      expect(report.changes).toEqual([]);
      expect(report.environments.map((e) => e.env).sort()).toEqual(['prod', 'test']);
      expect(report.environments.every((e) => e.unchanged > 0)).toBe(true);
    },
    300_000,
  );
});
