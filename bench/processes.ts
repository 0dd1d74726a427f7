import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

/**
 * The bench's child processes, and what happens to them when the bench is stopped.
 *
 * Every child runs in a process group of its own (`detached`), led by the process spawned (for a whole-process figure,
 * GNU time, with the measured tool as its child), so the bench can stop a child with everything it started.
 * `installSignalHandlers` makes SIGINT, SIGTERM and SIGHUP stop the bench cleanly: the signal goes on to every
 * running child's group (SIGKILL after a grace period), every cleanup registered with `onExit` runs (the bench's
 * temporary directory, its git worktree), and the bench exits with 128 + the signal's number, as a shell reports a
 * process killed by it. Without this, a SIGTERM to `npm run bench` ended the bench's node process and left its
 * running `kubectl kustomize` (minutes of CPU at ×10) and its `$TMPDIR/icv-bench-*` directory behind.
 */

/** Children running now, by pid; each leads its own process group. */
const running = new Map<number, { exited: Promise<void> }>();
const cleanups = new Set<() => void>();
/** How long children get to exit after the signal before SIGKILL. */
const GRACE_MS = 3000;
/** How often a capped child's CPU time is read from /proc. */
const POLL_MS = 100;
const CLOCK_TICKS = clockTicks();

/** What one child did. */
export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /**
   * Set when the child was stopped at its CPU cap: its CPU time (user + system of the process group's processes
   * and of the children they waited for, from /proc) and its RSS high-water mark when it was stopped.
   */
  readonly capped?: { readonly cpuMs: number; readonly rssMiB: number };
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Stop the child (SIGKILL to its group) once its processes have used this much CPU time. */
  readonly cpuCapMs?: number;
  /** Stop the child after this much wall time: a hang, not a figure. */
  readonly timeoutMs?: number;
  /** `inherit` passes the child's output through (a build the user should see); stdout and stderr are then empty. */
  readonly stdio?: 'pipe' | 'inherit';
}

/** Runs a child in its own process group and collects its output; never rejects for the child's exit status. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  const start = performance.now();
  const stdio: StdioOptions = options.stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'];
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  let capped: Finished['capped'];
  let timer: NodeJS.Timeout | undefined;
  const pid = child.pid;
  const result = new Promise<Finished>((resolve, reject) => {
    child.on('error', (error) => {
      if (timer) clearInterval(timer);
      reject(new Error(`${command}: ${error.message}${(error as NodeJS.ErrnoException).code === 'ENOENT' ? ' (not installed?)' : ''}`));
    });
    child.on('close', (status, signal) => {
      if (timer) clearInterval(timer);
      resolve({
        status,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: performance.now() - start,
        ...(capped ? { capped } : {}),
      });
    });
  });
  if (pid !== undefined) {
    running.set(pid, { exited: result.then(() => undefined, () => undefined) });
    void result.finally(() => running.delete(pid)).catch(() => undefined);
    const { cpuCapMs, timeoutMs } = options;
    if (cpuCapMs !== undefined || timeoutMs !== undefined) {
      timer = setInterval(() => {
        const usage = groupUsage(pid);
        if (cpuCapMs !== undefined && usage.cpuMs >= cpuCapMs) {
          capped = usage;
          stopGroup(pid, 'SIGKILL');
        } else if (timeoutMs !== undefined && performance.now() - start > timeoutMs) stopGroup(pid, 'SIGKILL');
      }, POLL_MS);
    }
  }
  return result;
}

/** Registers a cleanup that runs when the bench is stopped by a signal; returns its removal (call it once done). */
export function onExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** A temporary directory `$TMPDIR/<prefix>XXXXXX`, removed when the bench ends or is stopped; returns it and its removal. */
export function temporaryDirectory(parent: string, prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(parent, prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onExit(remove);
  return {
    dir,
    remove: () => {
      unregister();
      remove();
    },
  };
}

/** SIGINT, SIGTERM and SIGHUP stop every child, run the cleanups and exit with 128 + the signal's number. */
export function installSignalHandlers(): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stopEverything(signal).finally(() => process.exit(128 + constants.signals[signal]));
    });
  }
}

async function stopEverything(signal: NodeJS.Signals): Promise<void> {
  process.stderr.write(`bench: ${signal}: stopping ${running.size} running process${running.size === 1 ? '' : 'es'} and removing the bench's files\n`);
  const children = [...running];
  for (const [pid] of children) stopGroup(pid, signal);
  let grace: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    grace = setTimeout(() => {
      for (const [pid] of running) stopGroup(pid, 'SIGKILL');
      resolve();
    }, GRACE_MS);
  });
  await Promise.race([Promise.all(children.map(([, c]) => c.exited)), timedOut]);
  clearTimeout(grace);
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch (error) {
      process.stderr.write(`bench: cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

function stopGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * CPU time (user + system, and the same of the children each process waited for) and the highest RSS high-water mark
 * of the processes of a child's group, read from /proc: the group leader and its descendants.
 */
export function groupUsage(pid: number): { cpuMs: number; rssMiB: number } {
  let ticks = 0;
  let rssKiB = 0;
  const seen = new Set<number>();
  const visit = (p: number) => {
    if (seen.has(p)) return;
    seen.add(p);
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0);
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (hwm) rssKiB = Math.max(rssKiB, Number(hwm[1]));
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean)) visit(Number(c));
      }
    } catch {
      // The process has exited since it was listed.
    }
  };
  visit(pid);
  return { cpuMs: (ticks * 1000) / CLOCK_TICKS, rssMiB: rssKiB / 1024 };
}

function clockTicks(): number {
  const getconf = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(getconf.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}
