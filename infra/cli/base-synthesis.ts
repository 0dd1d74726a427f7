import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../model/errors.js';

/** The synth entry point, relative to the repository root. */
export const SYNTH_SCRIPT = 'infra/cli/synth.ts';
/** The launcher that runs a command as one esbuild bundle (see run-bundled.mjs); older commits lack it. */
export const BUNDLED_RUNNER = 'infra/cli/run-bundled.mjs';
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
export async function synthesizeWorkingTree(root: string, out: string): Promise<void> {
  if (!existsSync(join(root, SYNTH_SCRIPT))) throw InputError.single(join(root, SYNTH_SCRIPT), '', 'does not exist: the working tree has no synth');
  await runSynth(root, root, out, 'the working tree');
}

/**
 * Checks `commit` out in a temporary git worktree (committed files only), links the repository's `node_modules`
 * into it, and runs its synth into `out`. The worktree is removed whatever happens. Returns false, writing nothing,
 * when that commit has no synth yet (the tree before the platform existed).
 */
export async function synthesizeCommit(root: string, commit: string, out: string, label: string): Promise<boolean> {
  const worktree = mkdtempSync(join(tmpdir(), 'icv-diff-worktree-'));
  const modules = join(worktree, 'node_modules');
  try {
    const added = git(root, ['worktree', 'add', '--detach', '--quiet', worktree, commit]);
    if (added.status !== 0) throw new Error(`git worktree add failed for ${label}: ${added.stderr.trim()}`);
    if (!existsSync(join(worktree, SYNTH_SCRIPT))) return false;
    symlinkSync(join(root, 'node_modules'), modules, 'dir');
    await runSynth(worktree, root, out, label);
    return true;
  } finally {
    if (existsSync(modules)) unlinkSync(modules);
    git(root, ['worktree', 'remove', '--force', worktree]);
    rmSync(worktree, { recursive: true, force: true });
    git(root, ['worktree', 'prune']);
  }
}

/** A fresh temporary directory for `body`, removed afterwards. */
export async function withTemporaryDirectory<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the synth of the tree at `cwd` into `out`: as one esbuild bundle (`node infra/cli/run-bundled.mjs synth`)
 * when that tree has the launcher, which starts in a fraction of tsx's time; through tsx for older commits.
 */
function runSynth(cwd: string, root: string, out: string, label: string): Promise<void> {
  const localTsx = join(root, 'node_modules', '.bin', 'tsx');
  const [command, args] = existsSync(join(cwd, BUNDLED_RUNNER))
    ? [process.execPath, [BUNDLED_RUNNER, 'synth']]
    : existsSync(localTsx)
      ? [localTsx, [SYNTH_SCRIPT]]
      : ['npx', ['tsx', SYNTH_SCRIPT]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, '--out', out], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: SYNTH_TIMEOUT_MS });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(InputError.single(label, '', `synth failed (${error.message})`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-20).join('\n');
      reject(InputError.single(label, '', `synth failed (exit ${String(code ?? signal)})${tail ? `:\n${tail}` : ''}`));
    });
  });
}

function git(cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { status: result.error ? -1 : result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? result.error?.message ?? '' };
}
