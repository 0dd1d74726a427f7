import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main, upsertMergeRequestNote } from '../../ci/post-mr-note.js';
import { NOTE_MARKER } from '../../infra/preview/index.js';
import { temporaryDirectory } from './fixtures.js';
import { ciEnvironment, fakeGitLab, TOKEN, type FakeGitLab } from './gitlab-fake.js';

const repoRoot = resolve(import.meta.dirname, '../..');
let output: string;
let gitlab: FakeGitLab | undefined;
beforeEach(() => {
  output = '';
  const capture = (chunk: string | Uint8Array) => ((output += String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await gitlab?.close();
  gitlab = undefined;
});

function bodyFile(text: string): string {
  const file = join(temporaryDirectory('icv-note-'), 'diff.md');
  writeFileSync(file, text);
  return file;
}

describe('ci/post-mr-note.ts', () => {
  it('creates the note, with the marker, when no note carries it (looking through every page)', async () => {
    gitlab = await fakeGitLab({ notes: ['LGTM', 'a question', 'approved this merge request'] });
    const target = { apiUrl: gitlab.apiUrl, projectId: '42', mergeRequestIid: '7', token: TOKEN };
    expect(await upsertMergeRequestNote(target, '## Infra diff\n')).toEqual({ action: 'created', noteId: 103 });
    expect(gitlab.requests.map((r) => `${r.method} ${r.url.split('&page=')[1] ?? r.url}`)).toEqual(['GET 1', 'GET 2', 'POST /api/v4/projects/42/merge_requests/7/notes']);
    expect(gitlab.requests.every((r) => r.token === TOKEN)).toBe(true);
    expect(gitlab.notes[3]!.body).toBe(`${NOTE_MARKER}\n## Infra diff\n`);
  });

  it('updates the note that carries the marker on a later push', async () => {
    gitlab = await fakeGitLab({ notes: ['LGTM', 'a question', `${NOTE_MARKER}\nold diff`, 'thanks'] });
    expect(await main(['--body', bodyFile(`${NOTE_MARKER}\n## Infra diff\nnew`)], ciEnvironment(gitlab))).toBe(0);
    expect(gitlab.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'PUT']);
    expect(gitlab.requests[2]!.url).toBe('/api/v4/projects/42/merge_requests/7/notes/102');
    expect(gitlab.notes).toHaveLength(4);
    expect(gitlab.notes[2]!.body).toBe(`${NOTE_MARKER}\n## Infra diff\nnew`);
    expect(output).toBe('updated note 102 on merge request !7\n');
  });

  it('reports a refused call clearly, exits 1, and never prints the token even when GitLab echoes it', async () => {
    gitlab = await fakeGitLab({ failWith: 403 });
    expect(await main(['--body', bodyFile('x')], ciEnvironment(gitlab))).toBe(1);
    expect(output).toContain('error: GitLab API GET /projects/42/merge_requests/7/notes answered 403 Forbidden');
    expect(output).toContain('[masked]');
    expect(output).not.toContain(TOKEN);
  });

  it('exits 1 when GitLab cannot be reached', async () => {
    gitlab = await fakeGitLab();
    const env = ciEnvironment(gitlab);
    await gitlab.close();
    gitlab = undefined;
    expect(await main(['--body', bodyFile('x')], env)).toBe(1);
    expect(output).toMatch(/GitLab API GET \/projects\/42\/merge_requests\/7\/notes failed/);
    expect(output).not.toContain(TOKEN);
  });

  it('exits 2 on missing variables or body file', async () => {
    expect(await main(['--body', bodyFile('x')], { CI_API_V4_URL: 'http://127.0.0.1:9/api/v4', GITLAB_API_TOKEN: TOKEN })).toBe(2);
    expect(output).toContain('CI_PROJECT_ID, CI_MERGE_REQUEST_IID: not set');
    gitlab = await fakeGitLab();
    expect(await main(['--body', '/nonexistent/diff.md'], ciEnvironment(gitlab))).toBe(2);
    expect(await main([], ciEnvironment(gitlab))).toBe(2);
    expect(gitlab.requests).toEqual([]);
    expect(output).not.toContain(TOKEN);
  });

  it('runs as a script: exit code 1 on a server error, token not printed', async () => {
    gitlab = await fakeGitLab({ failWith: 500 });
    // Asynchronous: the fake GitLab answers from this process's event loop.
    const result = await run(join(repoRoot, 'node_modules/.bin/tsx'), ['ci/post-mr-note.ts', '--body', bodyFile('x')], { ...process.env, ...ciEnvironment(gitlab) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('answered 500 Internal Server Error');
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}
