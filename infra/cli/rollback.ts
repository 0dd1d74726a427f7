import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { GitLabApiError, request } from '../../ci/post-mr-note.js';
import { planRollback, rollbackMessage, short, type FileVersion, type RollbackPlan } from '../daytwo/rollback.js';
import { ExitCode, InputError } from '../model/errors.js';
import { environmentFiles, parseReleases } from '../schema/validate-environment.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';
import { loadInputs, selectEnvironments } from './inputs.js';
import { projectRoot } from './project-root.js';

/**
 * `npm run rollback -- --env <env> [--module <m>] [--to <git-ref> | --steps N] [--no-commit]`
 *
 * Writes `environments/releases/<env>.yaml` as it was before the last release of the module (or, without --module,
 * the whole file's previous version), from the file's git history; validates the result against today's schema,
 * catalog and environment; then prepares the merge request: a branch `rollback/<env>-<module|all>-<commit>` with one
 * commit, pushed and opened through GitLab's API when GITLAB_API_TOKEN, CI_API_V4_URL and CI_PROJECT_ID are set.
 * Exit 0 prepared; 1 git or GitLab failed after validation; 2 usage or a refused rollback (one line, nothing written).
 */

interface RollbackOptions {
  env: string;
  module?: string;
  to?: string;
  steps?: number;
  commit: boolean;
  remote: string;
  targetBranch?: string;
}

export interface RollbackDependencies {
  /** Repository root. @default the project root */
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function main(argv: string[], deps: RollbackDependencies = {}): Promise<number> {
  return runCommand(async () => {
    const program = testableProgram(new Command('rollback'))
      .description("Roll an environment's release file back from its git history, as a merge request")
      .requiredOption('--env <name>', 'environment whose release file to roll back')
      .option('--module <name>', 'roll back this module only (default: the whole file)')
      .option('--to <git-ref>', 'restore the entries as they were at this commit, tag or branch')
      .option('--steps <n>', 'go back this many releases of the module (or versions of the file)', positiveInteger)
      .option('--no-commit', 'only write the file: no branch, commit or merge request')
      .option('--remote <name>', 'git remote to push the branch to', 'origin')
      .option('--target-branch <name>', 'branch the merge request targets (default: the current branch)')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<RollbackOptions>();
    if (options.to !== undefined && options.steps !== undefined) throw InputError.single('--to', '', 'give --to or --steps, not both');
    const names = selectEnvironments([options.env]);
    if (names.length !== 1) throw InputError.single('--env', '', `rollback handles one environment at a time, not ${names.join(', ')}`);
    const env = names[0]!;
    const root = deps.root ?? projectRoot();
    const processEnv = deps.env ?? process.env;
    const file = environmentFiles(env).releases;
    const git = gitIn(root);

    if (git.run('rev-parse', '--is-inside-work-tree').status !== 0) throw InputError.single(root, '', 'is not a git work tree: rollback reads the release file from git history');
    if (git.out('status', '--porcelain', '--', file) !== '') throw InputError.single(file, '', 'has uncommitted changes: commit or stash them first, so the rollback commit holds only the rollback');
    const { catalog } = loadInputs([env], { root })[0]!;
    const current = readFileSync(join(root, file), 'utf8');
    const history = fileHistory(git, file);
    let to: { ref: string; commit: string; text: string | undefined } | undefined;
    if (options.to !== undefined) {
      const resolved = git.run('rev-parse', '--verify', '--quiet', `${options.to}^{commit}`);
      if (resolved.status !== 0) throw InputError.single('--to', '', `'${options.to}' is not a commit, tag or branch of this repository`);
      const commit = resolved.stdout.trim();
      to = { ref: options.to, commit, text: showFile(git, commit, file) };
    }

    const plan = planRollback({
      file,
      current,
      history,
      catalog: catalog.map((m) => m.name),
      ...(options.module !== undefined && { module: options.module }),
      ...(options.steps !== undefined && { steps: options.steps }),
      ...(to && { to }),
    });
    // Today's schema, catalog and environment must accept the result, exactly as synth would load it.
    try {
      loadInputs([env], { root, releases: { [env]: parseReleases(plan.text, file) } });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(error.problems.map((p) => ({ ...p, message: `the rolled-back file would not load: ${p.message}` })));
    }

    const message = rollbackMessage(env, plan, options.module);
    const branch = `rollback/${env}-${options.module ?? 'all'}-${short(plan.target.commit)}`;
    if (options.commit && git.run('rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).status === 0) {
      throw InputError.single('branch', branch, 'exists already: delete it or merge its merge request first');
    }
    const startBranch = git.out('rev-parse', '--abbrev-ref', 'HEAD');

    writeFileSync(join(root, file), plan.text);
    for (const change of plan.changes) process.stdout.write(`${file}: modules.${change.module}: ${show(change.from)} → ${show(change.to)}\n`);
    if (!options.commit) {
      process.stdout.write(`wrote ${file} (as at ${plan.target.ref ?? short(plan.target.commit)}); not committed\n`);
      return ExitCode.OK;
    }
    return prepareMergeRequest(git, { branch, file, message, plan, startBranch, options, processEnv });
  });
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new InvalidArgumentError('must be a whole number from 1');
  return Number(value);
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface Prepare {
  readonly branch: string;
  readonly file: string;
  readonly message: { subject: string; body: string };
  readonly plan: RollbackPlan;
  readonly startBranch: string;
  readonly options: RollbackOptions;
  readonly processEnv: NodeJS.ProcessEnv;
}

async function prepareMergeRequest(git: Git, p: Prepare): Promise<number> {
  const fail = (what: string, result: { stderr: string }) => {
    process.stderr.write(`error: ${what}: ${result.stderr.trim().split('\n')[0] ?? ''}\n`);
    return ExitCode.FINDINGS;
  };
  for (const args of [['switch', '-q', '-c', p.branch], ['add', '--', p.file], ['commit', '-q', '-m', p.message.subject, '-m', p.message.body]]) {
    const result = git.run(...args);
    if (result.status !== 0) return fail(`git ${args[0]}`, result);
  }
  process.stdout.write(`committed on branch ${p.branch}: ${p.message.subject}\n`);
  const { GITLAB_API_TOKEN: token, CI_API_V4_URL: apiUrl, CI_PROJECT_ID: projectId } = p.processEnv;
  const targetBranch = p.options.targetBranch ?? (p.startBranch === 'HEAD' ? (p.processEnv.CI_DEFAULT_BRANCH ?? 'main') : p.startBranch);
  if (!token || !apiUrl || !projectId) {
    process.stdout.write(`push it and open the merge request into ${targetBranch}: git push -u ${p.options.remote} ${p.branch}\n`);
    return ExitCode.OK;
  }
  const pushed = git.run('push', '-q', '-u', p.options.remote, p.branch);
  if (pushed.status !== 0) return fail(`git push ${p.options.remote} ${p.branch}`, pushed);
  try {
    const { data } = await request<{ iid: number; web_url: string }>({ apiUrl, token }, 'POST', `/projects/${encodeURIComponent(projectId)}/merge_requests`, {
      source_branch: p.branch,
      target_branch: targetBranch,
      title: p.message.subject,
      description: p.message.body,
      labels: 'rollback',
      remove_source_branch: true,
    });
    process.stdout.write(`opened merge request !${data.iid}: ${data.web_url}\n`);
    return ExitCode.OK;
  } catch (error) {
    if (!(error instanceof GitLabApiError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.FINDINGS;
  }
}

interface Git {
  run(...args: string[]): { status: number; stdout: string; stderr: string };
  out(...args: string[]): string;
}

function gitIn(root: string): Git {
  const run = (...args: string[]) => {
    const result = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
  };
  return {
    run,
    out: (...args) => {
      const result = run(...args);
      if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr.trim()}`);
      return result.stdout.trim();
    },
  };
}

/** Every commit that touched the file, newest first, with the file's text at that commit. */
function fileHistory(git: Git, file: string): FileVersion[] {
  const log = git.out('log', '--format=%H%x09%s', '--', file);
  return log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit, ...subject] = line.split('\t');
      return { commit: commit!, subject: subject.join('\t'), text: showFile(git, commit!, file) };
    });
}

function showFile(git: Git, commit: string, file: string): string | undefined {
  const result = git.run('show', `${commit}:${file}`);
  return result.status === 0 ? result.stdout : undefined;
}

runIfEntryPoint(import.meta.url, main);
