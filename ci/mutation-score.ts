import { readFileSync } from 'node:fs';
import { compareText } from '../infra/model/text-order.js';

/**
 * The score table of MUTATION.md from Stryker's JSON reports (`reports/mutation/<area>.json`, written by
 * `MUTATION_AREA=<area> npm run test:mutation`): per file and per area, the mutants killed (a test failed, or the
 * run timed out), survived, not covered by any test, and ignored (static mutants, see stryker.config.mjs), and the
 * score over the tested ones. Then every survivor, `file:line mutator: replacement`, for the reasons column. The
 * reports can also be the committed incremental files (`reports/stryker-incremental-<area>.<file>.json`), which hold
 * the same report. `--ranges` prints, per file, the `--mutate` argument that re-tests exactly its survivors and
 * uncovered mutants (Stryker's ranges are `line:column` with the column one less than the report's).
 *
 *   npx tsx ci/mutation-score.ts reports/mutation/schema.json [more.json...] [--survivors] [--ranges]
 */

interface Mutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: {
    readonly start: { readonly line: number; readonly column: number };
    readonly end: { readonly line: number; readonly column: number };
  };
}
interface Report {
  readonly files: Readonly<Record<string, { readonly mutants: readonly Mutant[] }>>;
}

const args = process.argv.slice(2);
const showSurvivors = args.includes('--survivors');
const showRanges = args.includes('--ranges');
const reports = args.filter((a) => !a.startsWith('--'));
if (reports.length === 0) {
  process.stderr.write('usage: tsx ci/mutation-score.ts <report.json>... [--survivors] [--ranges]\n');
  process.exit(2);
}

interface Count { killed: number; survived: number; noCoverage: number; ignored: number; errors: number }
const empty = (): Count => ({ killed: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 });
const add = (count: Count, status: string) => {
  if (status === 'Killed' || status === 'Timeout') count.killed++;
  else if (status === 'Survived') count.survived++;
  else if (status === 'NoCoverage') count.noCoverage++;
  else if (status === 'Ignored') count.ignored++;
  else count.errors++;
};
const score = (c: Count) => {
  const tested = c.killed + c.survived + c.noCoverage;
  return tested === 0 ? 'n/a' : `${((100 * c.killed) / tested).toFixed(1)}%`;
};
const row = (name: string, c: Count) => `| ${name} | ${c.killed} | ${c.survived} | ${c.noCoverage} | ${c.ignored} | ${c.errors} | ${score(c)} |`;

const lines = ['| File | Killed | Survived | No coverage | Ignored (static) | Errors | Score |', '|---|---:|---:|---:|---:|---:|---:|'];
const survivors: string[] = [];
const ranges = new Map<string, Set<string>>();
const total = empty();
for (const path of reports) {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  const area = empty();
  for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => compareText(a, b))) {
    const count = empty();
    for (const m of mutants) {
      add(count, m.status);
      add(area, m.status);
      add(total, m.status);
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const { start, end } = m.location;
        const set = ranges.get(file) ?? ranges.set(file, new Set()).get(file)!;
        set.add(`${file}:${start.line}:${start.column - 1}-${end.line}:${end.column - 1}`);
        survivors.push(`${file}:${m.location.start.line} ${m.mutatorName}${m.status === 'NoCoverage' ? ' (no coverage)' : ''}: ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    lines.push(row(file, count));
  }
  lines.push(row(`**${path}**`, area));
}
if (reports.length > 1) lines.push(row('**all**', total));
process.stdout.write(`${lines.join('\n')}\n`);
if (showSurvivors) process.stdout.write(`\n${survivors.join('\n')}\n`);
if (showRanges) for (const [file, set] of ranges) process.stdout.write(`\n${file} (${set.size}):\n--mutate "${[...set].join(',')}"\n`);
