import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogSource } from '../infra/schema/catalog.js';
import type { ModuleDeclaration } from '../infra/schema/module.js';
import type { InputSources } from '../infra/cli/inputs.js';
import { environmentFiles, parseReleases } from '../infra/schema/validate-environment.js';
import { ENVIRONMENT_NAMES } from '../infra/cli/inputs.js';
import { catalogSources } from '../modules/index.js';
import { projectRoot } from '../infra/cli/project-root.js';

/** The lowest and highest port Kubernetes hands out as a NodePort. */
const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** Name of copy `copy` (2..factor) of a module or route host: `vehicle-access-x3`. Copy 1 is the original. */
export function copyName(name: string, copy: number): string {
  return copy === 1 ? name : `${name}-x${copy}`;
}

/**
 * The catalog `factor` times over: copy 1 is the real catalog, copies 2..factor declare every module again with
 * names, images, repositories and route hosts suffixed `-x<copy>`, dependencies pointing inside the same copy,
 * and NodePorts taken from the ones no module uses yet. Each copy stays in the file its original came from.
 */
export function scaleCatalog(factor: number, sources: readonly CatalogSource[] = catalogSources): CatalogSource[] {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`'factor' (${factor}) must be a whole number of at least 1`);
  const nodePorts = freeNodePorts(sources);
  return sources.map((source) => ({
    file: source.file,
    modules: Array.from({ length: factor }, (_, i) => i + 1).flatMap((copy) =>
      copy === 1 ? source.modules : source.modules.map((module) => copyModule(module, copy, nodePorts)),
    ),
  }));
}

/** Release tags for the scaled catalog: each copy runs its original's tag, in every environment. */
export function scaleReleases(factor: number, releases: Readonly<Record<string, Readonly<Record<string, string>>>>): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(releases).map(([env, tags]) => [
      env,
      Object.fromEntries(Array.from({ length: factor }, (_, i) => i + 1).flatMap((copy) => Object.entries(tags).map(([name, tag]) => [copyName(name, copy), tag]))),
    ]),
  );
}

/** The release tags the repository declares, per environment (`environments/releases/<env>.yaml`). */
export function readReleases(root = projectRoot(), names: readonly string[] = ENVIRONMENT_NAMES): Record<string, Record<string, string>> {
  return Object.fromEntries(
    names.map((name) => {
      const file = environmentFiles(name).releases;
      return [name, parseReleases(readFileSync(join(root, file), 'utf8'), file)];
    }),
  );
}

/** Inputs for `loadInputs`: the real catalog and release tags at `factor` 1, the scaled ones above. */
export function scaledSources(factor: number, root = projectRoot()): InputSources {
  return { catalog: scaleCatalog(factor), releases: scaleReleases(factor, readReleases(root)) };
}

function copyModule(module: ModuleDeclaration, copy: number, nodePorts: () => number): ModuleDeclaration {
  const copied = structuredClone(module);
  copied.name = copyName(module.name, copy);
  if (module.image !== undefined) copied.image = copyName(module.image, copy);
  copied.source.repository = copyName(module.source.repository, copy);
  if (copied.dependsOn?.modules) copied.dependsOn.modules = copied.dependsOn.modules.map((dep) => copyName(dep, copy));
  if (copied.routes) copied.routes = copied.routes.map((route) => ({ ...route, host: copyName(route.host, copy) }));
  if (copied.external) copied.external.nodePort = nodePorts();
  return copied;
}

/** Hands out the NodePorts no declaration uses, lowest first. */
function freeNodePorts(sources: readonly CatalogSource[]): () => number {
  const used = new Set(sources.flatMap((s) => s.modules.flatMap((m) => (m.external ? [m.external.nodePort] : []))));
  let next = NODE_PORT_RANGE.min;
  return () => {
    while (used.has(next)) next += 1;
    if (next > NODE_PORT_RANGE.max) throw new Error(`the scaled catalog needs more NodePorts than the range ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max} holds`);
    used.add(next);
    return next;
  };
}
