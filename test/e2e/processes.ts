import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';

/**
 * The processes one e2e run starts, by PID: each is stopped on teardown (SIGTERM, then SIGKILL), and the run checks
 * that none survives. The run itself executes as PID 1 of a private PID namespace (run.ts), so whatever a started
 * process spawns in turn (the Pulumi CLI's plugins) dies with the namespace even if this bookkeeping missed it.
 */
export class ProcessGroup {
  private readonly children: { name: string; child: ChildProcess }[] = [];

  /** Starts `command` with its output in `logFile`. */
  start(name: string, command: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const out = openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', out, out], env, detached: false });
    child.on('error', (error) => process.stderr.write(`${name}: ${error.message}\n`));
    this.children.push({ name, child });
    return child;
  }

  /** The processes still running. */
  alive(): { name: string; pid: number }[] {
    return this.children.filter(({ child }) => child.exitCode === null && child.signalCode === null).map(({ name, child }) => ({ name, pid: child.pid! }));
  }

  /** Stops every process, newest first, and waits until each has exited; returns those that did not. */
  async stopAll(graceMs = 10_000): Promise<{ name: string; pid: number }[]> {
    const running = [...this.children].reverse().filter(({ child }) => child.exitCode === null && child.signalCode === null);
    await Promise.all(
      running.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    return this.alive();
  }
}
