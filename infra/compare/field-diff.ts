import type { PathSegment } from './field-path.js';
import { formatPath } from './field-path.js';
import { deepEqual, isRecord } from '../model/json.js';
import { naturalListKey } from './list-keys.js';
import { hidesChild, redact } from './redaction.js';

/**
 * One changed field. `hidden` fields look like secrets: they carry neither `old` nor `new`, only the fact that they
 * changed. Values of added or removed subtrees are redacted the same way, leaf by leaf.
 */
export interface FieldChange {
  /** `spec.template.spec.containers[name=app].image`; list items matched by natural key show it in brackets. */
  readonly path: string;
  readonly op: 'added' | 'removed' | 'changed';
  readonly old?: unknown;
  readonly new?: unknown;
  readonly hidden?: true;
}

/** A field change with the path as segments, for the risk rules; `change` is what the report shows. */
export interface PathChange {
  readonly segments: readonly PathSegment[];
  readonly change: FieldChange;
}

interface Context {
  readonly segments: readonly PathSegment[];
  /** Key under which the compared values sit. */
  readonly field?: string;
  /** Field of the list the compared values are items of. */
  readonly listField?: string;
  readonly hidden: boolean;
}

/**
 * The changed fields between two JSON values. Lists of objects are matched by natural key (see `naturalListKey`),
 * so reordering them is no change; secret-looking values are hidden (see `hidesChild`).
 */
export function diffValues(before: unknown, after: unknown): PathChange[] {
  const out: PathChange[] = [];
  walk(before, after, { segments: [], hidden: false }, out);
  return out;
}

function walk(before: unknown, after: unknown, ctx: Context, out: PathChange[]): void {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !Object.hasOwn(before, k))];
    for (const key of keys) {
      const b = before[key];
      const a = after[key];
      const hidden = ctx.hidden || hidesChild(before, key, b, ctx.listField) || hidesChild(after, key, a, ctx.listField);
      const child: Context = { segments: [...ctx.segments, key], field: key, hidden };
      if (!Object.hasOwn(after, key)) out.push(leafChange('removed', b, undefined, child));
      else if (!Object.hasOwn(before, key)) out.push(leafChange('added', undefined, a, child));
      else walk(b, a, child, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && !ctx.hidden) {
    walkList(before, after, ctx, out);
    return;
  }
  if (!deepEqual(before, after)) out.push(leafChange('changed', before, after, ctx));
}

function walkList(before: readonly unknown[], after: readonly unknown[], ctx: Context, out: PathChange[]): void {
  const itemContext = (segment: PathSegment): Context => ({ segments: [...ctx.segments, segment], ...(ctx.field !== undefined && { listField: ctx.field }), hidden: false });
  const listKey = naturalListKey(ctx.field, before, after);
  if (!listKey) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const item = itemContext(i);
      if (i >= after.length) out.push(leafChange('removed', before[i], undefined, item));
      else if (i >= before.length) out.push(leafChange('added', undefined, after[i], item));
      else walk(before[i], after[i], item, out);
    }
    return;
  }
  const keyed = (items: readonly unknown[]) => new Map(items.map((item) => [listKey.keyOf(item as Record<string, unknown>)!, item]));
  const old = keyed(before);
  const next = keyed(after);
  for (const [key, item] of old) {
    const context = itemContext({ by: listKey.by, value: key });
    if (next.has(key)) walk(item, next.get(key), context, out);
    else out.push(leafChange('removed', item, undefined, context));
  }
  for (const [key, item] of next) {
    if (!old.has(key)) out.push(leafChange('added', undefined, item, itemContext({ by: listKey.by, value: key })));
  }
}

function leafChange(op: FieldChange['op'], before: unknown, after: unknown, ctx: Context): PathChange {
  const path = formatPath(ctx.segments);
  if (ctx.hidden) return { segments: ctx.segments, change: { path, op, hidden: true } };
  const show = (value: unknown) => redact(value, Array.isArray(value) ? ctx.field : ctx.listField);
  return {
    segments: ctx.segments,
    change: {
      path,
      op,
      ...(op !== 'added' && { old: show(before) }),
      ...(op !== 'removed' && { new: show(after) }),
    },
  };
}
