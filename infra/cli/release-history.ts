import { execFileSync } from 'node:child_process';
import { InputError } from '../model/errors.js';
import { parseReleases, type Release } from '../schema/releases.js';

/**
 * Every committed version of a release file, newest first, parsed (`git log` / `git show` in `root`): what the
 * promotion rule accepts a digest from. As far as the clone's history goes (a shallow CI clone has less; the rule
 * then knows fewer digests, and says so by failing, never by passing). A version that does not parse under today's
 * format is skipped: it cannot hold a digest. Outside a git work tree there is no history: an empty list.
 */
export function releaseFileHistory(root: string, file: string): Record<string, Release>[] {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  let commits: string[];
  try {
    commits = git('log', '--format=%H', '--', file).split('\n').filter(Boolean);
  } catch {
    return [];
  }
  const versions: Record<string, Release>[] = [];
  for (const commit of commits) {
    try {
      versions.push(parseReleases(git('show', `${commit}:${file}`), `${file}@${commit.slice(0, 7)}`));
    } catch (error) {
      if (error instanceof InputError) continue;
      // The commit deleted the file: nothing to read at it.
      if ((error as { status?: number }).status !== undefined) continue;
      throw error;
    }
  }
  return versions;
}
