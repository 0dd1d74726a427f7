/** One problem with the input: the file it came from, the field path inside it, and what is wrong. */
export interface InputProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/**
 * Invalid input (environment, catalog, stack config, CLI argument, a malformed file).
 * Every shell maps it to exit code 2 and writes nothing.
 */
export class InputError extends Error {
  constructor(public readonly problems: readonly InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }

  static single(file: string, path: string, message: string): InputError {
    return new InputError([{ file, path, message }]);
  }
}

export function formatProblem(p: InputProblem): string {
  return `${p.file}: ${p.path || '(root)'}: ${p.message}`;
}

/** Turns zod issues into problems with dotted field paths (`cluster.hosts[2].address`). */
export function problemsFromZod(
  file: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix = '',
): InputProblem[] {
  return issues.map((issue) => ({ file, path: joinPath(prefix, issue.path), message: issue.message }));
}

export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Exit codes shared by every command (DESIGN.md). */
export const ExitCode = { OK: 0, FINDINGS: 1, INVALID_INPUT: 2 } as const;
