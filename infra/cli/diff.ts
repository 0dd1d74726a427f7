import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ExitCode, InputError } from '../model/errors.js';
import { diffTrees, renderJson, renderMarkdown, summarizePulumiPreview, type DistTree, type ParseCache, type PulumiPreviewSummary } from '../preview/index.js';
import { newCapacityFindings, paritySays } from './diff-context.js';
import { loadDistTree } from './read-dist-tree.js';
import { repositoryRoot, resolveCommit, synthesizeCommit, synthesizeWorkingTree, withTemporaryDirectory } from './base-synthesis.js';
import { selectEnvironments } from './inputs.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';
import { outputFile, writeFilesTogether } from './output-target.js';

interface DiffCliOptions {
  readonly from?: string;
  readonly to?: string;
  readonly base?: string;
  readonly env?: string[];
  readonly format: 'markdown' | 'json';
  readonly out?: string;
  readonly jsonOut?: string;
  readonly jsonLink?: string;
  readonly pulumiPreview?: string[];
  readonly pulumiNotRun?: string[];
  readonly pulumiPlan?: string[];
  readonly stackPrefix?: string;
}

/** Where the command runs; tests point it at a scratch repository. */
export interface DiffContext {
  /** @default process.cwd() */
  readonly cwd?: string;
}

/**
 * `npm run diff -- --base origin/main` or `-- --from DIR --to DIR`: what a change does to the synthesized platform,
 * per environment, with risk flags, as markdown for a merge request or as JSON. Exit 0 when the diff was produced,
 * changes or not; 2 for bad arguments or input (nothing written).
 */
export async function main(argv: string[], context: DiffContext = {}): Promise<number> {
  return runCommand(async () => {
    const program = testableProgram(new Command('diff'))
      .description('Compare two synthesized dist/ trees, or a git ref with the working tree, and report the changes with risk flags')
      .option('--from <dir>', 'the tree before the change (a dist/ directory holding <env>/manifests/…)')
      .option('--to <dir>', 'the tree after the change')
      .option('--base <git-ref>', 'synthesize this ref in a temporary git worktree and compare the working tree with it')
      .option('--env <names...>', 'environments to compare (comma-separated or repeated); default: all')
      .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
      .option('--out <file>', 'write the report here instead of stdout')
      .option('--json-out <file>', 'also write the full JSON report here (markdown is cut past 65,536 characters)')
      .option('--json-link <where>', 'how the markdown names the full JSON report (a URL or path); default: the --json-out path')
      .option('--pulumi-preview <env=file...>', 'the output of `pulumi preview --json` for an environment\'s stack, summarized beside the offline diff')
      .option('--pulumi-not-run <env=reason...>', 'say why the real preview of an environment did not run')
      .option('--pulumi-plan <env=where...>', 'where the saved plan of an environment\'s preview is (a URL or path)')
      .option('--stack-prefix <prefix>', 'qualifies stack names in the note (PULUMI_STACK_PREFIX)', '')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<DiffCliOptions>();
    const cwd = context.cwd ?? process.cwd();
    const envs = options.env === undefined ? undefined : selectEnvironments(options.env);
    // Output targets are checked before anything is compared, so a refused path costs nothing and writes nothing.
    const trees = [options.from, options.to].filter((d): d is string => d !== undefined);
    const jsonOut = options.jsonOut === undefined ? undefined : outputFile('--json-out', options.jsonOut, trees, cwd);
    const out = options.out === undefined ? undefined : outputFile('--out', options.out, trees, cwd);
    if (out !== undefined && out === jsonOut) throw InputError.single('--out', '', `'${options.out}' is also the --json-out file; give the reports two files`);

    const pulumi = pulumiPreviews(options, cwd);
    const { report } = await compare(options, cwd, envs, pulumi);
    const json = renderJson(report);
    const fullReport = options.jsonLink ?? options.jsonOut;
    const text = options.format === 'json' ? json : renderMarkdown(report, fullReport === undefined ? {} : { fullReport });

    writeFilesTogether([
      ...(jsonOut === undefined ? [] : [{ option: '--json-out', path: jsonOut, content: json }]),
      ...(out === undefined ? [] : [{ option: '--out', path: out, content: text }]),
    ]);
    if (out !== undefined) {
      const flagged = report.changes.filter((c) => c.flags.length > 0).length;
      process.stderr.write(`diff: ${report.changes.length} changes (${flagged} flagged) in ${report.environments.map((e) => e.env).join(', ') || 'no environment'}; wrote ${options.out}\n`);
    } else {
      process.stdout.write(text);
    }
    return ExitCode.OK;
  });
}

/** `env=value` pairs of a repeatable option, or an InputError naming it. */
function pairs(values: readonly string[] | undefined, option: string): [string, string][] {
  return (values ?? []).map((entry) => {
    const match = /^([a-z][a-z0-9-]*)=(.+)$/.exec(entry);
    if (!match) throw InputError.single('command line', option, `'${entry}' must be <env>=<value>`);
    return [match[1]!, match[2]!];
  });
}

/** The real previews the caller had, read and summarized; undefined when it named none (the note says so). */
function pulumiPreviews(options: DiffCliOptions, cwd: string): PulumiPreviewSummary[] | undefined {
  const ran = pairs(options.pulumiPreview, '--pulumi-preview');
  const notRun = pairs(options.pulumiNotRun, '--pulumi-not-run');
  const plans = new Map(pairs(options.pulumiPlan, '--pulumi-plan'));
  if (ran.length === 0 && notRun.length === 0) return undefined;
  const stack = (env: string) => `${options.stackPrefix ?? ''}${env}`;
  const out: PulumiPreviewSummary[] = ran.map(([env, file]) => {
    const path = resolve(cwd, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw InputError.single(file, '', `cannot read the preview JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    const plan = plans.get(env);
    return summarizePulumiPreview(json, file, { env, stack: stack(env), ...(plan !== undefined && { plan }) });
  });
  for (const [env, reason] of notRun) if (!out.some((p) => p.env === env)) out.push({ env, stack: stack(env), ran: false, note: reason });
  return out.sort((a, b) => (a.env < b.env ? -1 : a.env > b.env ? 1 : 0));
}

async function compare(options: DiffCliOptions, cwd: string, envs: string[] | undefined, pulumi: PulumiPreviewSummary[] | undefined) {
  const usage = (message: string) => InputError.single('command line', options.base !== undefined ? '--base' : '--from/--to', message);
  const pair = options.from !== undefined || options.to !== undefined;
  if (options.base !== undefined && pair) throw usage('use either --base <git-ref> or --from <dir> --to <dir>, not both');
  if (options.base === undefined && !pair) throw usage('say what to compare: --base <git-ref>, or --from <dir> --to <dir>');
  if (options.base === undefined && (options.from === undefined || options.to === undefined)) throw usage('--from and --to go together');
  const diffOptions = (from: string, to: string, before: DistTree, after: DistTree) => {
    const names = [...new Set([...before.envs.keys(), ...after.envs.keys()])].filter((e) => !envs || envs.includes(e));
    return { from, to, ...(envs && { envs }), declared: paritySays(), newCapacityFindings: newCapacityFindings(before, after, names), ...(pulumi && { pulumi }) };
  };

  if (options.base === undefined) {
    const cache: ParseCache = new Map();
    const before = loadTree(resolve(cwd, options.from!), '--from', envs, cache);
    const after = loadTree(resolve(cwd, options.to!), '--to', envs, cache);
    return { report: diffTrees(before, after, diffOptions(options.from!, options.to!, before, after)) };
  }
  const base = options.base;
  const root = repositoryRoot(cwd);
  const commit = resolveCommit(root, base);
  return withTemporaryDirectory('icv-diff-', async (tmp) => {
    const headOut = join(tmp, 'working-tree');
    const baseOut = join(tmp, 'base');
    const label = `${base} (${commit.slice(0, 12)})`;
    // The two syntheses are independent processes: run them side by side.
    // Both settle before the temporary directory goes, whichever fails first.
    const [head, baseRun] = await Promise.allSettled([synthesizeWorkingTree(root, headOut), synthesizeCommit(root, commit, baseOut, label)]);
    if (head.status === 'rejected') throw head.reason;
    if (baseRun.status === 'rejected') throw baseRun.reason;
    const synthesized = baseRun.value;
    if (!synthesized) process.stderr.write(`warning: ${label} has no synth yet; comparing with an empty tree\n`);
    const cache: ParseCache = new Map();
    const before: DistTree = synthesized ? loadDistTree(baseOut, envs, cache) : { root: baseOut, envs: new Map() };
    const after = loadDistTree(headOut, envs, cache);
    return { report: diffTrees(before, after, diffOptions(label, 'working tree', before, after)) };
  });
}

function loadTree(dir: string, option: string, envs: string[] | undefined, cache: ParseCache): DistTree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw InputError.single('command line', option, `'${dir}' is not a directory`);
  if (existsSync(join(dir, 'manifests'))) {
    throw InputError.single('command line', option, `'${dir}' is one environment's tree; pass the directory above it (it holds <env>/manifests/…)`);
  }
  const tree = loadDistTree(dir, envs, cache);
  if (tree.envs.size === 0 && !envs) process.stderr.write(`warning: ${option} '${dir}' holds no environment (no <env>/manifests/…)\n`);
  return tree;
}

runIfEntryPoint(import.meta.url, main);
