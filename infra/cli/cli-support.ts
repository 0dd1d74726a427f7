import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { ExitCode, InputError } from '../model/errors.js';

/** True when the module at `metaUrl` is the script node was started with. */
export function isEntryPoint(metaUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}

/** Makes a commander program throw instead of exiting, so `main(argv)` can be tested and returns exit codes. */
export function testableProgram(program: Command): Command {
  return program.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/**
 * Runs a command body and maps failures to the exit codes every command shares:
 * invalid input or usage → 2 (each problem on its own line), anything unexpected → 1 with its stack.
 */
export async function runCommand(body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.INVALID_INPUT;
    }
    if (error instanceof InputError) {
      for (const problem of error.problems) process.stderr.write(`error: ${problem.file}: ${problem.path || '(root)'}: ${problem.message}\n`);
      process.stderr.write(`${error.problems.length} problem(s) in the input; nothing was written.\n`);
      return ExitCode.INVALID_INPUT;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.FINDINGS;
  }
}

/** Runs `main` when the file is the entry point, exiting with its code. */
export function runIfEntryPoint(metaUrl: string, main: (argv: string[]) => Promise<number>): void {
  if (isEntryPoint(metaUrl)) {
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exitCode = ExitCode.FINDINGS;
      },
    );
  }
}
