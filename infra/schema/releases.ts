import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { environments } from '../../environments/index.js';
import { projectRoot } from '../cli/project-root.js';
import { InputError, problemsFromZod, type InputProblem } from '../model/errors.js';
import { environmentSchema, type Environment } from './environment.js';
import { validateTopology } from './topology.js';

export const ENVIRONMENT_NAMES = Object.keys(environments) as readonly string[];

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

const releasesFileSchema = z.strictObject({
  modules: z.record(z.string(), z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an image tag')),
});

/** Parses a release-tags file: `modules: { <module>: <tag> }`. */
export function parseReleases(text: string, file: string): Record<string, string> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({ file, path: e.linePos ? `line ${e.linePos[0].line}` : '', message: `YAML syntax error: ${e.message.split('\n')[0]}` })),
    );
  }
  const parsed = releasesFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new InputError(problemsFromZod(file, parsed.error.issues));
  return parsed.data.modules;
}

/**
 * Validates one environment declaration (plus its release tags): schema first, then the topology rules.
 * Throws InputError listing every problem, each with the file and field path.
 */
export function validateEnvironment(declaration: unknown, releases: Record<string, string>, file: string): LoadedEnvironment {
  const parsed = environmentSchema.safeParse({ ...(declaration as object), releases });
  if (!parsed.success) throw new InputError(problemsFromZod(file, parsed.error.issues));
  const { problems, warnings } = validateTopology(parsed.data, file);
  if (problems.length > 0) throw new InputError(problems);
  return { env: parsed.data, file, warnings: warnings.map((w) => `${w.file}: ${w.path}: ${w.message}`) };
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
