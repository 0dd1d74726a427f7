import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { main as diff } from '../infra/cli/diff.js';
import { runCommand, runIfEntryPoint, testableProgram } from '../infra/cli/cli-support.js';
import { ExitCode, InputError } from '../infra/model/errors.js';
import { main as postNote } from './post-mr-note.js';

/**
 * What the merge request's changes are measured against. In a merged-results pipeline HEAD is the merge of the
 * source into the target, so the base is the target commit it was merged with; otherwise HEAD is the source branch
 * and the base is the merge base, so commits that landed on the target since do not show up reversed.
 * Without either SHA (a pipeline run by hand), the target branch's tip.
 */
export function mergeRequestBase(env: NodeJS.ProcessEnv): string {
  const target = env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME;
  if (!target) throw InputError.single('environment', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'not set: run in a merge request pipeline');
  if (env.CI_MERGE_REQUEST_EVENT_TYPE === 'merged_result' && env.CI_MERGE_REQUEST_TARGET_BRANCH_SHA) return env.CI_MERGE_REQUEST_TARGET_BRANCH_SHA;
  return env.CI_MERGE_REQUEST_DIFF_BASE_SHA || `origin/${target}`;
}

/**
 * `tsx ci/mr-diff.ts`: fetches the target branch, runs `diff --base <base>` into diff.md and diff.json, then posts
 * diff.md as the merge request's note (skipped, with a warning, when GITLAB_API_TOKEN is not set).
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  return runCommand(async () => {
    const program = testableProgram(new Command('mr-diff'))
      .description('Diff the merge request against its base and post the result as a merge-request note')
      .option('--out <file>', 'markdown report', 'diff.md')
      .option('--json-out <file>', 'full JSON report (kept as a job artifact)', 'diff.json')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<{ out: string; jsonOut: string }>();
    const base = mergeRequestBase(env);
    const target = env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME!;
    const fetched = spawnSync('git', ['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${target}:refs/remotes/origin/${target}`], { cwd, encoding: 'utf8' });
    if (fetched.status !== 0) process.stderr.write(`warning: git fetch of ${target} failed, using the commits at hand: ${fetched.stderr.trim()}\n`);

    const link = env.CI_JOB_URL ? ['--json-link', `${env.CI_JOB_URL}/artifacts/file/${options.jsonOut}`] : [];
    const code = await diff(['--base', base, '--out', options.out, '--json-out', options.jsonOut, ...link], { cwd });
    if (code !== ExitCode.OK) return code;
    if (!env.GITLAB_API_TOKEN) {
      process.stderr.write('warning: GITLAB_API_TOKEN is not set; the diff is in the job artifacts but not posted on the merge request\n');
      return ExitCode.OK;
    }
    return postNote(['--body', options.out], env, cwd);
  });
}

runIfEntryPoint(import.meta.url, main);
