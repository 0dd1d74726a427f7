import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { ExitCode, InputError } from '../model/errors.js';
import { fsProblem } from './output-target.js';

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
 * invalid input, usage or a file-system error → 2 (each problem on its own line), anything unexpected → 1 with
 * one line and a DEBUG=1 hint (the stack only with DEBUG=1).
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
    const fsError = fsProblem(error, 'file system', '');
    if (fsError) {
      for (const problem of fsError.problems) process.stderr.write(`error: ${problem.message}\n`);
      return ExitCode.INVALID_INPUT;
    }
    reportInternalError(error);
    return ExitCode.FINDINGS;
  }
}

/**
 * An error nobody expected (a bug, not bad input): one line, and the stack only when asked for with DEBUG=1, so that
 * a user never has to read a trace to learn what went wrong.
 */
export function reportInternalError(error: unknown): void {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message.split('\n')[0]}` : String(error);
  process.stderr.write(`internal error: ${message}\n`);
  if (process.env.DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('rerun with DEBUG=1 for the stack trace, and report it with the command you ran\n');
}

/** Runs `main` when the file is the entry point, exiting with its code. */
export function runIfEntryPoint(metaUrl: string, main: (argv: string[]) => Promise<number>): void {
  if (isEntryPoint(metaUrl)) {
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        reportInternalError(error);
        process.exitCode = ExitCode.FINDINGS;
      },
    );
  }
}
