import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command, Option } from 'commander';
import type { ModuleSpec } from '../schema/module.js';
import { buildPlatform } from '../synth/build-platform.js';
import { ExitCode, InputError } from '../model/errors.js';
import { loadInputs, selectEnvironments, type InputSources } from './inputs.js';
import type { KubeObject, Platform } from '../model/types.js';
import { environmentFiles } from '../schema/validate-environment.js';
import { loadEnvironment } from './inputs.js';
import type { Environment } from '../schema/environment.js';
import {
  capacityFindings,
  checkPromotion,
  finding,
  checkStackConfig,
  countFindings,
  objectRef,
  planCapacity,
  renderCapacityTable,
  runChecks,
  sortFindings,
  type CapacityPlan,
  type Finding,
  type FindingCounts,
} from '../checks/index.js';
import { readCustomResourceDefinitions } from './crds.js';
import { renderReleases, type ReleaseRendering } from './render-charts.js';
import { projectRoot } from './project-root.js';
import { readManifests } from './read-manifests.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';
import { PARITY } from '../../environments/parity.js';
import { checkParity, parityReport } from '../parity/index.js';
import { mirrors } from '../../modules/mirrors.js';
import { releaseFileHistory } from './release-history.js';
import { configObjects, platformCapacity } from './platform-capacity.js';

/**
 * `npm run check [-- --env prod] [--format json] [--manifests DIR]`: schema, policy and capacity checks.
 * Default: builds every environment in memory (no dist/ needed) and runs every suite on it.
 * `--manifests DIR`: checks any directory of Kubernetes YAML (with an environment only if --env is given).
 * Exit 0 clean (warnings and exceptions allowed), 1 any error finding, 2 invalid input or usage.
 */

/** One environment, built, as the suites see it. */
export interface SuiteContext {
  readonly env: Environment;
  readonly envFile: string;
  readonly catalog: readonly ModuleSpec[];
  readonly platform: Platform;
  /** Every object the environment applies, plus the KubeKey and installer configs. */
  readonly objects: readonly KubeObject[];
  /** Repository root (stack config files live there). */
  readonly root: string;
  /** How each Helm release was checked, with the objects `--chart-dir` rendered for it. */
  readonly releases: readonly ReleaseRendering[];
}

/** A check over one environment. */
export interface EnvironmentSuite {
  readonly name: string;
  run(context: SuiteContext): Finding[];
}

/** A check across environments, reported as its own run named after the suite, with an optional text report. */
export interface CrossEnvironmentSuite {
  readonly name: string;
  run(contexts: readonly SuiteContext[], sources: InputSources): { readonly findings: readonly Finding[]; readonly report?: string };
}

/** Suites run on every environment in default mode. Capacity is planned separately because it also renders a table. */
export const ENVIRONMENT_SUITES: EnvironmentSuite[] = [
  {
    name: 'rules',
    run: (c) =>
      runChecks({
        // The objects the Helm releases render, when their charts are at --chart-dir.
        objects: [...c.objects, ...c.releases.flatMap((r) => r.objects)],
        env: c.env,
        envFile: c.envFile,
        helmReleases: c.platform.units.flatMap((u) => u.helmReleases),
        artifacts: c.platform.units.flatMap((u) => u.artifacts),
        mirrors,
        customResourceDefinitions: readCustomResourceDefinitions(),
      }),
  },
  {
    name: 'helm-render',
    run: (c) =>
      c.releases
        .filter((r) => r.failed !== undefined)
        .map((r) => finding(`HelmRelease/${r.release}`, 'helm.render', 'error', 'values', r.failed!, 'fix the values so that the chart renders (pulumi up runs the same template)')),
  },
  {
    name: 'stack-config',
    run: (c) => {
      const file = join(c.root, `Pulumi.${c.env.name}.yaml`);
      return existsSync(file) ? checkStackConfig(file, readFileSync(file, 'utf8')) : [];
    },
  },
];

/**
 * Suites over all checked environments at once (default mode, when more than one environment is checked).
 * The test ≡ prod parity check belongs here.
 */
export const CROSS_ENVIRONMENT_SUITES: CrossEnvironmentSuite[] = [
  {
    // test ≡ prod: the same objects, differing only where environments/parity.ts declares it.
    name: 'parity',
    run: (contexts, sources) => {
      const test = contexts.find((c) => c.env.name === 'test');
      const prod = contexts.find((c) => c.env.name === 'prod');
      if (!test || !prod) return { findings: [] };
      const result = checkParity(test.platform, prod.platform, sources.parity === undefined ? PARITY : { ...PARITY, declarations: sources.parity });
      return { findings: result.findings, report: parityReport(result) };
    },
  },
  {
    // Prod runs only digests test's pipeline pushed: its release file against test's file and git history.
    name: 'promotion',
    run: (contexts) => ({
      findings: contexts.flatMap((c) => {
        const from = c.env.promotesFrom;
        const source = from && contexts.find((s) => s.env.name === from.environment);
        if (!source) return [];
        const sourceFile = environmentFiles(source.env.name).releases;
        return checkPromotion({
          file: environmentFiles(c.env.name).releases,
          releases: c.env.releases,
          source: { name: source.env.name, history: [source.env.releases, ...releaseFileHistory(c.root, sourceFile)] },
        });
      }),
    }),
  },
];

/** What one run reports: an environment, a manifests directory, or a cross-environment suite. */
export interface RunReport {
  readonly target: string;
  readonly env?: string;
  readonly findings: readonly Finding[];
  readonly capacity?: CapacityPlan;
  /** Documents that were not Kubernetes objects (e.g. Helm values), in --manifests mode. */
  readonly skipped?: readonly { readonly file: string; readonly document: number }[];
  /** A suite's own text report (the parity report). */
  readonly report?: string;
  /** How each Helm release was checked: rendered (`--chart-dir`) or values only. */
  readonly releases?: readonly { readonly release: string; readonly checked: 'rendered' | 'values-only'; readonly detail: string; readonly objects: number }[];
}

export interface CheckReport {
  readonly runs: readonly RunReport[];
  readonly summary: FindingCounts;
}

interface CheckOptions {
  env?: string[];
  format: 'text' | 'json';
  manifests?: string;
  chartDir?: string;
}

export async function main(argv: string[], sources: InputSources = {}): Promise<number> {
  return runCommand(() => {
    const program = testableProgram(new Command('check'))
      .description('Check schemas, pod security, reliability, network isolation, supply chain, secrets, topology and capacity')
      .option('--env <names...>', 'environments to check (comma-separated or repeated); default: all')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--manifests <dir>', 'check a directory of Kubernetes YAML instead of building the environments')
      .option('--chart-dir <dir>', 'render each Helm release from its chart in DIR/<chart>-<version>/ (ci/tools/build-tools.sh chart) and check the objects too')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<CheckOptions>();
    const root = sources.root ?? projectRoot();
    const runs = options.manifests === undefined ? checkEnvironments(options, sources, root) : [checkManifests(options.manifests, options, sources)];
    const report: CheckReport = { runs, summary: countFindings(runs.flatMap((r) => r.findings)) };
    process.stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
    return report.summary.errors > 0 ? ExitCode.FINDINGS : ExitCode.OK;
  });
}

function checkEnvironments(options: CheckOptions, sources: InputSources, root: string): RunReport[] {
  const inputs = loadInputs(selectEnvironments(options.env), sources);
  const contexts: SuiteContext[] = inputs.map(({ env, catalog }) => {
    const platform = buildPlatform(env, catalog);
    const objects = [...platform.units.flatMap((u) => u.objects), ...configObjects(platform)];
    const releases = renderReleases(platform.units.flatMap((u) => u.helmReleases), options.chartDir);
    return { env, envFile: environmentFiles(env.name).declaration, catalog, platform, objects, root, releases };
  });
  const runs: RunReport[] = contexts.map((context) => {
    const capacity = platformCapacity(context.env, context.platform);
    const findings = sortFindings([...ENVIRONMENT_SUITES.flatMap((suite) => suite.run(context)), ...capacityFindings(capacity)]);
    const releases = context.releases.map(({ release, checked, detail, objects }) => ({ release, checked, detail, objects: objects.length }));
    return { target: context.env.name, env: context.env.name, findings, capacity, releases };
  });
  if (contexts.length > 1) {
    for (const suite of CROSS_ENVIRONMENT_SUITES) {
      const { findings, report } = suite.run(contexts, sources);
      runs.push({ target: suite.name, findings: sortFindings(findings), ...(report === undefined ? {} : { report }) });
    }
  }
  return runs;
}

function checkManifests(dir: string, options: CheckOptions, sources: InputSources): RunReport {
  const names = options.env === undefined ? [] : selectEnvironments(options.env);
  if (names.length > 1) throw InputError.single('--env', '', `--manifests checks one environment at a time, not ${names.join(', ')}`);
  const loaded = names[0] === undefined ? undefined : loadEnvironment(names[0], sources);
  const set = readManifests(dir);
  const fileOf = new Map<string, string>();
  for (const [obj, file] of set.files) if (!fileOf.has(objectRef(obj))) fileOf.set(objectRef(obj), file);
  const env = loaded?.env;
  const capacity = env ? planCapacity(env, set.objects) : undefined;
  const findings = sortFindings([...runChecks({ objects: set.objects, env, envFile: loaded?.file, customResourceDefinitions: readCustomResourceDefinitions() }), ...(capacity ? capacityFindings(capacity) : [])]).map((f) => {
    const file = fileOf.get(f.object);
    return file === undefined ? f : { ...f, file };
  });
  return {
    target: dir,
    ...(env ? { env: env.name } : {}),
    findings,
    ...(capacity ? { capacity } : {}),
    skipped: set.skipped,
  };
}

const SECTIONS = [
  ['error', 'errors'],
  ['warning', 'warnings'],
  ['exception', 'exceptions (declared, with reasons)'],
] as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function countLine(counts: FindingCounts): string {
  return `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.exceptions, 'exception')}`;
}

/** A file path as the user would type it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function renderFinding(f: Finding): string[] {
  const where = f.file ? ` (${displayPath(f.file)})` : '';
  return [
    `  ${f.rule}  ${f.object}${where}${f.path ? `  ${f.path}` : ''}`,
    `      ${f.message}`,
    f.severity === 'exception' ? `      reason: ${f.reason ?? ''}` : `      fix: ${f.fix}`,
  ];
}

export function renderText(report: CheckReport): string {
  const lines: string[] = [];
  for (const run of report.runs) {
    lines.push(`== ${run.target}${run.env && run.env !== run.target ? ` (environment ${run.env})` : ''} ==`);
    for (const [severity, title] of SECTIONS) {
      const group = run.findings.filter((f) => f.severity === severity);
      if (group.length > 0) lines.push(`${title} (${group.length}):`, ...group.flatMap(renderFinding));
    }
    if (run.skipped && run.skipped.length > 0) lines.push(`skipped, not Kubernetes objects: ${run.skipped.map((s) => `${displayPath(s.file)} (document ${s.document})`).join(', ')}`);
    for (const r of run.releases ?? []) {
      lines.push(
        r.checked === 'rendered'
          ? `Helm release ${r.release}: ${r.objects} rendered objects checked (${r.detail})`
          : `Helm release ${r.release}: ONLY ITS VALUES were checked, not the objects it renders (${r.detail}; see --chart-dir)`,
      );
    }
    if (run.capacity) lines.push('', renderCapacityTable(run.capacity));
    if (run.report) lines.push(run.report.trimEnd());
    lines.push(`${run.target}: ${countLine(countFindings(run.findings))}`, '');
  }
  lines.push(`check: ${countLine(report.summary)} (${report.runs.map((r) => r.target).join(', ')})`);
  return `${lines.join('\n')}\n`;
}

runIfEntryPoint(import.meta.url, main);
