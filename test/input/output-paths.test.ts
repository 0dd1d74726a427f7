import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as diff } from '../../infra/cli/diff.js';
import { main as graph } from '../../infra/cli/graph.js';
import { OUTPUT_MARKER, outputDirectory, realFs, replaceTrees, writeFilesTogether, type OutputFs } from '../../infra/cli/output-target.js';
import { main as synth } from '../../infra/cli/synth.js';
import { InputError } from '../../infra/model/errors.js';
import { captureOutput, tempDir } from '../support/inputs.js';
import { hasStackTrace, repositoryFingerprint } from '../support/no-write.js';

/**
 * Output paths are safe by construction: every writer refuses the repository root, tracked paths, the inputs and
 * directories it does not own, and a file-system error is one line naming the path. Each refusal exits 2 and leaves
 * the scratch repository, the real repository and the neighbourhood of the target exactly as they were.
 */

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore' });

/** A scratch git repository shaped like this one: inputs, a tracked release file, an untracked notes folder. */
function scratchRepository(): string {
  const root = tempDir('icv-scratch-repo-');
  const files: Record<string, string> = {
    'README.md': 'scratch\n',
    'environments/releases/prod.yaml': 'modules: {}\n',
    'test/example.test.ts': '// test\n',
    'docs/guide.md': 'guide\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'scratch');
  mkdirSync(join(root, 'notes'));
  writeFileSync(join(root, 'notes', 'todo.txt'), 'mine\n');
  return root;
}

let repo: string;
let outside: string;
let synthesized: string;
beforeAll(async () => {
  repo = scratchRepository();
  outside = tempDir('icv-outside-');
  synthesized = tempDir('icv-synthesized-');
  expect((await captureOutput(() => synth(['--out', synthesized]))).result).toBe(0);
});

/** Everything under a directory, dot files included, as path → content. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isSymbolicLink()) out.set(path, `-> ${readlinkSync(path)}`);
      else if (entry.isDirectory()) walk(path);
      else out.set(path, readFileSync(path, 'utf8'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

async function expectRefused(run: () => Promise<number>, message: RegExp, watched: string[]) {
  const before = watched.map((dir) => snapshot(dir));
  const repository = repositoryFingerprint();
  const { result, stderr } = await captureOutput(run);
  expect(stderr).toMatch(message);
  expect(result).toBe(2);
  expect(hasStackTrace(stderr)).toBe(false);
  expect(stderr.trim().split('\n')).toHaveLength(2);
  watched.forEach((dir, i) => expect(snapshot(dir), dir).toEqual(before[i]));
  expect(repositoryFingerprint()).toBe(repository);
}

describe('synth --out: only where the tool owns the content', () => {
  const refusals: [string, () => string, RegExp][] = [
    ['the repository root', () => repo, /error: --out: \(root\): refusing to write '.*': it is the repository root/],
    ['an empty path', () => '', /error: --out: \(root\): refusing to write '\(empty\)': the path is empty/],
    ['the inputs (environments/)', () => join(repo, 'environments'), /refusing to write '.*environments': it is inside environments\/, which holds the repository's inputs/],
    ['a new folder inside the inputs (test/)', () => join(repo, 'test', 'out'), /it is inside test\/, which holds the repository's inputs/],
    ['a tracked folder', () => join(repo, 'docs'), /refusing to write '.*docs': git tracks files in it/],
    ['an untracked folder the tool did not create', () => join(repo, 'notes'), /inside the repository the tool writes only to dist\/ or a directory it created/],
    ['a new folder inside the repository that is not dist/', () => join(repo, 'build-output'), /inside the repository the tool writes only to dist\//],
    ['a non-empty directory outside without the marker', () => { writeFileSync(join(outside, 'keep.txt'), 'keep'); return outside; }, /it is a non-empty directory the tool did not create \(no \.icv-output in it\)/],
    ['a path below a file (ENOTDIR)', () => { writeFileSync(join(outside, 'plain-file'), 'x'); return join(outside, 'plain-file', 'sub'); }, /error: --out: \(root\): cannot write '.*plain-file\/sub': a part of the path is a file, not a directory \(ENOTDIR\)/],
    ['a symlink loop (ELOOP)', () => { symlinkSync(join(outside, 'loop-b'), join(outside, 'loop-a')); symlinkSync(join(outside, 'loop-a'), join(outside, 'loop-b')); return join(outside, 'loop-a', 'out'); }, /cannot write '.*loop-a(\/out)?': too many levels of symbolic links \(a symlink loop\) \(ELOOP\)/],
  ];
  for (const [what, target, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const path = target();
      await expectRefused(() => synth(['--env', 'test', '--out', path]), message, [repo, outside]);
    });
  }

  it("the real repository: '.', '', environments/, test/, infra/ and modules/ are refused, dist/ is not", () => {
    for (const path of ['.', '', 'environments', 'test', 'infra/cli', 'modules', 'environments/releases']) {
      expect(() => outputDirectory('--out', path), path).toThrow(InputError);
    }
    expect(outputDirectory('--out', 'dist').path).toBe(join(process.cwd(), 'dist'));
  });

  it("writes the repository's dist/ and marks it, then writes a marked directory again", async () => {
    expect((await captureOutput(() => synth(['--env', 'test', '--out', join(repo, 'dist')]))).result).toBe(0);
    expect(readdirSync(join(repo, 'dist')).sort()).toEqual([OUTPUT_MARKER, 'test']);
    const fresh = join(tempDir(), 'new');
    expect((await captureOutput(() => synth(['--env', 'test', '--out', fresh]))).result).toBe(0);
    expect((await captureOutput(() => synth(['--env', 'test', '--out', fresh]))).result).toBe(0);
    expect(readdirSync(fresh).sort()).toEqual([OUTPUT_MARKER, 'test']);
  });
});

describe('graph --out and diff --out/--json-out', () => {
  it('graph refuses the repository root', async () => {
    await expectRefused(() => graph(['--out', repo]), /error: --out: \(root\): refusing to write '.*': it is the repository root/, [repo]);
  });

  it('diff refuses to overwrite a tracked release file with the report', async () => {
    await expectRefused(
      () => diff(['--from', synthesized, '--to', synthesized, '--out', 'environments/releases/prod.yaml'], { cwd: repo }),
      /error: --out: \(root\): refusing to write 'environments\/releases\/prod\.yaml': it is inside environments\//,
      [repo],
    );
  });

  it('diff refuses a tracked file outside the inputs, a directory, a file inside a compared tree, and one file for both reports', async () => {
    await expectRefused(() => diff(['--from', synthesized, '--to', synthesized, '--out', 'README.md'], { cwd: repo }), /refusing to write 'README\.md': git tracks it/, [repo]);
    await expectRefused(() => diff(['--from', synthesized, '--to', synthesized, '--json-out', 'notes'], { cwd: repo }), /error: --json-out: \(root\): refusing to write 'notes': it is a directory/, [repo]);
    await expectRefused(() => diff(['--from', synthesized, '--to', synthesized, '--out', join(synthesized, 'test', 'report.md')]), /it is inside '.*', one of the trees being compared/, [synthesized]);
    await expectRefused(() => diff(['--from', synthesized, '--to', synthesized, '--out', 'r.md', '--json-out', 'r.md'], { cwd: repo }), /'r\.md' is also the --json-out file/, [repo]);
  });

  it('diff writes an untracked report at the repository root (as CI does)', async () => {
    const { result } = await captureOutput(() => diff(['--from', synthesized, '--to', synthesized, '--out', 'diff.md', '--json-out', 'diff.json'], { cwd: repo }));
    expect(result).toBe(0);
    expect(existsSync(join(repo, 'diff.md')) && existsSync(join(repo, 'diff.json'))).toBe(true);
  });
});

/** A file system whose nth call of `op` fails with `code`. */
function failing(op: keyof OutputFs, code: string, nth = 1): OutputFs {
  let calls = 0;
  const fail = (...args: unknown[]) => {
    calls += 1;
    if (calls === nth) throw Object.assign(new Error(`${code}: simulated`), { code, path: String(args[0]) });
    return (realFs[op] as (...a: unknown[]) => unknown)(...args);
  };
  return { ...realFs, [op]: fail };
}

describe('file-system errors: one line naming the path, nothing written or removed, no temporary directory left', () => {
  const trees = new Map([['test', new Map([['a.yaml', 'a: 1\n'], ['b/c.yaml', 'c: 2\n']])], ['prod', new Map([['a.yaml', 'a: 3\n']])]]);
  const cases: [string, OutputFs, RegExp][] = [
    ['a full disk while writing (ENOSPC)', failing('writeFileSync', 'ENOSPC', 2), /cannot write '.*': no space left on the device \(ENOSPC\); nothing was written/],
    ['a permission error while creating a folder (EACCES)', failing('mkdirSync', 'EACCES', 2), /permission denied \(EACCES\)/],
    ['a refused rename while swapping in the second tree (EPERM)', failing('renameSync', 'EPERM', 3), /operation not permitted \(EPERM\)/],
  ];
  for (const [what, fs, message] of cases) {
    it(`${what}: the previous trees stay as they were`, async () => {
      const out = tempDir('icv-fs-errors-');
      replaceTrees({ shown: out, path: out }, '--out', new Map([['test', new Map([['old.yaml', 'old\n']])], ['prod', new Map([['old.yaml', 'old prod\n']])]]));
      const before = snapshot(out);
      let error: unknown;
      try {
        replaceTrees({ shown: out, path: out }, '--out', trees, fs);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(message);
      expect((error as InputError).message.split('\n')).toHaveLength(1);
      expect(snapshot(out)).toEqual(before);
      expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'prod', 'test']);
    });
  }

  it('a failure in a directory the run created removes that directory again', () => {
    const parent = tempDir('icv-fs-created-');
    const out = join(parent, 'new', 'out');
    expect(() => replaceTrees({ shown: out, path: out }, '--out', trees, failing('writeFileSync', 'ENOSPC', 1))).toThrow(/ENOSPC/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('report files are written all or none', () => {
    const dir = tempDir('icv-fs-reports-');
    const files = [
      { option: '--json-out', path: join(dir, 'diff.json'), content: '{}' },
      { option: '--out', path: join(dir, 'diff.md'), content: '# diff' },
    ];
    expect(() => writeFilesTogether(files, failing('renameSync', 'ENOSPC', 2))).toThrow(/--json-out|--out/);
    expect(readdirSync(dir).filter((f) => f !== 'diff.json')).toEqual([]);
  });
});
