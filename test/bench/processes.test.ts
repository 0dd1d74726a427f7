import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { groupUsage, run } from '../../bench/processes.js';

/**
 * bench/processes.ts: how the bench runs its children. A stopped bench (SIGTERM, SIGINT) stops its running children
 * and removes its temporary directory; a child over its CPU cap is stopped and reports what it had used. These take
 * well under a second of CPU each; nothing here times the bench.
 */

const DRIVER = fileURLToPath(new URL('./fixtures/stopped-bench.ts', import.meta.url));
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every live descendant of `pid`: the processes whose parent chain reaches it. */
function descendants(pid: number): { pid: number; command: string }[] {
  const parents = new Map<number, { ppid: number; command: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      parents.set(Number(entry), { ppid: Number(fields[1]), command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // Gone since the listing.
    }
  }
  const below = (p: number): boolean => {
    for (let at = parents.get(p)?.ppid; at !== undefined && at > 1; at = parents.get(at)?.ppid) if (at === pid) return true;
    return false;
  };
  return [...parents].filter(([p]) => below(p)).map(([p, { command }]) => ({ pid: p, command }));
}

/** Whether the process runs (a zombie waiting for its parent to reap it does not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a stopped bench', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: stops its running child and the child's children, removes its temporary directory and exits with 128 + the signal`, async () => {
      const temp = mkdtempSync(join(tmpdir(), 'bench-signal-test-'));
      scratch.push(temp);
      const bench = spawn(process.execPath, ['--import', 'tsx', DRIVER], { env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      bench.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      bench.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => bench.on('close', (code) => resolve(code)));
      await until(() => stdout.includes('\n') && descendants(bench.pid!).some((p) => p.command === 'sleep'), 'the child to run');
      const { dir } = JSON.parse(stdout.split('\n')[0]!) as { dir: string };
      expect(dir.startsWith(join(temp, 'icv-bench-'))).toBe(true);
      expect(existsSync(dir)).toBe(true);
      // The bench's child (sh) and its child (sleep); tsx's esbuild service is a child of the driver too.
      const children = descendants(bench.pid!).filter((p) => p.command === 'sh' || p.command === 'sleep');
      expect(children.map((p) => p.command).sort()).toEqual(['sh', 'sleep']);

      bench.kill(signal);
      expect(await exited).toBe(signal === 'SIGTERM' ? 143 : 130);
      await until(() => children.every((p) => !alive(p.pid)), 'the children to end', 5000);
      // (tsx keeps its compile cache in $TMPDIR too: tsx-<uid>.)
      expect(readdirSync(temp).filter((name) => name.startsWith('icv-bench-'))).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect(stderr).toContain(`bench: ${signal}: stopping 1 running process`);
    });
  }
});

describe('a child over its CPU cap', () => {
  it('is stopped, with its children, once their CPU time reaches the cap, and reports what they had used', async () => {
    // The busy loop runs in a grandchild: the cap counts the whole process group, as GNU time's child.
    const finished = await run('sh', ['-c', "sh -c 'while :; do :; done'; echo never"], { cwd: tmpdir(), cpuCapMs: 300 });
    expect(finished.capped).toBeDefined();
    expect(finished.capped!.cpuMs).toBeGreaterThanOrEqual(300);
    expect(finished.capped!.cpuMs).toBeLessThan(1500);
    expect(finished.signal).toBe('SIGKILL');
    expect(finished.stdout).toBe('');
  });

  it('runs to the end when it stays under the cap, and reports its output', async () => {
    const finished = await run('sh', ['-c', 'echo fine'], { cwd: tmpdir(), cpuCapMs: 60_000 });
    expect(finished.capped).toBeUndefined();
    expect(finished.status).toBe(0);
    expect(finished.stdout).toBe('fine\n');
  });
});

describe('groupUsage', () => {
  it("counts the CPU time of a process's descendants", async () => {
    const child = spawn('sh', ['-c', "sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 5'"], { stdio: 'ignore' });
    try {
      await until(() => groupUsage(child.pid!).cpuMs >= 100, 'the grandchild to use CPU');
      expect(groupUsage(child.pid!).rssMiB).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
      for (const p of descendants(child.pid!)) process.kill(p.pid, 'SIGKILL');
    }
  });
});
