import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { temporaryDirectory } from './fixtures.js';

export const repoRoot = resolve(import.meta.dirname, '../..');

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=diff-test', '-c', 'user.email=diff-test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * A stand-in for the platform's synth: writes one Deployment per environment with the image named in image.txt.
 * Plain JavaScript, so the same text serves as `infra/cli/synth.ts` (which the diff runs through tsx in a tree
 * without the launcher, as in older commits of the platform) and as the body of the launcher below.
 */
const FAKE_SYNTH = `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const out = process.argv[process.argv.indexOf('--out') + 1];
const image = readFileSync('image.txt', 'utf8').trim();
for (const env of ['prod', 'test']) {
  mkdirSync(join(out, env, 'manifests', 'module'), { recursive: true });
  const manifest = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: demo', '  namespace: icv', 'spec:', '  template:', '    spec:', '      containers:', '        - name: app', '          image: ' + image, ''];
  writeFileSync(join(out, env, 'manifests', 'module', 'demo.yaml'), manifest.join('\\n'));
}
`;

/**
 * A stand-in for infra/cli/run-bundled.mjs, called as the diff calls the platform's (`node infra/cli/run-bundled.mjs
 * synth --out DIR`): the fake synth in plain node, started in a fraction of tsx's time.
 */
const FAKE_LAUNCHER = `if (process.argv[2] !== 'synth') {
  process.stderr.write('unknown command ' + process.argv[2] + '\\n');
  process.exit(2);
}
${FAKE_SYNTH}`;

export interface ScratchOptions {
  /**
   * Commit the launcher (infra/cli/run-bundled.mjs) with the synth; when false it is only in the working tree, so a
   * worktree of a commit has the synth without the launcher and runs it through tsx. @default true
   */
  readonly commitLauncher?: boolean;
}

/**
 * A scratch repository on branch main: commit 1 has no synth, commit 2 adds a fake one that deploys image.txt
 * (`harbor.icv.local/icv/demo:1.0.0`) and its launcher. This repository's node_modules is linked in, ignored by git.
 */
export function scratchRepository(options: ScratchOptions = {}): string {
  const repo = temporaryDirectory('icv-diff-repo-');
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), 'scratch\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'before the platform');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\ndiff.*\n');
  writeFileSync(join(repo, 'package.json'), '{ "type": "module" }\n');
  setImage(repo, '1.0.0');
  mkdirSync(join(repo, 'infra/cli'), { recursive: true });
  writeFileSync(join(repo, 'infra/cli/synth.ts'), FAKE_SYNTH);
  if (options.commitLauncher ?? true) writeFileSync(join(repo, 'infra/cli/run-bundled.mjs'), FAKE_LAUNCHER);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'platform');
  writeFileSync(join(repo, 'infra/cli/run-bundled.mjs'), FAKE_LAUNCHER);
  linkNodeModules(repo);
  return repo;
}

export function setImage(repo: string, tag: string): void {
  writeFileSync(join(repo, 'image.txt'), `harbor.icv.local/icv/demo:${tag}\n`);
}

export function linkNodeModules(dir: string): void {
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

export function worktreeCount(repo: string): number {
  return git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;
}
