/**
 * `npm run e2e:scaled`: the real `pulumi preview` of a ×10 stack (scaled-suite.ts) against a throwaway control
 * plane, inside a private network, PID and mount namespace (`unshare -npfm`), as `npm run e2e` runs its suite
 * (run.ts): loopback is the only network, every process the run starts dies with the namespace, and afterwards no
 * host process may carry the run's token. Not part of `.ci/run`: it measures (for the bench), it checks nothing
 * that `npm run e2e` does not. The suite's node gets the arguments Pulumi.yaml gives node under `pulumi up`
 * (`runtime.options.nodeargs`, infra/pulumi/node-args.ts), so the program runs with the V8 flags it has there.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pulumiNodeArgs } from '../../infra/pulumi/node-args.js';
import { BINARIES, ROOT, binary, cacheDir } from './engines.js';

function fail(message: string): never {
  process.stderr.write(`e2e:scaled FAILED: ${message}\n`);
  process.exit(1);
}

const missing = BINARIES.filter((name) => !existsSync(binary(name)));
if (missing.length > 0) fail(`${missing.join(', ')} not built in ${cacheDir()}: run \`npm run e2e:setup\` first`);
try {
  execFileSync('unshare', ['--net', '--pid', '--fork', '--mount-proc', 'true'], { stdio: 'pipe' });
} catch (error) {
  fail(`cannot create a private network and PID namespace (unshare -npf --mount-proc): ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error)}; the run needs root or user namespaces`);
}

const token = `icv-e2e-scaled-${randomBytes(6).toString('hex')}`;
const runDir = mkdtempSync(join(tmpdir(), `${token}-`));
const nodeArgs = pulumiNodeArgs(ROOT);
if (!nodeArgs.includes('tsx')) fail(`Pulumi.yaml's runtime.options.nodeargs (${nodeArgs.join(' ')}) no longer loads the program through tsx; scaled.ts starts the suite with them`);
const child = spawn('unshare', ['--net', '--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, ...nodeArgs, join(ROOT, 'test/e2e/scaled-suite.ts'), runDir], {
  cwd: join(ROOT, 'infra/pulumi'),
  stdio: 'inherit',
  env: { ...process.env, ICV_E2E_RUN: token },
});
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));

const left: string[] = [];
for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
  if (Number(pid) === process.pid) continue;
  try {
    if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`ICV_E2E_RUN=${token}`)) left.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim()}`);
  } catch {
    // gone meanwhile, or not ours to read
  }
}
if (left.length > 0) fail(`${left.length} process(es) of the run survived it:\n${left.join('\n')}`);
process.stdout.write('no process of the run survived it\n');
if (code === 0 && !process.env.ICV_E2E_KEEP) rmSync(runDir, { recursive: true, force: true });
else process.stdout.write(`run directory kept: ${runDir}\n`);
process.exit(code);
