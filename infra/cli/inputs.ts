import { loadCatalog, validateReleases, type CatalogSource } from '../schema/catalog.js';
import type { ModuleSpec } from '../schema/module.js';
import { environmentFiles, ENVIRONMENT_NAMES, loadEnvironments, type EnvironmentSources } from '../schema/releases.js';
import type { Environment } from '../schema/environment.js';
import { InputError, type InputProblem } from '../model/errors.js';

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
