import { InputError, problemsFromZod, type InputProblem } from '../model/errors.js';
import { environmentSchema, type Environment } from './environment.js';
import { migrationFieldProblems } from './cutover.js';
import { validateTopology } from './topology.js';
import { PARSE_CONTEXT } from './parse-context.js';
import type { ReleaseEntry } from './releases.js';

/** A loaded environment, the file it was declared in, and the warnings its validation produced. */
export interface LoadedEnvironment {
  readonly env: Environment;
  readonly file: string;
  readonly warnings: readonly string[];
}

/** Where an environment's declaration and release tags live, relative to the repository root. */
export function environmentFiles(name: string): { declaration: string; releases: string } {
  return { declaration: `environments/${name}.ts`, releases: `environments/releases/${name}.yaml` };
}

/** The release files' parser lives with their format, in `./releases.ts`. */
export { parseReleases } from './releases.js';

/**
 * Validates one environment declaration (plus its release tags): schema first, then the topology rules.
 * Throws InputError listing every problem, each with the file and field path.
 */
export function validateEnvironment(declaration: unknown, releases: Readonly<Record<string, ReleaseEntry>>, file: string): LoadedEnvironment {
  const parsed = environmentSchema.safeParse({ ...(declaration as object), releases }, PARSE_CONTEXT);
  if (!parsed.success) throw new InputError(problemsFromZod(file, parsed.error.issues));
  const topology = validateTopology(parsed.data, file);
  const problems: InputProblem[] = [...topology.problems, ...migrationFieldProblems(parsed.data, file)];
  // Production only promotes what another environment's pipeline built and tested (infra/schema/releases.ts).
  if (parsed.data.production && parsed.data.promotesFrom === undefined) {
    problems.push({ file, path: 'promotesFrom', message: 'a production environment must name the environment whose tested images it promotes (it never builds from source)' });
  }
  if (problems.length > 0) throw new InputError(problems);
  return { env: parsed.data, file, warnings: topology.warnings.map((w) => `${w.file}: ${w.path}: ${w.message}`) };
}
