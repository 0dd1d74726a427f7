import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ExitCode, InputError } from '../model/errors.js';
import { diffTrees, renderJson, renderMarkdown, type DistTree } from '../preview/index.js';
import { loadDistTree } from './read-dist-tree.js';
import { repositoryRoot, resolveCommit, synthesizeCommit, synthesizeWorkingTree, withTemporaryDirectory } from './base-synthesis.js';
import { selectEnvironments } from './inputs.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';

interface DiffCliOptions {
  readonly from?: string;
  readonly to?: string;
  readonly base?: string;
  readonly env?: string[];
  readonly format: 'markdown' | 'json';
  readonly out?: string;
  readonly jsonOut?: string;
  readonly jsonLink?: string;
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
  return runCommand(() => {
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
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<DiffCliOptions>();
    const cwd = context.cwd ?? process.cwd();
    const envs = options.env === undefined ? undefined : selectEnvironments(options.env);

    const { report } = compare(options, cwd, envs);
    const json = renderJson(report);
    const fullReport = options.jsonLink ?? options.jsonOut;
    const text = options.format === 'json' ? json : renderMarkdown(report, fullReport === undefined ? {} : { fullReport });

    if (options.jsonOut) writeFile(resolve(cwd, options.jsonOut), json);
    if (options.out) {
      writeFile(resolve(cwd, options.out), text);
      const flagged = report.changes.filter((c) => c.flags.length > 0).length;
      process.stderr.write(`diff: ${report.changes.length} changes (${flagged} flagged) in ${report.environments.map((e) => e.env).join(', ') || 'no environment'}; wrote ${options.out}\n`);
    } else {
      process.stdout.write(text);
    }
    return ExitCode.OK;
  });
}

function compare(options: DiffCliOptions, cwd: string, envs: string[] | undefined) {
  const usage = (message: string) => InputError.single('command line', options.base !== undefined ? '--base' : '--from/--to', message);
  const pair = options.from !== undefined || options.to !== undefined;
  if (options.base !== undefined && pair) throw usage('use either --base <git-ref> or --from <dir> --to <dir>, not both');
  if (options.base === undefined && !pair) throw usage('say what to compare: --base <git-ref>, or --from <dir> --to <dir>');
  if (options.base === undefined && (options.from === undefined || options.to === undefined)) throw usage('--from and --to go together');
  const diffOptions = (from: string, to: string) => ({ from, to, ...(envs && { envs }) });

  if (options.base === undefined) {
    const before = loadTree(resolve(cwd, options.from!), '--from', envs);
    const after = loadTree(resolve(cwd, options.to!), '--to', envs);
    return { report: diffTrees(before, after, diffOptions(options.from!, options.to!)) };
  }
  const base = options.base;
  const root = repositoryRoot(cwd);
  const commit = resolveCommit(root, base);
  return withTemporaryDirectory('icv-diff-', (tmp) => {
    const headOut = join(tmp, 'working-tree');
    const baseOut = join(tmp, 'base');
    synthesizeWorkingTree(root, headOut);
    const label = `${base} (${commit.slice(0, 12)})`;
    const synthesized = synthesizeCommit(root, commit, baseOut, label);
    if (!synthesized) process.stderr.write(`warning: ${label} has no synth yet; comparing with an empty tree\n`);
    const before: DistTree = synthesized ? loadDistTree(baseOut, envs) : { root: baseOut, envs: new Map() };
    return { report: diffTrees(before, loadDistTree(headOut, envs), diffOptions(label, 'working tree')) };
  });
}

function loadTree(dir: string, option: string, envs: string[] | undefined): DistTree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw InputError.single('command line', option, `'${dir}' is not a directory`);
  if (existsSync(join(dir, 'manifests'))) {
    throw InputError.single('command line', option, `'${dir}' is one environment's tree; pass the directory above it (it holds <env>/manifests/…)`);
  }
  const tree = loadDistTree(dir, envs);
  if (tree.envs.size === 0 && !envs) process.stderr.write(`warning: ${option} '${dir}' holds no environment (no <env>/manifests/…)\n`);
  return tree;
}

function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

runIfEntryPoint(import.meta.url, main);
