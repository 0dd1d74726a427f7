import { createServer } from 'node:net';
import * as pulumi from '@pulumi/pulumi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HarborApi, HarborApiError } from '../../infra/pulumi/harbor/api.js';
import {
  HarborProject,
  HarborProjectProvider,
  type HarborProjectInputs,
  type HarborProjectState,
} from '../../infra/pulumi/harbor/project.js';
import {
  HarborRobot,
  HarborRobotProvider,
  type HarborRobotInputs,
  type HarborRobotState,
} from '../../infra/pulumi/harbor/robot.js';
import { providerCode, type HarborProviderKind } from '../../infra/pulumi/harbor/provider-code.js';
import { FakeHarbor } from '../support/fake-harbor.js';

const PASSWORD = 'Harbor12345';

let harbor: FakeHarbor;
let api: { url: string; username: string; password: string };
const projects = new HarborProjectProvider();
const robots = new HarborRobotProvider();

beforeEach(async () => {
  harbor = await FakeHarbor.start({ username: 'admin', password: PASSWORD });
  api = { url: harbor.url, username: 'admin', password: PASSWORD };
});
afterEach(async () => {
  await harbor.close();
});

function projectInputs(overrides: Partial<HarborProjectInputs> = {}): HarborProjectInputs {
  return { api, name: 'icv', immutableTags: true, autoScan: true, adoptExisting: false, ...overrides };
}

function robotInputs(overrides: Partial<HarborRobotInputs> = {}): HarborRobotInputs {
  return { api, project: 'icv', name: 'pull', access: 'pull', description: 'cluster pulls', ...overrides };
}

async function createProject(overrides: Partial<HarborProjectInputs> = {}): Promise<HarborProjectState> {
  return (await projects.create(projectInputs(overrides))).outs as HarborProjectState;
}

async function createRobot(overrides: Partial<HarborRobotInputs> = {}): Promise<{ id: string; outs: HarborRobotState }> {
  const { id, outs } = await robots.create(robotInputs(overrides));
  return { id, outs: outs as HarborRobotState };
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<HarborApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as HarborApiError;
}

const EVERY_TAG_RULE = {
  disabled: false,
  action: 'immutable',
  template: 'immutable_template',
  tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**' }],
  scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
};

describe('HarborProjectProvider', () => {
  it('creates a private project that scans on push, with an immutable rule for every tag', async () => {
    const { id, outs } = await projects.create(projectInputs());

    expect(id).toBe('icv');
    expect(harbor.requestsTo('POST', '/api/v2.0/projects')[0]?.body).toEqual({
      project_name: 'icv',
      metadata: { public: 'false', auto_scan: 'true', prevent_vul: 'false' },
    });
    expect(harbor.requestsTo('POST', '/api/v2.0/projects/icv/immutabletagrules').map((r) => r.body)).toEqual([
      EVERY_TAG_RULE,
    ]);
    // An all-digit project name must never be read as a project id.
    expect(harbor.requestsTo('GET', '/api/v2.0/projects/icv')[0]?.headers['x-is-resource-name']).toBe('true');
    expect(outs).toEqual({ ...projectInputs(), projectId: harbor.projects.get('icv')?.project_id });
  });

  it('blocks vulnerable pulls and skips the rule and the scan when told to', async () => {
    const outs = await createProject({ immutableTags: false, autoScan: false, preventVulnerable: 'high' });

    expect(harbor.projects.get('icv')?.metadata).toEqual({
      public: 'false',
      auto_scan: 'false',
      prevent_vul: 'true',
      severity: 'high',
    });
    expect(harbor.projects.get('icv')?.rules).toEqual([]);
    expect(outs.preventVulnerable).toBe('high');
  });

  it('reads the project back as Harbor has it, and reports a deleted project as gone', async () => {
    const state = await createProject();
    expect(await projects.read('icv', state)).toEqual({ id: 'icv', props: state });

    harbor.projects.delete('icv');
    expect(await projects.read('icv', state)).toEqual({ id: '' });
  });

  it('sees changes made by hand in Harbor, so the next update puts them back', async () => {
    const state = await createProject();
    const project = harbor.projects.get('icv')!;
    project.rules = [];
    project.metadata.auto_scan = 'false';

    const read = await projects.read('icv', state);
    expect(read.props).toMatchObject({ immutableTags: false, autoScan: false });
    expect((await projects.diff('icv', read.props!, projectInputs())).changes).toBe(true);
  });

  it('replaces the project on a new name and updates it in place otherwise', async () => {
    const state = await createProject();

    expect(await projects.diff('icv', state, projectInputs())).toEqual({ changes: false, replaces: [] });
    expect(await projects.diff('icv', state, projectInputs({ name: 'icv2' }))).toEqual({
      changes: true,
      replaces: ['name'],
    });
    expect(await projects.diff('icv', state, projectInputs({ autoScan: false }))).toEqual({
      changes: true,
      replaces: [],
    });
    expect(await projects.diff('icv', state, projectInputs({ preventVulnerable: 'critical' }))).toEqual({
      changes: true,
      replaces: [],
    });
    const rotated = projectInputs({ api: { ...api, password: 'Rotated123' } });
    expect(await projects.diff('icv', state, rotated)).toEqual({ changes: true, replaces: [] });
  });

  it('updates metadata with PUT and adds or removes the immutable rule', async () => {
    const state = await createProject();

    const off = await projects.update('icv', state, projectInputs({ immutableTags: false, autoScan: false }));
    expect(harbor.requestsTo('PUT', '/api/v2.0/projects/icv').at(-1)?.body).toEqual({
      metadata: { public: 'false', auto_scan: 'false', prevent_vul: 'false' },
    });
    expect(harbor.projects.get('icv')?.rules).toEqual([]);
    expect(off.outs).toMatchObject({ immutableTags: false, autoScan: false, projectId: state.projectId });

    await projects.update('icv', off.outs!, projectInputs());
    expect(harbor.projects.get('icv')?.rules).toEqual([{ ...EVERY_TAG_RULE, id: expect.any(Number) }]);
    expect(harbor.projects.get('icv')?.metadata.auto_scan).toBe('true');
  });

  it('deletes the project, and a project already gone counts as deleted', async () => {
    const state = await createProject();

    await projects.delete('icv', state);
    expect(harbor.projects.has('icv')).toBe(false);
    await projects.delete('icv', state);
  });

  it('explains that Harbor deletes only empty projects', async () => {
    const state = await createProject();
    harbor.projects.get('icv')!.repoCount = 3;

    const error = await failure(projects.delete('icv', state));
    expect(error.message).toContain('failed with 412 PRECONDITION');
    expect(error.message).toContain('delete its repositories in Harbor first');
  });

  it('refuses to create over an existing project and says how to adopt it', async () => {
    await createProject();

    const error = await failure(projects.create(projectInputs()));
    expect(error).toBeInstanceOf(HarborApiError);
    expect(error.message).toContain("Harbor POST /api/v2.0/projects failed with 409 CONFLICT: project 'icv' already exists");
    expect(error.message).toContain('set adoptExisting: true');
    expect(error.message).toContain('The project named icv already exists');
  });

  it('adopts an existing project when told to, bringing it to the declared settings', async () => {
    await createProject({ immutableTags: false, autoScan: false });
    const before = harbor.requestsTo('POST', '/api/v2.0/projects').length;

    const { id, outs } = await projects.create(projectInputs({ adoptExisting: true }));
    expect(id).toBe('icv');
    expect(harbor.requestsTo('POST', '/api/v2.0/projects').length).toBe(before + 1); // the rule, not a project
    expect(harbor.projects.get('icv')?.metadata.auto_scan).toBe('true');
    expect(harbor.projects.get('icv')?.rules).toHaveLength(1);
    expect(outs).toMatchObject({ adoptExisting: true, projectId: harbor.projects.get('icv')?.project_id });
  });

  it('removes a half-created project when a later step fails, so the next run is not blocked by 409', async () => {
    harbor.failNext(1, 500, (method, path) => method === 'POST' && path.endsWith('/immutabletagrules'));

    const error = await failure(projects.create(projectInputs()));
    expect(error.message).toContain('failed with 500 UNKNOWN');
    expect(harbor.projects.has('icv')).toBe(false);
    expect(harbor.requestsTo('DELETE', '/api/v2.0/projects/icv')).toHaveLength(1);
  });
});

describe('HarborRobotProvider', () => {
  beforeEach(async () => {
    await createProject();
  });

  it('creates the push robot for pipelines: push, pull, artifact lookups and tagging, never expiring', async () => {
    const { id, outs } = await createRobot({ name: 'push', access: 'push', description: 'pipelines' });

    expect(harbor.requestsTo('POST', '/api/v2.0/robots')[0]?.body).toEqual({
      name: 'push',
      description: 'pipelines',
      level: 'project',
      duration: -1,
      disable: false,
      permissions: [
        {
          kind: 'project',
          namespace: 'icv',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
            { resource: 'artifact', action: 'read' },
            { resource: 'artifact', action: 'list' },
            { resource: 'tag', action: 'list' },
            { resource: 'tag', action: 'create' },
          ],
        },
      ],
    });
    const robot = harbor.robots.get(Number(id))!;
    expect(outs.robotName).toBe('robot$icv+push');
    expect(outs.secret).toBe(robot.secret);
  });

  it('creates the pull robot for the cluster with pull only', async () => {
    const { id, outs } = await createRobot();

    expect(harbor.robots.get(Number(id))?.permissions).toEqual([
      { kind: 'project', namespace: 'icv', access: [{ resource: 'repository', action: 'pull' }] },
    ]);
    expect(outs).toMatchObject({ robotName: 'robot$icv+pull', access: 'pull', secret: expect.any(String) });
  });

  it('reads the robot back, keeps the secret Harbor showed once, and reports a deleted robot as gone', async () => {
    const { id, outs } = await createRobot();

    expect(await robots.read(id, outs)).toEqual({ id, props: outs });
    harbor.robots.delete(Number(id));
    expect(await robots.read(id, outs)).toEqual({ id: '' });
  });

  it('updates a change of access in place and replaces on a new name or project', async () => {
    const { id, outs } = await createRobot();

    expect(await robots.diff(id, outs, robotInputs())).toEqual({ changes: false, replaces: [] });
    expect(await robots.diff(id, outs, robotInputs({ access: 'push' }))).toEqual({ changes: true, replaces: [] });
    expect(await robots.diff(id, outs, robotInputs({ description: 'new' }))).toEqual({ changes: true, replaces: [] });
    expect(await robots.diff(id, outs, robotInputs({ name: 'puller' }))).toEqual({ changes: true, replaces: ['name'] });
    expect(await robots.diff(id, outs, robotInputs({ project: 'other' }))).toEqual({
      changes: true,
      replaces: ['project'],
    });
  });

  it('puts back permissions edited by hand in Harbor', async () => {
    const { id, outs } = await createRobot();
    harbor.robots.get(Number(id))!.permissions[0]!.access.push({ resource: 'repository', action: 'push' });

    const read = await robots.read(id, outs);
    expect((await robots.diff(id, read.props!, robotInputs())).changes).toBe(true);
  });

  it('changes access with a PUT that keeps the full name and level Harbor requires, and keeps the secret', async () => {
    const { id, outs } = await createRobot();

    const updated = await robots.update(id, outs, robotInputs({ access: 'push', description: 'now pushes' }));
    expect(harbor.requestsTo('PUT', `/api/v2.0/robots/${id}`)[0]?.body).toMatchObject({
      name: 'robot$icv+pull',
      level: 'project',
      duration: -1,
      disable: false,
      description: 'now pushes',
    });
    expect(harbor.robots.get(Number(id))?.permissions[0]?.access).toContainEqual({ resource: 'repository', action: 'push' });
    expect(updated.outs).toMatchObject({ access: 'push', secret: outs.secret, robotName: 'robot$icv+pull' });
  });

  it('deletes the robot, and a robot already gone counts as deleted', async () => {
    const { id, outs } = await createRobot();

    await robots.delete(id, outs);
    expect(harbor.robots.has(Number(id))).toBe(false);
    await robots.delete(id, outs);
  });

  it('refuses a second robot with the same name and says what to do', async () => {
    await createRobot();

    const error = await failure(robots.create(robotInputs()));
    expect(error.message).toContain("failed with 409 CONFLICT: robot account 'pull' of project 'icv' already exists");
    expect(error.message).toContain('delete it in Harbor');
  });
});

describe('HarborApi errors', () => {
  it('reports a wrong password as an authentication failure without ever showing the password', async () => {
    const wrong = 'Wr0ngPassw0rd';
    const error = await failure(projects.create(projectInputs({ api: { ...api, password: wrong } })));

    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED', method: 'POST', path: '/api/v2.0/projects' });
    expect(error.message).toContain('failed with 401 UNAUTHORIZED: authentication failed: check icv:harborAdminPassword');
    expect(error.message).not.toContain(wrong);
    expect(error.stack).not.toContain(wrong);
  });

  it('masks the password even when Harbor echoes it', async () => {
    const echoing: typeof fetch = async () =>
      new Response(JSON.stringify({ errors: [{ code: 'BAD_REQUEST', message: `bad value ${PASSWORD}` }] }), { status: 400 });
    const client = new HarborApi({ ...api, fetch: echoing });

    const error = await failure(client.getProject('icv'));
    expect(error.message).toContain('bad value ***');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('turns a 500 into a server error that suggests a retry', async () => {
    harbor.failNext(1, 500);

    const error = await failure(projects.read('icv', { ...projectInputs(), projectId: 1 }));
    expect(error.message).toBe(
      `Harbor GET /api/v2.0/projects/icv failed with 500 UNKNOWN: Harbor server error at ${harbor.url} while handling ` +
        "project 'icv': retry in a minute; if it persists, read the harbor-core logs (Harbor: \"internal server error\")",
    );
  });

  it('handles the HTML page a proxy answers with 503', async () => {
    harbor.failNext(1, 503);

    const error = await failure(createRobot());
    expect(error).toMatchObject({ status: 503, code: undefined });
    expect(error.message).toContain('Harbor POST /api/v2.0/robots failed with 503: Harbor server error');
    expect(error.message).toContain('retry');
  });

  it('gives up on a Harbor that does not answer', async () => {
    const silent: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const client = new HarborApi({ ...api, fetch: silent, timeoutMs: 20 });

    const error = await failure(client.getRobot(7));
    expect(error.message).toBe(
      `cannot reach Harbor at ${harbor.url} (GET /api/v2.0/robots/7): no answer within 0.02 s; ` +
        'check that Harbor is up and the URL is right',
    );
  });

  it('names the URL when nothing listens there', async () => {
    const url = await closedPortUrl();

    const error = await failure(projects.create(projectInputs({ api: { ...api, url } })));
    expect(error).toBeInstanceOf(HarborApiError);
    expect(error.status).toBeUndefined();
    expect(error.message).toContain(`cannot reach Harbor at ${url} (POST /api/v2.0/projects): ECONNREFUSED`);
  });

  it('refuses a URL that carries credentials without repeating them', () => {
    expect(() => new HarborApi({ ...api, url: `http://admin:${PASSWORD}@harbor.example` })).toThrow(
      'Harbor URL must not contain credentials',
    );
    try {
      new HarborApi({ ...api, url: `http://admin:${PASSWORD}@harbor.example` });
    } catch (error) {
      expect((error as Error).message).not.toContain(PASSWORD);
    }
  });
});

describe('the providers as the engine runs them', () => {
  // The engine's dynamic provider host runs a provider from the `__provider` text the resource registered
  // (`requireFromString(text).handler()`, @pulumi/pulumi cmd/dynamic-provider), not from these modules: load that
  // text the way it does, with a `require` that refuses everything (the text must be self-contained), and run it.
  async function fromCode<T>(kind: HarborProviderKind): Promise<T> {
    const text = await providerCode(kind);
    const module = { exports: {} as { handler: () => T } };
    const refuse = (id: string) => {
      throw new Error(`the provider code of ${kind} requires '${id}'`);
    };
    new Function('exports', 'module', 'require', text)(module.exports, module, refuse);
    return module.exports.handler();
  }

  it('still creates, updates and deletes, and its errors keep their messages', async () => {
    const project = await fromCode<HarborProjectProvider>('project');
    const robot = await fromCode<HarborRobotProvider>('robot');

    const created = await project.create(projectInputs());
    const pull = await robot.create(robotInputs());
    await robot.update(pull.id, pull.outs!, robotInputs({ access: 'push' }));
    expect(harbor.robots.get(Number(pull.id))?.permissions[0]?.access).toHaveLength(6);

    const conflict = await failure(project.create(projectInputs()));
    expect(conflict.message).toContain("project 'icv' already exists");

    await robot.delete(pull.id, pull.outs!);
    await project.delete(created.id, created.outs!);
    expect(harbor.projects.size + harbor.robots.size).toBe(0);
  });

  it('is the same text for the same sources, with no absolute path in it', async () => {
    for (const kind of ['project', 'robot', 'proxy-cache'] as const) {
      const text = await providerCode(kind);
      expect(text).toContain('function handler()');
      expect(text).not.toContain(process.cwd());
      expect(text).not.toMatch(/\brequire\(/);
    }
    expect(await providerCode('project')).toBe(await providerCode('project'));
  });
});

describe('HarborProject and HarborRobot', () => {
  interface Registered {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
  }
  const registered: Registered[] = [];

  beforeEach(async () => {
    registered.length = 0;
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          const harborSide = args.inputs.access ? { robotName: `robot$icv+${args.inputs.name}`, secret: 'r0bot-Secret' } : {};
          return { id: `${args.name}-id`, state: { ...args.inputs, ...harborSide } };
        },
        call: (args) => args.inputs,
      },
      'icv-platform',
      'test',
    );
  });

  const connection = { url: 'https://harbor.icv.example', username: 'admin', password: PASSWORD };
  /** How the mock monitor sees the connection: the SDK lifts the password's secretness to the whole object. */
  const secretConnection = {
    [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
    value: { url: connection.url, username: 'admin', password: PASSWORD },
  };

  it('register as dynamic resources with defaults applied and the admin password as a secret', async () => {
    const project = new HarborProject('icv', { api: connection, name: 'icv' });
    const robot = new HarborRobot('icv-pull', { api: connection, project: project.name, name: 'pull', access: 'pull' });

    const robotName = await valueOf(robot.robotName);
    expect(robotName).toBe('robot$icv+pull');
    expect(registered.map((r) => r.type)).toEqual(['pulumi-nodejs:dynamic:Resource', 'pulumi-nodejs:dynamic:Resource']);
    const codes = [await providerCode('project'), await providerCode('robot')];
    const [projectInputsSeen, robotInputsSeen] = registered.map(({ inputs }, i) => {
      const { __provider, ...rest } = inputs;
      expect(__provider).toBe(codes[i]);
      return rest;
    });
    expect(projectInputsSeen).toEqual({
      api: secretConnection,
      name: 'icv',
      immutableTags: true,
      autoScan: true,
      adoptExisting: false,
    });
    expect(robotInputsSeen).toEqual({
      api: secretConnection,
      project: 'icv',
      name: 'pull',
      access: 'pull',
      description: 'Cluster image pull secret: pull only (managed by Pulumi)',
    });
  });

  it('exposes the robot secret as a secret output', async () => {
    const robot = new HarborRobot('icv-push', { api: connection, project: 'icv', name: 'push', access: 'push' });

    expect(await pulumi.isSecret(robot.secret)).toBe(true);
    expect(await valueOf(robot.secret)).toBe('r0bot-Secret');
  });

  it('reject names Harbor would refuse, quoting them', () => {
    expect(() => new HarborProject('icv', { api: connection, name: 'ICV' })).toThrow(
      `'name' ("ICV") of HarborProject 'icv' must be lower-case letters and digits`,
    );
    expect(
      () => new HarborRobot('icv-ci', { api: connection, project: 'icv', name: 'ci+push', access: 'push' }),
    ).toThrow(`'name' ("ci+push") of HarborRobot 'icv-ci' must be lower-case letters and digits`);
  });
});

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** A URL on 127.0.0.1 where nothing listens: a port just opened and closed again. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
