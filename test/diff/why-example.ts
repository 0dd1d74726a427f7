import { loadInputs } from '../../infra/cli/inputs.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { PLATFORM_PAGE, renderPlatformPage } from '../../infra/synth/platform-graph.js';
import { renderPlatform } from '../../infra/synth/render.js';
import { distEnvFromFiles, type DistTree, type ParseCache } from '../../infra/preview/index.js';
import type { CatalogSource } from '../../infra/schema/catalog.js';
import type { ModuleDeclaration } from '../../infra/schema/module.js';
import { catalogSources } from '../../modules/index.js';

/**
 * The example of issue 16, as a fixture: the real catalog, and the same catalog with one module edited (for the
 * example, vehicle-access drops its dependency on vehicle-registry and may scale to four). Both are synthesized in
 * memory, exactly as `npm run synth` renders them, into the trees the diff compares.
 */
export function catalogWith(module: string, edit: (m: ModuleDeclaration) => ModuleDeclaration): CatalogSource[] {
  return catalogSources.map((source) => ({ ...source, modules: source.modules.map((m) => (m.name === module ? edit(m) : m)) }));
}

export const WHY_EXAMPLE = catalogWith('vehicle-access', (m) => scaled({ ...m, dependsOn: { ...m.dependsOn, modules: (m.dependsOn?.modules ?? []).filter((d) => d !== 'vehicle-registry') } }, 4));

/** The module with its autoscaler's maximum set to `max`. */
export function scaled(m: ModuleDeclaration, max: number): ModuleDeclaration {
  if (!('max' in m.scaling)) throw new Error(`${m.name} does not autoscale`);
  return { ...m, scaling: { ...m.scaling, max } };
}

/**
 * The files' parsed YAML, by content, shared by every tree built here, as the diff shares it between its two trees
 * (`loadDistTree(dir, envs, cache)`): an edited catalog changes a few files, and only those are parsed again.
 */
const parsed: ParseCache = new Map();

export function synthesizedTree(catalog: readonly CatalogSource[] = catalogSources, envs: readonly string[] = ['prod', 'test']): DistTree {
  const trees = loadInputs(envs, { catalog }).map(({ env, catalog: modules }) => {
    const platform = buildPlatform(env, modules);
    const files = new Map(renderPlatform(platform)).set(PLATFORM_PAGE, renderPlatformPage(env, modules));
    return [env.name, distEnvFromFiles('dist', env.name, [...files].sort(([a], [b]) => (a < b ? -1 : 1)), parsed)] as const;
  });
  return { root: 'dist', envs: new Map(trees) };
}
