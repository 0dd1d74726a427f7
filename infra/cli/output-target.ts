import { spawnSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../model/errors.js';
import { projectRoot } from './project-root.js';

/**
 * Where the commands may write. An output path is safe by construction: every writer (synth and graph `--out`,
 * diff `--out` and `--json-out`) resolves its target here first, and a refused target stops the run before a byte
 * is written.
 *
 * A directory (`--out` of synth and graph) is written only where the tool owns the content:
 * - inside the repository (or the project, when it is no git checkout): only `dist/` at the root, or a directory
 *   that carries the tool's marker file (`.icv-output`, written into every directory synth or graph fills);
 *   never the root itself, a tracked path, or anything under the inputs (environments/, modules/, infra/, test/…);
 * - anywhere else: a directory that does not exist yet, is empty, or carries the marker.
 * A report file (`--out`, `--json-out` of diff) may be any path that is not a directory, not tracked by git, not
 * inside the inputs and not inside the trees being compared; inside the repository it must be untracked (ask git),
 * and when git cannot answer only `dist/` and marked directories are allowed.
 *
 * File-system errors (EACCES, EPERM, ENOTDIR, ENOSPC, ELOOP, …) become one InputError naming the path (exit 2).
 */

/** The file that marks a directory as written by this tool; its content says what replaces what. */
export const OUTPUT_MARKER = '.icv-output';
export const MARKER_CONTENT =
  'Written by icv-platform (npm run synth / npm run graph). Every <env>/ directory here is replaced on each run;\n' +
  'this file lets the tool recognise the directory as its own. Delete the directory, not this file, to start over.\n';

/** Top-level folders of the repository that hold inputs or tooling; no output goes below them. */
export const PROTECTED_FOLDERS = ['environments', 'modules', 'infra', 'test', 'ci', 'bench', 'node_modules', '.git', '.ci'] as const;

/** The default output directory, at the repository root: git-ignored and the tool's by definition. */
export const DEFAULT_OUT = 'dist';

/** The file-system functions writers use; tests replace one to simulate a full disk or a permission error. */
export interface OutputFs {
  readonly mkdirSync: typeof nodeFs.mkdirSync;
  readonly writeFileSync: typeof nodeFs.writeFileSync;
  readonly renameSync: typeof nodeFs.renameSync;
  readonly rmSync: typeof nodeFs.rmSync;
}

export const realFs: OutputFs = {
  mkdirSync: nodeFs.mkdirSync,
  writeFileSync: nodeFs.writeFileSync,
  renameSync: nodeFs.renameSync,
  rmSync: nodeFs.rmSync,
};

/** A file-system error as one line naming the path, or undefined when `error` is not one. */
export function fsProblem(error: unknown, option: string, path: string): InputError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  const at = (error as NodeJS.ErrnoException).path ?? path;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is a file, not a directory',
    ENOSPC: 'no space left on the device',
    ELOOP: 'too many levels of symbolic links (a symlink loop)',
    EROFS: 'read-only file system',
    EEXIST: 'already exists',
    ENOENT: 'no such file or directory',
    EISDIR: 'is a directory',
    EDQUOT: 'disk quota exceeded',
  };
  return InputError.single(option, '', `cannot write '${at}': ${why[code] ?? (error as Error).message} (${code}); nothing was written`);
}

/** Runs `body`, turning a file-system error into an InputError naming `path`. */
export function withFsErrors<T>(option: string, path: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw fsProblem(error, option, path) ?? error;
  }
}

/**
 * The real path of `path` (symlinks resolved) even when its tail does not exist yet: the deepest existing ancestor
 * is resolved and the rest appended. Also says whether the path itself exists.
 */
function realTarget(path: string, option: string): { real: string; exists: boolean } {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = nodeFs.realpathSync(current);
      return { real: missing.length === 0 ? real : join(real, ...missing.reverse()), exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' || dirname(current) === current) throw fsProblem(error, option, path) ?? error;
      missing.push(basename(current));
      current = dirname(current);
    }
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The git work tree that holds `dir` (an existing directory), or undefined. */
function gitRoot(dir: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (result.status !== 0 || result.error) return undefined;
  const top = result.stdout.trim();
  return top ? nodeFs.realpathSync(top) : undefined;
}

/** Whether git tracks `path` or anything below it; undefined when git cannot say. */
function tracked(root: string, path: string): boolean | undefined {
  const result = spawnSync('git', ['ls-files', '-z', '--', relative(root, path) || '.'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0 || result.error) return undefined;
  return result.stdout.length > 0;
}

/** Whether a directory (real path) carries the marker, or one of its ancestors up to `root` does. */
function markedWithin(root: string, dir: string): boolean {
  for (let d = dir; isInside(root, d); d = dirname(d)) {
    if (nodeFs.existsSync(join(d, OUTPUT_MARKER))) return true;
    if (d === root) break;
  }
  return false;
}

/** The repositories (git work tree, and the project root when it is none) whose rules apply to `real`. */
function enclosingRoots(real: string): string[] {
  let existing = real;
  while (!nodeFs.existsSync(existing)) existing = dirname(existing);
  const dir = nodeFs.statSync(existing).isDirectory() ? existing : dirname(existing);
  const roots = new Set<string>();
  const git = gitRoot(dir);
  if (git) roots.add(git);
  try {
    const project = nodeFs.realpathSync(projectRoot());
    if (isInside(project, real)) roots.add(project);
  } catch {
    // no project root above this module (a bundled copy elsewhere): the git rule alone applies
  }
  return [...roots];
}

function refuse(option: string, path: string, why: string): never {
  throw InputError.single(option, '', `refusing to write '${path}': ${why}`);
}

/** The checks both kinds of target share: the repository root, the inputs, tracked paths. */
function checkRepositoryRules(option: string, shown: string, real: string, kind: 'directory' | 'file'): { root: string; gitKnows: boolean }[] {
  return enclosingRoots(real).map((root) => {
    if (real === root) refuse(option, shown, `it is the repository root; write to ${DEFAULT_OUT}/ or a directory outside the repository`);
    const top = relative(root, real).split(sep)[0]!;
    if ((PROTECTED_FOLDERS as readonly string[]).includes(top)) {
      refuse(option, shown, `it is inside ${top}/, which holds the repository's inputs; write to ${DEFAULT_OUT}/ or outside the repository`);
    }
    const isTracked = tracked(root, real);
    if (isTracked === true) refuse(option, shown, `git tracks ${kind === 'directory' ? 'files in it' : 'it'}; the tool writes only where it owns the content`);
    return { root, gitKnows: isTracked !== undefined };
  });
}

/** A directory the tool may fill: checked, not yet created. */
export interface OutputDirectory {
  /** The path as the user gave it, for messages. */
  readonly shown: string;
  /** The absolute path. */
  readonly path: string;
}

/** Checks a `--out` directory against the rules above; throws an InputError naming the option and the path. */
export function outputDirectory(option: string, given: string, cwd = process.cwd()): OutputDirectory {
  const shown = given === '' ? '(empty)' : given;
  if (given.trim() === '') refuse(option, shown, 'the path is empty; name a directory such as dist');
  const path = resolve(cwd, given);
  const { real, exists } = realTarget(path, option);
  if (exists && !nodeFs.statSync(real).isDirectory()) refuse(option, shown, 'it exists and is not a directory');
  const roots = checkRepositoryRules(option, shown, real, 'directory');
  const marked = exists && nodeFs.existsSync(join(real, OUTPUT_MARKER));
  for (const { root } of roots) {
    if (real === join(root, DEFAULT_OUT)) continue;
    if (!markedWithin(root, real)) {
      refuse(option, shown, `inside the repository the tool writes only to ${DEFAULT_OUT}/ or a directory it created (one holding ${OUTPUT_MARKER})`);
    }
  }
  if (roots.length === 0 && exists && !marked && nodeFs.readdirSync(real).length > 0) {
    refuse(option, shown, `it is a non-empty directory the tool did not create (no ${OUTPUT_MARKER} in it); name a new or empty directory`);
  }
  return { shown, path };
}

/** Checks a report file target; `avoid` are directories it must not be inside (the trees being compared). */
export function outputFile(option: string, given: string, avoid: readonly string[] = [], cwd = process.cwd()): string {
  const shown = given === '' ? '(empty)' : given;
  if (given.trim() === '') refuse(option, shown, 'the path is empty; name a file such as dist/diff.md');
  const path = resolve(cwd, given);
  const { real, exists } = realTarget(path, option);
  if (exists && nodeFs.statSync(real).isDirectory()) refuse(option, shown, 'it is a directory; name a file');
  for (const dir of avoid) {
    const realDir = realTarget(resolve(cwd, dir), option).real;
    if (isInside(realDir, real)) refuse(option, shown, `it is inside '${dir}', one of the trees being compared`);
  }
  for (const { root, gitKnows } of checkRepositoryRules(option, shown, real, 'file')) {
    if (!gitKnows && !isInside(join(root, DEFAULT_OUT), real) && !markedWithin(root, dirname(real))) {
      refuse(option, shown, `git cannot say whether the path is tracked; inside the repository write under ${DEFAULT_OUT}/`);
    }
  }
  return path;
}

/**
 * Replaces `<out>/<name>/` for every tree at once: each is written to a staging directory beside it, then all are
 * swapped in with renames and the marker is written. Any error removes what this run created (staging directories,
 * the output directory itself when the run created it) and restores every previous tree, then throws an InputError
 * naming the path for a file-system error.
 */
export function replaceTrees(target: OutputDirectory, option: string, trees: ReadonlyMap<string, ReadonlyMap<string, string>>, fs: OutputFs = realFs): void {
  const out = target.path;
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  let created: string | undefined;
  const staged: { target: string; staging: string; previous: string; swapped: boolean; hadPrevious: boolean }[] = [];
  const markerStaging = join(out, `${OUTPUT_MARKER}.tmp-${suffix}`);
  try {
    withFsErrors(option, out, () => {
      created = fs.mkdirSync(out, { recursive: true });
      for (const [name, files] of trees) {
        const entry = { target: join(out, name), staging: join(out, `.${name}.tmp-${suffix}`), previous: join(out, `.${name}.old-${suffix}`), swapped: false, hadPrevious: false };
        staged.push(entry);
        for (const [path, content] of files) {
          const file = join(entry.staging, path);
          fs.mkdirSync(dirname(file), { recursive: true });
          fs.writeFileSync(file, content);
        }
      }
      fs.writeFileSync(markerStaging, MARKER_CONTENT);
      for (const entry of staged) {
        entry.hadPrevious = nodeFs.existsSync(entry.target);
        if (entry.hadPrevious) fs.renameSync(entry.target, entry.previous);
        entry.swapped = true;
        fs.renameSync(entry.staging, entry.target);
      }
      fs.renameSync(markerStaging, join(out, OUTPUT_MARKER));
    });
  } catch (error) {
    // Put every previous tree back, then remove everything this run created.
    for (const entry of [...staged].reverse()) {
      if (!entry.swapped) continue;
      if (nodeFs.existsSync(entry.target) && !nodeFs.existsSync(entry.staging)) nodeFs.renameSync(entry.target, entry.staging);
      if (entry.hadPrevious && nodeFs.existsSync(entry.previous)) nodeFs.renameSync(entry.previous, entry.target);
    }
    for (const entry of staged) nodeFs.rmSync(entry.staging, { recursive: true, force: true });
    nodeFs.rmSync(markerStaging, { force: true });
    if (created !== undefined) nodeFs.rmSync(created, { recursive: true, force: true });
    throw error;
  }
  for (const entry of staged) nodeFs.rmSync(entry.previous, { recursive: true, force: true });
}

/**
 * Writes report files all or nothing: each goes to a temporary name beside it, and only when all are written are
 * they renamed into place.
 */
export function writeFilesTogether(files: readonly { readonly option: string; readonly path: string; readonly content: string }[], fs: OutputFs = realFs): void {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const temporary: string[] = [];
  const createdDirs: string[] = [];
  try {
    for (const file of files) {
      withFsErrors(file.option, file.path, () => {
        const made = fs.mkdirSync(dirname(file.path), { recursive: true });
        if (made !== undefined) createdDirs.push(made);
        const tmp = `${file.path}.tmp-${suffix}`;
        temporary.push(tmp);
        fs.writeFileSync(tmp, file.content);
      });
    }
    files.forEach((file, i) => withFsErrors(file.option, file.path, () => fs.renameSync(temporary[i]!, file.path)));
  } catch (error) {
    for (const tmp of temporary) nodeFs.rmSync(tmp, { force: true });
    for (const dir of createdDirs.reverse()) nodeFs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
