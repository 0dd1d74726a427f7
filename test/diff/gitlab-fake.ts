import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly body: unknown;
}

export interface FakeGitLab {
  readonly apiUrl: string;
  readonly requests: RecordedRequest[];
  /** Notes of merge request !7 of project 42, as GitLab keeps them. */
  readonly notes: { id: number; body: string; system: boolean }[];
  close(): Promise<void>;
}

export const TOKEN = 'glpat-SECRET-token-0123456789';

/**
 * A local stand-in for GitLab's merge-request notes API (project 42, merge request !7), paging by 2 like the
 * real one pages by 20. `failWith` answers every request with that status and a body echoing the token.
 */
export async function fakeGitLab(options: { notes?: string[]; failWith?: number } = {}): Promise<FakeGitLab> {
  const notes = (options.notes ?? []).map((body, i) => ({ id: 100 + i, body, system: false }));
  const requests: RecordedRequest[] = [];
  const base = '/api/v4/projects/42/merge_requests/7/notes';
  const server: Server = createServer(async (req, res) => {
    const raw = await read(req);
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const token = req.headers['private-token'] as string | undefined;
    requests.push({ method: req.method!, url: req.url!, token, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (options.failWith) return send(options.failWith, { message: `${options.failWith} refused for token ${token}` });
    if (token !== TOKEN) return send(401, { message: '401 Unauthorized' });
    const url = new URL(req.url!, 'http://gitlab');
    // The merge requests a commit belongs to: !7 for any commit.
    if (req.method === 'GET' && /^\/api\/v4\/projects\/42\/repository\/commits\/[0-9a-f]+\/merge_requests$/.test(url.pathname)) {
      return send(200, [{ iid: 7, state: 'merged', web_url: 'https://gitlab.icv.local/icv/platform/-/merge_requests/7' }]);
    }
    if (req.method === 'GET' && url.pathname === base) {
      const page = Number(url.searchParams.get('page') ?? '1');
      const slice = notes.slice((page - 1) * 2, page * 2);
      return send(200, slice, { 'x-next-page': page * 2 < notes.length ? String(page + 1) : '' });
    }
    if (req.method === 'POST' && url.pathname === base) {
      const note = { id: 100 + notes.length, body: (body as { body: string }).body, system: false };
      notes.push(note);
      return send(201, note);
    }
    const match = new RegExp(`^${base}/(\\d+)$`).exec(url.pathname);
    const note = match ? notes.find((n) => n.id === Number(match[1])) : undefined;
    if (req.method === 'PUT' && note) {
      note.body = (body as { body: string }).body;
      return send(200, note);
    }
    return send(404, { message: '404 Not found' });
  });
  // Keep idle connections open longer than any pause between two runs of a test, so fetch never reuses a socket the
  // server is closing (Node's default keep-alive timeout is 5 s, which a loaded machine outlasts between requests).
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v4`,
    requests,
    notes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function ciEnvironment(gitlab: FakeGitLab, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CI_API_V4_URL: gitlab.apiUrl, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '7', GITLAB_API_TOKEN: TOKEN, ...extra };
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
