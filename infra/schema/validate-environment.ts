import { parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError, problemsFromZod } from '../model/errors.js';
import { environmentSchema, type Environment } from './environment.js';
import { validateTopology } from './topology.js';

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
