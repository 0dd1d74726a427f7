/**
 * Values the test files of one vitest worker share: a synthesis, a run of the Pulumi program under mocks. The suite
 * runs without per-file isolation (vitest.config.ts), so the files of a worker share one process; the values live
 * on globalThis because `vi.resetModules()` (the stack harness re-imports the program) re-evaluates every module of
 * ours, and a module-level cache would be built again by the next file. What is shared is deeply frozen: a test
 * that changes a shared object fails on the spot instead of leaking the change into the files after it.
 */
const STORE = Symbol.for('icv-platform.test.shared');

type Store = Map<string, unknown>;

export function perWorker<T>(key: string, make: () => T): T {
  const holder = globalThis as { [STORE]?: Store };
  const store = (holder[STORE] ??= new Map());
  if (!store.has(key)) store.set(key, make());
  return store.get(key) as T;
}

/** `value`, with every object and array reachable from it frozen. */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    Object.freeze(next);
    for (const key of Reflect.ownKeys(next)) pending.push((next as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}
