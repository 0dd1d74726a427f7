/**
 * A path into an object: keys, list indexes, and list items matched by a natural key (`containers[name=app]`).
 */
export type PathSegment = string | number | ItemKey;

/** A list item found by its natural key rather than its position. */
export interface ItemKey {
  /** What the key is made of (`name`, `port`); empty for Kubernetes objects keyed `Kind/name`. */
  readonly by: string;
  readonly value: string;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `spec.template.spec.containers[name=app].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string') out += PLAIN_KEY.test(segment) ? (out ? `.${segment}` : segment) : `[${JSON.stringify(segment)}]`;
    else out += segment.by ? `[${segment.by}=${segment.value}]` : `[${segment.value}]`;
  }
  return out;
}

/** The string keys of a path, list items left out: `['spec', 'template', 'spec', 'containers', 'image']`. */
export function keysOf(segments: readonly PathSegment[]): string[] {
  return segments.filter((s): s is string => typeof s === 'string');
}

/** Whether one path is a prefix of the other (a change at either touches the other). */
export function overlaps(segments: readonly PathSegment[], prefix: readonly string[]): boolean {
  const n = Math.min(segments.length, prefix.length);
  for (let i = 0; i < n; i++) if (segments[i] !== prefix[i]) return false;
  return true;
}
