import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { runCommand, runIfEntryPoint, testableProgram } from '../infra/cli/cli-support.js';
import { ExitCode, InputError } from '../infra/model/errors.js';
import { NOTE_MARKER } from '../infra/preview/render-markdown.js';

/** The merge request to post on, and how to reach GitLab. */
export interface MergeRequestTarget {
  /** `CI_API_V4_URL`: `https://gitlab.example.com/api/v4`. */
  readonly apiUrl: string;
  /** `CI_PROJECT_ID`. */
  readonly projectId: string;
  /** `CI_MERGE_REQUEST_IID`. */
  readonly mergeRequestIid: string;
  /** `GITLAB_API_TOKEN`: a project access token with `api` scope, sent as `PRIVATE-TOKEN`; never printed. */
  readonly token: string;
}

export interface NoteResult {
  readonly action: 'created' | 'updated';
  readonly noteId: number;
}

/** A GitLab API call that failed; the message names the call and the status, never the token. */
export class GitLabApiError extends Error {
  override readonly name = 'GitLabApiError';
}

/**
 * Runs a command's exchange with GitLab (or a webhook): a `GitLabApiError` becomes one `error:` line on stderr and
 * exit 1, as every `ci/` command reports a refused or unreachable API; any other error propagates to `runCommand`.
 */
export async function exitOneOnGitLabError(exchange: () => Promise<number>): Promise<number> {
  try {
    return await exchange();
  } catch (error) {
    if (!(error instanceof GitLabApiError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.FINDINGS;
  }
}

interface Note {
  readonly id: number;
  readonly body: string;
  readonly system?: boolean;
}

const REQUIRED_VARIABLES = ['CI_API_V4_URL', 'CI_PROJECT_ID', 'CI_MERGE_REQUEST_IID', 'GITLAB_API_TOKEN'] as const;
const MAX_PAGES = 50;
const TIMEOUT_MS = 30_000;

/**
 * Posts `body` as the merge request's diff note, or updates the note that carries `marker` (so each push edits one
 * note instead of adding another). The marker is prepended when the body lacks it.
 */
export async function upsertMergeRequestNote(target: MergeRequestTarget, body: string, marker = NOTE_MARKER): Promise<NoteResult> {
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  const notesPath = `/projects/${encodeURIComponent(target.projectId)}/merge_requests/${encodeURIComponent(target.mergeRequestIid)}/notes`;
  const existing = await findNote(target, notesPath, marker);
  if (existing) {
    await call<Note>(target, 'PUT', `${notesPath}/${existing.id}`, { body: text });
    return { action: 'updated', noteId: existing.id };
  }
  const created = await call<Note>(target, 'POST', notesPath, { body: text });
  return { action: 'created', noteId: created.id };
}

/**
 * The merge requests a commit belongs to (GitLab's `GET /projects/:id/repository/commits/:sha/merge_requests`):
 * on the default branch after a merge, the one that was merged.
 */
export async function mergeRequestsOfCommit(target: Omit<MergeRequestTarget, 'mergeRequestIid'>, sha: string): Promise<{ iid: number; state: string }[]> {
  const path = `/projects/${encodeURIComponent(target.projectId)}/repository/commits/${encodeURIComponent(sha)}/merge_requests`;
  return call<{ iid: number; state: string }[]>({ ...target, mergeRequestIid: '' }, 'GET', path);
}

async function findNote(target: MergeRequestTarget, notesPath: string, marker: string): Promise<Note | undefined> {
  let page = '1';
  for (let i = 0; i < MAX_PAGES && page; i++) {
    const { data, nextPage } = await request<Note[]>(target, 'GET', `${notesPath}?sort=asc&order_by=created_at&per_page=100&page=${page}`);
    const found = data.find((note) => !note.system && typeof note.body === 'string' && note.body.includes(marker));
    if (found) return found;
    page = nextPage;
  }
  return undefined;
}

async function call<T>(target: MergeRequestTarget, method: string, path: string, payload?: unknown): Promise<T> {
  return (await request<T>(target, method, path, payload)).data;
}

/** One GitLab API call with the token as `PRIVATE-TOKEN`; errors name the call and status, with the token masked. */
export async function request<T>(target: Pick<MergeRequestTarget, 'apiUrl' | 'token'>, method: string, path: string, payload?: unknown): Promise<{ data: T; nextPage: string }> {
  const url = `${target.apiUrl.replace(/\/+$/, '')}${path}`;
  const what = `GitLab API ${method} ${path.split('?')[0]}`;
  const mask = (text: string) => (target.token ? text.split(target.token).join('[masked]') : text);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { 'PRIVATE-TOKEN': target.token, ...(payload !== undefined && { 'Content-Type': 'application/json' }) },
      ...(payload !== undefined && { body: JSON.stringify(payload) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new GitLabApiError(mask(`${what} failed: ${error instanceof Error ? error.message : String(error)}`));
  }
  const text = await response.text();
  if (!response.ok) {
    throw new GitLabApiError(mask(`${what} answered ${response.status} ${response.statusText}: ${text.slice(0, 300)}`));
  }
  try {
    return { data: JSON.parse(text) as T, nextPage: response.headers.get('x-next-page') ?? '' };
  } catch {
    throw new GitLabApiError(mask(`${what} answered ${response.status} with a body that is not JSON: ${text.slice(0, 120)}`));
  }
}

/** The merge request of the running pipeline, from GitLab's predefined variables and `GITLAB_API_TOKEN`. */
export function targetFromEnvironment(env: NodeJS.ProcessEnv): MergeRequestTarget {
  const missing = REQUIRED_VARIABLES.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw InputError.single(
      'environment',
      missing.join(', '),
      'not set: run in a merge request pipeline, with GITLAB_API_TOKEN a masked CI/CD variable holding a project access token with api scope',
    );
  }
  return { apiUrl: env.CI_API_V4_URL!, projectId: env.CI_PROJECT_ID!, mergeRequestIid: env.CI_MERGE_REQUEST_IID!, token: env.GITLAB_API_TOKEN! };
}

/**
 * `tsx ci/post-mr-note.ts --body diff.md`: posts the diff note on the pipeline's merge request, or updates it.
 * Exit 0 posted; 1 GitLab refused or could not be reached; 2 missing variables or body file.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  return runCommand(async () => {
    const program = testableProgram(new Command('post-mr-note'))
      .description('Post the infra diff as one merge-request note, updating it on later pushes')
      .requiredOption('--body <file>', 'markdown to post (the output of npm run diff)')
      .option('--marker <text>', 'hidden marker identifying the note', NOTE_MARKER)
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<{ body: string; marker: string }>();
    const target = targetFromEnvironment(env);
    const file = resolve(cwd, options.body);
    if (!existsSync(file)) throw InputError.single(options.body, '', 'does not exist: write it first with npm run diff -- --out');
    return exitOneOnGitLabError(async () => {
      const result = await upsertMergeRequestNote(target, readFileSync(file, 'utf8'), options.marker);
      process.stdout.write(`${result.action} note ${result.noteId} on merge request !${target.mergeRequestIid}\n`);
      return ExitCode.OK;
    });
  });
}

runIfEntryPoint(import.meta.url, main);
