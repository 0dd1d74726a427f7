/**
 * `npm run e2e:scaled`, inside the namespaces (scaled.ts starts it as PID 1 of a private network, PID and mount
 * namespace): the real `pulumi preview` of a ×10 stack. One throwaway control plane, prepared as `npm run e2e`
 * prepares it (control-plane.ts, `prepareCluster`), and a fresh stack of the first environment whose program is
 * `platformProgram` over the bench's ×10 catalog (bench/scale-catalog.ts), with the e2e suite's stack config
 * (throwaway secrets, the fake Harbor, `icv:skipAwait`). Nothing is applied. Writes dist/e2e/scaled-report.json,
 * which `npm run bench` reads: the preview's wall time, the resources it plans, and the peak RSS and CPU time of
 * each process of the preview (the program's host, the engine, the providers), with the load.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES, loadInputs } from '../../infra/cli/inputs.js';
import { platformProgram } from '../../infra/pulumi/program.js';
import { pulumiNodeArgs } from '../../infra/pulumi/node-args.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { scaledSources } from '../../bench/scale-catalog.js';
import { FakeHarbor } from '../support/fake-harbor.js';
import { stackConfigFromFiles } from '../pulumi/stack-files.js';
import { startControlPlane } from './control-plane.js';
import { PINS, ROOT } from './engines.js';
import { ProcessGroup } from './processes.js';
import { engine, prepareCluster, throwawaySecrets, throwawayStackConfig } from './suite.js';

/** The scale of the stack previewed: the bench's ×10 catalog. */
export const SCALED_FACTOR = 10;
/** Where the figures go; `npm run bench -- --e2e-scaled-report FILE` reads another file. */
export const SCALED_REPORT = join(ROOT, 'dist/e2e/scaled-report.json');

/** What one process of the preview used, from /proc: RSS high-water mark (VmHWM) and CPU time (utime + stime). */
export interface ProcessFigure {
  readonly command: string;
  readonly peakRssMiB: number;
  readonly cpuSeconds: number;
}

export interface ScaledReport {
  readonly kubernetes: string;
  readonly pulumi: string;
  readonly factor: number;
  readonly stack: string;
  /** Kubernetes objects the ×10 environment synthesizes. */
  readonly objects: number;
  /** The preview's plan, from the engine's change summary (`create`: every resource of a fresh stack). */
  readonly changeSummary: Record<string, number>;
  /** Resources the preview plans, the stack and the components included. */
  readonly resources: number;
  readonly seconds: { readonly preview: number; readonly controlPlane: number };
  /**
   * The process that hosts the program (the Automation API's inline program runs in this process) from the start
   * of the preview to its end: its RSS sampled every 250 ms, its CPU time; and every other process of the namespace
   * that ran during the preview (the engine, the Kubernetes provider, the dynamic provider), by command.
   */
  readonly program: { readonly peakRssMiB: number; readonly cpuSeconds: number; readonly nodeArgs: readonly string[] };
  readonly processes: readonly ProcessFigure[];
  /** 1-minute load average at the start and the end of the preview, and the machine's cores. */
  readonly load: { readonly start: number; readonly end: number; readonly cores: number };
  readonly date: string;
}

const PAGE_KIB = 4;
const TICKS_PER_SECOND = 100;

/** VmHWM, VmRSS and CPU time of every process of the namespace (all of them are this run's). */
function readProcesses(): Map<number, { command: string; hwmKiB: number; rssKiB: number; ticks: number }> {
  const found = new Map<number, { command: string; hwmKiB: number; rssKiB: number; ticks: number }>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      const base = argv[0]!.split('/').at(-1)!;
      // node's script names it (the dynamic provider); an exited process has no command line left.
      const command = base === 'node' ? `node ${argv.find((a, i) => i > 0 && !a.startsWith('-'))?.replace(/.*node_modules\//, '') ?? ''}`.trim() : base;
      found.set(pid, { command, hwmKiB: kib('VmHWM'), rssKiB: kib('VmRSS') || Number(fields[21]) * PAGE_KIB, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

const processes = new ProcessGroup();

async function main(): Promise<number> {
  const runDir = process.argv[2] ?? '';
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  const env = ENVIRONMENT_NAMES[0]!;
  const dir = join(runDir, env);
  mkdirSync(dir, { recursive: true });

  const sources = scaledSources(SCALED_FACTOR, ROOT);
  const [inputs] = loadInputs([env], sources);
  const objects = buildPlatform(inputs!.env, inputs!.catalog).units.flatMap((u) => u.objects) as unknown as Parameters<typeof prepareCluster>[1];
  process.stdout.write(`×${SCALED_FACTOR} ${env}: ${objects.length} objects\n`);

  const harbor = await FakeHarbor.start({ username: 'admin', password: `e2e-${randomBytes(8).toString('hex')}` });
  try {
    const fileConfig = stackConfigFromFiles(env, ROOT);
    const cp = await startControlPlane(fileConfig['icv:kubeContext']!, join(dir, 'cluster'), 0, processes);
    process.stdout.write(`  control plane ready in ${cp.startSeconds} s (${cp.server})\n`);
    process.stdout.write(`  cluster prepared: ${await prepareCluster(cp, objects)}\n`);
    // The wildcard certificate's domain: the registry host's parent, as the e2e suite derives it from Harbor's values.
    const secrets = throwawaySecrets(env, dir, inputs!.env.registry.host.replace(/^[^.]+\./, ''), harbor.password);
    const config = await throwawayStackConfig(cp, fileConfig, secrets, harbor);
    const { stack, logFile } = await engine(env, dir, async () => ({ ...(await platformProgram(sources)) }), config);

    // Processes that exist before the preview (the control plane) are not the preview's.
    const before = new Set(readProcesses().keys());
    const seen = new Map<number, { command: string; hwmKiB: number; ticks: number }>();
    let programPeakKiB = 0;
    const sample = () => {
      for (const [pid, p] of readProcesses()) {
        if (pid === process.pid) programPeakKiB = Math.max(programPeakKiB, p.rssKiB);
        else if (!before.has(pid)) {
          const last = seen.get(pid);
          seen.set(pid, { command: last?.command || p.command, hwmKiB: Math.max(p.hwmKiB, last?.hwmKiB ?? 0), ticks: Math.max(p.ticks, last?.ticks ?? 0) });
        }
      }
    };
    const sampler = setInterval(sample, 250);
    const load = loadavg()[0]!;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const preview = await stack.preview({ onOutput: (out) => writeFileSync(logFile('preview'), out, { flag: 'a' }), color: 'never' }).finally(() => clearInterval(sampler));
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    sample();
    const { user, system } = process.cpuUsage(cpu);
    const changeSummary = (preview.changeSummary ?? {}) as Record<string, number>;
    const report: ScaledReport = {
      kubernetes: PINS.kubernetes,
      pulumi: PINS.pulumi,
      factor: SCALED_FACTOR,
      stack: env,
      objects: objects.length,
      changeSummary,
      resources: Object.values(changeSummary).reduce((a, b) => a + b, 0),
      seconds: { preview: seconds, controlPlane: cp.startSeconds },
      program: { peakRssMiB: Math.round(programPeakKiB / 1024), cpuSeconds: Math.round((user + system) / 1e5) / 10, nodeArgs: pulumiNodeArgs(ROOT) },
      processes: [...seen.values()].map((p) => ({ command: p.command, peakRssMiB: Math.round(p.hwmKiB / 1024), cpuSeconds: Math.round((p.ticks / TICKS_PER_SECOND) * 10) / 10 })).sort((a, b) => b.peakRssMiB - a.peakRssMiB),
      load: { start: load, end: loadavg()[0]!, cores: cpus().length },
      date: new Date().toISOString(),
    };
    mkdirSync(join(ROOT, 'dist/e2e'), { recursive: true });
    writeFileSync(SCALED_REPORT, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`e2e:scaled: real pulumi preview of a ×${SCALED_FACTOR} stack: ${report.resources} resources in ${seconds} s at load ${load.toFixed(1)}\n`);
    return 0;
  } finally {
    await harbor.close();
    const left = await processes.stopAll();
    if (left.length > 0) process.stderr.write(`e2e:scaled: still running after teardown: ${left.map((p) => `${p.name} (${p.pid})`).join(', ')}\n`);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // PID 1 of its namespace ignores a signal it has no handler for; stop the control plane, then exit.
  process.on(signal, () => void processes.stopAll().finally(() => process.exit(130)));
}
process.exit(
  await main().catch((error) => {
    process.stderr.write(`e2e:scaled FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }),
);
