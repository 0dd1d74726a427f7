import { parseAllDocuments } from 'yaml';
import { InputError, type InputProblem } from './errors.js';

/**
 * YAML read from a file a person or a tool wrote (release tags, stack config, `--manifests`) is parsed with
 * bounds, so a malformed or hostile file is one InputError naming the file instead of a stack trace or minutes of
 * work:
 * - at most `MAX_ALIAS_COUNT` alias dereferences per document (the `yaml` library's `maxAliasCount`): an alias bomb
 *   (`a: &a [x, x]`, `b: &b [*a, *a]`, … doubling per line) stops at the first excess alias;
 * - at most the caller's byte limit per file (`YAML_LIMITS`), checked before parsing.
 */
export const MAX_ALIAS_COUNT = 100;

/** Byte limits per kind of input file. The largest file synth writes is about 100 KiB. */
export const YAML_LIMITS = {
  /** `environments/releases/<env>.yaml`, `Pulumi.<stack>.yaml`. */
  configFile: 1024 * 1024,
  /** One file under `npm run check -- --manifests DIR`. */
  manifestFile: 16 * 1024 * 1024,
  /** All files under `--manifests DIR` together. */
  manifestTotal: 256 * 1024 * 1024,
} as const;

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** Every document of a YAML text as plain values; problems name the file and the line or document. */
export function parseYamlDocuments(text: string, file: string, maxBytes: number): unknown[] {
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) throw InputError.single(file, '', `is ${formatBytes(bytes)}, more than the ${formatBytes(maxBytes)} this input may have`);
  const problems: InputProblem[] = [];
  const values: unknown[] = [];
  parseAllDocuments(text, { prettyErrors: true }).forEach((doc, index) => {
    for (const error of doc.errors) {
      problems.push({ file, path: error.linePos ? `line ${error.linePos[0].line}` : `document ${index + 1}`, message: `YAML syntax error: ${error.message.split('\n')[0]}` });
    }
    if (doc.errors.length > 0) return;
    try {
      values.push(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (error) {
      problems.push({ file, path: `document ${index + 1}`, message: `cannot be read: ${(error as Error).message} (at most ${MAX_ALIAS_COUNT} aliases per document)` });
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  return values;
}

/** The one document of a YAML text (null when empty). */
export function parseYamlDocument(text: string, file: string, maxBytes: number = YAML_LIMITS.configFile): unknown {
  const docs = parseYamlDocuments(text, file, maxBytes);
  if (docs.length > 1) throw InputError.single(file, `document 2`, 'holds more than one YAML document; expected one');
  return docs[0] ?? null;
}
