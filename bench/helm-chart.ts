import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dump } from 'js-yaml';
import { stringify } from 'yaml';
import { projectRoot } from '../infra/cli/project-root.js';
import type { Platform } from '../infra/model/types.js';
import type { Environment } from '../infra/schema/environment.js';
import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * The Helm peers of the bench.
 *
 * - `helmChartTree`: the chart a Helm user would write for this platform. Its templates are hand-written files in
 *   `bench/helm/` (one template per kind of object a module produces, helpers in `_helpers.tpl`); `values.yaml` is
 *   `bench/helm/values.yaml` (the platform's conventions) followed by the catalog's module declarations, the plain
 *   data of `modules/` exactly as declared (schema defaults not applied: the templates apply them); each
 *   `values-<env>.yaml` holds only what the environment sets (domain, registry, replica floor, release tags,
 *   stateful services, cluster networks, cutover stages) plus, prebuilt, the objects of the units that are not
 *   modules (cluster, shared infrastructure, registry, DevOps), which `templates/platform.yaml` prints with `toYaml`.
 * - `helmObjectsTree`: a floor, not a chart anyone writes: `values-<env>.yaml` holds every finished object of the
 *   environment and the one template prints each with `toYaml`.
 *
 * Both render environment `<env>` with `helm template icv chart -f values-<env>.yaml`.
 */

/** Helm's release name in the bench; the objects do not use it. */
export const HELM_RELEASE = 'icv';

/**
 * The hand-written chart: Chart.yaml, the base of values.yaml, templates/. (projectRoot() walks up from its own module,
 * which is the bundle in build/bench when bundled: `import.meta.dirname` has no value in the CommonJS driver.)
 */
export const HELM_CHART_DIR = join(projectRoot(), 'bench', 'helm');

/** What one environment's values file is made from. */
export interface HelmEnvironment {
  /** The validated environment (environments/): only the fields a module's objects use are written. */
  readonly env: Environment;
  /** Our synthesis of it: the objects of its non-module units are written prebuilt. */
  readonly platform: Platform;
}

/** Files of the templated chart, path → content: `chart/…` (Chart.yaml, values.yaml, templates/) and `values-<env>.yaml`. */
export function helmChartTree(modules: readonly ModuleDeclaration[], environments: readonly HelmEnvironment[], chartDir: string = HELM_CHART_DIR): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of listFiles(chartDir)) files.set(`chart/${path}`, readFileSync(join(chartDir, path), 'utf8'));
  const base = files.get('chart/values.yaml');
  if (base === undefined) throw new Error(`${chartDir}: no values.yaml`);
  // JSON first: the declarations are plain data, and a field left undefined is simply absent.
  const declarations = JSON.parse(JSON.stringify(modules)) as unknown[];
  files.set('chart/values.yaml', `${base}\n# The catalog's module declarations (modules/), in catalog order.\n${yaml({ modules: declarations })}`);
  for (const { env, platform } of environments) files.set(`values-${env.name}.yaml`, yaml(environmentValues(env, platform)));
  return files;
}

/** What an environment sets for the modules' objects, and its non-module objects prebuilt. */
export function environmentValues(env: Environment, platform: Platform): Record<string, unknown> {
  return {
    domain: env.domain,
    registry: { host: env.registry.host, project: env.registry.project },
    replicaFloor: env.sizing.replicaFloor,
    network: { hostCidr: env.cluster.network.hostCidr, podCidr: env.cluster.network.podCidr },
    statefulServices: Object.fromEntries(Object.entries(env.statefulServices).map(([name, s]) => [name, { mode: s.mode, port: s.port, addresses: s.addresses }])),
    releases: env.releases,
    cutover: env.cutover,
    platformObjects: platform.units.filter((u) => u.kind !== 'Module').flatMap((u) => u.objects),
  };
}

/** Beside the chart in the bench's work directory: per environment, how many objects it renders and how many of them are prebuilt. */
export const HELM_PREBUILT_FILE = 'prebuilt.json';

/** How many objects of an environment the templated chart takes prebuilt (the units that are not modules). */
export function prebuiltObjectCount(platform: Platform): number {
  return platform.units.filter((u) => u.kind !== 'Module').reduce((n, u) => n + u.objects.length, 0);
}

/**
 * The chart of finished objects, which no goal names, is written and run up to this scale: at ×10 it cost 15 s of CPU
 * a round (3.3× ours), and its values grow to ~45 MB per environment at ×30.
 */
export const HELM_OBJECTS_MAX_FACTOR = 1;

const OBJECTS_CHART = { apiVersion: 'v2', name: 'icv-platform-objects', description: 'The icv-platform objects, finished, one loop (bench floor)', type: 'application', version: '0.1.0' };

/** `range` over units, then over each unit's objects; `toYaml` prints an object's keys sorted, which parses back equal. */
const OBJECTS_TEMPLATE = `{{- range $unit := .Values.units }}
{{- range $object := $unit.objects }}
---
# unit: {{ $unit.id }}
{{ toYaml $object }}
{{- end }}
{{- end }}
`;

/** Files of the floor chart, path → content: `chart/Chart.yaml`, `chart/templates/units.yaml`, `values-<env>.yaml`. */
export function helmObjectsTree(platforms: readonly Platform[]): Map<string, string> {
  const files = new Map<string, string>([
    ['chart/Chart.yaml', stringify(OBJECTS_CHART)],
    ['chart/templates/units.yaml', OBJECTS_TEMPLATE],
  ]);
  for (const platform of platforms) {
    const units = platform.units.filter((u) => u.objects.length > 0).map((u) => ({ id: u.id, objects: u.objects }));
    files.set(`values-${platform.env}.yaml`, yaml({ units }));
  }
  return files;
}

function yaml(value: unknown): string {
  return dump(value, { noRefs: true, lineWidth: -1 });
}

/** Every file under `dir`, as paths relative to it, sorted. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}
