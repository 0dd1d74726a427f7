// Mutation testing of the pure core (`npm run test:mutation`; results and how to read them: MUTATION.md): the
// constructs, the checks, the validation and the diff's risk rules. Not part of `npm test`.
//
// Snapshots never count as kills: the tests run under vitest.mutation.config.ts, which leaves out the snapshot-only
// file and turns every remaining snapshot assertion into a no-op (test/support/no-snapshots.ts).
//
// One area at a time, each with the test files that guard it and its own incremental file (a later run re-tests only
// mutants whose code or covering tests changed):
//   MUTATION_AREA=schema npm run test:mutation     (also: checks, risk, constructs; unset: every area at once)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const testsIn = (dir, skip = []) => readdirSync(dir).filter((f) => f.endsWith('.test.ts') && !skip.includes(f)).map((f) => `${dir}/${f}`);

/** Each area: the files it mutates and the test files Stryker runs against its mutants. */
const AREAS = {
  schema: {
    mutate: ['infra/schema/**/*.ts'],
    // In-process only: the CLI-level tests of the same rules (test/input, test/catalog, test/environment) run synth
    // inside a test, so every mutant of the area would re-run a whole synthesis.
    testFiles: ['test/schema/validation-rules.test.ts', 'test/schema/validation-edges.test.ts'],
  },
  risk: {
    mutate: ['infra/preview/risk-flags.ts', 'infra/preview/network-policy.ts', 'infra/preview/cutover.ts'],
    // Not why-example nor cutover-review: they synthesize whole platforms for every run a mutant needs them in.
    testFiles: ['risk-flag-rules', 'risk-flag-edges', 'risk-flag-boundaries', 'network-widening', 'cutover-stage', 'risk-rules', 'replacement', 'semantic-diff', 'image-digest'].map((f) => `test/diff/${f}.test.ts`),
  },
  checks: {
    mutate: ['infra/checks/**/*.ts'],
    // The rule tests on objects the constructs synthesize for them (test/checks/fixtures.ts). Not the files that load
    // both whole platforms (test/support/platforms.ts) or run the CLI: every mutant they cover would pay for it.
    // schema.test.ts stays: of the CLI room it only reads the vendored CRDs (infra/cli/crds.ts, once per process).
    // every-rule.test.ts (one case per rule id) reads its census of rule ids from the original sources above the
    // sandbox, whose copies Stryker has instrumented (sourceRoot() there).
    testFiles: testsIn('test/checks').filter((f) => !/support\/platforms\.js|infra\/cli\/(?!crds\.js)/.test(readFileSync(f, 'utf8'))),
  },
  serialization: {
    mutate: ['infra/synth/chart-json.ts'],
    testFiles: ['test/synth/chart-json.test.ts'],
  },
  constructs: {
    mutate: ['infra/synth/workloads/**/*.ts'],
    // Test files that build one construct inside each test (construct-defaults: every construct's safe defaults and
    // wiring; module-constructs: the module's parts), so per-test coverage applies: a mutant runs only the tests that
    // built its code, and a mutant that makes a construct throw fails those tests. Not safe-defaults.test.ts (the
    // property check over every object of the whole platforms, in npm test): it synthesizes in beforeAll, which makes
    // every mutant static, re-run with every test file and three whole syntheses; nor the other construct tests,
    // which synthesize at collection. The remaining static mutants (module-level constants) are run.
    testFiles: ['test/workloads/construct-defaults.test.ts', 'test/workloads/module-constructs.test.ts'],
    staticMutants: 'run',
  },
};
const area = process.env.MUTATION_AREA;
if (area !== undefined && !(area in AREAS)) throw new Error(`MUTATION_AREA '${area}' is not one of ${Object.keys(AREAS).join(', ')}`);
const selected = area ? [AREAS[area]] : Object.values(AREAS);
// A run narrowed with `--mutate` keeps its own incremental file and report, named after what it mutates: Stryker's
// incremental file only holds the files of the run that wrote it.
const narrowed = process.argv.includes('--mutate') ? process.argv[process.argv.indexOf('--mutate') + 1] : undefined;
// A run narrowed to line ranges of one file (`--mutate file.ts:12:5-12:40,file.ts:30-31`, e.g. the survivors of an
// earlier run) shares that file's incremental file: Stryker re-tests the mutants inside the ranges and carries every
// other mutant of the file over from the file's earlier run (IncrementalDiffer keeps an old mutant outside the
// mutated ranges), so the file and its report keep the whole file's result. Ranges across several files are named
// after the first file and a hash of the ranges, to keep the file name short.
const rangeFiles = (m) => [...new Set(m.split(',').map((p) => p.split(':')[0]))];
const narrowedName = (m) => {
  if (!m.includes(':')) return m.replace(/[^A-Za-z0-9.]+/g, '_');
  const files = rangeFiles(m);
  const file = files[0].replace(/[^A-Za-z0-9.]+/g, '_');
  return files.length === 1 ? file : `${file}.ranges-${createHash('sha256').update(m).digest('hex').slice(0, 8)}`;
};
const name = [area ?? 'all', ...(narrowed ? [narrowedName(narrowed)] : [])].join('.');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: selected.flatMap((a) => a.mutate),
  testFiles: [...new Set(selected.flatMap((a) => a.testFiles))],
  coverageAnalysis: 'perTest',
  // A static mutant is one only executed while a module loads (a zod schema's regex or message, a constant table):
  // testing it means re-importing everything and running every test file of the area, 15-30 s each on this machine.
  // They are reported as "Ignored" and counted apart in MUTATION.md, except for the constructs, which every test
  // synthesizes while its file loads (in beforeAll or at collection): there every mutant is static, and is run.
  // MUTATION_STATIC=run or =ignore overrides.
  ignoreStatic: process.env.MUTATION_STATIC ? process.env.MUTATION_STATIC !== 'run' : !selected.every((a) => a.staticMutants === 'run'),
  // Two cores, shared: one test runner beside Stryker's own process.
  concurrency: 1,
  // A loaded machine slows every run: a mutant counts as "timed out" (detected) only well past its dry-run time.
  timeoutMS: 30_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${name}.json`,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
