/**
 * `npm run e2e`: applies both stacks with the real Pulumi engine to throwaway control planes and checks what the
 * issue asks (test/e2e/README.md). This file is the outer shell: it synthesizes dist/, then runs the suite
 * (suite.ts) as PID 1 of a private network, PID and mount namespace (`unshare -npfm`), so that
 * - the only network is loopback: the 192.168.x addresses our objects name can never be dialled;
 * - every process the suite starts (etcd, the API servers, the Pulumi CLI and its plugins) dies with it, even when
 *   it crashes;
 * and afterwards checks that no process of the run survives on the host.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINARIES, ROOT, binary, cacheDir } from './engines.js';

function fail(message: string): never {
  process.stderr.write(`e2e FAILED: ${message}\n`);
  process.exit(1);
}

const missing = BINARIES.filter((name) => !existsSync(binary(name)));
if (missing.length > 0) fail(`${missing.join(', ')} not built in ${cacheDir()}: run \`npm run e2e:setup\` first`);
try {
  execFileSync('unshare', ['--net', '--pid', '--fork', '--mount-proc', 'true'], { stdio: 'pipe' });
} catch (error) {
  fail(`cannot create a private network and PID namespace (unshare -npf --mount-proc): ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error)}; the e2e run needs root or user namespaces`);
}

// dist/ must be what this code synthesizes: the assertions compare the API server with it.
execFileSync(process.execPath, ['infra/cli/run-bundled.mjs', 'synth'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

// A token that every process of this run carries in its environment, to find survivors without matching names.
const token = `icv-e2e-${randomBytes(6).toString('hex')}`;
const runDir = mkdtempSync(join(tmpdir(), `${token}-`));
const suite = join(ROOT, 'test/e2e/suite.ts');
// The engine starts a program in the directory of Pulumi.yaml's `main`; the suite runs there too, so that a program
// that read project files relative to the working directory would fail here as it fails under `pulumi up`.
const child = spawn('unshare', ['--net', '--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, '--import', 'tsx', suite, runDir], {
  cwd: join(ROOT, 'infra/pulumi'),
  stdio: 'inherit',
  env: { ...process.env, ICV_E2E_RUN: token },
});
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));

/** Host processes whose environment carries this run's token: none may be left once the namespace is gone. */
function survivors(): string[] {
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
const left = survivors();
if (left.length > 0) {
  process.stderr.write(`e2e FAILED: ${left.length} process(es) of the run survived it:\n${left.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('no process of the run survived it\n');
if (code === 0 && !process.env.ICV_E2E_KEEP) rmSync(runDir, { recursive: true, force: true });
else process.stdout.write(`run directory kept: ${runDir}\n`);
process.exit(code);
