import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../model/errors.js';

/** The synth entry point, relative to the repository root. */
export const SYNTH_SCRIPT = 'infra/cli/synth.ts';
const SYNTH_TIMEOUT_MS = 10 * 60 * 1000;

/** The top-level directory of the git repository holding `cwd`. */
export function repositoryRoot(cwd: string): string {
  const result = git(cwd, ['rev-parse', '--show-toplevel']);
  if (result.status !== 0) throw InputError.single('command line', '--base', `${cwd} is not inside a git repository`);
  return result.stdout.trim();
}

/** The commit a ref names, or an InputError naming the ref. */
export function resolveCommit(root: string, ref: string): string {
  const result = ref.startsWith('-') ? undefined : git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!result || result.status !== 0) throw InputError.single('command line', '--base', `unknown git ref '${ref}' (no such commit in ${root})`);
  return result.stdout.trim();
}

/** Runs `synth --out <out>` on the working tree at `root`, uncommitted changes included. */
export function synthesizeWorkingTree(root: string, out: string): void {
  if (!existsSync(join(root, SYNTH_SCRIPT))) throw InputError.single(join(root, SYNTH_SCRIPT), '', 'does not exist: the working tree has no synth');
  runSynth(root, root, out, 'the working tree');
}

/**
 * Checks `commit` out in a temporary git worktree (committed files only), links the repository's `node_modules`
 * into it, and runs its synth into `out`. The worktree is removed whatever happens. Returns false, writing nothing,
 * when that commit has no synth yet (the tree before the platform existed).
 */
export function synthesizeCommit(root: string, commit: string, out: string, label: string): boolean {
  const worktree = mkdtempSync(join(tmpdir(), 'icv-diff-worktree-'));
  const modules = join(worktree, 'node_modules');
  try {
    const added = git(root, ['worktree', 'add', '--detach', '--quiet', worktree, commit]);
    if (added.status !== 0) throw new Error(`git worktree add failed for ${label}: ${added.stderr.trim()}`);
    if (!existsSync(join(worktree, SYNTH_SCRIPT))) return false;
    symlinkSync(join(root, 'node_modules'), modules, 'dir');
    runSynth(worktree, root, out, label);
    return true;
  } finally {
    if (existsSync(modules)) unlinkSync(modules);
    git(root, ['worktree', 'remove', '--force', worktree]);
    rmSync(worktree, { recursive: true, force: true });
    git(root, ['worktree', 'prune']);
  }
}

/** A fresh temporary directory for `body`, removed afterwards. */
export function withTemporaryDirectory<T>(prefix: string, body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runSynth(cwd: string, root: string, out: string, label: string): void {
  const localTsx = join(root, 'node_modules', '.bin', 'tsx');
  const [command, args] = existsSync(localTsx) ? [localTsx, [SYNTH_SCRIPT]] : ['npx', ['tsx', SYNTH_SCRIPT]];
  const result = spawnSync(command, [...args, '--out', out], { cwd, encoding: 'utf8', timeout: SYNTH_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${String(result.status ?? result.signal)}`;
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw InputError.single(label, '', `synth failed (${why})${output ? `:\n${output}` : ''}`);
  }
}

function git(cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { status: result.error ? -1 : result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? result.error?.message ?? '' };
}
