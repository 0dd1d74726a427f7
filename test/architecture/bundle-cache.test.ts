import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/inputs.js';

/**
 * The launcher (infra/cli/run-bundled.mjs) reuses a command's bundle only while every input of it is unchanged, by
 * content: run in a throwaway project holding a copy of the launcher, a two-file command and the real node_modules
 * (for esbuild), each edit below must show in the very next run's output, and an unchanged tree must not rebuild.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface State {
  digest: string;
  inputs: string[];
  /** Date.now() before the stats were taken. */
  stamp?: number;
  /** Path → `dev:ino:size:mtimeMs:ctimeMs`. */
  stats?: Record<string, string | null>;
}

/**
 * A throwaway project: a copy of the launcher and its options, esbuild linked in (so that the store of bundles,
 * node_modules/.cache, is the project's own), and the two-file command `hello` (infra/cli/hello.ts imports word.ts).
 */
function throwawayProject(made: string[]) {
  const project = tempDir('icv-bundle-cache-');
  made.push(project);
  const write = (path: string, text: string) => writeFileSync(join(project, path), text);
  mkdirSync(join(project, 'infra/cli'), { recursive: true });
  for (const file of ['run-bundled.mjs', 'bundle-options.mjs', 'code-cache.mjs']) copyFileSync(join(ROOT, 'infra/cli', file), join(project, 'infra/cli', file));
  mkdirSync(join(project, 'node_modules/@esbuild'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules/esbuild'), join(project, 'node_modules/esbuild'));
  for (const platform of readdirSync(join(ROOT, 'node_modules/@esbuild'))) symlinkSync(join(ROOT, 'node_modules/@esbuild', platform), join(project, 'node_modules/@esbuild', platform));
  write('package.json', '{ "type": "module" }\n');
  write('package-lock.json', '{}\n');
  write('tsconfig.json', '{}\n');
  write('infra/cli/hello.ts', "import { word } from './word.js';\nexport async function main(argv: string[]): Promise<number> {\n  process.stdout.write(`${word} ${argv.join(' ')}\\n`);\n  return 0;\n}\n");
  write('infra/cli/word.ts', "export const word: string = 'one';\n");
  return {
    project,
    write,
    run: async (...args: string[]) => (await promisify(execFile)(process.execPath, [join(project, 'infra/cli/run-bundled.mjs'), 'hello', ...args], { cwd: project, timeout: 60_000 })).stdout,
    bundles: () => readdirSync(join(project, 'build')).filter((f) => /^hello-[0-9a-f]{32}\.cjs$/.test(f)),
    state: () => JSON.parse(readFileSync(join(project, 'build/hello.inputs.json'), 'utf8')) as State,
    setState: (state: State) => writeFileSync(join(project, 'build/hello.inputs.json'), `${JSON.stringify(state)}\n`),
  };
}

describe('the bundle is reused exactly while its inputs are unchanged', () => {
  let project: string;
  let write: (path: string, text: string) => void;
  let run: (...args: string[]) => Promise<string>;
  let bundles: () => string[];
  let state: () => State;

  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  beforeAll(() => {
    ({ project, write, run, bundles, state } = throwawayProject(made));
  });

  it('bundles on the first run, recording its inputs, and passes the arguments to main', async () => {
    expect(await run('a', 'b')).toBe('one a b\n');
    expect(bundles()).toEqual([`hello-${state().digest}.cjs`]);
    expect(state().inputs).toEqual(['infra/cli/hello.ts', 'infra/cli/word.ts']);
  }, 90_000);

  it('reuses the bundle, unwritten, when nothing changed', async () => {
    const [file] = bundles();
    const before = statSync(join(project, 'build', file!));
    expect(await run('c')).toBe('one c\n');
    const after = statSync(join(project, 'build', file!));
    expect(bundles()).toEqual([file]);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  }, 90_000);

  it('compiles with the V8 code cache the first run left beside the bundle, and keeps it while V8 accepts it', async () => {
    const cache = join(project, 'build', `${bundles()[0]!}.${process.version}-${process.arch}.v8cache`);
    const before = statSync(cache);
    expect(before.size).toBeGreaterThan(0);
    expect(await run('d')).toBe('one d\n');
    const after = statSync(cache);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  }, 90_000);

  it('runs as without a cache when V8 rejects it, and writes a good one again', async () => {
    const cache = join(project, 'build', `${bundles()[0]!}.${process.version}-${process.arch}.v8cache`);
    writeFileSync(cache, 'not a code cache');
    expect(await run('e')).toBe('one e\n');
    expect(readFileSync(cache, 'utf8')).not.toBe('not a code cache');
  }, 90_000);

  it('writes the cache again, once, after a run that works much more than the one that wrote it (a --help first)', async () => {
    // `busy long` runs a function `busy short` never calls, for 200 ms of CPU: its bytecode is only in a cache written after it ran.
    write('infra/cli/busy.ts', "function spin(ms: number): number {\n  const end = process.cpuUsage().user + ms * 1000;\n  let n = 0;\n  while (process.cpuUsage().user < end) n += 1;\n  return n;\n}\nexport async function main(argv: string[]): Promise<number> {\n  if (argv[0] === 'long') spin(200);\n  process.stdout.write(`${argv[0]}\\n`);\n  return 0;\n}\n");
    const busy = async (arg: string) => (await promisify(execFile)(process.execPath, [join(project, 'infra/cli/run-bundled.mjs'), 'busy', arg], { cwd: project, timeout: 60_000 })).stdout;
    const cache = () => {
      const [bundle] = readdirSync(join(project, 'build')).filter((f) => /^busy-[0-9a-f]{32}\.cjs$/.test(f));
      return statSync(join(project, 'build', `${bundle!}.${process.version}-${process.arch}.v8cache`));
    };
    const same = (a: ReturnType<typeof cache>, b: ReturnType<typeof cache>) => a.ino === b.ino && a.mtimeMs === b.mtimeMs;
    try {
      expect(await busy('short')).toBe('short\n');
      const first = cache();
      expect(await busy('short')).toBe('short\n');
      expect(same(cache(), first)).toBe(true);
      expect(await busy('long')).toBe('long\n');
      const second = cache();
      expect(same(second, first)).toBe(false);
      expect(second.size).toBeGreaterThan(first.size);
      expect(await busy('long')).toBe('long\n');
      expect(await busy('short')).toBe('short\n');
      expect(same(cache(), second)).toBe(true);
    } finally {
      rmSync(join(project, 'infra/cli/busy.ts')); // the later tests list infra/cli as it was
    }
  }, 90_000);

  it('rebuilds when an imported file changes, even with its size and mtime kept', async () => {
    const path = join(project, 'infra/cli/word.ts');
    const { mtime } = statSync(path);
    write('infra/cli/word.ts', "export const word: string = 'two';\n");
    utimesSync(path, mtime, mtime);
    expect(await run()).toBe('two \n');
  }, 90_000);

  it('rebuilds when a new file changes what an import resolves to (a .js beside the .ts)', async () => {
    write('infra/cli/word.js', "export const word = 'three';\n");
    expect(await run()).toBe('three \n');
    rmSync(join(project, 'infra/cli/word.js'));
    expect(await run()).toBe('two \n');
  }, 90_000);

  it('rebuilds when a setting esbuild reads changes (tsconfig.json)', async () => {
    const digest = state().digest;
    write('tsconfig.json', '{ "compilerOptions": { "useDefineForClassFields": false } }\n');
    expect(await run()).toBe('two \n');
    expect(state().digest).not.toBe(digest);
  }, 90_000);

  it('runs concurrently after an edit: every run prints the edited value and the recorded digest names a bundle', async () => {
    write('infra/cli/word.ts', "export const word: string = 'four';\n");
    const outputs = await Promise.all([run('1'), run('2'), run('3'), run('4')]);
    expect(outputs).toEqual(['four 1\n', 'four 2\n', 'four 3\n', 'four 4\n']);
    expect(bundles()).toContain(`hello-${state().digest}.cjs`);
    expect(readdirSync(join(project, 'build')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 90_000);

  it('runs a command in strict mode, as the ES modules it is bundled from', async () => {
    write('infra/cli/strict.ts', "export async function main(): Promise<number> {\n  process.stdout.write(`${(function (this: unknown) { return this === undefined; })()}\\n`);\n  return 0;\n}\n");
    const { stdout } = await promisify(execFile)(process.execPath, [join(project, 'infra/cli/run-bundled.mjs'), 'strict'], { cwd: project, timeout: 60_000 });
    expect(stdout).toBe('true\n');
  }, 90_000);

  it('takes the bundle of a checkout sharing node_modules from the store instead of bundling (a diff base worktree)', async () => {
    const other = tempDir('icv-bundle-cache-other-');
    made.push(other);
    mkdirSync(join(other, 'infra/cli'), { recursive: true });
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'infra/cli/run-bundled.mjs', 'infra/cli/bundle-options.mjs', 'infra/cli/code-cache.mjs', 'infra/cli/hello.ts', 'infra/cli/word.ts', 'infra/cli/strict.ts']) {
      copyFileSync(join(project, path), join(other, path));
    }
    symlinkSync(join(project, 'node_modules'), join(other, 'node_modules'));
    expect(await run('w')).toBe('four w\n'); // records the tree as it is now (strict.ts is new in infra/cli)
    // Marked in the store only: the other checkout prints the mark exactly when it ran the store's copy.
    const stored = join(project, 'node_modules/.cache/icv-platform/bundles', `hello-${state().digest}.cjs`);
    const original = readFileSync(stored, 'utf8');
    writeFileSync(stored, `${original}\nprocess.stdout.write('from the store\\n');\n`);
    const { stdout } = await promisify(execFile)(process.execPath, [join(other, 'infra/cli/run-bundled.mjs'), 'hello', 'y'], { cwd: other, timeout: 60_000 });
    expect(stdout).toBe('from the store\nfour y\n');
    expect(readdirSync(join(other, 'build'))).toContain(`hello-${state().digest}.cjs`);
    writeFileSync(stored, original);
  }, 90_000);

  it('rebuilds over a damaged record of inputs', async () => {
    write('build/hello.inputs.json', '{ not json');
    expect(await run('x')).toBe('four x\n');
    expect(state().inputs).toEqual(['infra/cli/hello.ts', 'infra/cli/word.ts']);
  }, 90_000);
});

/**
 * The fast path: a record whose stats all match, each taken well after its path last changed (RACY_MARGIN_MS, 2 s),
 * stands for its digest without a byte being read. These runs move the record's stamp a minute on (as if the stats
 * had been taken then: edits in a test are milliseconds apart), so that the fast path is the one deciding; what
 * each edit changes must still show in the very next run.
 */
describe('the record of its inputs\' stats decides without hashing, and never over a change', () => {
  let t: ReturnType<typeof throwawayProject>;
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  const fingerprint = (path: string) => {
    const s = statSync(join(t.project, path));
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  };
  /** The record as if its stats had been taken a minute from now: every recorded stat trusted while it matches. */
  const trustTheRecord = () => t.setState({ ...t.state(), stamp: Date.now() + 60_000 });

  beforeAll(async () => {
    t = throwawayProject(made);
    expect(await t.run('a')).toBe('one a\n');
  }, 90_000);

  it('records, with the digest, the stat of every input, settings file and input directory', () => {
    const { stats, stamp } = t.state();
    expect(typeof stamp).toBe('number');
    expect(Object.keys(stats ?? {}).sort()).toEqual(['infra/cli', 'infra/cli/bundle-options.mjs', 'infra/cli/hello.ts', 'infra/cli/run-bundled.mjs', 'infra/cli/word.ts', 'node_modules/esbuild/package.json', 'package-lock.json', 'package.json', 'tsconfig.json']);
    for (const [path, recorded] of Object.entries(stats ?? {})) expect(recorded, path).toBe(fingerprint(path));
  });

  it('trusts matching stats recorded well after their last change: the bytes are not read (a same-stat change, impossible outside a forged record, goes unseen)', async () => {
    trustTheRecord();
    const path = join(t.project, 'infra/cli/word.ts');
    const before = t.state();
    // Write other bytes of the same size, then make the record claim the stat that results: exactly what a change
    // within the granule of a stat would look like, were the record to trust such a stat.
    t.write('infra/cli/word.ts', "export const word: string = 'uno';\n");
    t.setState({ ...before, stats: { ...before.stats, 'infra/cli/word.ts': fingerprint('infra/cli/word.ts') } });
    expect(await t.run('b')).toBe('one b\n');
    expect(readFileSync(path, 'utf8')).toContain("'uno'");
  }, 90_000);

  it('hashes a path whose recorded stat is within the margin of its change (the same edit, the real stamp): the change shows', async () => {
    // The record of the previous test, with its stamp when the stat was really taken: now, milliseconds after the write.
    t.setState({ ...t.state(), stamp: Date.now() });
    expect(await t.run('c')).toBe('uno c\n');
  }, 90_000);

  it('catches a same-size edit with the mtime set back through its ctime', async () => {
    // A whole second, which utimes sets exactly (a Date keeps milliseconds only), recorded by one run first.
    const path = join(t.project, 'infra/cli/word.ts');
    const second = Math.floor(Date.now() / 1000) - 60;
    utimesSync(path, second, second);
    expect(await t.run('d')).toBe('uno d\n');
    trustTheRecord();
    t.write('infra/cli/word.ts', "export const word: string = 'dos';\n");
    utimesSync(path, second, second);
    const recorded = t.state().stats?.['infra/cli/word.ts'] ?? '';
    expect(fingerprint('infra/cli/word.ts').split(':').slice(0, 4)).toEqual(recorded.split(':').slice(0, 4)); // device, inode, size, mtime
    expect(await t.run('d')).toBe('dos d\n');
  }, 90_000);

  it('catches a new file in an input directory (a .js beside the .ts) through the directory\'s stat', async () => {
    trustTheRecord();
    t.write('infra/cli/word.js', "export const word = 'tres';\n");
    expect(await t.run('e')).toBe('tres e\n');
    trustTheRecord();
    rmSync(join(t.project, 'infra/cli/word.js'));
    expect(await t.run('f')).toBe('dos f\n');
  }, 90_000);

  it('catches a changed settings file (tsconfig.json)', async () => {
    trustTheRecord();
    const digest = t.state().digest;
    t.write('tsconfig.json', '{ "compilerOptions": { "strict": true } }\n');
    expect(await t.run('g')).toBe('dos g\n');
    expect(t.state().digest).not.toBe(digest);
  }, 90_000);

  it('hashes a touched file, keeps the bundle, and records the new stat so that the next run trusts it', async () => {
    trustTheRecord();
    const [file] = t.bundles();
    const bundleBefore = statSync(join(t.project, 'build', file!));
    const path = join(t.project, 'infra/cli/word.ts');
    const earlier = new Date(Date.now() - 10_000);
    utimesSync(path, earlier, earlier);
    expect(await t.run('h')).toBe('dos h\n');
    const bundleAfter = statSync(join(t.project, 'build', file!));
    expect([bundleAfter.ino, bundleAfter.mtimeMs]).toEqual([bundleBefore.ino, bundleBefore.mtimeMs]);
    expect(t.state().stats?.['infra/cli/word.ts']).toBe(fingerprint('infra/cli/word.ts'));
  }, 90_000);
});

describe('a command that cannot be bundled', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  /** The launcher's exit code and stderr. */
  const failing = async (project: string) =>
    promisify(execFile)(process.execPath, [join(project, 'infra/cli/run-bundled.mjs'), 'hello'], { cwd: project, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it("fails with one line: esbuild's first error and where it is, no stack trace, nothing recorded", async () => {
    const t = throwawayProject(made);
    t.write('infra/cli/word.ts', "export const word: string = 'one' +;\n");
    const { code, stderr } = await failing(t.project);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cannot bundle infra\/cli\/hello\.ts: infra\/cli\/word\.ts:1:\d+: Unexpected ";"\n$/);
    expect(readdirSync(join(t.project, 'build')).filter((f) => f.startsWith('hello'))).toEqual([]);
  }, 90_000);

  it('fails with the plugin\'s one line when a converter file holds none of the generated filters (bundle-options.mjs)', async () => {
    const t = throwawayProject(made);
    mkdirSync(join(t.project, 'infra/synth/imports'), { recursive: true });
    t.write('infra/synth/imports/plain.ts', "export const word: string = 'one';\n");
    t.write('infra/cli/word.ts', "export { word } from '../synth/imports/plain.js';\n");
    const { code, stderr } = await failing(t.project);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cannot bundle infra\/cli\/hello\.ts: infra\/synth\/imports\/plain\.ts: 0 member filters, 0 map conversions and 0 direct results of the generated converters rewritten, expected at least 1, 0 and 1: [^\n]*\n$/);
  }, 90_000);
});
