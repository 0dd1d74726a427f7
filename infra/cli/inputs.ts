import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environments } from '../../environments/index.js';
import { catalogSources } from '../../modules/index.js';
import { validateCatalog, validateReleases, type CatalogSource } from '../schema/catalog.js';
import type { ModuleSpec } from '../schema/module.js';
import { environmentFiles, parseReleases, validateEnvironment, type LoadedEnvironment } from '../schema/validate-environment.js';
import type { Environment } from '../schema/environment.js';
import { InputError, type InputProblem } from '../model/errors.js';
import { projectRoot } from './project-root.js';

/**
 * The one reader of the inputs: the catalog (`modules/`), the environment declarations (`environments/`) and the
 * release tags files. Everything below validates what it is handed; only this file knows where the data lives.
 */

/** The names of the declared environments; the Pulumi stack of the same name applies each. */
export const ENVIRONMENT_NAMES = Object.keys(environments) as readonly string[];

/** The catalog of `modules/`, or the given sources, validated. */
export function loadCatalog(sources: readonly CatalogSource[] = catalogSources): ModuleSpec[] {
  return validateCatalog(sources);
}

/** Overrides for tests and tools: declarations or release tags instead of the files. */
export interface EnvironmentSources {
  readonly declarations?: Readonly<Record<string, unknown>>;
  readonly releases?: Readonly<Record<string, Record<string, string>>>;
  /** Repository root the release files are read from. @default the project root, wherever the process started */
  readonly root?: string;
}

export function loadEnvironment(name: string, sources: EnvironmentSources = {}): LoadedEnvironment {
  const declarations: Readonly<Record<string, unknown>> = sources.declarations ?? environments;
  const files = environmentFiles(name);
  if (!Object.hasOwn(declarations, name)) {
    throw InputError.single('--env', '', `unknown environment '${name}' (known: ${Object.keys(declarations).join(', ')})`);
  }
  const releases = sources.releases?.[name] ?? readReleases(join(sources.root ?? projectRoot(), files.releases), files.releases);
  return validateEnvironment(declarations[name], releases, files.declaration);
}

function readReleases(path: string, file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw InputError.single(file, '', 'cannot read the release tags file');
  }
  return parseReleases(text, file);
}

/** Loads several environments, collecting the problems of all of them before failing. */
export function loadEnvironments(names: readonly string[], sources: EnvironmentSources = {}): LoadedEnvironment[] {
  const loaded: LoadedEnvironment[] = [];
  const problems: InputProblem[] = [];
  for (const name of names) {
    try {
      loaded.push(loadEnvironment(name, sources));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return loaded;
}

/** Where the inputs come from; tests replace any part. */
export interface InputSources extends EnvironmentSources {
  readonly catalog?: readonly CatalogSource[];
}

/** Validated inputs of one environment's build. */
export interface PlatformInputs {
  readonly env: Environment;
  readonly catalog: readonly ModuleSpec[];
  readonly warnings: readonly string[];
}

/**
 * Loads and validates the catalog and the named environments (all of them by default), collecting every problem
 * of every input before failing with one InputError. The one entry point every shell uses.
 */
export function loadInputs(names: readonly string[] = ENVIRONMENT_NAMES, sources: InputSources = {}): PlatformInputs[] {
  const problems: InputProblem[] = [];
  const collect = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const catalog = collect(() => loadCatalog(sources.catalog));
  const envs = collect(() => loadEnvironments(names, sources)) ?? [];
  if (catalog) for (const { env } of envs) collect(() => validateReleases(env, catalog, environmentFiles(env.name).releases));
  if (problems.length > 0 || !catalog) throw new InputError(problems);
  return envs.map(({ env, warnings }) => ({ env, catalog, warnings }));
}

/** Parses `--env a,b --env c` into known names, or every environment when none is given. */
export function selectEnvironments(requested: readonly string[] | undefined, known: readonly string[] = ENVIRONMENT_NAMES): string[] {
  const names = (requested ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
  if (names.length === 0) return [...known];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw InputError.single('--env', '', `unknown environment(s) ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${known.join(', ')})`);
  return [...new Set(names)];
}
