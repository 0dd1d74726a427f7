import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readTree } from './inputs.js';

/**
 * A fingerprint of everything a command could damage: the repository's working tree (tracked changes and untracked
 * files, as git sees them, with the content of every changed file) and the repository's dist/. Equal fingerprints
 * before and after a run prove that the run wrote and removed nothing there.
 */
export function repositoryFingerprint(root = process.cwd()): string {
  const hash = createHash('sha256');
  // No output limit: a working tree with large uncommitted changes (a mutation run's reports) must not fail the test.
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: Infinity });
  hash.update(git('status', '--porcelain=v1', '-uall'));
  hash.update(git('diff', 'HEAD', '--binary'));
  const dist = join(root, 'dist');
  if (existsSync(dist)) for (const [path, content] of readTree(dist)) hash.update(`${path}\0${content}\0`);
  return hash.digest('hex');
}

/** Whether text holds a JavaScript stack frame (`    at fn (file:line:col)`). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(:\d+:\d+\)?|\(native\))$/m.test(text);
}
