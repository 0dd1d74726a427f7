import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { dump } from 'js-yaml';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { buildPlatform } from '../infra/synth/build-platform.js';
import { constructingOnly } from '../infra/synth/chart.js';
import { ENVIRONMENT_NAMES, loadInputs } from '../infra/cli/inputs.js';
import { manifestPath, renderPlatform } from '../infra/synth/render.js';
import type { KubeObject, Platform } from '../infra/model/types.js';
import { PLATFORM_OBJECTS_FILE } from './cdk8s-app.js';
import { HELM_OBJECTS_MAX_FACTOR, HELM_PREBUILT_FILE, helmChartTree, helmObjectsTree, prebuiltObjectCount } from './helm-chart.js';
import { kustomizeTree } from './kustomize-overlays.js';
import { report, type Measurement } from './measurement.js';
import { CDK8S_MAX_FACTOR, PEER_CHECK_MAX_FACTOR } from './plan.js';
import { scaledSources } from './scale-catalog.js';

/**
 * One in-process measurement in a process of its own, so that peak memory (the RSS high-water mark) belongs to it
 * alone. `node bench/launch.mjs --code-cache <file> build/bench/measure.cjs <kind> <factor> <dir> [--check]` prints
 * one JSON line: a Measurement. The driver is a CommonJS bundle compiled with V8's code cache, as `npm run synth`
 * runs (infra/cli/run-bundled.mjs): bench/run.ts makes one cache per kind with an untimed run of that kind, and every
 * timed run compiles from it (its Measurement says `cachedDataRejected: false`). Each figure is the first run in a
 * fresh process, as in `npm run synth`. Only the work the kind names is timed; its input (the scaled catalog,
 * prebuilt objects that `prepare` wrote as JSON) is made before, without running the code under test, so no figure
 * is warmed up by untimed work.
 *
 * - `prepare`: not a timing; writes every other measurement's input at this scale into `dir` (our objects as JSON,
 *   the kustomize tree, the templated Helm chart, and where bench/plan.ts runs or checks them: the chart of finished
 *   objects, the cdk8s app's prebuilt platform objects, our objects per environment for the peers' output checks).
 * - `ours`: what `npm run synth` computes for every environment, without writing: load and validate, build, render.
 * - `construct`: `ours` without serialization and rendering: load and validate, and `buildPlatform` with every
 *   construct created but no chart serialized (chart.ts `constructingOnly`): the floor of the construct layer.
 * - `render`, `yaml`, `js-yaml`, `json`: serialization alone of the objects `prepare` built, by our renderer, by
 *   `yaml`'s `stringify`, by js-yaml's `dump`, by `JSON.stringify`. With `--check`, the output is then parsed back
 *   (after the timing and the memory reading) and every object compared with the one serialized.
 */

export const MEASUREMENT_KINDS = ['prepare', 'ours', 'construct', 'render', 'yaml', 'js-yaml', 'json'] as const;
export type MeasurementKind = (typeof MEASUREMENT_KINDS)[number];
export type EmitterKind = Exclude<MeasurementKind, 'prepare' | 'ours' | 'construct'>;

/** One document per object, each emitter with the options that keep it exact and unfolded. */
const EMITTERS: Record<Exclude<EmitterKind, 'render'>, (object: KubeObject) => string> = {
  yaml: (o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }),
  'js-yaml': (o) => dump(o, { noRefs: true, lineWidth: -1 }),
  json: (o) => `${JSON.stringify(o)}\n`,
};

function measure(kind: MeasurementKind, factor: number, dir: string, check: boolean): Omit<Measurement, 'peakRssMiB'> & { afterTiming?: () => string } {
  switch (kind) {
    case 'prepare': {
      const sources = scaledSources(factor);
      const inputs = loadInputs(ENVIRONMENT_NAMES, sources);
      const platforms = inputs.map(({ env, catalog }) => buildPlatform(env, catalog));
      const files = kustomizeTree(platforms.map((platform, i) => ({ platform, domain: inputs[i]!.env.domain })));
      const tree = new Map<string, string>();
      for (const [path, content] of files) tree.set(`kustomize/${path}`, content);
      // The Helm chart's values come from the catalog's declarations and the environments, not from our objects
      // (only the non-module units' objects are prebuilt); the floor chart's values are our finished objects.
      const declarations = (sources.catalog ?? []).flatMap((source) => source.modules);
      for (const [path, content] of helmChartTree(declarations, inputs.map(({ env }, i) => ({ env, platform: platforms[i]! })))) tree.set(`helm/${path}`, content);
      tree.set(`helm/${HELM_PREBUILT_FILE}`, JSON.stringify(Object.fromEntries(platforms.map((p) => [p.env, { prebuilt: prebuiltObjectCount(p), objects: p.units.reduce((n, u) => n + u.objects.length, 0) }]))));
      if (factor <= HELM_OBJECTS_MAX_FACTOR) for (const [path, content] of helmObjectsTree(platforms)) tree.set(`helm-objects/${path}`, content);
      if (factor <= PEER_CHECK_MAX_FACTOR) for (const platform of platforms) tree.set(`expected/${platform.env}.json`, JSON.stringify(platform.units.flatMap((u) => u.objects)));
      tree.set(PLATFORMS_FILE, JSON.stringify(platforms));
      if (factor <= CDK8S_MAX_FACTOR) tree.set(PLATFORM_OBJECTS_FILE, JSON.stringify(Object.fromEntries(platforms.map((p) => [p.env, p.units.filter((u) => u.kind !== 'Module').flatMap((u) => u.objects)]))));
      for (const [path, content] of tree) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      return { ms: 0, cpuMs: 0, objects: countObjects(platforms) };
    }
    case 'ours': {
      const sources = scaledSources(factor);
      const cpu = process.cpuUsage();
      const start = performance.now();
      const platforms = loadInputs(ENVIRONMENT_NAMES, sources).map(({ env, catalog }) => {
        const platform = buildPlatform(env, catalog);
        renderPlatform(platform);
        return platform;
      });
      return { ms: performance.now() - start, cpuMs: cpuMs(cpu), objects: countObjects(platforms) };
    }
    case 'construct': {
      const sources = scaledSources(factor);
      const cpu = process.cpuUsage();
      const start = performance.now();
      constructingOnly(() => loadInputs(ENVIRONMENT_NAMES, sources).map(({ env, catalog }) => buildPlatform(env, catalog)));
      // No object is serialized, so none is counted.
      return { ms: performance.now() - start, cpuMs: cpuMs(cpu), objects: 0 };
    }
    case 'render': {
      const platforms = readPlatforms(dir);
      const cpu = process.cpuUsage();
      const start = performance.now();
      const rendered = platforms.map(renderPlatform);
      const ms = performance.now() - start;
      const spent = cpuMs(cpu);
      const afterTiming = () =>
        mismatches(platforms.flatMap((p, i) => p.units.filter((u) => u.objects.length > 0).map((u) => ({ objects: u.objects, text: rendered[i]!.get(manifestPath(u))! }))));
      return { ms, cpuMs: spent, objects: countObjects(platforms), ...(check ? { afterTiming } : {}) };
    }
    case 'yaml':
    case 'js-yaml':
    case 'json': {
      const emit = EMITTERS[kind];
      const units = readPlatforms(dir).flatMap((p) => p.units.filter((u) => u.objects.length > 0));
      const cpu = process.cpuUsage();
      const start = performance.now();
      const texts = units.map((u) => u.objects.map(emit).join('---\n'));
      const ms = performance.now() - start;
      const spent = cpuMs(cpu);
      const afterTiming = () => mismatches(units.map((u, i) => ({ objects: u.objects, text: texts[i]! })));
      return { ms, cpuMs: spent, objects: units.reduce((n, u) => n + u.objects.length, 0), ...(check ? { afterTiming } : {}) };
    }
  }
}

/**
 * Parses each text back (`yaml`, YAML 1.2 core schema, as our readers do) and counts the objects that do not come
 * back equal to the ones serialized: "" when all do, else the count and the first few keys.
 */
function mismatches(texts: readonly { objects: readonly KubeObject[]; text: string }[]): string {
  const bad: string[] = [];
  let total = 0;
  for (const { objects, text } of texts) {
    const docs = parseAllDocuments(text);
    const back = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS() as unknown).filter((o) => o !== null);
    objects.forEach((object, i) => {
      total += 1;
      if (!isDeepStrictEqual(back[i], parse(JSON.stringify(object)))) bad.push(`${object.kind}/${object.metadata.name}`);
    });
    if (back.length !== objects.length) bad.push(`${back.length} documents for ${objects.length} objects`);
  }
  return bad.length === 0 ? `all ${total} objects read back equal` : `${bad.length} of ${total} objects read back different (${bad.slice(0, 3).join(', ')})`;
}

/** Our platforms of every environment as JSON, written by `prepare`, in the directory it was given. */
const PLATFORMS_FILE = 'platforms.json';

function readPlatforms(dir: string): Platform[] {
  return JSON.parse(readFileSync(join(dir, PLATFORMS_FILE), 'utf8')) as Platform[];
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}

function countObjects(platforms: readonly Platform[]): number {
  return platforms.reduce((n, p) => n + p.units.reduce((m, u) => m + u.objects.length, 0), 0);
}

/**
 * `main(argv, loaded)`, run by bench/launch.mjs; `loaded.cachedDataRejected` is V8's verdict on the code cache the
 * bundle was compiled with (undefined: none), reported with the measurement.
 */
export function main(argv: string[], loaded: { cachedDataRejected?: boolean | undefined } = {}): number {
  const [kind, factor, dir, flag] = argv;
  if (!MEASUREMENT_KINDS.includes(kind as MeasurementKind) || !factor || !dir) {
    process.stderr.write(`usage: measure <${MEASUREMENT_KINDS.join('|')}> <factor> <dir> [--check]\n`);
    return 2;
  }
  const { afterTiming, ...result } = measure(kind as MeasurementKind, Number(factor), dir, flag === '--check');
  report({ ...result, ...(loaded.cachedDataRejected === undefined ? {} : { cachedDataRejected: loaded.cachedDataRejected }) }, afterTiming);
  return 0;
}

// Run directly as well (`node <an ES module bundle of this file> <kind> ...`, as the driver ran before it became a
// CommonJS bundle; compiled without a code cache): only when this module is the script Node started.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
