import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { runCommand, runIfEntryPoint, testableProgram } from '../infra/cli/cli-support.js';
import { ExitCode, InputError } from '../infra/model/errors.js';
import type { DriftResult } from '../infra/daytwo/drift.js';
import { driftIssueTitle, driftMarker } from '../infra/daytwo/render-drift.js';
import { exitOneOnGitLabError, GitLabApiError, request } from './post-mr-note.js';

/**
 * `tsx ci/drift-notify.ts --report drift.json --body drift.md`: after the nightly `npm run drift`, keeps one GitLab
 * issue per environment in step with the cluster. Drift: opens the issue (label `drift`), or updates the open one
 * that carries the environment's marker. No drift: closes that issue, if one is open. With `DRIFT_WEBHOOK_URL` set,
 * also posts drift to the webhook as JSON (`text` is the markdown, so Slack-compatible receivers show it).
 * Exit 0 done; 1 GitLab or the webhook refused; 2 missing files or variables.
 */

interface Issue {
  readonly iid: number;
  readonly description: string | null;
  readonly state: string;
}

export interface IssueTarget {
  readonly apiUrl: string;
  readonly projectId: string;
  readonly token: string;
}

export type IssueAction = { readonly action: 'opened' | 'updated' | 'closed'; readonly iid: number } | { readonly action: 'none' };

/** Opens, updates or closes the environment's drift issue. */
export async function syncDriftIssue(target: IssueTarget, result: DriftResult, body: string): Promise<IssueAction> {
  const marker = driftMarker(result.env);
  const description = body.includes(marker) ? body : `${marker}\n${body}`;
  const issues = `/projects/${encodeURIComponent(target.projectId)}/issues`;
  const open = await findOpenIssue(target, issues, marker);
  if (!result.drifted) {
    if (!open) return { action: 'none' };
    await request(target, 'PUT', `${issues}/${open.iid}`, { description, state_event: 'close' });
    return { action: 'closed', iid: open.iid };
  }
  if (open) {
    await request(target, 'PUT', `${issues}/${open.iid}`, { description });
    return { action: 'updated', iid: open.iid };
  }
  const { data } = await request<Issue>(target, 'POST', issues, { title: driftIssueTitle(result.env), description, labels: 'drift' });
  return { action: 'opened', iid: data.iid };
}

async function findOpenIssue(target: IssueTarget, issues: string, marker: string): Promise<Issue | undefined> {
  let page = '1';
  for (let i = 0; i < 20 && page; i++) {
    const { data, nextPage } = await request<Issue[]>(target, 'GET', `${issues}?state=opened&labels=drift&per_page=100&page=${page}`);
    const found = data.find((issue) => issue.description?.includes(marker));
    if (found) return found;
    page = nextPage;
  }
  return undefined;
}

/** Posts the drift to a webhook: `{ env, stack, checkedAt, drifted, units, text }`. */
export async function postWebhook(url: string, result: DriftResult, body: string): Promise<void> {
  const { report: _report, ...summary } = result;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...summary, text: body }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new GitLabApiError(`webhook POST failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new GitLabApiError(`webhook POST answered ${response.status} ${response.statusText}`);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  return runCommand(async () => {
    const program = testableProgram(new Command('drift-notify'))
      .description('Open, update or close the drift issue of an environment (and post to DRIFT_WEBHOOK_URL)')
      .requiredOption('--report <file>', 'the JSON of npm run drift -- --json-out')
      .requiredOption('--body <file>', 'the markdown of npm run drift -- --out')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<{ report: string; body: string }>();
    const read = (file: string) => {
      const path = resolve(cwd, file);
      if (!existsSync(path)) throw InputError.single(file, '', 'does not exist: write it first with npm run drift -- --out FILE --json-out FILE');
      return readFileSync(path, 'utf8');
    };
    const result = JSON.parse(read(options.report)) as DriftResult;
    if (typeof result.env !== 'string' || typeof result.drifted !== 'boolean') throw InputError.single(options.report, '', 'is not a drift report (no env or drifted)');
    const body = read(options.body);
    const gitlab = ['CI_API_V4_URL', 'CI_PROJECT_ID', 'GITLAB_API_TOKEN'].every((name) => env[name]);
    if (!gitlab && !env.DRIFT_WEBHOOK_URL) {
      throw InputError.single('environment', 'GITLAB_API_TOKEN, DRIFT_WEBHOOK_URL', 'neither set: give the job a project access token with api scope, or a webhook URL');
    }
    return exitOneOnGitLabError(async () => {
      if (gitlab) {
        const outcome = await syncDriftIssue({ apiUrl: env.CI_API_V4_URL!, projectId: env.CI_PROJECT_ID!, token: env.GITLAB_API_TOKEN! }, result, body);
        process.stdout.write(outcome.action === 'none' ? `no drift in ${result.env}, no issue open\n` : `${outcome.action} drift issue #${outcome.iid} for ${result.env}\n`);
      }
      if (env.DRIFT_WEBHOOK_URL && result.drifted) {
        await postWebhook(env.DRIFT_WEBHOOK_URL, result, body);
        process.stdout.write(`posted the drift of ${result.env} to the webhook\n`);
      }
      return ExitCode.OK;
    });
  });
}

runIfEntryPoint(import.meta.url, main);
