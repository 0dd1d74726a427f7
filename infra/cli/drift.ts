import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EngineEvent } from '@pulumi/pulumi/automation/index.js';
import { Command } from 'commander';
import { ExitCode, InputError } from '../model/errors.js';
import { selectEnvironments } from './inputs.js';
import { driftReport, driftResult, driftSteps, separatePending, unchangedResources, type DriftResult } from '../daytwo/drift.js';
import { renderDriftMarkdown } from '../daytwo/render-drift.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';
import { outputFile, writeFilesTogether } from './output-target.js';
import { projectRoot } from './project-root.js';

/**
 * `npm run drift -- --env <env> [--out FILE] [--json-out FILE] [--stack NAME] [--events FILE] [--event-log FILE]`
 *
 * Runs `pulumi preview --refresh` on the environment's stack through the Automation API (the Pulumi program runs
 * in-process as an inline program, the stack's config read from `Pulumi.<stack>.yaml` in the project directory) and
 * reports per unit what the cluster has that the stack does not declare. A preview without refresh runs first: what
 * it already shows is the code's pending change, not drift. `--events` renders a recorded engine event
 * log instead (JSON lines, as `pulumi preview --refresh --event-log FILE` writes them), without a cluster.
 * Exit 0 no drift, 1 drift found, 2 usage, config, or the refresh could not run (one line).
 */

interface DriftOptions {
  env: string;
  stack?: string;
  out?: string;
  jsonOut?: string;
  events?: string;
  pendingEvents?: string;
  eventLog?: string;
  pendingEventLog?: string;
}

/**
 * The engine calls: a preview of `stackName` without refresh (the code's pending changes, events to `plain`), then a
 * refresh preview (events to `refresh`).
 */
export type RefreshPreview = (root: string, stackName: string, on: { readonly plain: (event: EngineEvent) => void; readonly refresh: (event: EngineEvent) => void }) => Promise<void>;

export interface DriftDependencies {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** @default the Automation API against the real stack */
  readonly refreshPreview?: RefreshPreview;
  /** @default the current time */
  readonly now?: () => Date;
}

export async function main(argv: string[], deps: DriftDependencies = {}): Promise<number> {
  return runCommand(async () => {
    const program = testableProgram(new Command('drift'))
      .description('Report what differs between the cluster and the stack (pulumi preview --refresh), per module')
      .requiredOption('--env <name>', 'environment whose stack to check')
      .option('--stack <name>', 'Pulumi stack name (default: $PULUMI_STACK_PREFIX<env>)')
      .option('--out <file>', 'write the markdown report here instead of stdout')
      .option('--json-out <file>', 'also write the report as JSON (read by npm run status)')
      .option('--events <file>', 'render this engine event log (JSON lines) instead of running the refresh')
      .option('--pending-events <file>', 'with --events: the event log of a preview without refresh, to tell pending changes from drift')
      .option('--event-log <file>', 'also save the engine events of the refresh preview here (JSON lines)')
      .option('--pending-event-log <file>', 'also save the engine events of the preview without refresh here (JSON lines)')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<DriftOptions>();
    const names = selectEnvironments([options.env]);
    if (names.length !== 1) throw InputError.single('--env', '', `drift checks one environment at a time, not ${names.join(', ')}`);
    const env = names[0]!;
    const root = deps.root ?? projectRoot();
    const processEnv = deps.env ?? process.env;
    const stack = options.stack ?? `${processEnv.PULUMI_STACK_PREFIX ?? ''}${env}`;
    if (options.pendingEvents !== undefined && options.events === undefined) throw InputError.single('--pending-events', '', 'goes with --events (a recorded refresh preview)');
    for (const [flag, file] of [['--out', options.out], ['--json-out', options.jsonOut], ['--event-log', options.eventLog], ['--pending-event-log', options.pendingEventLog]] as const) {
      if (file !== undefined && file.trim() === '') throw InputError.single(flag, '', 'must name a file');
    }
    // Every report target is checked before the engine runs (output-target.ts): never a tracked file or an input.
    const target = (flag: string, file: string | undefined) => (file === undefined ? undefined : outputFile(flag, file, [], root));
    const targets = { out: target('--out', options.out), jsonOut: target('--json-out', options.jsonOut), eventLog: target('--event-log', options.eventLog), pendingEventLog: target('--pending-event-log', options.pendingEventLog) };

    const checkedAt = (deps.now ?? (() => new Date()))().toISOString();
    let events: EngineEvent[];
    let plain: EngineEvent[] = [];
    if (options.events !== undefined) {
      events = readEventLog(resolve(root, options.events), options.events);
      if (options.pendingEvents !== undefined) plain = readEventLog(resolve(root, options.pendingEvents), options.pendingEvents);
    } else {
      events = [];
      const preview = deps.refreshPreview ?? automationRefreshPreview;
      try {
        await preview(root, stack, { plain: (event) => plain.push(event), refresh: (event) => events.push(event) });
      } catch (error) {
        process.stderr.write(`error: pulumi preview [--refresh] --stack ${stack}: ${engineMessage(error)}\n`);
        return ExitCode.INVALID_INPUT;
      }
    }

    const { drift, pending } = separatePending(driftSteps(events), driftSteps(plain));
    const report = driftReport(drift, { env, unchanged: unchangedResources(events) });
    const result = driftResult(report, stack, checkedAt, pending);
    const markdown = renderDriftMarkdown(result, options.jsonOut === undefined ? {} : { fullReport: options.jsonOut });
    writeFilesTogether([
      ...(targets.eventLog === undefined ? [] : [{ option: '--event-log', path: targets.eventLog, content: events.map((e) => `${JSON.stringify(e)}\n`).join('') }]),
      ...(targets.pendingEventLog === undefined ? [] : [{ option: '--pending-event-log', path: targets.pendingEventLog, content: plain.map((e) => `${JSON.stringify(e)}\n`).join('') }]),
      ...(targets.jsonOut === undefined ? [] : [{ option: '--json-out', path: targets.jsonOut, content: `${JSON.stringify(result, null, 2)}\n` }]),
      ...(targets.out === undefined ? [] : [{ option: '--out', path: targets.out, content: markdown }]),
    ]);
    if (targets.out === undefined) process.stdout.write(markdown);
    process.stderr.write(summaryLine(result));
    return result.drifted ? ExitCode.FINDINGS : ExitCode.OK;
  });
}

function summaryLine(result: DriftResult): string {
  if (!result.drifted) return `no drift in ${result.env}\n`;
  return `drift in ${result.env}: ${result.units.map((u) => `${u.module ?? u.unit} (${u.resources})`).join(', ')}\n`;
}

/** Reads an engine event log: one EngineEvent per line (blank lines allowed), or a JSON array of them. */
export function readEventLog(path: string, shown: string): EngineEvent[] {
  if (!existsSync(path)) throw InputError.single(shown, '', 'does not exist (write one with pulumi preview --refresh --event-log FILE, or npm run drift -- --event-log FILE)');
  const text = readFileSync(path, 'utf8');
  const parse = (line: string, where: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw InputError.single(shown, where, 'is not JSON: expected one engine event per line');
    }
  };
  const trimmed = text.trim();
  const values: unknown[] = trimmed.startsWith('[')
    ? (parse(trimmed, '(root)') as unknown[])
    : text.split('\n').flatMap((line, i) => (line.trim() ? [parse(line, `line ${i + 1}`)] : []));
  values.forEach((value, i) => {
    if (typeof value !== 'object' || value === null || typeof (value as { sequence?: unknown }).sequence !== 'number') {
      throw InputError.single(shown, `event ${i + 1}`, 'is not an engine event (no numeric sequence)');
    }
  });
  return values as EngineEvent[];
}

/** The real engine: the stack selected from a workspace on the project directory, the program run inline. */
const automationRefreshPreview: RefreshPreview = async (root, stackName, on) => {
  const found = spawnSync('pulumi', ['version'], { encoding: 'utf8', env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' } });
  if (found.error || found.status !== 0) {
    throw new Error('the pulumi CLI is not on PATH: install Pulumi 3.248.0 (as ci/pulumi.sh does), or render a recorded log with --events');
  }
  const { LocalWorkspace } = await import('@pulumi/pulumi/automation/index.js');
  const { platformProgram } = await import('../pulumi/program.js');
  const program = async () => ({ ...(await platformProgram()) });
  const stack = await LocalWorkspace.selectStack({ stackName, projectName: 'icv-platform', program }, { workDir: root });
  await stack.preview({ onEvent: on.plain, color: 'never' });
  await stack.preview({ refresh: true, onEvent: on.refresh, color: 'never' });
};

/** One line out of an Automation API error (`code: …\n stdout: …\n stderr: …`): the CLI's first `error:` line. */
function engineMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const cliError = lines.map((l) => /^(?:stderr: )?error: (.+)$/.exec(l)?.[1]).find((m) => m !== undefined);
  // The program's own list of missing config keys (StackConfigError), named on the same line.
  const missing = [...new Set(lines.map((l) => /^(icv:[\w-]+) \(secret\):/.exec(l)?.[1]).filter((k): k is string => k !== undefined))];
  if (cliError && missing.length > 0) return `${cliError.replace(/^Unhandled exception: \w+: /, '').replace(/:$/, '')} (${missing.join(', ')}): set each with pulumi config set --secret <key> --stack <stack>`;
  if (/no stack named|stack .* not found/i.test(text)) return `no such stack (create it with pulumi stack init): ${cliError ?? lines[0] ?? ''}`.trim();
  return cliError ?? lines.find((l) => !/^(code|stdout|stderr|err\?):/.test(l) && !/^at /.test(l)) ?? lines[0] ?? 'failed';
}

runIfEntryPoint(import.meta.url, main);
