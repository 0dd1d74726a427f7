import { isMap, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { InputError } from '../model/errors.js';
import { deepEqual } from '../model/json.js';
import { parseReleases } from '../schema/validate-environment.js';

/**
 * Rollback of a release file from its own git history, as pure text edits: the shell reads the versions with git and
 * writes the result. A release entry is an opaque YAML value (a tag today; a digest form may follow): entries are
 * compared as values and copied as the source text they had, so the edit changes exactly the entries rolled back and
 * keeps every comment, blank line and quoting style of the file.
 */

/** One committed version of the release file, newest first; the first is the version at HEAD. */
export interface FileVersion {
  readonly commit: string;
  readonly subject: string;
  /** The file at that commit; undefined where the commit deleted it. */
  readonly text: string | undefined;
}

export interface RollbackRequest {
  /** The file as shown in messages: `environments/releases/test.yaml`. */
  readonly file: string;
  /** The file as it is now (equal to HEAD's version: the shell refuses uncommitted edits). */
  readonly current: string;
  /** Versions that touched the file, newest first (`git log -- <file>`). */
  readonly history: readonly FileVersion[];
  /** Module names of the current catalog. */
  readonly catalog: readonly string[];
  /** Roll back one module; the whole file when absent. */
  readonly module?: string;
  /** How many releases (of the module) or versions (of the file) to go back. @default 1 */
  readonly steps?: number;
  /** Roll back to the file as it was at this commit instead of counting steps. */
  readonly to?: { readonly ref: string; readonly commit: string; readonly text: string | undefined };
}

export interface EntryChange {
  readonly module: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface RollbackPlan {
  /** The new file text. */
  readonly text: string;
  readonly changes: readonly EntryChange[];
  /** The commit whose entries the rollback restores. */
  readonly target: { readonly commit: string; readonly subject?: string; readonly ref?: string };
}

/** Computes the rolled-back file, or refuses with an InputError naming why. */
export function planRollback(request: RollbackRequest): RollbackPlan {
  const { file, module } = request;
  const steps = request.steps ?? 1;
  const current = entries(request.current, file, 'the working tree');
  if (module !== undefined) {
    if (!request.catalog.includes(module)) throw InputError.single('--module', '', `module '${module}' is not in the catalog (modules/): there is nothing to roll back`);
    if (!current.has(module)) throw InputError.single(file, `modules.${module}`, `module '${module}' has no entry to roll back`);
  }
  const target = module === undefined ? fileTarget(request, steps) : moduleTarget(request, module, current.get(module), steps);
  const shown = target.ref ?? short(target.commit);
  if (target.text === undefined) throw InputError.single(file, '', `does not exist at ${shown}`);
  const old = entries(target.text, file, shown);

  const wanted = new Map<string, unknown>();
  if (module !== undefined) {
    wanted.set(module, old.get(module)!.value);
  } else {
    for (const [name, entry] of old) {
      if (!request.catalog.includes(name)) throw InputError.single(file, `modules.${name}`, `module '${name}' (released at ${shown}) is no longer in the catalog: roll back module by module with --module`);
      if (!current.has(name)) throw InputError.single(file, `modules.${name}`, `module '${name}' is in the catalog but has no entry now; add it before rolling back`);
      wanted.set(name, entry.value);
    }
    for (const name of current.keys()) {
      if (!old.has(name)) throw InputError.single(file, `modules.${name}`, `module '${name}' has no release at ${shown} (added later): roll back module by module with --module, or pick a later --to`);
    }
  }
  const changes: EntryChange[] = [];
  for (const [name, value] of wanted) {
    const from = current.get(name)!.value;
    if (!deepEqual(from, value)) changes.push({ module: name, from, to: value });
  }
  if (changes.length === 0) throw InputError.single(file, module === undefined ? 'modules' : `modules.${module}`, `already as at ${shown}: nothing to roll back`);

  const text = edit(request.current, target.text, changes.map((c) => c.module), file);
  // What is written must fit today's schema: the one parser of release files decides.
  try {
    parseReleases(text, file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.problems.map((p) => ({ ...p, message: `schema mismatch, the entry as at ${shown} does not fit today's schema: ${p.message}` })));
  }
  // The edit must change exactly the planned entries.
  const after = entries(text, file, 'the rolled-back file');
  for (const [name, entry] of current) {
    const expected = wanted.has(name) ? wanted.get(name) : entry.value;
    if (!deepEqual(after.get(name)?.value, expected)) throw new Error(`rollback edit of ${file} went wrong at modules.${name}`);
  }
  return { text, changes, target: { commit: target.commit, ...(target.subject !== undefined && { subject: target.subject }), ...(target.ref !== undefined && { ref: target.ref }) } };
}

interface Target {
  readonly commit: string;
  readonly subject?: string;
  readonly ref?: string;
  readonly text: string | undefined;
}

function fileTarget(request: RollbackRequest, steps: number): Target {
  if (request.to) return request.to;
  const version = request.history[steps];
  if (!version) {
    throw InputError.single('--steps', '', `${request.file} has ${Math.max(0, request.history.length - 1)} earlier version(s) in git history, not ${steps}`);
  }
  return version;
}

/** The version that holds the module's entry as it was `steps` releases ago (or at `to`). */
function moduleTarget(request: RollbackRequest, module: string, now: Entry | undefined, steps: number): Target {
  const { file } = request;
  if (request.to) {
    const at = request.to.text === undefined ? undefined : rawEntries(request.to.text).get(module);
    if (at === undefined) throw InputError.single(file, `modules.${module}`, `module '${module}' has no entry at ${request.to.ref}`);
    return request.to;
  }
  let value = now?.value;
  let releases = 0;
  for (const version of request.history) {
    const entry = version.text === undefined ? undefined : rawEntries(version.text).get(module);
    if (entry === undefined) break;
    if (!deepEqual(entry, value)) {
      releases++;
      value = entry;
      if (releases === steps) return version;
    }
  }
  throw InputError.single('--steps', '', `module '${module}' has ${releases} earlier release(s) in the git history of ${file}, not ${steps}`);
}

interface Entry {
  readonly value: unknown;
  readonly pair: Pair;
}

/** The entries of `modules` with their YAML pairs; a file that does not parse is an InputError. */
function entries(text: string, file: string, where: string): Map<string, Entry> {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw InputError.single(file, '', `${where}: YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}`);
  return entriesOf(doc);
}

function entriesOf(doc: Document): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const modules = doc.get('modules', true);
  if (!isMap(modules)) return out;
  for (const pair of (modules as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    out.set(key, { value: (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? pair.value, pair });
  }
  return out;
}

/** Module values of a historical version, leniently (older versions may not fit today's schema). */
function rawEntries(text: string): Map<string, unknown> {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return new Map();
  return new Map([...entriesOf(doc)].map(([name, entry]) => [name, entry.value]));
}

/**
 * Replaces the values of `modules` in `current` with their source text in `old`. Same-shaped values (scalar for
 * scalar, block for block) are spliced as text, so nothing else of the file moves; a value whose shape changed is
 * set through the yaml Document API, which keeps comments.
 */
function edit(current: string, old: string, modules: readonly string[], file: string): string {
  const now = entriesOf(parseDocument(current));
  const then = entriesOf(parseDocument(old));
  const splices: { start: number; end: number; text: string }[] = [];
  const reshaped: string[] = [];
  for (const module of modules) {
    const a = now.get(module)!.pair.value as { range?: [number, number, number] } | null;
    const b = then.get(module)!.pair.value as { range?: [number, number, number] } | null;
    const sameShape = a && b && a.range && b.range && isScalar(a) === isScalar(b) && (isScalar(a) || indentOf(current, a.range[0]) === indentOf(old, b.range[0]));
    if (sameShape) splices.push({ start: a.range![0], end: a.range![1], text: old.slice(b.range![0], b.range![1]) });
    else reshaped.push(module);
  }
  let text = current;
  for (const s of splices.sort((x, y) => y.start - x.start)) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  if (reshaped.length === 0) return text;
  const doc = parseDocument(text);
  const source = parseDocument(old);
  for (const module of reshaped) doc.setIn(['modules', module], doc.createNode(source.getIn(['modules', module])));
  if (doc.errors.length > 0) throw InputError.single(file, '', 'could not edit the file');
  return doc.toString({ lineWidth: 0 });
}

function indentOf(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return offset - lineStart;
}

export function short(commit: string): string {
  return commit.slice(0, 7);
}

/** The commit message of a rollback: subject line, then what changes and from which commit. */
export function rollbackMessage(env: string, plan: RollbackPlan, module?: string): { subject: string; body: string } {
  const shown = plan.target.ref ?? short(plan.target.commit);
  const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const subject =
    module !== undefined
      ? `Roll back ${module} in ${env} to ${value(plan.changes[0]!.to)}`
      : `Roll back ${env} releases to ${shown} (${plan.changes.length} module${plan.changes.length === 1 ? '' : 's'})`;
  const body = [
    `Restores environments/releases/${env}.yaml entries as of ${short(plan.target.commit)}${plan.target.subject ? ` ("${plan.target.subject}")` : ''}:`,
    '',
    ...plan.changes.map((c) => `- ${c.module}: ${value(c.from)} → ${value(c.to)}`),
    '',
    'Prepared by npm run rollback; merging it deploys like any release.',
  ].join('\n');
  return { subject, body };
}
