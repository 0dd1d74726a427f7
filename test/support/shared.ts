/**
 * Values the test files of one vitest worker share: a synthesis, a run of the Pulumi program under mocks. The suite
 * runs without per-file isolation (vitest.config.ts), so the files of a worker share one process and, unless a
 * test calls `vi.resetModules()`, one instance of each module; the values live on globalThis so that a module
 * evaluated again (after such a reset, or a module imported under a query as the stack harness imports the program's
 * entry once per run) finds them instead of building them again. What is shared is deeply frozen: a test
 * that changes a shared object fails on the spot instead of leaking the change into the files after it.
 *
 * `perRun` shares a value among the workers too, through the run's directory (test/support/global-setup.ts).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deserialize, serialize } from 'node:v8';

const STORE = Symbol.for('icv-platform.test.shared');

type Store = Map<string, unknown>;

export function perWorker<T>(key: string, make: () => T): T {
  const holder = globalThis as { [STORE]?: Store };
  const store = (holder[STORE] ??= new Map());
  if (!store.has(key)) store.set(key, make());
  return store.get(key) as T;
}

/** The environment variable naming the directory of one `vitest run` (test/support/global-setup.ts). */
export const RUN_DIRECTORY_VARIABLE = 'ICV_TEST_RUN_DIR';

/**
 * The value `make` gives, made once per `vitest run` and shared by both workers: the first worker to ask makes it and
 * leaves a copy (v8-serialized: plain data only) in the run's directory; a worker that asks while it is being made
 * waits for it. Without a run directory (Stryker re-running one vitest for each mutant, a process outside vitest),
 * or when the worker making it fails, each worker makes its own. Within a worker the promise is shared as by
 * `perWorker`; the caller freezes what it reads.
 */
export function perRun<T>(key: string, make: () => Promise<T>): Promise<T> {
  return perWorker(`per-run:${key}`, () => exchange(key, make));
}

async function exchange<T>(key: string, make: () => Promise<T>): Promise<T> {
  const dir = process.env[RUN_DIRECTORY_VARIABLE];
  if (!dir || !existsSync(dir)) return make();
  const file = join(dir, encodeURIComponent(key));
  try {
    closeSync(openSync(`${file}.lock`, 'wx'));
  } catch {
    return waitFor(file, make);
  }
  let value: T;
  try {
    value = await make();
  } catch (error) {
    writeFileSync(`${file}.failed`, '');
    throw error;
  }
  writeFileSync(`${file}.tmp`, serialize(value));
  renameSync(`${file}.tmp`, file);
  return value;
}

/** The copy another worker leaves at `file`; if that worker failed to make it, this one tries (and fails) itself. */
async function waitFor<T>(file: string, make: () => Promise<T>): Promise<T> {
  for (;;) {
    if (existsSync(file)) return deserialize(readFileSync(file)) as T;
    if (existsSync(`${file}.failed`)) return make();
    await sleep(20);
  }
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
