import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, freemem, homedir, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { loadAll } from 'js-yaml';
import { bundleOptions } from '../infra/cli/bundle-options.mjs';
import { ENVIRONMENT_NAMES } from '../infra/cli/inputs.js';
import { projectRoot } from '../infra/cli/project-root.js';
import { pulumiV8Args } from '../infra/pulumi/node-args.js';
import { catalogSources } from '../modules/index.js';
import { HELM_OBJECTS_MAX_FACTOR, HELM_PREBUILT_FILE, HELM_RELEASE } from './helm-chart.js';
import { differingObjects } from './kustomize-overlays.js';
import { bundleMeasureDriver, compiledFromCache, driverArgs } from './driver.js';
import { emitterGoalFloor, floorVerdict, fmtMs, helmGoalFloor } from './floors.js';
import type { EmitterKind, MeasurementKind } from './measure.js';
import type { Measurement } from './measurement.js';
import { CAP_FACTOR, CAP_MIN_FACTOR, CDK8S_MAX_FACTOR, EMITTER_CHECK_MAX_FACTOR, INFORMATIONAL_MAX_FACTOR, PEER_CHECK_MAX_FACTOR, STARTUP_RUNS } from './plan.js';
import { installSignalHandlers, onExit, run, temporaryDirectory, type Finished } from './processes.js';

/**
 * `npm run bench`: our synthesis of both environments against the other ways to render the same objects, at the
 * real catalog (×1) and the catalog scaled 10 and 30 times (bench/scale-catalog.ts); the Pulumi program under mocks;
 * the real-engine previews that `npm run e2e` recorded; a cold `npm run synth` and a one-module `npm run diff`.
 * Every figure comes from a fresh child process. The contenders of a scale run interleaved (one run of each per
 * round), so a change of the machine's load falls on all of them alike. Prints one table of goals (goal, measured,
 * verdict, every verdict computed from the figures), then the figures behind it (bench/README.md explains them).
 * Stopped by SIGINT, SIGTERM or SIGHUP, it stops its children and removes its files (bench/processes.ts).
 */

// From the source and from the bundle in build/ alike (infra/cli/project-root.ts).
const ROOT = projectRoot(import.meta.dirname);
const WORKERS = join(ROOT, 'build', 'bench');
const LAUNCH = join(ROOT, 'bench', 'launch.mjs');
/** The in-process driver (bench/measure.ts), a CommonJS bundle run by LAUNCH with a code cache per kind. */
const MEASURE = join(WORKERS, 'measure.cjs');
const SYNTH_SCALED = join(WORKERS, 'synth-scaled.cjs');
/** What a run measures: scales and their rounds, runs of the Pulumi program, cold synths and diffs (bench/plan.ts: which contender runs where). */
const PLAN = {
  scales: [
    { factor: 1, rounds: 3 },
    { factor: 10, rounds: 3 },
    { factor: 30, rounds: 1 },
  ],
  pulumi: [
    { factor: 1, runs: 3 },
    { factor: 10, runs: 1 },
  ],
  cold: 5,
  diff: 3,
};
/** `--quick`: one round at ×1 and one run of everything else, to see that the bench works (its ×10 rows say so). */
const QUICK_PLAN: typeof PLAN = { scales: [{ factor: 1, rounds: 1 }], pulumi: [{ factor: 1, runs: 1 }], cold: 1, diff: 1 };
/** A process of the bench that runs longer than this is a hang, not a figure. */
const PROCESS_LIMIT_MS = 1_800_000;
const TOOLS = process.env.ICV_TOOLS_CACHE ?? join(homedir(), '.cache', 'icv-platform', 'tools');
const HELM = join(TOOLS, 'bin', 'helm');

/** One run: wall and CPU time (user + system, children included) and the RSS high-water mark. */
interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
  /** 1-minute load average when the run started. */
  readonly load: number;
  /**
   * The run was stopped at its CPU cap (CAP_FACTOR × our median): its figures are what it had used by then, lower
   * bounds of what it would have used.
   */
  readonly stopped?: boolean;
}

/** Everything measured of one contender at one scale. */
interface Series {
  readonly label: string;
  readonly samples: readonly Sample[];
  /** What the first run's output was checked against, and the result. */
  readonly check: string;
  readonly skipped?: string;
  /** Why it ran fewer rounds than the scale, if it did. */
  readonly fewer?: string;
}

interface Contender {
  readonly id: ContenderId;
  readonly label: string;
  /** Why it cannot run here, if it cannot. */
  readonly skip?: string;
  /** It runs in this many rounds at most (a row no goal names, at ×10): why, and how many. */
  readonly rounds?: { readonly max: number; readonly why: string };
  /** Whether it is a peer, timed as a whole process against ours and stopped at the cap from CAP_MIN_FACTOR up. */
  readonly peer?: boolean;
  /** Runs in each round (default 1): a figure of a few tens of milliseconds gets several. */
  readonly runsPerRound?: number;
  /** One run; `check` asks it to verify its output too (the first round); `capMs` stops it at that much CPU time. */
  readonly run: (check: boolean, capMs: number | undefined) => Promise<{ sample: Sample; check?: string }>;
}

type ContenderId = 'ours' | 'construct' | EmitterKind | 'ours-process' | 'startup' | 'kustomize' | 'helm' | 'helm-objects' | 'cdk8s';

interface ScaleResult {
  readonly factor: number;
  /** Rounds run (absent from a last-run.json written before a contender could run more than once a round). */
  readonly rounds?: number;
  readonly objects: number;
  readonly modules: number;
  readonly series: ReadonlyMap<ContenderId, Series>;
}

/** The 1-minute load average, sampled before every round of a scale and every other figure. */
const loads: number[] = [];

/** Everything a run measured, as build/bench/last-run.json keeps it (`--render` prints the tables from it again). */
interface RunResult {
  readonly date: string;
  readonly loadAtStart: readonly number[];
  readonly loads: readonly number[];
  readonly seconds: number;
  readonly scales: readonly (Omit<ScaleResult, 'series'> & { series: [ContenderId, Series][] })[];
  readonly pulumi: readonly PulumiFigure[];
  readonly cold: readonly Sample[];
  readonly diff: DiffFigure;
  readonly e2e: E2eFigures;
  /** What `npm run e2e:scaled` recorded (absent from a last-run.json written before it existed). */
  readonly e2eScaled?: ScaledFigure;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'e2e-report': { type: 'string', default: join(ROOT, 'dist', 'e2e', 'report.json') },
      'e2e-scaled-report': { type: 'string', default: join(ROOT, 'dist', 'e2e', 'scaled-report.json') },
      render: { type: 'string' },
      quick: { type: 'boolean', default: false },
      scales: { type: 'string' },
    },
  });
  const plan = values.quick ? QUICK_PLAN : PLAN;
  if (!values.render) installSignalHandlers();
  const result = values.render
    ? (JSON.parse(readFileSync(values.render, 'utf8')) as RunResult)
    : await measureAll(values['e2e-report']!, values['e2e-scaled-report']!, values.scales === undefined ? plan : { ...plan, scales: parseScales(values.scales) });
  process.stdout.write(`${tables(result).join('\n')}\n`);
}

/** `--scales 1:5,10:3`: factor:rounds pairs, in place of the plan's scales (×1 must be one of them). */
function parseScales(text: string): (typeof PLAN)['scales'] {
  const scales = text.split(',').map((pair) => {
    const [factor, rounds] = pair.split(':').map(Number);
    if (!Number.isInteger(factor) || factor! < 1 || !Number.isInteger(rounds) || rounds! < 1) {
      process.stderr.write(`bench: '--scales' (${text}): each entry is <factor>:<rounds>, whole numbers of at least 1, e.g. 1:5,10:3,30:1\n`);
      process.exit(2);
    }
    return { factor: factor!, rounds: rounds! };
  });
  if (!scales.some((s) => s.factor === 1)) {
    process.stderr.write(`bench: '--scales' (${text}) must include factor 1, which every ratio is taken against\n`);
    process.exit(2);
  }
  // ×1 first: the larger scales carry its output checks and its start-up figure.
  return scales.sort((a, b) => a.factor - b.factor);
}

/** The bench's temporary directory: every input, output and usage file of the run (removed at the end or on a signal). */
let work = '';

/** tmpfs's magic number in statfs(2)'s f_type. */
const TMPFS_MAGIC = 0x01021994;
/** What the work directory may hold at most (×30: ~0.5 GB of inputs and outputs), with room to spare. */
const WORK_BYTES = 2 * 2 ** 30;

/**
 * Where the work directory goes: `$TMPDIR` when it is set; else `/dev/shm` when it is a tmpfs with room for the run;
 * else the system's temporary directory. The ×30 inputs and outputs are ~0.5 GB in ~11,000 files, written, read and
 * removed within minutes: on an ext4 mounted with `discard` (this machine's /tmp), removing them alone took 47 s.
 * No figure times the disk: the tools read their inputs from the page cache either way.
 */
function workParent(): string {
  if (process.env.TMPDIR) return tmpdir();
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= WORK_BYTES) return '/dev/shm';
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

async function measureAll(e2eReport: string, scaledReport: string, plan: typeof PLAN): Promise<RunResult> {
  const started = performance.now();
  const loadAtStart = loadavg();
  sampleLoad();
  const temporary = temporaryDirectory(workParent(), 'icv-bench-');
  work = temporary.dir;
  try {
    await bundleWorkers();
    await ensureHelm();
    const scales: ScaleResult[] = [];
    for (const { factor, rounds } of plan.scales) scales.push(await measureScale(factor, rounds, scales.find((s) => s.factor === 1)));
    const pulumi: PulumiFigure[] = [];
    for (const { factor, runs } of plan.pulumi) pulumi.push(await pulumiFigure(factor, runs));
    const cold = await coldSynth(plan.cold);
    const diff = await diffFigure(plan.diff);
    const result: RunResult = {
      date: new Date().toISOString(),
      loadAtStart,
      loads,
      seconds: (performance.now() - started) / 1000,
      scales: scales.map((s) => ({ ...s, series: [...s.series] })),
      pulumi,
      cold,
      diff,
      e2e: readE2eReport(e2eReport),
      e2eScaled: readScaledReport(scaledReport),
    };
    writeFileSync(join(WORKERS, 'last-run.json'), `${JSON.stringify(result, null, 1)}\n`);
    return result;
  } finally {
    temporary.remove();
  }
}

function tables(result: RunResult): string[] {
  const scales = result.scales.map((s) => ({ ...s, series: new Map(s.series) }));
  return [
    `# icv-platform bench — ${result.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    ...machine(result.loadAtStart, result.loads, result.seconds),
    '',
    ...goalTable(scales, result.pulumi, result.cold, result.diff, result.e2e, result.e2eScaled),
    '',
    ...scales.flatMap((s) => [...scaleTable(s), '']),
    ...pulumiTable(result.pulumi),
    '',
    ...otherTable(result.cold, result.diff),
  ];
}

/**
 * Bundles the bench's drivers with esbuild, as the launcher bundles a command (infra/cli/bundle-options.mjs: packages
 * inside), so that no figure includes compiling TypeScript and the ×10 and ×30 synth starts as `npm run synth` does.
 */
async function bundleWorkers(): Promise<void> {
  await Promise.all([
    // The in-process driver runs as the launcher runs a command: a CommonJS script compiled with V8's code cache.
    bundleMeasureDriver(ROOT, MEASURE),
    bundleMeasureDriver(ROOT, SYNTH_SCALED, 'synth-scaled'),
    build({
      ...bundleOptions(join(ROOT, 'bench', 'measure-pulumi.ts'), ROOT),
      entryPoints: ['measure-pulumi', 'cdk8s-app'].map((name) => ({ in: join(ROOT, 'bench', `${name}.ts`), out: name })),
      outdir: WORKERS,
      outExtension: { '.js': '.mjs' },
    }),
  ]);
  // `npm run synth` reuses its bundle and code cache while the sources are unchanged (infra/cli/run-bundled.mjs); one
  // untimed run makes them current, so that every timed run is the synth a user runs after the first one since an edit.
  await run(process.execPath, [join(ROOT, 'infra/cli/run-bundled.mjs'), 'synth', '--out', join(work, 'untimed-synth')], { cwd: ROOT, timeoutMs: PROCESS_LIMIT_MS });
  // The whole-process synth above ×1 likewise: one untimed run at ×1 writes its code cache.
  mkdirSync(dirname(SYNTH_SCALED_CACHE()), { recursive: true });
  const untimed = await run(process.execPath, driverArgs(ROOT, SYNTH_SCALED, ['1', join(work, 'untimed-synth-scaled')], SYNTH_SCALED_CACHE()), { cwd: ROOT, timeoutMs: PROCESS_LIMIT_MS });
  if (untimed.status !== 0 || !existsSync(SYNTH_SCALED_CACHE())) throw new Error(`bench: the untimed run of synth-scaled wrote no code cache (exit ${untimed.status ?? untimed.signal}):\n${untimed.stderr}`);
}

/** The code cache of the whole-process synth of the scaled catalog, in the work directory (made by bundleWorkers). */
const SYNTH_SCALED_CACHE = (): string => join(work, 'code-cache', 'synth-scaled.v8cache');

/** Helm is built from its Go module at the version ci/tools/build-tools.sh pins, once, into the tools cache. */
async function ensureHelm(): Promise<void> {
  if (existsSync(HELM)) return;
  progress(`helm: not at ${HELM}; building it (ci/tools/build-tools.sh helm, a few minutes, once) ...`);
  const child = await run('bash', [join(ROOT, 'ci', 'tools', 'build-tools.sh'), 'helm'], { cwd: ROOT, stdio: 'inherit' });
  if (child.status !== 0) progress('helm: the build failed; its rows say so');
}

/**
 * One scale: the contenders in interleaved rounds. A peer stopped at its cap is not run again at that scale (every
 * later run would stop at the same cap and add nothing but minutes); a row no goal names runs the rounds it is given.
 */
async function measureScale(factor: number, rounds: number, x1: ScaleResult | undefined): Promise<ScaleResult> {
  const dir = join(work, `x${factor}`);
  const prepared = await measurement(['prepare', String(factor), dir]);
  progress(`×${factor}: ${prepared.objects} objects over both environments; ${rounds} round(s)`);
  const contenders = contendersAt(factor, dir, rounds);
  const samples = new Map<ContenderId, Sample[]>(contenders.map((c) => [c.id, []]));
  const checks = new Map<ContenderId, string>();
  const fewer = new Map<ContenderId, string>();
  for (let round = 0; round < rounds; round += 1) {
    sampleLoad();
    // Rotate the order each round, so that no contender always runs right after the same one; in every order our
    // whole process runs before the peers in the first round, so every peer's cap is known when it runs.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const contender of order) {
      const done = samples.get(contender.id)!;
      if (contender.skip) continue;
      if (contender.rounds && done.length >= contender.rounds.max) {
        fewer.set(contender.id, contender.rounds.why);
        continue;
      }
      if (done.some((s) => s.stopped)) {
        fewer.set(contender.id, `not run again once stopped at the cap (${CAP_FACTOR}× ours)`);
        continue;
      }
      const ours = samples.get('ours-process')!;
      const capMs = contender.peer && factor >= CAP_MIN_FACTOR && ours.length > 0 ? CAP_FACTOR * median(ours.map((s) => s.cpuMs)) : undefined;
      const checking = round === 0 && factor <= (contender.peer ? PEER_CHECK_MAX_FACTOR : EMITTER_CHECK_MAX_FACTOR);
      for (let run = 0; run < (contender.runsPerRound ?? 1); run += 1) {
        const { sample, check } = await contender.run(checking && run === 0, capMs);
        done.push(sample);
        if (check !== undefined) checks.set(contender.id, check);
      }
    }
  }
  sampleLoad();
  const checkOf = (c: Contender): string => {
    const checked = checks.get(c.id);
    if (checked !== undefined) return checked;
    if (c.id === 'ours' || c.id === 'construct' || c.id === 'ours-process' || c.id === 'startup') return '';
    const stopped = samples.get(c.id)!.some((s) => s.stopped);
    const at1 = x1?.series.get(c.id)?.check;
    const carried = at1 && factor > 1 ? `; at ×1: ${at1}` : '';
    if (stopped) return `not possible: stopped at the cap${carried}`;
    return `not checked at ×${factor}${carried}`;
  };
  const series = new Map<ContenderId, Series>(
    contenders.flatMap((c): [ContenderId, Series][] => {
      const own: [ContenderId, Series] = [
        c.id,
        { label: c.label, samples: samples.get(c.id)!, check: checkOf(c), ...(c.skip ? { skipped: c.skip } : {}), ...(fewer.has(c.id) ? { fewer: fewer.get(c.id)! } : {}) },
      ];
      // Start-up does not depend on the catalog: measured at ×1, shown (and used by the floors) at every scale.
      const startup = x1?.series.get('startup');
      return c.id === 'ours-process' && factor !== 1 && startup ? [own, ['startup', { ...startup, label: `${startup.label} (measured at ×1: the same at every scale)` }]] : [own];
    }),
  );
  for (const [id, s] of series) progress(`×${factor} ${id}: ${s.skipped ?? `CPU ${fmtCpu(s.samples, 'median')} median, ${s.check}`}`);
  return { factor, rounds, objects: prepared.objects, modules: moduleCount(factor), series };
}

function contendersAt(factor: number, dir: string, rounds: number): Contender[] {
  const inProcess = (id: Exclude<MeasurementKind, 'prepare'>, label: string): Contender => ({
    id,
    label,
    run: async (check) => {
      await ensureCodeCache(id, factor, dir);
      const load = loadavg()[0]!;
      const m = await measurement([id, String(factor), dir, ...(check && id !== 'ours' && id !== 'construct' ? ['--check'] : [])], codeCacheOf(id));
      compiledFromCache(m, `measure ${id} at ×${factor}`, codeCacheOf(id));
      return { sample: { wallMs: m.ms, cpuMs: m.cpuMs, rssMiB: m.peakRssMiB, load }, ...(m.check === undefined ? {} : { check: m.check }) };
    },
  });
  /** `yaml`'s stringify, which no goal names: every round at ×1, one round up to INFORMATIONAL_MAX_FACTOR, not above. */
  const informational = (): Pick<Contender, 'skip' | 'rounds'> =>
    factor > INFORMATIONAL_MAX_FACTOR
      ? { skip: `not run above ×${INFORMATIONAL_MAX_FACTOR} (no goal; keeps the bench within five minutes)` }
      : factor > 1
        ? { rounds: { max: 1, why: `one round above ×1 (no goal; keeps the bench within five minutes)` } }
        : {};
  const out = join(work, `out-x${factor}`);
  const helmHome = join(work, 'helm-home');
  const helmEnv = { ...process.env, HELM_CACHE_HOME: join(helmHome, 'cache'), HELM_CONFIG_HOME: join(helmHome, 'config'), HELM_DATA_HOME: join(helmHome, 'data') };
  const helmTemplate = (tree: string, env: string, capMs: number | undefined) =>
    timed(HELM, ['template', HELM_RELEASE, join(tree, 'chart'), '-f', join(tree, `values-${env}.yaml`)], { cwd: dir, env: helmEnv, capMs });
  const helmSkip = existsSync(HELM) ? {} : { skip: `not measured: no helm at ${HELM} (ci/tools/build-tools.sh helm)` };
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const cdk8sOut = join(work, `cdk8s-x${factor}`);
  return [
    inProcess('ours', 'ours: load + validate + build + render, in-process'),
    inProcess('construct', 'ours: load + validate + create the constructs, no serialization (floor of the construct layer)'),
    inProcess('render', 'our renderer alone (`renderPlatform`) over prebuilt objects'),
    { ...inProcess('yaml', '`yaml` `stringify` of the same objects (no goal)'), ...informational() },
    inProcess('js-yaml', 'js-yaml `dump` of the same objects'),
    inProcess('json', '`JSON.stringify` of the same objects (the cheapest serialization; not block YAML)'),
    {
      id: 'ours-process',
      label: factor === 1 ? 'ours, whole process: `node infra/cli/run-bundled.mjs synth` (`npm run synth` without npm)' : 'ours, whole process: synth of the scaled catalog (bench/synth-scaled.ts, bundled, compiled with its code cache)',
      run: async () => {
        rmSync(out, { recursive: true, force: true });
        const args = factor === 1 ? [join(ROOT, 'infra/cli/run-bundled.mjs'), 'synth', '--out', out] : driverArgs(ROOT, SYNTH_SCALED, [String(factor), out], SYNTH_SCALED_CACHE());
        return { sample: (await timed(process.execPath, args, { cwd: ROOT })).sample };
      },
    },
    // Start-up does not depend on the catalog: at ×1 only, a few runs (measureScale shows it at every scale).
    ...(factor === 1
      ? [
          {
            id: 'startup',
            label: 'start-up: `node infra/cli/run-bundled.mjs synth --help` (Node, the launcher\'s check of its bundle, loading the bundle from its code cache)',
            runsPerRound: Math.max(1, Math.ceil(STARTUP_RUNS / rounds)),
            run: async () => ({ sample: (await timed(process.execPath, [join(ROOT, 'infra/cli/run-bundled.mjs'), 'synth', '--help'], { cwd: ROOT })).sample }),
          } satisfies Contender,
        ]
      : []),
    {
      id: 'kustomize',
      label: '`kubectl kustomize envs/<env>`: a base and an overlay per unit, one process per environment',
      peer: true,
      ...(kubectl.status === 0 ? {} : { skip: 'skipped: kubectl not on PATH' }),
      run: (check, capMs) => perEnvironment(dir, check, capMs, (env, cap) => timed('kubectl', ['kustomize', join(dir, 'kustomize', 'envs', env)], { cwd: dir, capMs: cap })),
    },
    {
      id: 'helm',
      label: `\`helm template\` of a chart as its users write it (bench/helm/: the catalog's declarations as values, a template per kind of module object; ${helmPrebuilt(dir)}), one process per environment`,
      peer: true,
      ...helmSkip,
      run: (check, capMs) => perEnvironment(dir, check, capMs, (env, cap) => helmTemplate(join(dir, 'helm'), env, cap)),
    },
    {
      id: 'helm-objects',
      label: 'Helm, values = our finished objects (the previous chart: one `range` + `toYaml` over every object; informational, no goal), one process per environment',
      peer: true,
      ...(factor <= HELM_OBJECTS_MAX_FACTOR ? helmSkip : { skip: `not run above ×${HELM_OBJECTS_MAX_FACTOR} (no goal; 3.3× ours at ×10; keeps the bench within five minutes)` }),
      run: (check, capMs) => perEnvironment(dir, check, capMs, (env, cap) => helmTemplate(join(dir, 'helm-objects'), env, cap)),
    },
    {
      id: 'cdk8s',
      label: '`cdk8s synth` (cdk8s-cli) of one App per environment, a Chart per module (no goal)',
      peer: true,
      ...(factor <= CDK8S_MAX_FACTOR ? {} : { skip: `not run above ×${CDK8S_MAX_FACTOR} (no goal; at ×10 it is stopped at the cap, 5× ours when run to the end; keeps the bench within five minutes)` }),
      run: async (check, capMs) => {
        rmSync(cdk8sOut, { recursive: true, force: true });
        mkdirSync(cdk8sOut, { recursive: true });
        const app = `${process.execPath} ${LAUNCH} ${join(WORKERS, 'cdk8s-app.mjs')} ${factor} ${dir}`;
        const cli = join(ROOT, 'node_modules', '.bin', 'cdk8s');
        const { sample } = await timed(cli, ['synth', '--no-check-upgrade', '--app', app, '--output', cdk8sOut], { cwd: cdk8sOut, capMs });
        if (!check || sample.stopped) return { sample };
        const rendered = (env: string) =>
          readdirSync(join(cdk8sOut, env))
            .filter((f) => f.endsWith('.yaml'))
            .sort()
            .map((f) => readFileSync(join(cdk8sOut, env, f), 'utf8'))
            .join('\n---\n');
        return { sample, check: ENVIRONMENT_NAMES.map((env) => checkRendered(dir, env, rendered(env))).join('; ') };
      },
    },
  ];
}

/** What the templated chart takes prebuilt, as `prepare` counted it: "prebuilt: 149 of 647 objects in test, …". */
function helmPrebuilt(dir: string): string {
  const counts = JSON.parse(readFileSync(join(dir, 'helm', HELM_PREBUILT_FILE), 'utf8')) as Record<string, { prebuilt: number; objects: number }>;
  const each = Object.entries(counts).map(([env, c]) => `${c.prebuilt} of ${c.objects} objects in ${env}`);
  return `prebuilt with \`toYaml\`, the non-module units (cluster, shared infrastructure, registry, DevOps): ${each.join(', ')}`;
}

/**
 * Runs `one` for every environment; the runs add up (wall, CPU) and the peak is the highest. With a cap, each
 * environment gets what the ones before it left of it; once one is stopped, the rest do not run (the sum is a lower
 * bound either way).
 */
async function perEnvironment(
  dir: string,
  check: boolean,
  capMs: number | undefined,
  one: (env: string, capMs: number | undefined) => Promise<{ sample: Sample; stdout: string }>,
): Promise<{ sample: Sample; check?: string }> {
  let wallMs = 0;
  let cpuMs = 0;
  let rssMiB = 0;
  let stopped = false;
  const load = loadavg()[0]!;
  const checks: string[] = [];
  for (const env of ENVIRONMENT_NAMES) {
    const { sample, stdout } = await one(env, capMs === undefined ? undefined : capMs - cpuMs);
    wallMs += sample.wallMs;
    cpuMs += sample.cpuMs;
    rssMiB = Math.max(rssMiB, sample.rssMiB);
    if (sample.stopped) {
      stopped = true;
      break;
    }
    if (check) checks.push(checkRendered(dir, env, stdout));
  }
  return { sample: { wallMs, cpuMs, rssMiB, load, ...(stopped ? { stopped } : {}) }, ...(check && !stopped ? { check: checks.join('; ') } : {}) };
}

/**
 * A whole process under GNU time: wall time from here, CPU time (user + system of the process and every child it
 * waited for) and the RSS high-water mark from its wait4 rusage. With `capMs`, the process is stopped once its CPU
 * time (read from /proc every 100 ms, its children's included) reaches the cap, and the sample is what it had used.
 */
let usageFiles = 0;
async function timed(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; capMs?: number }): Promise<{ sample: Sample; stdout: string }> {
  usageFiles += 1;
  const usage = join(work, `time-${usageFiles}.txt`);
  const load = loadavg()[0]!;
  let child: Finished;
  try {
    child = await run('/usr/bin/time', ['-f', '%U %S %M', '-o', usage, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeoutMs: PROCESS_LIMIT_MS,
      ...(options.capMs === undefined ? {} : { cpuCapMs: Math.max(options.capMs, 0) }),
    });
  } catch (error) {
    throw new Error(`${command}: ${error instanceof Error ? error.message : String(error)} (the bench needs GNU time at /usr/bin/time: apt-get install time)`);
  }
  if (child.capped) {
    rmSync(usage, { force: true });
    return { sample: { wallMs: child.wallMs, cpuMs: child.capped.cpuMs, rssMiB: child.capped.rssMiB, load, stopped: true }, stdout: '' };
  }
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${child.status ?? child.signal}):\n${child.stderr.slice(-2000)}`);
  const [user, system, rssKiB] = readFileSync(usage, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  rmSync(usage, { force: true });
  return { sample: { wallMs: child.wallMs, cpuMs: (user + system) * 1000, rssMiB: rssKiB / 1024, load }, stdout: child.stdout };
}

async function worker(name: 'measure-pulumi', args: readonly string[]): Promise<Measurement> {
  // The Pulumi program runs with the V8 flags Pulumi.yaml gives node under `pulumi up` (its nodeargs, less the tsx
  // loader: the worker is bundled).
  return measured(name, await run(process.execPath, [...pulumiV8Args(ROOT), join(WORKERS, `${name}.mjs`), ...args], { cwd: ROOT, timeoutMs: PROCESS_LIMIT_MS }), args);
}

/**
 * One run of the in-process driver (bench/measure.ts): with `codeCache`, compiled with that V8 code cache, or, when
 * the file does not exist yet, compiled without one and writing it after the run (bench/launch.mjs).
 */
async function measurement(args: readonly string[], codeCache?: string): Promise<Measurement> {
  return measured('measure', await run(process.execPath, driverArgs(ROOT, MEASURE, args, codeCache), { cwd: ROOT, timeoutMs: PROCESS_LIMIT_MS }), args);
}

function measured(name: string, child: Finished, args: readonly string[]): Measurement {
  if (child.status !== 0) throw new Error(`${name} ${args.join(' ')} failed (exit ${child.status ?? child.signal}):\n${child.stderr}`);
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Measurement;
}

/** The code cache of an in-process kind, in the work directory: made afresh by every run of the bench. */
const codeCacheOf = (kind: MeasurementKind): string => join(work, 'code-cache', `measure-${kind}.v8cache`);

/**
 * Makes the code cache of `kind` unless it exists, as the launcher makes a command's (after its first run): one
 * untimed run of that kind, at the first scale it runs at, without a cache, writing it after the run. Every timed
 * run of the kind at every scale then compiles from it (all kinds alike; V8 only checks the bundle, its own
 * version and its flags, not the inputs).
 */
async function ensureCodeCache(kind: MeasurementKind, factor: number, dir: string): Promise<void> {
  const file = codeCacheOf(kind);
  if (existsSync(file)) return;
  mkdirSync(join(work, 'code-cache'), { recursive: true });
  const m = await measurement([kind, String(factor), dir], file);
  if (m.cachedDataRejected !== undefined || !existsSync(file)) throw new Error(`bench: the untimed run of measure ${kind} wrote no code cache at ${file}`);
}

/** Compares what a tool rendered for `env` with our objects, object by object (key: apiVersion/kind/namespace/name). */
function checkRendered(dir: string, env: string, rendered: string): string {
  const expected = JSON.parse(readFileSync(join(dir, 'expected', `${env}.json`), 'utf8')) as unknown[];
  const differing = differingObjects(expected, loadAll(rendered).filter((o) => o !== null && o !== undefined));
  return differing.length === 0 ? `${env}: all ${expected.length} objects identical to ours` : `${env}: **${differing.length} objects differ** (${differing.slice(0, 3).join(', ')})`;
}

interface PulumiFigure {
  readonly factor: number;
  /** Start of the program → last registered resource, per run. */
  readonly samples: readonly Sample[];
  readonly resources: number;
}

async function pulumiFigure(factor: number, runs: number): Promise<PulumiFigure> {
  sampleLoad();
  const samples: Sample[] = [];
  let resources = 0;
  for (let round = 0; round < runs; round += 1) {
    const load = loadavg()[0]!;
    const m = await worker('measure-pulumi', [String(factor)]);
    samples.push({ wallMs: m.ms, cpuMs: m.cpuMs, rssMiB: m.peakRssMiB, load });
    resources = m.objects;
  }
  const figure = { factor, samples, resources };
  progress(`pulumi ×${factor}: ${fmtMs(stats(figure.samples, 'wallMs').median)}, peak ${fmtMb(stats(figure.samples, 'rssMiB').max)}`);
  return figure;
}

/** `npm run synth` of both environments, written to disk, from a fresh process: wall time, npm included. */
async function coldSynth(runs: number): Promise<Sample[]> {
  sampleLoad();
  const out = join(work, 'cold-dist');
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i += 1) samples.push((await timed('npm', ['run', '--silent', 'synth', '--', '--out', out], { cwd: ROOT })).sample);
  progress(`cold npm run synth: ${fmtMs(stats(samples, 'wallMs').median)}`);
  return samples;
}

interface DiffFigure {
  readonly samples: readonly Sample[];
  /** Changes the report found (both environments). */
  readonly changes: number;
}

/**
 * `npm run diff -- --base HEAD` of a one-module change, as a merge request runs it: in a clean worktree of HEAD
 * whose catalog has the example of issue 16 (vehicle-access drops vehicle-registry and may scale to four), so the
 * base is synthesized in a temporary git worktree and the working tree beside it. The whole command.
 */
async function diffFigure(runs: number): Promise<DiffFigure> {
  sampleLoad();
  const tree = join(work, 'diff-worktree');
  const git = (...args: string[]) => {
    const child = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${child.stderr}`);
  };
  const removeWorktree = () => {
    rmSync(join(tree, 'node_modules'), { force: true });
    git('worktree', 'remove', '--force', tree);
  };
  git('worktree', 'add', '--detach', '--quiet', tree, 'HEAD');
  const unregister = onExit(removeWorktree);
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const file = join(tree, 'modules', 'vehicle.ts');
    const source = readFileSync(file, 'utf8');
    const edited = source
      .replace("dependsOn: { modules: ['vehicle-registry', 'vehicle-telemetry']", "dependsOn: { modules: ['vehicle-telemetry']")
      .replace('scaling: { min: 2, max: 3, targetCpu: 65 }', 'scaling: { min: 2, max: 4, targetCpu: 65 }');
    if (edited === source) throw new Error('bench: the vehicle-access entry of modules/vehicle.ts no longer reads as the diff benchmark expects');
    writeFileSync(file, edited);
    const samples: Sample[] = [];
    let changes = 0;
    for (let i = 0; i < runs; i += 1) {
      const out = join(work, `diff-${i}.json`);
      samples.push((await timed('npm', ['run', '--silent', 'diff', '--', '--base', 'HEAD', '--format', 'json', '--out', out], { cwd: tree })).sample);
      changes = (JSON.parse(readFileSync(out, 'utf8')) as { changes: unknown[] }).changes.length;
    }
    progress(`diff: one-module change: ${fmtMs(stats(samples, 'wallMs').median)}`);
    return { samples, changes };
  } finally {
    unregister();
    removeWorktree();
  }
}

/** What `npm run e2e:scaled` recorded (test/e2e/scaled-suite.ts), or why there is nothing. */
type ScaledFigure =
  | {
      readonly file: string;
      readonly factor: number;
      readonly stack: string;
      readonly seconds: number;
      readonly resources: number;
      readonly load: number;
      readonly programRssMiB: number;
      readonly processes: readonly { readonly command: string; readonly peakRssMiB: number }[];
    }
  | { readonly file: string; readonly missing: string };

function readScaledReport(file: string): ScaledFigure {
  if (!existsSync(file)) return { file, missing: 'not measured: run npm run e2e:scaled' };
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as {
      factor: number; stack: string; resources: number; seconds: { preview: number }; load: { start: number }; program: { peakRssMiB: number };
      processes: { command: string; peakRssMiB: number }[];
    };
    if (typeof r.seconds?.preview !== 'number' || typeof r.resources !== 'number') throw new Error('no seconds.preview or resources');
    return { file, factor: r.factor, stack: r.stack, seconds: r.seconds.preview, resources: r.resources, load: r.load.start, programRssMiB: r.program.peakRssMiB, processes: r.processes };
  } catch (error) {
    return { file, missing: `not measured: ${file} is not a report of npm run e2e:scaled (${error instanceof Error ? error.message : String(error)})` };
  }
}

function scaledRow(scaled: ScaledFigure | undefined): Row {
  const goal = 'real `pulumi preview` of a ×10 stack (issue 17: recorded, no goal)';
  if (scaled === undefined) return [goal, 'not measured: this run predates npm run e2e:scaled', 'not measured'];
  if ('missing' in scaled) return [goal, scaled.missing, 'not measured'];
  const peak = (command: string) => scaled.processes.find((p) => p.command === command)?.peakRssMiB;
  const engine = peak('pulumi');
  const provider = peak('pulumi-resource-kubernetes');
  return [
    goal.replace('×10', `×${scaled.factor}`),
    `${fmtMs(scaled.seconds * 1000)} (${scaled.resources} resources, stack ${scaled.stack}) at load ${scaled.load.toFixed(1)}; peak RSS: program ${fmtMb(scaled.programRssMiB)}` +
      `${engine === undefined ? '' : `, engine ${fmtMb(engine)}`}${provider === undefined ? '' : `, Kubernetes provider ${fmtMb(provider)}`}`,
    'recorded',
  ];
}

/** What `npm run e2e` recorded per stack (test/e2e/suite.ts), or why there is nothing. */
type E2eFigures = { readonly file: string; readonly stacks: Record<string, { preview: number; noChangePreview: number; up: number }> } | { readonly file: string; readonly missing: string };

function readE2eReport(file: string): E2eFigures {
  if (!existsSync(file)) return { file, missing: 'not measured: run npm run e2e' };
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { stacks?: Record<string, { seconds?: { up?: unknown; preview?: unknown; noChangePreview?: unknown } }> };
    const stacks: Record<string, { preview: number; noChangePreview: number; up: number }> = {};
    for (const [env, stack] of Object.entries(report.stacks ?? {})) {
      const { up, preview, noChangePreview } = stack.seconds ?? {};
      if (typeof up === 'number' && typeof preview === 'number' && typeof noChangePreview === 'number') stacks[env] = { up, preview, noChangePreview };
    }
    return { file, stacks };
  } catch (error) {
    return { file, missing: `not measured: ${file} is not a report of npm run e2e (${error instanceof Error ? error.message : String(error)})` };
  }
}

// ----- the tables -------------------------------------------------------------------------------------------------

type Row = readonly [goal: string, measured: string, verdict: string];

function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}

/**
 * A goal on wall time: met or missed on the median wall time, as the goal says. When it is missed while the machine
 * ran more than one runnable process per core (1-minute load above the core count), the verdict says so and gives
 * the median CPU time beside it, the part of the wall time that load does not stretch.
 */
function wallVerdict(samples: readonly Sample[], goalMs: number, bound: '<' | '≤'): string {
  const wall = stats(samples, 'wallMs').median;
  if (bound === '<' ? wall < goalMs : wall <= goalMs) return 'met';
  const load = median(samples.map((s) => s.load));
  const cpu = stats(samples, 'cpuMs').median;
  return load > cpus().length ? `**missed** at load ${load.toFixed(1)} on ${cpus().length} cores (its CPU time, ${fmtMs(cpu)}, is ${cpu <= goalMs ? 'within' : 'over'} the goal)` : '**missed**';
}

function goalTable(scales: readonly ScaleResult[], pulumi: readonly PulumiFigure[], cold: readonly Sample[], diff: DiffFigure, e2e: E2eFigures, scaled: ScaledFigure | undefined): string[] {
  const at = (factor: number) => scales.find((s) => s.factor === factor);
  const unmeasured = (goal: string): Row => [goal, 'not measured in this run (--quick or --scales)', 'not measured'];
  // undefined when not measured (a row a last-run.json written before it existed does not have, too).
  const cpu = (s: ScaleResult, id: ContenderId) => {
    const series = s.series.get(id);
    return series === undefined || series.skipped || series.samples.length === 0 ? undefined : stats(series.samples, 'cpuMs').median;
  };
  const rows: Row[] = [];

  for (const factor of [1, 10]) {
    const s = at(factor);
    const floorGoal = `×${factor}: **floor** of the 2× goal: creating the constructs + the bound ≤ 2 × the bound (a floor counts only the construct layer — load + validate + create the constructs, nothing serialized — and the fastest emitter, and ignores everything else synth does: the goal is reachable only if creating the constructs costs no more than the bound)`;
    if (!s) {
      rows.push(unmeasured(`×${factor}: synth CPU ≤ 2× the fastest correct YAML emitter of the same objects (issue 17)`), unmeasured(floorGoal));
      continue;
    }
    const bound = fastestEmitter(s);
    const ours = cpu(s, 'ours')!;
    rows.push([
      `×${factor}: synth CPU ≤ 2× the fastest correct YAML emitter of the same objects (issue 17)`,
      bound ? `${fmtMs(ours)} / ${fmtMs(bound.cpuMs)} (${bound.id}) = ${(ours / bound.cpuMs).toFixed(2)}×` : 'no emitter read back equal',
      bound ? verdict(ours <= 2 * bound.cpuMs) : '**missed**',
    ]);
    const construct = cpu(s, 'construct');
    if (construct === undefined || !bound) rows.push([floorGoal, construct === undefined ? 'not measured (no construct row in this run)' : 'no emitter read back equal', 'not measured']);
    else {
      const floor = floorVerdict(emitterGoalFloor(construct, bound));
      rows.push([floorGoal, floor.measured, floor.verdict]);
    }
  }
  const x1 = at(1)!;
  const x10 = at(10);
  const ours1 = cpu(x1, 'ours')!;
  rows.push(['×1: synth CPU ≤ 0.5 s for both environments, idle machine (issue 17)', fmtMs(ours1), verdict(ours1 <= 500)]);
  if (x10) {
    const growth = cpu(x10, 'ours')! / ours1;
    rows.push(['synth CPU ×10 / ×1 ≤ 12 (issue 17)', `${growth.toFixed(1)} (×10 has ${(x10.objects / x1.objects).toFixed(1)}× the objects)`, verdict(growth <= 12)]);
  } else rows.push(unmeasured('synth CPU ×10 / ×1 ≤ 12 (issue 17)'));

  for (const [id, name] of [
    ['kustomize', 'kustomize (a base and an overlay per unit)'],
    ['helm', '`helm template` (a chart templating every module object)'],
  ] as const) {
    for (const factor of [1, 10]) {
      const s = at(factor);
      const capped = factor >= CAP_MIN_FACTOR ? `; a run of the peer stops at ${CAP_FACTOR}× ours` : '';
      const goal = `×${factor}: ≥ 3× faster than ${name}, whole process to whole process, CPU${capped} (issue 17)`;
      if (!s) {
        rows.push(unmeasured(goal));
        if (id === 'helm') rows.push(unmeasured(helmFloorGoal(factor)));
        continue;
      }
      const series = s.series.get(id)!;
      const theirs = cpu(s, id);
      const ours = cpu(s, 'ours-process')!;
      if (theirs === undefined) rows.push([goal, series.skipped ?? 'not measured', 'not measured']);
      else if (series.check.includes('differ')) rows.push([goal, `output differs from ours: ${series.check}`, '**missed** (not comparable)']);
      else {
        // A run stopped at the cap gives a lower bound of the peer's time, so the ratio is one too: enough to meet the
        // goal when it is over 3, and no verdict when it is not.
        const bound = cpuStats(series.samples).medianBound ? '> ' : '';
        const ratio = theirs / ours;
        const wall = stats(series.samples, 'wallMs').median / stats(s.series.get('ours-process')!.samples, 'wallMs').median;
        const stopped = bound ? `; stopped at ${CAP_FACTOR}× ours, output checked at ×1 only` : '';
        rows.push([
          goal,
          `${bound}${fmtMs(theirs)} / ${fmtMs(ours)} = ${bound}${ratio.toFixed(1)}× (wall ${bound}${wall.toFixed(1)}×${stopped})`,
          ratio >= 3 ? 'met' : bound ? 'not decided (stopped at the cap below 3×)' : '**missed**',
        ]);
      }
      if (id === 'helm') rows.push(helmFloorRow(s, theirs === undefined || series.check.includes('differ') ? undefined : { cpuMs: theirs, lowerBound: cpuStats(series.samples).medianBound }));
    }
  }

  for (const [factor, timeGoal, mbGoal] of [
    [1, 3000, 250],
    [10, 25_000, 800],
  ] as const) {
    const p = pulumi.find((x) => x.factor === factor);
    if (!p) {
      rows.push(unmeasured(`Pulumi under mocks ×${factor}: ≤ ${fmtMs(timeGoal)} and ≤ ${mbGoal} MB (issue 17)`));
      continue;
    }
    const t = stats(p.samples, 'wallMs').median;
    const mb = megabytes(stats(p.samples, 'rssMiB').max);
    rows.push([`Pulumi under mocks ×${p.factor}: start → last registration ≤ ${fmtMs(timeGoal)} (issue 17)`, `${fmtMs(t)} (${p.resources} resources)`, wallVerdict(p.samples, timeGoal, '≤')]);
    rows.push([`Pulumi under mocks ×${p.factor}: peak RSS ≤ ${mbGoal} MB (issue 17)`, `${mb.toFixed(0)} MB`, verdict(mb <= mbGoal)]);
  }

  for (const env of ENVIRONMENT_NAMES) {
    const figures = 'missing' in e2e ? undefined : e2e.stacks[env];
    const goal = `real \`pulumi preview\` of stack ${env}, then the no-change preview after \`up\` (issue 17: recorded, no goal)`;
    rows.push(figures ? [goal, `${figures.preview} s; no-change ${figures.noChangePreview} s (up ${figures.up} s)`, 'recorded'] : [goal, 'missing' in e2e ? e2e.missing : `not measured: no stack ${env} in ${e2e.file}`, 'not measured']);
  }
  rows.push(scaledRow(scaled));

  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  // A command is an infra/cli module that runs itself as an entry point; its npm script has the same name.
  const commands = readdirSync(join(ROOT, 'infra', 'cli'))
    .filter((f) => f.endsWith('.ts') && readFileSync(join(ROOT, 'infra', 'cli', f), 'utf8').includes('runIfEntryPoint(import.meta.url'))
    .map((f) => f.slice(0, -3))
    .sort();
  const throughTsx = commands.filter((c) => scripts[c] === undefined || /\btsx\b/.test(scripts[c]!)).map((c) => [c, scripts[c]] as const);
  rows.push([
    'every command starts without tsx (issue 17)',
    throughTsx.length === 0 ? `all of ${commands.join(', ')}` : `through tsx: ${throughTsx.map(([name]) => `\`npm run ${name}\``).join(', ')}`,
    verdict(throughTsx.length === 0),
  ]);

  const coldMs = stats(cold, 'wallMs').median;
  rows.push(['`npm run synth`, both environments, cold, whole process < 1.0 s wall (issue 8)', fmtMs(coldMs), wallVerdict(cold, 1000, '<')]);
  if (x10) {
    const peak10 = megabytes(Math.max(...x10.series.get('ours')!.samples.map((s) => s.rssMiB)));
    rows.push(['×10: synth peak memory < 300 MB (issue 8)', `${peak10.toFixed(0)} MB`, verdict(peak10 < 300)]);
  } else rows.push(unmeasured('×10: synth peak memory < 300 MB (issue 8)'));
  const diffMs = stats(diff.samples, 'wallMs').median;
  rows.push(['`npm run diff` of a one-module change < 5 s wall (issue 16)', `${fmtMs(diffMs)} (${diff.changes} changes)`, wallVerdict(diff.samples, 5000, '<')]);

  return ['## Goals', '', '| goal | measured | verdict |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function helmFloorGoal(factor: number): string {
  return (
    `×${factor}: **floor** of the 3× Helm goal, whole process: start-up + creating the constructs + the bound ≤ Helm / 3 (a floor counts only ` +
    "Node's start-up with our bundle, the construct layer — load + validate + create the constructs, nothing serialized — and the fastest emitter, and ignores everything else our process does)"
  );
}

/**
 * The floor of the Helm goal at one scale: start-up (measured at ×1) + creating the constructs + the emitter bound,
 * against Helm's CPU / 3 (bench/floors.ts).
 */
function helmFloorRow(s: ScaleResult, helm: { cpuMs: number; lowerBound: boolean } | undefined): Row {
  const goal = helmFloorGoal(s.factor);
  const median = (id: ContenderId) => {
    const series = s.series.get(id);
    return series === undefined || series.skipped || series.samples.length === 0 ? undefined : stats(series.samples, 'cpuMs').median;
  };
  const startup = median('startup');
  const construct = median('construct');
  const bound = fastestEmitter(s);
  const missing = [startup === undefined ? 'start-up' : '', construct === undefined ? 'construct' : '', bound ? '' : 'an emitter that read back equal', helm ? '' : 'Helm'].filter(Boolean);
  if (missing.length > 0 || startup === undefined || construct === undefined || !bound || !helm) return [goal, `not measured in this run: ${missing.join(', ')}`, 'not measured'];
  const floor = floorVerdict(helmGoalFloor(startup, construct, bound, helm));
  return [goal, floor.measured, floor.verdict];
}

/**
 * The YAML emitter (not JSON) with the lowest median CPU whose output read back equal: at ×1 in this scale's first
 * round, above ×1 at ×1 (bench/plan.ts EMITTER_CHECK_MAX_FACTOR; the check's text then ends with ×1's).
 */
function fastestEmitter(s: ScaleResult): { id: EmitterKind; cpuMs: number } | undefined {
  const readBackEqual = (check: string) => /(^|at ×1: )all \d+ objects read back equal$/.test(check);
  const candidates = (['render', 'yaml', 'js-yaml'] as const)
    .map((id) => ({ id, series: s.series.get(id)! }))
    .filter(({ series }) => !series.skipped && series.samples.length > 0 && readBackEqual(series.check))
    .map(({ id, series }) => ({ id, cpuMs: stats(series.samples, 'cpuMs').median }));
  return candidates.sort((a, b) => a.cpuMs - b.cpuMs)[0];
}

function scaleTable(s: ScaleResult): string[] {
  const rounds = s.rounds ?? Math.max(...[...s.series.values()].map((x) => x.samples.length));
  const ours = stats(s.series.get('ours')!.samples, 'cpuMs').median;
  const oursProcess = stats(s.series.get('ours-process')!.samples, 'cpuMs').median;
  const rows = [...s.series.entries()].map(([id, series]) => {
    if (series.skipped) return `| ${series.label} | ${series.skipped} | | | | |`;
    const checked =
      series.check || (id === 'ours' || id === 'ours-process' ? 'the reference' : id === 'construct' ? 'nothing serialized (test/bench/construct-kind.test.ts: the same constructs as a synth)' : '');
    const c = cpuStats(series.samples);
    const w = stats(series.samples, 'wallMs');
    const reference = id === 'kustomize' || id === 'helm' || id === 'helm-objects' || id === 'cdk8s' || id === 'ours-process' || id === 'startup' ? oursProcess : ours;
    const relative = `${c.medianBound ? '> ' : ''}${(c.median / reference).toFixed(2)}× ${reference === ours ? 'ours in-process' : 'ours whole process'}`;
    const runs =
      series.samples.length < rounds
        ? ` (${series.samples.length} of ${rounds} rounds: ${series.fewer ?? 'fewer'})`
        : series.samples.length > rounds
          ? ` (${series.samples.length} runs)`
          : '';
    const stopped = series.samples.some((x) => x.stopped) ? `; stopped at ${CAP_FACTOR}× our median CPU (> : what it had used by then)` : '';
    const mark = (bound: boolean) => (bound ? '> ' : '');
    return (
      `| ${series.label}${runs} | ${mark(c.minBound)}${fmtMs(c.min)} / **${mark(c.medianBound)}${fmtMs(c.median)}** / ${mark(c.maxBound)}${fmtMs(c.max)}${stopped} | ${relative} | ` +
      `${mark(c.medianBound)}${fmtMs(w.median)} | ${mark(series.samples.some((x) => x.stopped))}${fmtMb(Math.max(...series.samples.map((x) => x.rssMiB)))} | ${checked} |`
    );
  });
  return [
    `## ×${s.factor}: ${s.modules} modules per environment, ${s.objects.toLocaleString('en-US')} objects over ${ENVIRONMENT_NAMES.join(' + ')} (${rounds} interleaved round${rounds === 1 ? '' : 's'})`,
    '',
    '| | CPU min / **median** / max | CPU relative | wall (median) | peak RSS | output checked |',
    '|---|---|---|---|---|---|',
    ...rows,
  ];
}

function pulumiTable(pulumi: readonly PulumiFigure[]): string[] {
  const cell = (p: PulumiFigure, key: Figure) => {
    const x = stats(p.samples, key);
    return `${fmtMs(x.min)} / **${fmtMs(x.median)}** / ${fmtMs(x.max)}`;
  };
  return [
    `## Pulumi program under mocks, one stack (${ENVIRONMENT_NAMES[0]})`,
    '',
    `| | ${pulumi.map((p) => `×${p.factor} (${p.samples.length} run${p.samples.length === 1 ? '' : 's'})`).join(' | ')} |`,
    `|---|${pulumi.map(() => '---').join('|')}|`,
    `| start → last registered resource, min / **median** / max | ${pulumi.map((p) => cell(p, 'wallMs')).join(' | ')} |`,
    `| CPU of the program, min / **median** / max | ${pulumi.map((p) => cell(p, 'cpuMs')).join(' | ')} |`,
    `| resources registered | ${pulumi.map((p) => String(p.resources)).join(' | ')} |`,
    `| peak RSS of the process | ${pulumi.map((p) => fmtMb(Math.max(...p.samples.map((s) => s.rssMiB)))).join(' | ')} |`,
  ];
}

function otherTable(cold: readonly Sample[], diff: DiffFigure): string[] {
  const line = (label: string, samples: readonly Sample[]) => {
    const w = stats(samples, 'wallMs');
    return `| ${label} | ${samples.length} | ${fmtMs(w.min)} / **${fmtMs(w.median)}** / ${fmtMs(w.max)} | ${fmtMs(stats(samples, 'cpuMs').median)} |`;
  };
  return [
    '## Commands, whole process',
    '',
    '| command | runs | wall min / **median** / max | CPU (median) |',
    '|---|---|---|---|',
    line('`npm run synth -- --out DIR`, both environments, cold', cold),
    line('`npm run diff -- --base HEAD` of a one-module change (base synthesized in a git worktree)', diff.samples),
  ];
}

function machine(loadAtStart: readonly number[], loads: readonly number[], seconds: number): string[] {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const helm = spawnSync(HELM, ['version', '--short'], { encoding: 'utf8' });
  const versions = [
    `Node ${process.version}`,
    kubectl.status === 0 ? kubectl.stdout.split('\n').filter(Boolean).join(', ') : 'kubectl absent',
    helm.status === 0 ? `helm ${helm.stdout.trim()}` : 'helm absent',
    `cdk8s-cli ${packageVersion('cdk8s-cli')}, cdk8s ${packageVersion('cdk8s')}, yaml ${packageVersion('yaml')}, js-yaml ${packageVersion('js-yaml')}`,
  ];
  return [
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${gib(totalmem())} RAM (${gib(freemem())} free); ${versions.join('; ')}.`,
    '',
    `Load average (1, 5, 15 min) at start: ${loadAtStart.map((l) => l.toFixed(2)).join(', ')}; 1-minute load sampled before each round: ` +
      `min ${Math.min(...loads).toFixed(2)}, median ${median(loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)} (${loads.length} samples). ` +
      `The bench took ${Math.round(seconds)} s.`,
  ];
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'absent';
  }
}

function sampleLoad(): void {
  loads.push(loadavg()[0]!);
}

function moduleCount(factor: number): number {
  return catalogSources.reduce((n, source) => n + source.modules.length, 0) * factor;
}

type Figure = 'wallMs' | 'cpuMs' | 'rssMiB' | 'load';

function stats(samples: readonly Sample[], key: Figure): { min: number; median: number; max: number } {
  const values = samples.map((s) => s[key]);
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/**
 * CPU min / median / max, and whether each is a lower bound: the figure of a run stopped at its cap (for the median
 * of an even count, when either of the two middle runs was).
 */
function cpuStats(samples: readonly Sample[]): { min: number; median: number; max: number; minBound: boolean; medianBound: boolean; maxBound: boolean } {
  const sorted = [...samples].sort((a, b) => a.cpuMs - b.cpuMs);
  const mid = Math.floor(sorted.length / 2);
  const middle = sorted.length % 2 === 1 ? [sorted[mid]!] : [sorted[mid - 1]!, sorted[mid]!];
  return {
    min: sorted[0]!.cpuMs,
    median: median(sorted.map((s) => s.cpuMs)),
    max: sorted.at(-1)!.cpuMs,
    minBound: sorted[0]!.stopped === true,
    medianBound: middle.some((s) => s.stopped === true),
    maxBound: sorted.at(-1)!.stopped === true,
  };
}

/** "CPU 1234 ms" for progress lines: the median, "> " when a lower bound. */
function fmtCpu(samples: readonly Sample[], which: 'median'): string {
  if (samples.length === 0) return 'no runs';
  const c = cpuStats(samples);
  return `${c[`${which}Bound`] ? '> ' : ''}${fmtMs(c[which])}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function megabytes(mebibytes: number): number {
  return (mebibytes * 2 ** 20) / 1e6;
}

function fmtMb(mebibytes: number): string {
  return `${megabytes(mebibytes).toFixed(0)} MB`;
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

await main();
