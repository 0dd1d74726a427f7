import { isRecord } from '../model/json.js';

/** How the items of a list are matched between two versions. */
export interface ListKey {
  readonly by: string;
  readonly keyOf: (item: Record<string, unknown>) => string | undefined;
}

const byName: ListKey = { by: 'name', keyOf: (item) => (typeof item.name === 'string' ? item.name : undefined) };
const byMountPath: ListKey = { by: 'mountPath', keyOf: (item) => (typeof item.mountPath === 'string' ? item.mountPath : undefined) };
const byPort: ListKey = {
  by: 'port',
  keyOf: (item) => {
    const port = item.port ?? item.containerPort;
    return typeof port === 'number' || typeof port === 'string' ? `${port}/${typeof item.protocol === 'string' ? item.protocol : 'TCP'}` : undefined;
  },
};
/** Documents of a multi-document file: `Cluster/sample`. */
const byObject: ListKey = {
  by: '',
  keyOf: (item) => {
    const metadata = item.metadata;
    return typeof item.kind === 'string' && isRecord(metadata) && typeof metadata.name === 'string' ? `${item.kind}/${metadata.name}` : undefined;
  },
};

/** Candidates per list field, tried in order; any other list of objects is matched by `name` when it can be. */
const CANDIDATES: Readonly<Record<string, readonly ListKey[]>> = {
  ports: [byName, byPort],
  volumeMounts: [byName, byMountPath],
};

/**
 * The natural key matching the items of `before` and `after` (lists under `field`), so that reordering a list is not
 * a change: containers, ports, volumes, env… by name. Undefined when the items have no key that is present and
 * unique on both sides; such lists are compared by position.
 */
export function naturalListKey(field: string | undefined, before: readonly unknown[], after: readonly unknown[]): ListKey | undefined {
  const candidates = [...((field !== undefined && CANDIDATES[field]) || []), byName, byObject];
  return candidates.find((candidate) => keysUnique(candidate, before) && keysUnique(candidate, after));
}

function keysUnique(key: ListKey, items: readonly unknown[]): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const value = isRecord(item) ? key.keyOf(item) : undefined;
    if (value === undefined || seen.has(value)) return false;
    seen.add(value);
  }
  return true;
}
