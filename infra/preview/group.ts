import type { PathChange } from '../compare/field-diff.js';
import type { PathSegment } from '../compare/field-path.js';
import { parseImageRef, type ImageRef } from '../model/image-ref.js';
import { isRecord } from '../model/json.js';
import { changeTitle, RISK_FLAGS, type Change, type ChangeGroup, type FlagRow, type Intent } from './model.js';

/** The parts of an image reference a declaration can single out. */
export type ImagePartName = 'registry' | 'repository' | 'tag' | 'digest';

/**
 * Where test and prod may differ: the id of the parity declaration that allows a difference at `segments` of an
 * object of `kind` (or of the artifact `file`), for one part of an image reference when `imagePart` is given;
 * undefined where they must be identical. The shell builds it from environments/parity.ts.
 */
export type DeclaredDifference = (target: { readonly kind?: string; readonly file?: string }, segments: readonly PathSegment[], imagePart?: ImagePartName) => string | undefined;

/** What makes two changes of different environments the same change, and which declarations it relies on. */
export interface ChangeSignature {
  readonly signature: string;
  /** Declarations covering values that were masked. */
  readonly declared: readonly string[];
  /** The declarations that allow every field this change makes, when they all are declared; else empty. */
  readonly onlyDeclared: readonly string[];
}

const IMAGE_PARTS: readonly ImagePartName[] = ['registry', 'repository', 'tag', 'digest'];

/**
 * The signature of a change: its unit, status, object, and fields with every value at a declared path masked by the
 * declaration's id (each part of an image reference on its own). Two environments' changes with one signature are
 * the same change modulo declared parity differences.
 */
export function signatureOf(change: Change, fields: readonly PathChange[], declared: DeclaredDifference | undefined): ChangeSignature {
  const t = change.target;
  const target = t.type === 'object' ? { kind: t.kind } : { file: t.file };
  const used = new Set<string>();
  const mask = (segments: readonly PathSegment[], value: unknown): unknown => {
    if (!declared) return value;
    const id = declared(target, segments);
    if (id !== undefined) {
      used.add(id);
      return `<declared:${id}>`;
    }
    if (typeof value === 'string' && segments[segments.length - 1] === 'image') return maskImage(target, segments, value, declared, used);
    if (Array.isArray(value)) return value.map((item, i) => mask([...segments, itemSegment(item, i)], item));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask([...segments, k], v)]));
    return value;
  };
  const masked = fields.map(({ segments, change: f }) => [f.path, f.op, f.hidden ? 'hidden' : mask(segments, f.old), f.hidden ? 'hidden' : mask(segments, f.new)]);
  const what = t.type === 'object' ? [t.apiVersion, t.kind, t.namespace ?? '', t.name] : [t.file];
  const body = change.status === 'added' || change.status === 'deleted' ? mask([], change.body) : undefined;
  const hunksDeclared = change.hunks && declared ? declared(target, []) : undefined;
  if (hunksDeclared !== undefined) used.add(hunksDeclared);
  const hunks = hunksDeclared !== undefined ? `<declared:${hunksDeclared}>` : change.hunks?.map((h) => h.lines);
  return {
    signature: JSON.stringify([change.unit, change.status, what, masked, body ?? null, hunks ?? null]),
    declared: [...used].sort(),
    onlyDeclared: change.status !== 'changed' || !declared ? [] : hunksDeclared !== undefined ? [hunksDeclared] : fieldsDeclared(target, fields, declared),
  };
}

/** The declarations every field falls under (a differing image part counts on its own), or empty if one does not. */
function fieldsDeclared(target: { kind?: string; file?: string }, fields: readonly PathChange[], declared: DeclaredDifference): string[] {
  const ids = new Set<string>();
  for (const { segments, change } of fields) {
    const id = declared(target, segments);
    if (id !== undefined) {
      ids.add(id);
      continue;
    }
    if (segments[segments.length - 1] !== 'image' || typeof change.old !== 'string' || typeof change.new !== 'string') return [];
    const a = parseImageRef(change.old);
    const b = parseImageRef(change.new);
    for (const part of IMAGE_PARTS) {
      if (a[part] === b[part]) continue;
      const partId = declared(target, segments, part);
      if (partId === undefined) return [];
      ids.add(partId);
    }
  }
  return fields.length > 0 ? [...ids].sort() : [];
}

function itemSegment(item: unknown, index: number): PathSegment {
  return isRecord(item) && typeof item.name === 'string' ? { by: 'name', value: item.name } : index;
}

function maskImage(target: { kind?: string; file?: string }, segments: readonly PathSegment[], image: string, declared: DeclaredDifference, used: Set<string>): string {
  const ref: ImageRef = parseImageRef(image);
  const parts: string[] = [];
  for (const part of IMAGE_PARTS) {
    const value = ref[part];
    const id = declared(target, segments, part);
    if (id !== undefined && value !== undefined) used.add(id);
    parts.push(`${part}=${id !== undefined ? `<declared:${id}>` : String(value ?? '')}`);
  }
  return `image(${parts.join(',')})`;
}

/**
 * Groups the report's changes across environments (one group per signature, one change per environment in it) and
 * lists the raised rules once per group and rule, with the environments as a column. Groups keep the report's unit
 * order; flags are most severe first.
 */
export function groupChanges(changes: readonly Change[], envs: readonly string[], signature: (change: Change) => ChangeSignature): { groups: ChangeGroup[]; flags: FlagRow[] } {
  const bySignature = new Map<string, number[]>();
  changes.forEach((change, index) => {
    const key = signature(change).signature;
    const list = bySignature.get(key);
    // One change per environment in a group; a second one of the same environment starts a group of its own.
    if (list && !list.some((i) => changes[i]!.env === change.env)) list.push(index);
    else bySignature.set(list ? `${key}\0${index}` : key, [index]);
  });
  const ordered = [...bySignature.values()].sort((a, b) => compareChanges(changes[a[0]!]!, changes[b[0]!]!) || a[0]! - b[0]!);
  const groups = ordered.map((indexes): ChangeGroup => {
    const members = indexes.map((i) => changes[i]!);
    const first = members[0]!;
    const intentSets = members.map((m) => m.intents ?? []);
    const same = intentSets.every((set) => JSON.stringify(set) === JSON.stringify(intentSets[0]));
    const groupEnvs = members.map((m) => m.env);
    const onlyIn = envs.length > 1 && groupEnvs.length < envs.length;
    return {
      envs: groupEnvs,
      unit: first.unit,
      ...(first.module !== undefined && { module: first.module }),
      status: first.status,
      title: changeTitle(first),
      intents: same ? intentSets[0]! : [],
      ...(!same && { intentsByEnv: Object.fromEntries(members.map((m) => [m.env, m.intents ?? []] as const)) }),
      ...(onlyIn && { onlyIn: { declared: signature(first).onlyDeclared } }),
      changes: indexes,
    };
  });
  const flags: FlagRow[] = [];
  groups.forEach((group, index) => {
    const members = group.changes.map((i) => changes[i]!);
    for (const flag of RISK_FLAGS) {
      const raised = members.filter((m) => m.flags.includes(flag));
      if (raised.length === 0) continue;
      const reasonOf = (m: Change) => m.reasons.filter((r) => r.flag === flag).map((r) => r.reason).join('; ');
      const sameReason = raised.every((m) => reasonOf(m) === reasonOf(raised[0]!));
      const rows = sameReason ? [raised] : raised.map((m) => [m]);
      for (const row of rows) flags.push({ flag, envs: row.map((m) => m.env), group: index, title: group.title, unit: group.unit, reason: reasonOf(row[0]!) });
    }
  });
  flags.sort((a, b) => RISK_FLAGS.indexOf(a.flag) - RISK_FLAGS.indexOf(b.flag) || a.group - b.group);
  return { groups, flags };
}

function compareChanges(a: Change, b: Change): number {
  const key = (c: Change) => {
    const t = c.target;
    return `${c.unit}\0${t.type === 'object' ? `0${t.kind}\0${t.namespace ?? ''}\0${t.name}` : `1${t.file}`}`;
  };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** Intents of a group as shown: once, or per environment when they differ. */
export function groupIntents(group: ChangeGroup): readonly { readonly env?: string; readonly intents: readonly Intent[] }[] {
  if (!group.intentsByEnv) return [{ intents: group.intents }];
  return Object.entries(group.intentsByEnv).map(([env, intents]) => ({ env, intents }));
}
