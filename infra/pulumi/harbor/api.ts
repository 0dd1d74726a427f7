/**
 * A small typed client for the parts of Harbor's REST API v2.0 the registry resources use.
 *
 * The dynamic providers (`project-provider.ts`, `robot-provider.ts`, `proxy-cache-provider.ts`) run it inside the
 * engine's dynamic provider host, from the code each resource registers (`provider-code.ts` bundles it): this module
 * therefore imports nothing and uses only globals (`fetch`, `Buffer`, `AbortSignal`). It also stays within what the
 * SDK's closure serializer could rebuild (no `#private` members; see HarborApiError), so that a provider still works if
 * it is ever registered through `pulumi.dynamic.Resource` again. The admin password never appears in an error message.
 */

/** How to reach Harbor: its URL and a system administrator's credentials. */
export interface HarborApiOptions {
  /** Harbor's external URL, such as `https://harbor.icv.example`; the client appends `/api/v2.0`. */
  readonly url: string;
  /** A Harbor system administrator, usually `admin`. */
  readonly username: string;
  /** That user's password (stack config `icv:harborAdminPassword`). */
  readonly password: string;
  /** The fetch implementation. @default - the global fetch of Node 20 */
  readonly fetch?: typeof fetch;
  /** How long one request may take before it fails. @default 30000 */
  readonly timeoutMs?: number;
}

/** Project metadata: Harbor keeps every value as the string "true" / "false" or a severity name. */
export interface HarborProjectMetadata {
  readonly public?: string;
  readonly auto_scan?: string;
  readonly prevent_vul?: string;
  readonly severity?: string;
}

/** The body of POST and PUT /projects (Harbor's `ProjectReq`). */
export interface HarborProjectRequest {
  readonly project_name?: string;
  readonly metadata: HarborProjectMetadata;
  /** The registry endpoint a proxy-cache project pulls through; set only on creation. */
  readonly registry_id?: number;
}

/** A registry endpoint (`/registries`): where a proxy-cache project or a replication rule reaches an upstream. */
export interface HarborRegistryRequest {
  readonly name: string;
  /** Harbor's adapter, e.g. `docker-hub`, `docker-registry`, `quay`, `github-ghcr`. */
  readonly type: string;
  readonly url: string;
  readonly insecure: boolean;
  readonly description?: string;
}

export interface HarborRegistryInfo extends HarborRegistryRequest {
  readonly id: number;
}

/** The fields of Harbor's `Project` the resources read. */
export interface HarborProjectInfo {
  readonly project_id: number;
  readonly name: string;
  readonly metadata?: HarborProjectMetadata;
}

/** One selector of an immutable tag rule (`kind: doublestar`, `pattern: **`). */
export interface HarborSelector {
  readonly kind: string;
  readonly decoration: string;
  readonly pattern: string;
}

/** Harbor's `ImmutableRule`. */
export interface HarborImmutableRule {
  readonly id?: number;
  readonly disabled: boolean;
  readonly action: string;
  readonly template: string;
  readonly tag_selectors: readonly HarborSelector[];
  readonly scope_selectors: { readonly repository: readonly HarborSelector[] };
}

/** One permission of a robot account: what it may do on which resource. */
export interface HarborAccess {
  readonly resource: string;
  readonly action: string;
}

/** Harbor's `RobotPermission`: for a project robot, exactly one, with `kind: project` and the project as namespace. */
export interface HarborRobotPermission {
  readonly kind: string;
  readonly namespace: string;
  readonly access: readonly HarborAccess[];
}

/** The body of POST /robots (Harbor's `RobotCreate`). */
export interface HarborRobotRequest {
  readonly name: string;
  readonly description: string;
  readonly level: string;
  /** Days until the robot expires; -1 never. */
  readonly duration: number;
  readonly disable: boolean;
  readonly permissions: readonly HarborRobotPermission[];
}

/** Harbor's answer to POST /robots (`RobotCreated`): the only time Harbor shows the secret. */
export interface HarborRobotCreated {
  readonly id: number;
  /** The full name, `robot$<project>+<name>` with the default prefix. */
  readonly name: string;
  readonly secret: string;
  readonly creation_time: string;
  readonly expires_at: number;
}

/** Harbor's `Robot` as GET /robots/{id} returns it (without the secret). */
export interface HarborRobotInfo {
  readonly id: number;
  readonly name: string;
  readonly description?: string;
  readonly level: string;
  readonly duration: number;
  readonly disable: boolean;
  readonly permissions: readonly HarborRobotPermission[];
}

/** A failed call to Harbor: the message names the call, Harbor's answer and what to do about it. */
export class HarborApiError extends Error {
  constructor(
    message: string,
    /** The HTTP method of the failed call. */
    public readonly method: string,
    /** The path of the failed call, such as `/api/v2.0/projects`. */
    public readonly path: string,
    /** The HTTP status, or undefined when Harbor could not be reached. */
    public readonly status?: number,
    /** Harbor's error code, such as `CONFLICT`. */
    public readonly code?: string,
  ) {
    super(message);
    // Pulumi's closure serializer turns `super(message)` into `Error.call(this, message)`, which sets nothing on
    // `this`: without these two lines the engine would report the provider's errors as "undefined". (It also
    // keeps the link to Error.prototype only because the class has a member of its own, `notFound`.)
    this.message = message;
    Error.captureStackTrace(this, HarborApiError);
    this.name = 'HarborApiError';
  }

  /** True when Harbor has no such object (404). */
  get notFound(): boolean {
    return this.status === 404;
  }
}

/** What one call is about, so that its errors can say so. */
interface CallContext {
  /** The object the call addresses, such as `project 'icv'`. */
  readonly subject: string;
  /** What to do when the object already exists (409). */
  readonly onConflict?: string;
  /** What to do when Harbor refuses because of the object's state (412). */
  readonly onPrecondition?: string;
}

const API_PREFIX = '/api/v2.0';

/** Harbor's typed REST API v2.0 with Basic authentication. */
export class HarborApi {
  /** Harbor's URL without a trailing slash. */
  public readonly url: string;
  public readonly username: string;
  private readonly password: string;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly timeoutMs: number;

  constructor(options: HarborApiOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new Error(`Harbor URL '${options.url}' is not a valid URL: use the form https://harbor.example.com`);
    }
    if (parsed.username !== '' || parsed.password !== '') {
      throw new Error('Harbor URL must not contain credentials: pass the username and password separately');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new Error(`Harbor URL '${options.url}' must start with https:// or http://`);
    }
    this.url = options.url.replace(/\/+$/, '');
    this.username = options.username;
    this.password = options.password;
    this.fetchImpl = options.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** GET /projects/{name}; undefined when Harbor has no such project. */
  async getProject(name: string): Promise<HarborProjectInfo | undefined> {
    return this.find<HarborProjectInfo>('GET', projectPath(name), { subject: `project '${name}'` }, true);
  }

  /** POST /projects. */
  async createProject(
    request: HarborProjectRequest & { readonly project_name: string },
    onConflict: string,
  ): Promise<void> {
    const context = { subject: `project '${request.project_name}'`, onConflict };
    await this.call('POST', '/projects', context, { body: request });
  }

  /** PUT /projects/{name}: Harbor updates the metadata keys given and keeps the others. */
  async updateProject(name: string, request: HarborProjectRequest): Promise<void> {
    await this.call('PUT', projectPath(name), { subject: `project '${name}'` }, { body: request, byName: true });
  }

  /** DELETE /projects/{name}; a project that is already gone counts as deleted. */
  async deleteProject(name: string): Promise<void> {
    await this.find('DELETE', projectPath(name), {
      subject: `project '${name}'`,
      onPrecondition:
        'Harbor deletes only empty projects: delete its repositories in Harbor first, ' +
        'or keep the project and drop it from the stack with `pulumi state delete <urn>`',
    }, true);
  }

  /** The registry endpoint of that name (GET /registries, filtered here), or undefined. */
  async findRegistry(name: string): Promise<HarborRegistryInfo | undefined> {
    const all = await this.call<HarborRegistryInfo[]>('GET', '/registries?page_size=100', { subject: `registry endpoint '${name}'` });
    return (all ?? []).find((r) => r.name === name);
  }

  /** POST /registries. */
  async createRegistry(request: HarborRegistryRequest, onConflict: string): Promise<void> {
    await this.call('POST', '/registries', { subject: `registry endpoint '${request.name}'`, onConflict }, { body: request });
  }

  /** DELETE /registries/{id}; an endpoint that is already gone counts as deleted. */
  async deleteRegistry(id: number): Promise<void> {
    await this.find('DELETE', `/registries/${id}`, {
      subject: `registry endpoint ${id}`,
      onPrecondition: 'Harbor keeps an endpoint a project or replication rule still uses: delete those first',
    });
  }

  /** GET /projects/{name}/immutabletagrules. */
  async listImmutableRules(project: string): Promise<HarborImmutableRule[]> {
    return this.call<HarborImmutableRule[]>('GET', `${projectPath(project)}/immutabletagrules`, {
      subject: `immutable tag rules of project '${project}'`,
    }, { byName: true });
  }

  /** POST /projects/{name}/immutabletagrules. */
  async createImmutableRule(project: string, rule: HarborImmutableRule): Promise<void> {
    await this.call('POST', `${projectPath(project)}/immutabletagrules`, {
      subject: `an immutable tag rule in project '${project}'`,
    }, { body: rule, byName: true });
  }

  /** DELETE /projects/{name}/immutabletagrules/{id}. */
  async deleteImmutableRule(project: string, ruleId: number): Promise<void> {
    await this.find('DELETE', `${projectPath(project)}/immutabletagrules/${ruleId}`, {
      subject: `immutable tag rule ${ruleId} of project '${project}'`,
    }, true);
  }

  /** POST /robots: the answer holds the secret, which Harbor never shows again. */
  async createRobot(request: HarborRobotRequest): Promise<HarborRobotCreated> {
    const namespace = request.permissions[0]?.namespace ?? '';
    return this.call<HarborRobotCreated>('POST', '/robots', {
      subject: `robot account '${request.name}' of project '${namespace}'`,
      onConflict: 'delete it in Harbor (project > Robot Accounts) or pick another robot name',
    }, { body: request });
  }

  /** GET /robots/{id}; undefined when Harbor has no such robot. */
  async getRobot(id: number): Promise<HarborRobotInfo | undefined> {
    return this.find<HarborRobotInfo>('GET', `/robots/${id}`, { subject: `robot account ${id}` });
  }

  /** PUT /robots/{id}: Harbor requires the name and level it already has. */
  async updateRobot(id: number, robot: HarborRobotRequest): Promise<void> {
    await this.call('PUT', `/robots/${id}`, { subject: `robot account '${robot.name}'` }, { body: robot });
  }

  /** DELETE /robots/{id}; a robot that is already gone counts as deleted. */
  async deleteRobot(id: number): Promise<void> {
    await this.find('DELETE', `/robots/${id}`, { subject: `robot account ${id}` });
  }

  /** Like `call`, but a 404 answer is undefined instead of an error. */
  private async find<T>(method: string, path: string, context: CallContext, byName = false): Promise<T | undefined> {
    try {
      return await this.call<T>(method, path, context, { byName });
    } catch (error) {
      if (error instanceof HarborApiError && error.notFound) return undefined;
      throw error;
    }
  }

  private async call<T>(
    method: string,
    path: string,
    context: CallContext,
    options: { readonly body?: unknown; readonly byName?: boolean } = {},
  ): Promise<T> {
    const fullPath = `${API_PREFIX}${path}`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`,
    };
    // Without it Harbor reads an all-digit project name as a project id.
    if (options.byName) headers['X-Is-Resource-Name'] = 'true';
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await (this.fetchImpl ?? fetch)(`${this.url}${fullPath}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new HarborApiError(this.redact(this.unreachable(method, fullPath, error)), method, fullPath);
    }

    const text = await response.text();
    if (!response.ok) {
      const { code, message } = harborError(text);
      const status = code ? `${response.status} ${code}` : `${response.status}`;
      const harborSays = message ? ` (Harbor: ${JSON.stringify(message)})` : '';
      throw new HarborApiError(
        this.redact(
          `Harbor ${method} ${fullPath} failed with ${status}: ${this.explain(response.status, context)}${harborSays}`,
        ),
        method,
        fullPath,
        response.status,
        code,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private explain(status: number, context: CallContext): string {
    if (status === 401) {
      return `authentication failed: check icv:harborAdminPassword (user '${this.username}' at ${this.url})`;
    }
    if (status === 403) {
      return `user '${this.username}' lacks the permission for ${context.subject}: use a Harbor system administrator`;
    }
    if (status === 404) return `${context.subject} not found in Harbor at ${this.url}`;
    if (status === 409) return `${context.subject} already exists: ${context.onConflict ?? 'pick another name'}`;
    if (status === 412 && context.onPrecondition) {
      return `Harbor refuses to change ${context.subject}: ${context.onPrecondition}`;
    }
    if (status >= 500) {
      return (
        `Harbor server error at ${this.url} while handling ${context.subject}: retry in a minute; ` +
        'if it persists, read the harbor-core logs'
      );
    }
    return `Harbor rejected the request for ${context.subject}`;
  }

  private unreachable(method: string, path: string, error: unknown): string {
    const where = `cannot reach Harbor at ${this.url} (${method} ${path})`;
    if (error instanceof Error && error.name === 'TimeoutError') {
      return `${where}: no answer within ${this.timeoutMs / 1000} s; check that Harbor is up and the URL is right`;
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
    const detail = code || (cause instanceof Error ? cause.message : String(cause));
    if (code.includes('CERT') || code.includes('SIGNATURE')) {
      return `${where}: ${detail}: Node does not trust Harbor's certificate; set NODE_EXTRA_CA_CERTS to its CA file`;
    }
    return `${where}: ${detail}; check the URL and that Harbor is running and reachable from this machine`;
  }

  /** Belt and braces: whatever Harbor or the network layer echoes, the password never leaves in a message. */
  private redact(message: string): string {
    return this.password === '' ? message : message.split(this.password).join('***');
  }
}

function projectPath(name: string): string {
  return `/projects/${encodeURIComponent(name)}`;
}

/** Harbor answers errors as `{"errors":[{"code":"CONFLICT","message":"..."}]}`; proxies in front of it answer HTML. */
function harborError(text: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    return {
      code: typeof first?.code === 'string' ? first.code : undefined,
      message: typeof first?.message === 'string' ? first.message : undefined,
    };
  } catch {
    return {};
  }
}
