import { InputError, problemsFromZod, type InputProblem } from '../model/errors.js';
import { dependencyCycles, normalizeRoutePath } from './catalog-rules.js';
import type { Environment } from './environment.js';
import { MANAGEMENT_PORT, moduleSchema, type ModuleDeclaration, type ModuleSpec } from './module.js';
import { compareText } from '../model/text-order.js';

/** One file of the catalog and the declarations it holds. */
export interface CatalogSource {
  readonly file: string;
  readonly modules: readonly ModuleDeclaration[];
}

/** A validated module and the file that declares it. */
export interface CatalogEntry {
  readonly spec: ModuleSpec;
  readonly file: string;
}

/**
 * Validates the whole catalog: each declaration's schema, then the rules across modules (unique names,
 * dependencies that exist, unique routes). Every problem names the file and `modules[<name>].<field>`.
 */
export function validateCatalog(sources: readonly CatalogSource[]): ModuleSpec[] {
  const problems: InputProblem[] = [];
  const entries: CatalogEntry[] = [];
  for (const source of sources) {
    source.modules.forEach((declaration, index) => {
      const label = typeof declaration?.name === 'string' && declaration.name ? declaration.name : String(index);
      const parsed = moduleSchema.safeParse(declaration);
      if (parsed.success) entries.push({ spec: parsed.data, file: source.file });
      else problems.push(...problemsFromZod(source.file, parsed.error.issues, `modules[${label}]`));
    });
  }

  const byName = new Map<string, CatalogEntry>();
  for (const entry of entries) {
    const first = byName.get(entry.spec.name);
    if (first) problems.push({ file: entry.file, path: `modules[${entry.spec.name}].name`, message: `duplicate module name '${entry.spec.name}' (also declared in ${first.file})` });
    else byName.set(entry.spec.name, entry);
  }

  const routes = new Map<string, string>();
  const nodePorts = new Map<number, string>();
  for (const { spec, file } of entries) {
    const at = (field: string) => `modules[${spec.name}].${field}`;
    spec.dependsOn.modules.forEach((dep, i) => {
      if (dep === spec.name) problems.push({ file, path: at(`dependsOn.modules[${i}]`), message: `module '${spec.name}' cannot depend on itself` });
      else if (!byName.has(dep)) problems.push({ file, path: at(`dependsOn.modules[${i}]`), message: `depends on unknown module '${dep}'` });
    });
    spec.routes.forEach((route, i) => {
      const path = normalizeRoutePath(route.path);
      const key = `${route.host}${path}`;
      const owner = routes.get(key);
      const same = path === route.path ? '' : ` (the same path as '${path}' for a Prefix route)`;
      if (owner) problems.push({ file, path: at(`routes[${i}].path`), message: `route host '${route.host}' path '${route.path}'${same} is already routed to module '${owner}'` });
      else routes.set(key, spec.name);
    });
    if (spec.external) {
      const owner = nodePorts.get(spec.external.nodePort);
      if (owner) problems.push({ file, path: at('external.nodePort'), message: `'external.nodePort' (${spec.external.nodePort}) is already used by module '${owner}'` });
      else nodePorts.set(spec.external.nodePort, spec.name);
    }
    if (spec.port.protocol !== 'http' && spec.port.number === MANAGEMENT_PORT) {
      problems.push({ file, path: at('port.number'), message: `'port.number' (${MANAGEMENT_PORT}) is the management port that serves health checks of ${spec.port.protocol} modules; pick another` });
    }
    spec.exceptions.forEach((exception, i) => {
      if (spec.exceptions.findIndex((e) => e.rule === exception.rule) !== i) {
        problems.push({ file, path: at(`exceptions[${i}].rule`), message: `exception '${exception.rule}' is declared twice` });
      }
    });
  }
  for (const cycle of dependencyCycles(entries.map((e) => e.spec))) {
    if (cycle.some((name) => byName.get(name)?.spec.exceptions.some((e) => e.rule === 'dependency-cycle'))) continue;
    const [first, second] = cycle as [string, string];
    const entry = byName.get(first)!;
    problems.push({
      file: entry.file,
      path: `modules[${first}].dependsOn.modules[${entry.spec.dependsOn.modules.indexOf(second)}]`,
      message: `dependency cycle ${cycle.join(' → ')}: remove one of these dependencies so that the modules can start one after another`,
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return entries.map((e) => e.spec).sort((a, b) => compareText(a.name, b.name));
}

/** Tags must be immutable: a moving tag such as `latest` would make two applies of the same commit differ. */
const MOVING_TAGS = new Set(['latest', 'stable', 'main', 'master', 'dev', 'test', 'prod']);

/** Every module has a release tag in the environment, no tag is moving, and no tag names an unknown module. */
export function validateReleases(env: Environment, catalog: readonly ModuleSpec[], releasesFile: string): void {
  const problems: InputProblem[] = [];
  const names = new Set(catalog.map((m) => m.name));
  for (const module of catalog) {
    const tag = env.releases[module.name]?.tag;
    if (tag === undefined) problems.push({ file: releasesFile, path: `modules.${module.name}`, message: `module '${module.name}' has no image tag in environment '${env.name}'` });
    else if (MOVING_TAGS.has(tag.toLowerCase())) {
      problems.push({ file: releasesFile, path: `modules.${module.name}`, message: `image tag '${tag}' of module '${module.name}' is a moving tag; use an immutable tag such as 1.4.2-3f9c2ab` });
    }
  }
  for (const name of Object.keys(env.releases)) {
    if (!names.has(name)) problems.push({ file: releasesFile, path: `modules.${name}`, message: `release tag for unknown module '${name}'` });
  }
  if (problems.length > 0) throw new InputError(problems);
}
