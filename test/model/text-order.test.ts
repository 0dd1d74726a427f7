import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareText } from '../../infra/model/text-order.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Sorts `words` with compareText in a fresh Node process whose default locale comes from `LC_ALL=locale`. */
function sortedUnder(locale: string, words: readonly string[]): string[] {
  const script = `import('./infra/model/text-order.ts').then(({ compareText }) => console.log(JSON.stringify(${JSON.stringify(words)}.sort(compareText))))`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, LC_ALL: locale, LANG: locale },
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

describe('compareText: one text order whatever the machine locale', () => {
  it('orders as en-US collation does: punctuation before digits before letters, case after', () => {
    expect(['b', 'DB_HOST', 'a-1', 'DBA', 'a1', 'B'].sort(compareText)).toEqual(['a-1', 'a1', 'b', 'B', 'DB_HOST', 'DBA']);
  });

  it('gives the same order under lt_LT, where the default collation sorts Y with I, before J', () => {
    const words = ['YARN_HOME', 'JAVA_OPTS', 'IMAGE_TAG', 'ZONE'];
    const lithuanian = execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(${JSON.stringify(words)}.sort((a, b) => a.localeCompare(b))))`], {
      env: { ...process.env, LC_ALL: 'lt_LT.UTF-8', LANG: 'lt_LT.UTF-8' },
      encoding: 'utf8',
    });
    // What the default-locale collation did (the reason for compareText): under lt_LT, Y sorts with I, before J.
    expect(JSON.parse(lithuanian)).toEqual(['YARN_HOME', 'IMAGE_TAG', 'JAVA_OPTS', 'ZONE']);
    expect(sortedUnder('lt_LT.UTF-8', words)).toEqual(['IMAGE_TAG', 'JAVA_OPTS', 'YARN_HOME', 'ZONE']);
    expect(sortedUnder('sv_SE.UTF-8', words)).toEqual(sortedUnder('C.UTF-8', words));
  });

  it('is the only collation the program uses: no localeCompare call in infra/, ci/ or bench/', () => {
    const calls: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|mjs)$/.test(entry.name) && /\.localeCompare\(/.test(readFileSync(path, 'utf8'))) calls.push(relative(ROOT, path));
      }
    };
    for (const dir of ['infra', 'ci', 'bench']) walk(join(ROOT, dir));
    expect(calls).toEqual([]);
  });
});
