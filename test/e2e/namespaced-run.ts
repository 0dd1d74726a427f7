/**
 * The outer shell of `npm run e2e` (run.ts) and `npm run e2e:scaled` (scaled.ts): runs a suite as PID 1 of a private
 * network, PID and mount namespace (`unshare -npfm`), so that
 * - the only network is loopback: the 192.168.x addresses our objects name can never be dialled;
 * - every process the suite starts (etcd, the API servers, the Pulumi CLI and its plugins) dies with it, even when
 *   it crashes;
 * and afterwards checks that no process of the run survives on the host. Exits with the suite's code.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINARIES, ROOT, binary, cacheDir } from './engines.js';

export interface NamespacedRun {
  /** The command's name in its messages and its run token: `e2e`, `e2e:scaled`. */
  readonly name: string;
  /** The suite, a TypeScript file started by node with `nodeArgs`; it gets the run directory as its argument. */
  readonly suite: string;
  /** node's arguments before the suite (they load tsx). */
  readonly nodeArgs: readonly string[];
  /** Runs after the preflight, before the suite starts (run.ts synthesizes dist/ there). */
  readonly beforeStart?: () => void;
}

/** One line on stderr, `<name> FAILED: …`, and exit 1. */
export function failRun(name: string, message: string): never {
  process.stderr.write(`${name} FAILED: ${message}\n`);
  process.exit(1);
}

/** Host processes whose environment carries the run's token: none may be left once the namespace is gone. */
function survivors(token: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`ICV_E2E_RUN=${token}`)) {
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim()}`);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export async function runInPrivateNamespaces(run: NamespacedRun): Promise<never> {
  const missing = BINARIES.filter((name) => !existsSync(binary(name)));
  if (missing.length > 0) failRun(run.name, `${missing.join(', ')} not built in ${cacheDir()}: run \`npm run e2e:setup\` first`);
  try {
    execFileSync('unshare', ['--net', '--pid', '--fork', '--mount-proc', 'true'], { stdio: 'pipe' });
  } catch (error) {
    failRun(run.name, `cannot create a private network and PID namespace (unshare -npf --mount-proc): ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error)}; the run needs root or user namespaces`);
  }
  run.beforeStart?.();

  // A token that every process of this run carries in its environment, to find survivors without matching names.
  const token = `icv-${run.name.replace(':', '-')}-${randomBytes(6).toString('hex')}`;
  const runDir = mkdtempSync(join(tmpdir(), `${token}-`));
  // The engine starts a program in the directory of Pulumi.yaml's `main`; the suite runs there too, so that a program
  // that read project files relative to the working directory would fail here as it fails under `pulumi up`.
  const child = spawn('unshare', ['--net', '--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, ...run.nodeArgs, run.suite, runDir], {
    cwd: join(ROOT, 'infra/pulumi'),
    stdio: 'inherit',
    env: { ...process.env, ICV_E2E_RUN: token },
  });
  const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));

  const left = survivors(token);
  if (left.length > 0) failRun(run.name, `${left.length} process(es) of the run survived it:\n${left.join('\n')}`);
  process.stdout.write('no process of the run survived it\n');
  if (code === 0 && !process.env.ICV_E2E_KEEP) rmSync(runDir, { recursive: true, force: true });
  else process.stdout.write(`run directory kept: ${runDir}\n`);
  process.exit(code);
}
