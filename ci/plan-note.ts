import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { runCommand, runIfEntryPoint, testableProgram } from '../infra/cli/cli-support.js';
import { ExitCode, InputError } from '../infra/model/errors.js';
import { pulumiSection, summarizePulumiPreview } from '../infra/preview/index.js';
import { exitOneOnGitLabError, mergeRequestsOfCommit, upsertMergeRequestNote } from './post-mr-note.js';

/** The hidden marker of an environment's plan note: a re-run of the plan job edits the same note. */
export function planMarker(env: string): string {
  return `<!-- icv-platform-plan:${env} -->`;
}

/** The plan note: what the saved plan will do, where the plan is, and which job applies exactly it. */
export function planNote(env: string, summary: ReturnType<typeof summarizePulumiPreview>, links: { readonly pipeline?: string; readonly commit: string }): string {
  return [
    planMarker(env),
    `## Saved plan for ${env}`,
    '',
    `Previewed at \`${links.commit.slice(0, 12)}\` in the protected pipeline of the target branch${links.pipeline ? ` ([pipeline](${links.pipeline}))` : ''}. ` +
      `The manual \`deploy-${env}\` job of that pipeline runs \`pulumi up --plan\` with exactly this plan: the engine refuses any operation it does not list, and the job refuses to run without it.`,
    '',
    pulumiSection([summary]),
  ].join('\n');
}

/**
 * `tsx ci/plan-note.ts --env prod`: after `ci/pulumi.sh plan prod` on the default branch, posts the saved plan's
 * summary (creates, updates, replaces, deletes) and its artifact link on the merge request that was merged, so the
 * person who approves the prod deployment reviews that plan beside the offline diff. Exit 0 posted (or nothing to
 * post on: no merge request, no token); 1 GitLab refused; 2 missing files or variables.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  return runCommand(async () => {
    const program = testableProgram(new Command('plan-note'))
      .description('Post the saved Pulumi plan of an environment on the merge request its commit came from')
      .requiredOption('--env <name>', 'the environment whose plan was saved')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const { env: name } = program.opts<{ env: string }>();
    const previewFile = `pulumi-preview-${name}.json`;
    const path = resolve(cwd, previewFile);
    if (!existsSync(path)) throw InputError.single(previewFile, '', `does not exist: run 'ci/pulumi.sh plan ${name}' first`);
    const sha = env.CI_COMMIT_SHA;
    if (!sha) throw InputError.single('environment', 'CI_COMMIT_SHA', 'not set: run in a GitLab pipeline');
    const plan = env.CI_JOB_URL ? `${env.CI_JOB_URL}/artifacts/file/plan-${name}.json` : `plan-${name}.json`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw InputError.single(previewFile, '', `is not JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    const summary = summarizePulumiPreview(json, previewFile, { env: name, stack: `${env.PULUMI_STACK_PREFIX ?? ''}${name}`, plan });
    const body = planNote(name, summary, { commit: sha, ...(env.CI_PIPELINE_URL && { pipeline: env.CI_PIPELINE_URL }) });
    process.stdout.write(`${body}\n`);
    if (!env.GITLAB_API_TOKEN || !env.CI_API_V4_URL || !env.CI_PROJECT_ID) {
      process.stderr.write('warning: GITLAB_API_TOKEN, CI_API_V4_URL or CI_PROJECT_ID not set; the plan summary is in the job log only\n');
      return ExitCode.OK;
    }
    const target = { apiUrl: env.CI_API_V4_URL, projectId: env.CI_PROJECT_ID, token: env.GITLAB_API_TOKEN };
    return exitOneOnGitLabError(async () => {
      const requests = await mergeRequestsOfCommit(target, sha);
      const merged = requests.find((mr) => mr.state === 'merged') ?? requests[0];
      if (!merged) {
        process.stderr.write(`warning: commit ${sha.slice(0, 12)} belongs to no merge request; the plan summary is in the job log only\n`);
        return ExitCode.OK;
      }
      const result = await upsertMergeRequestNote({ ...target, mergeRequestIid: String(merged.iid) }, body, planMarker(name));
      process.stdout.write(`${result.action} note ${result.noteId} on merge request !${merged.iid}\n`);
      return ExitCode.OK;
    });
  });
}

runIfEntryPoint(import.meta.url, main);
