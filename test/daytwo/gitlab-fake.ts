import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOKEN, type RecordedRequest } from '../diff/gitlab-fake.js';

export { TOKEN };

export interface FakeIssue {
  iid: number;
  title: string;
  description: string;
  labels: string[];
  state: 'opened' | 'closed';
}

export interface FakeMergeRequest {
  readonly iid: number;
  readonly source_branch: string;
  readonly target_branch: string;
  readonly title: string;
  readonly description: string;
  readonly web_url: string;
}

export interface FakeGitLabProject {
  readonly apiUrl: string;
  readonly requests: RecordedRequest[];
  /** Issues of project 42, as GitLab keeps them. */
  readonly issues: FakeIssue[];
  readonly mergeRequests: FakeMergeRequest[];
  /** Webhook payloads received at `${webhookUrl}`. */
  readonly webhookUrl: string;
  readonly webhook: unknown[];
  close(): Promise<void>;
}

/**
 * A local stand-in for GitLab's issues and merge-requests APIs of project 42 (the same token as the MR-note fake),
 * paging issues by 2, plus a webhook receiver. `failWith` answers every API request with that status.
 */
export async function fakeGitLabProject(options: { issues?: Partial<FakeIssue>[]; failWith?: number } = {}): Promise<FakeGitLabProject> {
  const issues: FakeIssue[] = (options.issues ?? []).map((issue, i) => ({ iid: i + 1, title: 'x', description: '', labels: [], state: 'opened', ...issue }));
  const mergeRequests: FakeMergeRequest[] = [];
  const requests: RecordedRequest[] = [];
  const webhook: unknown[] = [];
  const base = '/api/v4/projects/42';
  let port = 0;
  const server: Server = createServer(async (req, res) => {
    const raw = await read(req);
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const token = req.headers['private-token'] as string | undefined;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const url = new URL(req.url!, 'http://gitlab');
    if (url.pathname === '/hook') {
      webhook.push(body);
      return send(200, { ok: true });
    }
    requests.push({ method: req.method!, url: req.url!, token, body });
    if (options.failWith) return send(options.failWith, { message: `${options.failWith} refused for token ${token}` });
    if (token !== TOKEN) return send(401, { message: '401 Unauthorized' });
    const fields = (body ?? {}) as Record<string, string>;
    if (url.pathname === `${base}/issues` && req.method === 'GET') {
      const state = url.searchParams.get('state');
      const label = url.searchParams.get('labels');
      const matching = issues.filter((i) => (!state || i.state === state) && (!label || i.labels.includes(label)));
      const page = Number(url.searchParams.get('page') ?? '1');
      return send(200, matching.slice((page - 1) * 2, page * 2), { 'x-next-page': page * 2 < matching.length ? String(page + 1) : '' });
    }
    if (url.pathname === `${base}/issues` && req.method === 'POST') {
      const issue: FakeIssue = { iid: issues.length + 1, title: fields.title!, description: fields.description!, labels: (fields.labels ?? '').split(',').filter(Boolean), state: 'opened' };
      issues.push(issue);
      return send(201, issue);
    }
    const issueMatch = new RegExp(`^${base}/issues/(\\d+)$`).exec(url.pathname);
    const issue = issueMatch ? issues.find((i) => i.iid === Number(issueMatch[1])) : undefined;
    if (req.method === 'PUT' && issue) {
      if (fields.description !== undefined) issue.description = fields.description;
      if (fields.state_event === 'close') issue.state = 'closed';
      return send(200, issue);
    }
    if (url.pathname === `${base}/merge_requests` && req.method === 'POST') {
      const iid = mergeRequests.length + 1;
      const mr: FakeMergeRequest = {
        iid,
        source_branch: fields.source_branch!,
        target_branch: fields.target_branch!,
        title: fields.title!,
        description: fields.description!,
        web_url: `http://127.0.0.1:${port}/icv/icv-platform/-/merge_requests/${iid}`,
      };
      mergeRequests.push(mr);
      return send(201, mr);
    }
    return send(404, { message: '404 Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v4`,
    requests,
    issues,
    mergeRequests,
    webhookUrl: `http://127.0.0.1:${port}/hook`,
    webhook,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function projectEnvironment(gitlab: FakeGitLabProject, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CI_API_V4_URL: gitlab.apiUrl, CI_PROJECT_ID: '42', GITLAB_API_TOKEN: TOKEN, ...extra };
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
