import { execFile } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleMeasureDriver, compiledFromCache, driverArgs } from '../../bench/driver.js';
import { MEASUREMENT_KINDS } from '../../bench/measure.js';
import type { Measurement } from '../../bench/measurement.js';

/**
 * The bench's in-process driver runs as the launcher runs a command (bench/driver.ts): a CommonJS bundle compiled
 * with V8's code cache, made by one untimed run of its kind: the run without a cache writes one, the next compiles
 * from it and says so, and a cache that does not belong to the bundle is rejected, reported and refused. `construct`
 * reads the real catalog at ×1, js-yaml a platform of two objects in place of what `prepare` writes.
 * No figure is asserted.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Inside the project: the bundle finds the project root (catalog, environments, the Helm chart) from its own location.
const DIR = join(ROOT, 'build', `test-driver-${process.pid}`);
const DRIVER = join(DIR, 'measure.cjs');

async function measure(driver: string, codeCache?: string, kind = 'construct'): Promise<Measurement> {
  const { stdout } = await promisify(execFile)(process.execPath, driverArgs(ROOT, driver, [kind, '1', DIR], codeCache), { cwd: ROOT, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement;
}

/** In place of `prepare`'s platforms.json: one environment, one unit of two objects. */
const PLATFORMS = [
  {
    env: 'test',
    units: [
      {
        id: 'module/a',
        kind: 'Module',
        objects: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'icv-x' }, data: { 'a.yaml': 'x: 1\n' } },
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'icv-x' }, spec: { ports: [{ port: 80 }] } },
        ],
        artifacts: [],
        helmReleases: [],
      },
    ],
  },
];

describe('the in-process driver, compiled with a code cache per kind', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(join(DIR, 'platforms.json'), JSON.stringify(PLATFORMS));
    await bundleMeasureDriver(ROOT, DRIVER);
  }, 60_000);
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  // The bound's emitter (`construct` below stands for the kinds that read the catalog; every kind loads the same
  // way, and every bench run checks every kind's verdict).
  it.each(MEASUREMENT_KINDS.filter((k) => k === 'js-yaml'))('%s: its untimed run writes its cache, its next run compiles from it', async (kind) => {
    const cache = join(DIR, `${kind}.v8cache`);
    expect(await measure(DRIVER, cache, kind)).not.toHaveProperty('cachedDataRejected');
    expect(existsSync(cache)).toBe(true);
    expect((await measure(DRIVER, cache, kind)).cachedDataRejected).toBe(false);
  }, 60_000);

  it('writes the cache after a run that had none, and the next run compiles from it (cachedDataRejected: false)', async () => {
    const cache = join(DIR, 'construct.v8cache');
    const untimed = await measure(DRIVER, cache);
    expect(untimed).not.toHaveProperty('cachedDataRejected');
    expect(existsSync(cache)).toBe(true);
    const written = readFileSync(cache);
    const timed = await measure(DRIVER, cache);
    expect(timed.cachedDataRejected).toBe(false);
    expect(() => compiledFromCache(timed, 'construct', cache)).not.toThrow();
    // A run given a cache never writes it: every timed run compiles from the same one.
    expect(readFileSync(cache).equals(written)).toBe(true);
  }, 60_000);

  it('reports a cache that does not match its bundle as rejected, leaves it as it was, and the bench refuses the figure', async () => {
    const cache = join(DIR, 'construct.v8cache');
    if (!existsSync(cache)) await measure(DRIVER, cache);
    const other = join(DIR, 'other.cjs');
    copyFileSync(DRIVER, other);
    appendFileSync(other, '\n// another source: V8 rejects the cache of the first\n');
    const written = readFileSync(cache);
    const m = await measure(other, cache);
    expect(m.cachedDataRejected).toBe(true);
    expect(readFileSync(cache).equals(written)).toBe(true);
    expect(() => compiledFromCache(m, 'measure construct at ×1', cache)).toThrow(`bench: measure construct at ×1 was given a code cache that V8 rejected (${cache})`);
  }, 60_000);

  it('refuses a timed figure measured without a cache', () => {
    expect(() => compiledFromCache({ ms: 1, cpuMs: 1, objects: 0, peakRssMiB: 1 }, 'measure ours at ×1', '/c')).toThrow('bench: measure ours at ×1 ran without a code cache (/c)');
  });
});
