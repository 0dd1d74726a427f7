import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENT_NAMES } from '../infra/cli/inputs.js';
import { catalogSources } from '../modules/index.js';
import { differingObjects } from './kustomize-overlays.js';
import type { Measurement } from './measurement.js';

/**
 * `npm run bench [-- --kustomize-limit <seconds>]`: times our synthesis of both environments against the
 * alternatives, on the real catalog (×1) and on the catalog scaled ten times (×10). Every figure comes from a fresh
 * child process (bench/measure.ts, bundled with esbuild) and is the median of several runs. Prints Markdown tables
 * and the goals of issue 8, each marked met or not. Takes two to three minutes on two cores.
 */

const ROOT = resolve(import.meta.dirname, '..');
const WORKERS = join(ROOT, 'build', 'bench');
const SCALES = [
  { factor: 1, runs: 5 },
  { factor: 10, runs: 3 },
] as const;
/** Runs of the slow alternatives, which would otherwise take most of the budget. */
const SLOW_RUNS = { 1: 3, 10: 1 } as const;
const COLD_RUNS = 5;

interface Figure {
  /** Median of the timed work, ms. */
  readonly ms: number;
  /** Median wall time of the whole process, ms. */
  readonly processMs: number;
  readonly objects: number;
  /** Highest RSS high-water mark over the runs, MiB. */
  readonly peakRssMiB: number;
  readonly runs: number;
}

/** kubectl kustomize over both environments; `exceeded` when it was stopped at the limit. */
interface KustomizeFigure {
  readonly ms: number;
  readonly exceeded: boolean;
  readonly runs: number;
  readonly check: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'kustomize-limit': { type: 'string', default: '40' } } });
  const kustomizeLimitMs = Number(values['kustomize-limit']) * 1000;
  if (!(kustomizeLimitMs > 0)) throw new Error(`'--kustomize-limit' (${values['kustomize-limit']}) must be a number of seconds above 0`);
  await bundleWorkers();
  const work = mkdtempSync(join(tmpdir(), 'icv-bench-'));
  const kubectl = kubectlVersion();
  try {
    const lines = [`# icv-platform bench — ${new Date().toISOString().slice(0, 10)}`, '', ...machine(kubectl), ''];
    const results = [];
    for (const { factor, runs } of SCALES) {
      const dir = join(work, `x${factor}`);
      const prepared = worker('measure', ['prepare', String(factor), dir]);
      progress(`×${factor}: ${prepared.objects} objects over both environments`);
      const ours = figure('ours', factor, runs, dir);
      const naive = figure('naive', factor, runs, dir);
      const serialize = figure('serialize', factor, runs, dir);
      const kustomize = kubectl ? kustomizeFigure(dir, SLOW_RUNS[factor], kustomizeLimitMs) : undefined;
      const pulumi = pulumiFigure(factor, SLOW_RUNS[factor]);
      results.push({ factor, ours, naive, serialize, kustomize, pulumi });
    }
    const cold = coldStart(work);
    lines.push(...synthesisTable(results), '', ...pulumiTable(results), '', ...coldTable(cold), '', ...goals(results, cold));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Bundles the measurement entries, so that each run loads one file instead of compiling TypeScript. */
async function bundleWorkers(): Promise<void> {
  await build({
    entryPoints: { measure: join(ROOT, 'bench/measure.ts'), 'measure-pulumi': join(ROOT, 'bench/measure-pulumi.ts') },
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: WORKERS,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
}

function worker(name: 'measure' | 'measure-pulumi', args: readonly string[]): Measurement & { processMs: number } {
  const start = performance.now();
  const child = spawnSync(process.execPath, [join(WORKERS, `${name}.mjs`), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const processMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${name} ${args.join(' ')} failed (exit ${child.status}):\n${child.stderr}`);
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  return { ...(JSON.parse(last) as Measurement), processMs };
}

function figure(kind: 'ours' | 'naive' | 'serialize', factor: number, runs: number, dir: string): Figure {
  const measurements = Array.from({ length: runs }, () => worker('measure', [kind, String(factor), dir]));
  return summarize(measurements, `${kind} ×${factor}`);
}

function pulumiFigure(factor: number, runs: number): Figure {
  return summarize(Array.from({ length: runs }, () => worker('measure-pulumi', [String(factor)])), `pulumi ×${factor}`);
}

function summarize(measurements: readonly (Measurement & { processMs: number })[], label: string): Figure {
  const result: Figure = {
    ms: median(measurements.map((m) => m.ms)),
    processMs: median(measurements.map((m) => m.processMs)),
    objects: measurements[0]!.objects,
    peakRssMiB: Math.max(...measurements.map((m) => m.peakRssMiB)),
    runs: measurements.length,
  };
  progress(`${label}: ${fmtMs(result.ms)} (median of ${runCount(result.runs)}), peak ${result.peakRssMiB.toFixed(0)} MiB`);
  return result;
}

/**
 * `kubectl kustomize overlays/<env>` for every environment in turn, timed together. The first run's output is
 * compared with our objects, so the figure is known to render the same thing.
 */
function kustomizeFigure(dir: string, runs: number, limitMs: number): KustomizeFigure {
  const times: number[] = [];
  let check = '';
  for (let run = 0; run < runs; run += 1) {
    let total = 0;
    for (const env of ENVIRONMENT_NAMES) {
      const start = performance.now();
      const child = spawnSync('kubectl', ['kustomize', join(dir, 'overlays', env)], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: Math.max(1, Math.ceil(limitMs - total)) });
      total += performance.now() - start;
      if (timedOut(child)) {
        progress(`kustomize: stopped at the ${fmtMs(limitMs)} limit (in ${env})`);
        return { ms: limitMs, exceeded: true, runs: 1, check: 'not checked (stopped)' };
      }
      if (child.status !== 0) throw new Error(`kubectl kustomize ${env} failed:\n${child.stderr}`);
      if (run === 0) check += checkRendered(dir, env, child.stdout);
    }
    times.push(total);
  }
  progress(`kustomize: ${fmtMs(median(times))} (median of ${runs})`);
  return { ms: median(times), exceeded: false, runs, check: check.trim() };
}

function timedOut(child: SpawnSyncReturns<string>): boolean {
  return (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
}

function checkRendered(dir: string, env: string, rendered: string): string {
  const parse = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as unknown).filter((o) => o !== null);
  const differing = differingObjects(parse(readFileSync(join(dir, 'expected', `${env}.yaml`), 'utf8')), parse(rendered));
  return differing.length === 0 ? `${env} identical; ` : `${env}: ${differing.length} objects differ (${differing.slice(0, 3).join(', ')}); `;
}

interface ColdFigure {
  readonly label: string;
  readonly ms: number;
}

/**
 * `npm run synth` from a fresh process, both environments, end to end; then the node process alone for each way
 * of starting it. tsx keeps its compiled files in os.tmpdir(), so "cold cache" gives it a fresh TMPDIR each run.
 */
function coldStart(work: string): ColdFigure[] {
  const out = join(work, 'cold-dist');
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const variants: { label: string; command: string; args: string[]; freshTmp?: boolean }[] = [
    { label: `\`npm run synth\` (\`${synthScript()}\`), end to end`, command: 'npm', args: ['run', '--silent', 'synth', '--', '--out', out] },
    { label: 'node infra/cli/run-bundled.mjs synth (esbuild bundle, then node)', command: process.execPath, args: ['infra/cli/run-bundled.mjs', 'synth', '--out', out] },
    { label: 'node build/synth.mjs (bundle built beforehand; lower bound)', command: process.execPath, args: ['build/synth.mjs', '--out', out] },
    { label: 'node --import tsx infra/cli/synth.ts, cold tsx cache', command: process.execPath, args: ['--import', 'tsx', 'infra/cli/synth.ts', '--out', out], freshTmp: true },
    { label: 'node --import tsx infra/cli/synth.ts, warm tsx cache', command: process.execPath, args: ['--import', 'tsx', 'infra/cli/synth.ts', '--out', out] },
    { label: 'tsx infra/cli/synth.ts (the tsx CLI), cold tsx cache', command: tsx, args: ['infra/cli/synth.ts', '--out', out], freshTmp: true },
  ];
  return variants.map(({ label, command, args, freshTmp }) => {
    const times: number[] = [];
    for (let run = 0; run < COLD_RUNS; run += 1) {
      const tmp = freshTmp ? mkdtempSync(join(work, 'tmp-')) : undefined;
      const start = performance.now();
      const child = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: tmp ? { ...process.env, TMPDIR: tmp } : process.env });
      times.push(performance.now() - start);
      if (child.status !== 0) throw new Error(`${label} failed (exit ${child.status}):\n${child.stderr}`);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
    progress(`cold: ${label}: ${fmtMs(median(times))}`);
    return { label, ms: median(times) };
  });
}

type Result = {
  factor: number;
  ours: Figure;
  naive: Figure;
  serialize: Figure;
  kustomize: KustomizeFigure | undefined;
  pulumi: Figure;
};

function synthesisTable(results: readonly Result[]): string[] {
  const [x1, x10] = results as [Result, Result];
  const ratio = (f: (r: Result) => number) => `${(f(x10) / f(x1)).toFixed(1)}`;
  const row = (label: string, f: (r: Result) => string) => `| ${label} | ${f(x1)} | ${f(x10)} |`;
  const vsOurs = (r: Result, ms: number) => `${fmtMs(ms)} (${(ms / r.ours.ms).toFixed(2)}× ours)`;
  const kustomize = (r: Result) =>
    !r.kustomize ? 'skipped: kubectl not on PATH' : r.kustomize.exceeded ? `> ${fmtMs(r.kustomize.ms)}, stopped (> ${(r.kustomize.ms / r.ours.ms).toFixed(1)}× ours)` : `${vsOurs(r, r.kustomize.ms)}; ${r.kustomize.check}`;
  return [
    `## Synthesis of every environment (${ENVIRONMENT_NAMES.join(' + ')})`,
    '',
    '| | ×1 (real catalog) | ×10 |',
    '|---|---|---|',
    row('modules per environment', (r) => String(r === x1 ? moduleCount(1) : moduleCount(10))),
    row('Kubernetes objects (both environments)', (r) => String(r.ours.objects)),
    row('**ours**: load + build + render, in-process (median)', (r) => `${fmtMs(r.ours.ms)} (${runCount(r.ours.runs)})`),
    row('ours: objects per second', (r) => Math.round(r.ours.objects / (r.ours.ms / 1000)).toLocaleString('en-US')),
    row('ours: peak RSS of the process', (r) => `${r.ours.peakRssMiB.toFixed(0)} MiB`),
    row('ours: whole process (start-up included)', (r) => fmtMs(r.ours.processMs)),
    row('naive cdk8s: one App, a Chart per module, synthYaml', (r) => vsOurs(r, r.naive.ms)),
    row('lower bound: YAML serialization of prebuilt objects', (r) => vsOurs(r, r.serialize.ms)),
    row('kubectl kustomize: base + overlay per environment', kustomize),
    '',
    `t(×10)/t(×1): ours ${ratio((r) => r.ours.ms)}, naive ${ratio((r) => r.naive.ms)}, serialization ${ratio((r) => r.serialize.ms)}` +
      (x1.kustomize && x10.kustomize ? `, kustomize ${x10.kustomize.exceeded ? '> ' : ''}${ratio((r) => r.kustomize!.ms)}` : '') +
      ` (×10 has ${(x10.ours.objects / x1.ours.objects).toFixed(1)}× the objects: the platform parts do not scale with modules).`,
  ];
}

function pulumiTable(results: readonly Result[]): string[] {
  return [
    `## Pulumi program under mocks, one stack (${ENVIRONMENT_NAMES[0]})`,
    '',
    '| | ×1 | ×10 |',
    '|---|---|---|',
    `| start → last registered resource (median) | ${results.map((r) => `${fmtMs(r.pulumi.ms)} (${runCount(r.pulumi.runs)})`).join(' | ')} |`,
    `| resources registered | ${results.map((r) => String(r.pulumi.objects)).join(' | ')} |`,
    `| peak RSS of the process | ${results.map((r) => `${r.pulumi.peakRssMiB.toFixed(0)} MiB`).join(' | ')} |`,
  ];
}

function coldTable(cold: readonly ColdFigure[]): string[] {
  return [
    `## Cold start: synth of every environment, written to disk, in a fresh process (median of ${COLD_RUNS})`,
    '',
    '| command | wall |',
    '|---|---|',
    ...cold.map((c) => `| ${c.label} | ${fmtMs(c.ms)} |`),
    '',
    `npm itself adds ${fmtMs(cold[0]!.ms - cold[1]!.ms)} (the first row minus the second, when the script is the launcher).`,
  ];
}

function synthScript(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.synth ?? '(none)';
}

function goals(results: readonly Result[], cold: readonly ColdFigure[]): string[] {
  const [x1, x10] = results as [Result, Result];
  const mark = (met: boolean) => (met ? 'met' : '**not met**');
  const npmSynth = cold[0]!.ms;
  const growth = x10.ours.ms / x1.ours.ms;
  const k1 = x1.kustomize ? x1.kustomize.ms / x1.ours.ms : undefined;
  const k10 = x10.kustomize ? x10.kustomize.ms / x10.ours.ms : undefined;
  const bound = Math.max(x1.ours.ms / x1.serialize.ms, x10.ours.ms / x10.serialize.ms);
  return [
    '## Goals (issue 8)',
    '',
    `- \`npm run synth\`, both environments, cold, whole process < 1.0 s: ${fmtMs(npmSynth)} — ${mark(npmSynth < 1000)}`,
    `- ×10: t(×10)/t(×1) ≤ 12: ${growth.toFixed(1)} — ${mark(growth <= 12)}; peak memory < 300 MB: ${megabytes(x10.ours.peakRssMiB).toFixed(0)} MB — ${mark(megabytes(x10.ours.peakRssMiB) < 300)}`,
    k1 === undefined || k10 === undefined
      ? '- ≥ 3× faster than kubectl kustomize at ×1, gap growing at ×10: skipped: kubectl not on PATH'
      : `- ≥ 3× faster than kubectl kustomize at ×1 (${k1.toFixed(1)}×), gap growing at ×10 (${x10.kustomize!.exceeded ? '> ' : ''}${k10.toFixed(1)}×): ${mark(k1 >= 3 && k10 > k1)}`,
    `- within 5× of the YAML-serialization lower bound: ${bound.toFixed(2)}× at worst — ${mark(bound <= 5)}`,
  ];
}

function megabytes(mebibytes: number): number {
  return (mebibytes * 2 ** 20) / 1e6;
}

function machine(kubectl: string | undefined): string[] {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${gib(totalmem())} RAM (${gib(freemem())} free), ` +
      `Node ${process.version}, ${kubectl ?? 'kubectl absent'}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
  ];
}

function kubectlVersion(): string | undefined {
  const child = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (child.error || child.status !== 0) {
    progress('kustomize: skipped: kubectl not on PATH');
    return undefined;
  }
  return child.stdout.split('\n').filter(Boolean).join(', ');
}

function moduleCount(factor: number): number {
  return catalogSources.reduce((n, source) => n + source.modules.length, 0) * factor;
}

function runCount(count: number): string {
  return count === 1 ? '1 run' : `${count} runs`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

await main();
