import { loadInputs } from '../../infra/cli/inputs.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { manifestPath, renderPlatform } from '../../infra/synth/render.js';
import { distEnvFromFiles, type DistEnv } from '../../infra/preview/dist-tree.js';
import type { DistTree } from '../../infra/preview/dist-tree.js';
import type { KubeObject, Platform, Unit } from '../../infra/model/types.js';
import type { Environment } from '../../infra/schema/environment.js';
import type { ModuleSpec } from '../../infra/schema/module.js';
import { declarationOf } from '../support/inputs.js';
import { deepFreeze, perWorker } from '../support/shared.js';

/** A routed module of the real catalog (route console/vehicle) that the migration tests cut over. */
export const MODULE = 'vehicle-console-web';
export const NAMESPACE = 'icv-frontend';
/** Its legacy deployment: two interchangeable hosts on the environment's network. */
export const LEGACY = { test: { addresses: ['192.168.17.51', '192.168.17.52'], port: 8080 }, prod: { addresses: ['192.168.16.51', '192.168.16.52'], port: 8080 } } as const;

export type EnvName = 'test' | 'prod';
export type Stage = { stage: 'legacy' } | { stage: 'canary'; weight: number; header?: string } | { stage: 'kubernetes' };

export interface Scenario {
  readonly cutover?: Stage;
  readonly redis?: { mode?: 'vm' | 'cluster'; cluster?: { replicas?: number; storage?: string } };
}

/** An environment's declaration with the scenario applied (the shape `environments/<env>.ts` produces). */
export function declaration(env: EnvName, scenario: Scenario = {}): any {
  const d = declarationOf(env);
  if (scenario.cutover) d.cutover = { [MODULE]: { ...scenario.cutover, ...(scenario.cutover.stage === 'kubernetes' ? {} : { legacy: structuredClone(LEGACY[env]) }) } };
  if (scenario.redis) Object.assign(d.statefulServices.redis, structuredClone(scenario.redis));
  return d;
}

export interface Built {
  readonly env: Environment;
  readonly catalog: readonly ModuleSpec[];
  readonly platform: Platform;
  readonly objects: KubeObject[];
}

/** The builds so far, shared by the migration files of a worker. */
const builds = perWorker('migration-scenario-builds', () => new Map<string, Built>());

/**
 * Loads (validates) and synthesizes one environment under a scenario; each scenario once per test worker, deeply
 * frozen (test/support/shared.ts): read it, never change it (a copy for each caller was most of the cost of a call).
 */
export function build(env: EnvName, scenario: Scenario = {}): Built {
  const key = JSON.stringify([env, scenario]);
  if (!builds.has(key)) builds.set(key, deepFreeze(synthesize(env, scenario)));
  return builds.get(key)!;
}

function synthesize(env: EnvName, scenario: Scenario): Built {
  const [inputs] = loadInputs([env], { declarations: { [env]: declaration(env, scenario) } });
  const platform = buildPlatform(inputs!.env, inputs!.catalog);
  return { env: inputs!.env, catalog: inputs!.catalog, platform, objects: platform.units.flatMap((u) => u.objects) };
}

export function get(objects: readonly KubeObject[], kind: string, name: string, namespace?: string): any {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
}

/** The synthesized files of a platform as the diff reads a dist tree; `only` narrows to files starting with it. */
export function distEnv(built: Built, only = ''): DistEnv {
  // Only the units that may write under `only` are rendered (a file comes from exactly one unit: renderPlatform refuses
  // two), so the files kept are those of the whole platform, without emitting the YAML of every other unit.
  const writesUnder = (unit: Unit) =>
    (unit.objects.length > 0 && manifestPath(unit).startsWith(only)) || unit.artifacts.some((a) => a.path.startsWith(only)) || unit.helmReleases.length > 0;
  const files = [...renderPlatform({ ...built.platform, units: built.platform.units.filter(writesUnder) })].filter(([path]) => path.startsWith(only)).sort(([a], [b]) => a.localeCompare(b));
  return distEnvFromFiles('dist', built.platform.env, files);
}

export function tree(...envs: DistEnv[]): DistTree {
  return { root: 'dist', envs: new Map(envs.map((e) => [e.env, e])) };
}
