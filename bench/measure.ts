import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPlatform } from '../infra/synth/build-platform.js';
import { loadInputs } from '../infra/cli/inputs.js';
import { renderPlatform, toMultiDocYaml } from '../infra/synth/render.js';
import type { Platform } from '../infra/model/types.js';
import { ENVIRONMENT_NAMES } from '../infra/cli/inputs.js';
import { kustomizeTree } from './kustomize-overlays.js';
import { report, type Measurement } from './measurement.js';
import { naiveSynthYaml } from './naive-synth.js';
import { scaledSources } from './scale-catalog.js';

/**
 * One measurement in a process of its own, so that peak memory (the RSS high-water mark) belongs to it alone.
 * `node build/bench/measure.mjs <kind> <factor> [dir]` prints one JSON line: a Measurement (the Pulumi program has
 * its own entry, measure-pulumi.ts, so that loading Pulumi weighs on no other figure).
 * Each figure is the first run in a fresh process, as in `npm run synth`. Only the work the kind names is timed;
 * its input (the scaled catalog, prebuilt objects that `prepare` wrote as JSON) is made before, without running the
 * code under test, so no figure is warmed up by untimed work.
 */

export const MEASUREMENT_KINDS = ['prepare', 'ours', 'naive', 'serialize'] as const;
export type MeasurementKind = (typeof MEASUREMENT_KINDS)[number];

function measure(kind: MeasurementKind, factor: number, dir: string | undefined): Omit<Measurement, 'peakRssMiB'> {
  const sources = scaledSources(factor);
  switch (kind) {
    case 'prepare': {
      // Not a timing: writes what the other kinds start from, so that none of them warms up on untimed work.
      const inputs = loadInputs(ENVIRONMENT_NAMES, sources);
      const platforms = inputs.map(({ env, catalog }) => buildPlatform(env, catalog));
      const files = kustomizeTree(platforms.map((platform, i) => ({ platform, domain: inputs[i]!.env.domain })));
      for (const platform of platforms) files.set(`expected/${platform.env}.yaml`, toMultiDocYaml(platform.units.flatMap((u) => u.objects)));
      files.set(PLATFORMS_FILE, JSON.stringify(platforms));
      for (const [path, content] of files) {
        mkdirSync(dirname(join(needDir(dir), path)), { recursive: true });
        writeFileSync(join(needDir(dir), path), content);
      }
      return { ms: 0, objects: countObjects(platforms) };
    }
    case 'ours': {
      // The synth command's work for every environment, without writing files: load and validate, build, render.
      const start = performance.now();
      const platforms = loadInputs(ENVIRONMENT_NAMES, sources).map(({ env, catalog }) => {
        const platform = buildPlatform(env, catalog);
        renderPlatform(platform);
        return platform;
      });
      return { ms: performance.now() - start, objects: countObjects(platforms) };
    }
    case 'naive': {
      const prebuilt = readPlatforms(needDir(dir));
      const start = performance.now();
      const yamls = loadInputs(ENVIRONMENT_NAMES, sources).map(({ env, catalog }, i) => {
        const platformObjects = prebuilt[i]!.units.filter((u) => u.kind !== 'Module').flatMap((u) => u.objects);
        return naiveSynthYaml(env, catalog, platformObjects);
      });
      const ms = performance.now() - start;
      return { ms, objects: yamls.reduce((n, y) => n + y.split(/^---$/m).filter((d) => d.trim()).length, 0) };
    }
    case 'serialize': {
      const platforms = readPlatforms(needDir(dir));
      const start = performance.now();
      platforms.forEach(renderPlatform);
      return { ms: performance.now() - start, objects: countObjects(platforms) };
    }
  }
}

/** Our platforms of every environment as JSON, written by `prepare`, in the directory it was given. */
const PLATFORMS_FILE = 'platforms.json';

function readPlatforms(dir: string): Platform[] {
  return JSON.parse(readFileSync(join(dir, PLATFORMS_FILE), 'utf8')) as Platform[];
}

function needDir(dir: string | undefined): string {
  if (!dir) throw new Error('this measurement needs the directory `prepare` wrote');
  return dir;
}

function countObjects(platforms: readonly Platform[]): number {
  return platforms.reduce((n, p) => n + p.units.reduce((m, u) => m + u.objects.length, 0), 0);
}

const [kind, factor, dir] = process.argv.slice(2);
if (!MEASUREMENT_KINDS.includes(kind as MeasurementKind) || !factor) {
  process.stderr.write(`usage: measure <${MEASUREMENT_KINDS.join('|')}> <factor> [dir]\n`);
  process.exit(2);
}
report(measure(kind as MeasurementKind, Number(factor), dir));
