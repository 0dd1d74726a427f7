import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query, such as `/api/v2.0/projects/icv`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined. */
  readonly body: unknown;
}

export interface FakeProject {
  readonly project_id: number;
  readonly name: string;
  metadata: Record<string, string>;
  /** Repositories in the project: Harbor refuses to delete a project that has any. */
  repoCount: number;
  rules: Record<string, unknown>[];
  /** The registry endpoint of a proxy-cache project. */
  readonly registry_id?: number;
}

export interface FakeRegistry {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly url: string;
  readonly insecure: boolean;
}

export interface FakeRobot {
  readonly id: number;
  /** Full name, `robot$<project>+<name>`. */
  readonly name: string;
  readonly level: string;
  readonly secret: string;
  description: string;
  duration: number;
  disable: boolean;
  permissions: { kind: string; namespace: string; access: { resource: string; action: string }[] }[];
}

/** Selects the requests a planned failure applies to. */
export type RequestMatcher = (method: string, path: string) => boolean;

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * An in-memory Harbor that answers the REST API v2.0 calls the registry providers make, on 127.0.0.1 and a
 * random port: Basic auth, projects with metadata, immutable tag rules, project robots, Harbor's error bodies.
 */
export class FakeHarbor {
  readonly requests: RecordedRequest[] = [];
  readonly projects = new Map<string, FakeProject>();
  readonly robots = new Map<number, FakeRobot>();
  /** Registry endpoints by id (`/registries`), as proxy-cache projects use them. */
  readonly registries = new Map<number, FakeRegistry>();
  #nextId = 1;
  #failures: { remaining: number; status: number; matching: RequestMatcher }[] = [];

  private constructor(
    private readonly server: Server,
    /** Base URL, such as `http://127.0.0.1:40123`. */
    readonly url: string,
    readonly username: string,
    readonly password: string,
  ) {}

  static async start(credentials = { username: 'admin', password: 'Harbor12345' }): Promise<FakeHarbor> {
    let fake: FakeHarbor | undefined;
    const server = createServer((req, res) => void fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeHarbor(server, `http://127.0.0.1:${port}`, credentials.username, credentials.password);
    return fake;
  }

  /**
   * The next `count` requests (of those `matching`, by default all) fail with `status`: 500 with Harbor's JSON
   * body, 502-504 with the HTML page a proxy in front of Harbor answers.
   */
  failNext(count: number, status = 500, matching: RequestMatcher = () => true): void {
    this.#failures.push({ remaining: count, status, matching });
  }

  /** The recorded requests with this method whose path starts with `pathPrefix`. */
  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    const answer = this.answer(req.method ?? 'GET', path, req.headers, body);
    const isHtml = typeof answer.body === 'string';
    res.writeHead(answer.status, {
      'Content-Type': isHtml ? 'text/html' : 'application/json',
      ...answer.headers,
    });
    res.end(answer.body === undefined ? '' : isHtml ? answer.body : JSON.stringify(answer.body));
  }

  private answer(method: string, path: string, headers: IncomingHttpHeaders, body: unknown): Answer {
    const failure = this.#failures.find((f) => f.remaining > 0 && f.matching(method, path));
    if (failure) {
      failure.remaining -= 1;
      return failure.status === 500
        ? error(500, 'UNKNOWN', 'internal server error')
        : { status: failure.status, body: `<html><body><h1>${failure.status} Service Temporarily Unavailable</h1></body></html>` };
    }
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    if (headers.authorization !== expected) return error(401, 'UNAUTHORIZED', 'unauthorized');

    const segments = path.replace(/^\/api\/v2\.0\//, '').split('/').map(decodeURIComponent);
    const byName = headers['x-is-resource-name'] === 'true';
    const [collection, key, sub, subKey] = segments;
    if (collection === 'projects') {
      if (key === undefined) return method === 'POST' ? this.createProject(body) : notAllowed();
      const project = this.findProject(key, byName);
      if (!project) return error(404, 'NOT_FOUND', `project ${key} not found`);
      if (sub === 'immutabletagrules') return this.immutableRules(method, project, subKey, body);
      if (method === 'GET') return { status: 200, body: project };
      if (method === 'PUT') {
        project.metadata = { ...project.metadata, ...(body as { metadata?: Record<string, string> }).metadata };
        return { status: 200 };
      }
      if (method === 'DELETE') return this.deleteProject(project);
    }
    if (collection === 'registries') {
      if (key === undefined) {
        if (method === 'GET') return { status: 200, body: [...this.registries.values()] };
        if (method !== 'POST') return notAllowed();
        const request = body as Omit<FakeRegistry, 'id'>;
        if (!request.name || !request.type || !request.url) return error(400, 'BAD_REQUEST', 'name, type and url are required');
        if ([...this.registries.values()].some((r) => r.name === request.name)) return error(409, 'CONFLICT', `registry ${request.name} already exists`);
        const registry: FakeRegistry = { id: this.#nextId++, name: request.name, type: request.type, url: request.url, insecure: request.insecure };
        this.registries.set(registry.id, registry);
        return { status: 201, headers: { Location: `/api/v2.0/registries/${registry.id}` } };
      }
      const registry = this.registries.get(Number(key));
      if (!registry) return error(404, 'NOT_FOUND', `registry ${key} not found`);
      if (method === 'DELETE') {
        if ([...this.projects.values()].some((p) => p.registry_id === registry.id)) {
          return error(412, 'PRECONDITION', `the registry ${registry.id} is referenced by proxy cache projects, can not be deleted`);
        }
        this.registries.delete(registry.id);
        return { status: 200 };
      }
      return notAllowed();
    }
    if (collection === 'robots') {
      if (key === undefined) return method === 'POST' ? this.createRobot(body) : notAllowed();
      const robot = this.robots.get(Number(key));
      if (!robot) return error(404, 'NOT_FOUND', `robot ${key} not found`);
      if (method === 'GET') {
        const { secret: _secret, ...shown } = robot;
        return { status: 200, body: { ...shown, editable: true } };
      }
      if (method === 'PUT') return this.updateRobot(robot, body as FakeRobot);
      if (method === 'DELETE') {
        this.robots.delete(robot.id);
        return { status: 200 };
      }
    }
    return error(404, 'NOT_FOUND', `no route for ${method} ${path}`);
  }

  private findProject(key: string, byName: boolean): FakeProject | undefined {
    if (!byName && /^\d+$/.test(key)) return [...this.projects.values()].find((p) => p.project_id === Number(key));
    return this.projects.get(key);
  }

  private createProject(body: unknown): Answer {
    const request = body as { project_name?: string; metadata?: Record<string, string>; registry_id?: number };
    if (!request.project_name) return error(400, 'BAD_REQUEST', 'project_name is required');
    if (request.registry_id !== undefined && !this.registries.has(request.registry_id)) return error(400, 'BAD_REQUEST', `registry ${request.registry_id} does not exist`);
    if (this.projects.has(request.project_name)) {
      return error(409, 'CONFLICT', `The project named ${request.project_name} already exists`);
    }
    const project: FakeProject = {
      project_id: this.#nextId++,
      name: request.project_name,
      metadata: { public: 'false', ...request.metadata },
      repoCount: 0,
      rules: [],
      ...(request.registry_id === undefined ? {} : { registry_id: request.registry_id }),
    };
    this.projects.set(project.name, project);
    return { status: 201, headers: { Location: `/api/v2.0/projects/${project.project_id}` } };
  }

  private deleteProject(project: FakeProject): Answer {
    if (project.repoCount > 0) {
      return error(412, 'PRECONDITION', `the project ${project.name} contains repositories, can not be deleted`);
    }
    this.projects.delete(project.name);
    for (const robot of this.robots.values()) {
      if (robot.permissions[0]?.namespace === project.name) this.robots.delete(robot.id);
    }
    return { status: 200 };
  }

  private immutableRules(method: string, project: FakeProject, ruleId: string | undefined, body: unknown): Answer {
    if (method === 'GET' && ruleId === undefined) return { status: 200, body: project.rules };
    if (method === 'POST' && ruleId === undefined) {
      const id = this.#nextId++;
      project.rules.push({ ...(body as Record<string, unknown>), id });
      return { status: 201, headers: { Location: `/api/v2.0/projects/${project.project_id}/immutabletagrules/${id}` } };
    }
    if (method === 'DELETE' && ruleId !== undefined) {
      const index = project.rules.findIndex((rule) => rule.id === Number(ruleId));
      if (index < 0) return error(404, 'NOT_FOUND', `immutable rule ${ruleId} not found`);
      project.rules.splice(index, 1);
      return { status: 200 };
    }
    return notAllowed();
  }

  private createRobot(body: unknown): Answer {
    const request = body as Omit<FakeRobot, 'id' | 'secret'>;
    if (!ROBOT_NAME.test(request.name ?? '')) {
      return error(400, 'BAD_REQUEST', 'robot name is not in lower case or contains illegal characters');
    }
    if (request.level !== 'project' || request.permissions?.length !== 1) {
      return error(400, 'BAD_REQUEST', 'bad request permission');
    }
    const namespace = request.permissions[0]?.namespace ?? '';
    if (!this.projects.has(namespace)) return error(404, 'NOT_FOUND', `project ${namespace} not found`);
    const name = `robot$${namespace}+${request.name}`;
    if ([...this.robots.values()].some((r) => r.name === name)) {
      return error(409, 'CONFLICT', `robot account ${name} already exists`);
    }
    const robot: FakeRobot = {
      id: this.#nextId++,
      name,
      level: request.level,
      secret: randomBytes(16).toString('hex'),
      description: request.description ?? '',
      duration: request.duration,
      disable: request.disable ?? false,
      permissions: request.permissions,
    };
    this.robots.set(robot.id, robot);
    return {
      status: 201,
      headers: { Location: `/api/v2.0/robots/${robot.id}` },
      body: { id: robot.id, name, secret: robot.secret, creation_time: new Date().toISOString(), expires_at: -1 },
    };
  }

  private updateRobot(robot: FakeRobot, request: FakeRobot): Answer {
    if (request.name !== robot.name || request.level !== robot.level) {
      return error(400, 'BAD_REQUEST', 'cannot update the level or name of robot');
    }
    robot.description = request.description;
    robot.disable = request.disable;
    robot.duration = request.duration;
    robot.permissions = request.permissions;
    return { status: 200 };
  }
}

function error(status: number, code: string, message: string): Answer {
  return { status, body: { errors: [{ code, message }] } };
}

function notAllowed(): Answer {
  return error(405, 'METHOD_NOT_ALLOWED', 'method not allowed');
}
