import { InputError } from '../model/errors.js';
import type { DistArtifact, DistEnv, DistObject, DistTree } from './dist-tree.js';
import { diffValues, type PathChange } from '../compare/field-diff.js';
import { RISK_FLAGS, type ArtifactTarget, type Change, type DiffReport, type EnvSummary, type FlagReason, type ObjectTarget } from './model.js';
import { redact, redactLine } from '../compare/redaction.js';
import { artifactRisks, flagsOf, objectRisks, type RiskOptions } from './risk-flags.js';
import { diffLines } from '../compare/text-diff.js';

export interface DiffOptions {
  /** What the `before` tree is, for the report: a directory or a git ref. */
  readonly from: string;
  /** What the `after` tree is. */
  readonly to: string;
  /** Environments to compare; each must exist in one of the trees. @default - every environment of either tree */
  readonly envs?: readonly string[];
  /** Environments where every change is flagged `prod`. @default ['prod'] */
  readonly protectedEnvs?: readonly string[];
}

const EMPTY_ENV = (env: string): DistEnv => ({ env, objects: new Map(), artifacts: new Map() });

/**
 * Compares two synthesized trees object by object (matched by apiVersion, kind, namespace and name) and file by
 * file, and flags the risky changes.
 */
export function diffTrees(before: DistTree, after: DistTree, options: DiffOptions): DiffReport {
  const present = [...new Set([...before.envs.keys(), ...after.envs.keys()])].sort();
  if (options.envs) {
    const unknown = options.envs.filter((e) => !present.includes(e));
    if (unknown.length > 0) {
      throw InputError.single('--env', '', `unknown environment(s) ${unknown.map((e) => `'${e}'`).join(', ')} (the trees hold: ${present.join(', ') || 'none'})`);
    }
  }
  const envs = options.envs ? present.filter((e) => options.envs!.includes(e)) : present;
  const risk: RiskOptions = { protectedEnvs: options.protectedEnvs ?? ['prod'] };
  const environments: EnvSummary[] = [];
  const changes: Change[] = [];
  for (const env of envs) {
    const { changes: envChanges, unchanged } = diffEnv(before.envs.get(env) ?? EMPTY_ENV(env), after.envs.get(env) ?? EMPTY_ENV(env), risk);
    envChanges.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    changes.push(...envChanges);
    environments.push(summarize(env, envChanges, unchanged));
  }
  return { from: options.from, to: options.to, environments, changes };
}

function diffEnv(before: DistEnv, after: DistEnv, risk: RiskOptions): { changes: Change[]; unchanged: number } {
  const changes: Change[] = [];
  let unchanged = 0;
  const deleted: DistObject[] = [];
  for (const [key, old] of before.objects) {
    const next = after.objects.get(key);
    if (!next) {
      deleted.push(old);
      continue;
    }
    const fields = diffValues(old.body, next.body);
    if (fields.length === 0 && old.unit === next.unit) unchanged++;
    else changes.push(objectChange(after.env, old, next, fields, risk));
  }
  const added = [...after.objects.values()].filter((o) => !before.objects.has(o.key));
  for (const [old, next] of pairMoved(deleted, added)) changes.push(objectChange(after.env, old, next, diffValues(old.body, next.body), risk));
  for (const old of deleted) changes.push(objectChange(after.env, old, undefined, [], risk));
  for (const next of added) changes.push(objectChange(after.env, undefined, next, [], risk));

  for (const file of new Set([...before.artifacts.keys(), ...after.artifacts.keys()])) {
    const change = artifactChange(after.env, before.artifacts.get(file), after.artifacts.get(file), risk);
    if (change) changes.push(change);
    else unchanged++;
  }
  return { changes, unchanged };
}

/**
 * Pairs a deleted and an added object that are the same object under a new apiVersion or kind (same namespace and
 * name; same kind, or the only candidate in the same unit). Paired objects leave both lists.
 */
function pairMoved(deleted: DistObject[], added: DistObject[]): [DistObject, DistObject][] {
  const pairs: [DistObject, DistObject][] = [];
  const sameName = (a: DistObject, b: DistObject) => a.namespace === b.namespace && a.name === b.name;
  const take = (match: (old: DistObject, next: DistObject) => boolean) => {
    for (const old of [...deleted]) {
      const candidates = added.filter((next) => match(old, next));
      const rivals = deleted.filter((other) => candidates.length === 1 && match(other, candidates[0]!));
      if (candidates.length !== 1 || rivals.length !== 1) continue;
      pairs.push([old, candidates[0]!]);
      deleted.splice(deleted.indexOf(old), 1);
      added.splice(added.indexOf(candidates[0]!), 1);
    }
  };
  take((old, next) => sameName(old, next) && old.kind === next.kind);
  take((old, next) => sameName(old, next) && old.unit === next.unit);
  return pairs;
}

function objectChange(env: string, before: DistObject | undefined, after: DistObject | undefined, fields: readonly PathChange[], risk: RiskOptions): Change {
  const current = (after ?? before)!;
  const reasons = sortReasons(objectRisks({ env, ...(before && { before }), ...(after && { after }), changes: fields }, risk));
  const flags = flagsOf(reasons);
  const status = !before ? 'added' : !after ? 'deleted' : flags.includes('replacement') ? 'replaced' : 'changed';
  const moved = before && after && (before.key !== after.key || before.file !== after.file);
  return {
    env,
    unit: current.unit,
    ...(current.module !== undefined && { module: current.module }),
    status,
    target: objectTarget(current),
    ...(moved && { previous: objectTarget(before) }),
    ...(before && after && before.unit !== after.unit && { previousUnit: before.unit }),
    flags,
    reasons,
    fields: fields.map((f) => f.change),
    ...((status === 'added' || status === 'deleted') && { body: redact(current.body) }),
  };
}

function objectTarget(object: DistObject): ObjectTarget {
  return {
    type: 'object',
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.namespace !== undefined && { namespace: object.namespace }),
    name: object.name,
    file: object.file,
  };
}

function artifactChange(env: string, before: DistArtifact | undefined, after: DistArtifact | undefined, risk: RiskOptions): Change | undefined {
  const current = (after ?? before)!;
  const yaml = current.format === 'yaml' && (!before || before.format === 'yaml') && (!after || after.format === 'yaml');
  let fields: PathChange[] = [];
  let hunks: Change['hunks'];
  if (before && after) {
    if (before.text === after.text) return undefined;
    if (yaml) {
      fields = diffValues(before.document, after.document);
      if (fields.length === 0) return undefined;
    } else hunks = redactHunks(diffLines(before.text, after.text));
  } else if (!yaml) {
    hunks = redactHunks(diffLines(before?.text ?? '', after?.text ?? ''));
  }
  const reasons = sortReasons(artifactRisks({ env, ...(before && { before }), ...(after && { after }), changes: fields }, risk));
  const target: ArtifactTarget = { type: 'artifact', kind: current.kind, format: yaml ? 'yaml' : 'text', file: current.file };
  return {
    env,
    unit: current.unit,
    ...(current.module !== undefined && { module: current.module }),
    status: !before ? 'added' : !after ? 'deleted' : 'changed',
    target,
    flags: flagsOf(reasons),
    reasons,
    fields: fields.map((f) => f.change),
    ...(hunks && { hunks }),
    ...(yaml && (!before || !after) && { body: redact(current.document) }),
  };
}

function redactHunks(hunks: NonNullable<Change['hunks']>): NonNullable<Change['hunks']> {
  return hunks.map((h) => ({ ...h, lines: h.lines.map(redactLine) }));
}

function sortReasons(reasons: readonly FlagReason[]): FlagReason[] {
  return [...reasons].sort((a, b) => RISK_FLAGS.indexOf(a.flag) - RISK_FLAGS.indexOf(b.flag));
}

function sortKey(change: Change): string {
  const t = change.target;
  const what = t.type === 'object' ? `0${t.kind}\0${t.namespace ?? ''}\0${t.name}\0${t.apiVersion}` : `1${t.file}`;
  return `${change.unit}\0${what}`;
}

function summarize(env: string, changes: readonly Change[], unchanged: number): EnvSummary {
  const count = (status: Change['status']) => changes.filter((c) => c.status === status).length;
  return {
    env,
    added: count('added'),
    changed: count('changed'),
    replaced: count('replaced'),
    deleted: count('deleted'),
    flagged: changes.filter((c) => c.flags.length > 0).length,
    unchanged,
  };
}
