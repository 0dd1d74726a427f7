import * as pulumi from '@pulumi/pulumi';
import { HarborApi, type HarborAccess, type HarborRobotPermission, type HarborRobotRequest } from './api.js';
import {
  requireHarborName,
  connectionChanged,
  secretConnection,
  withSecret,
  type HarborConnection,
  type HarborConnectionArgs,
} from './project.js';

export interface HarborRobotArgs {
  /** How to reach Harbor. */
  readonly api: HarborConnectionArgs;
  /** The project the robot works in; pass `HarborProject.name` so the robot waits for its project. */
  readonly project: pulumi.Input<string>;
  /** The robot's own name (`pull`); Harbor calls it `robot$<project>+<name>`. */
  readonly name: string;
  /** What the robot may do: `push` for pipelines, `pull` for the cluster. */
  readonly access: RobotAccess;
  /** Shown in Harbor's robot list. @default - says what the access is for */
  readonly description?: string;
}

/** The two kinds of robot the platform needs. */
export const RobotAccess = {
  /** Pipelines: push and pull images, look up artifacts, add tags (promote a tested digest). */
  PUSH: 'push',
  /** The cluster's image pull secret: pull only. */
  PULL: 'pull',
} as const;
export type RobotAccess = (typeof RobotAccess)[keyof typeof RobotAccess];

/**
 * Harbor permissions per access. Tags are immutable, so a pipeline lists artifacts to find out whether a tag
 * exists before pushing, and promotes by adding a tag to a digest rather than pushing again.
 */
const ROBOT_PERMISSIONS: Record<RobotAccess, readonly HarborAccess[]> = {
  push: [
    { resource: 'repository', action: 'pull' },
    { resource: 'repository', action: 'push' },
    { resource: 'artifact', action: 'read' },
    { resource: 'artifact', action: 'list' },
    { resource: 'tag', action: 'list' },
    { resource: 'tag', action: 'create' },
  ],
  pull: [{ resource: 'repository', action: 'pull' }],
};

const DEFAULT_DESCRIPTION: Record<RobotAccess, string> = {
  push: 'Pipelines: push and tag images (managed by Pulumi)',
  pull: 'Cluster image pull secret: pull only (managed by Pulumi)',
};

/** The inputs the provider receives, defaults applied. */
export interface HarborRobotInputs {
  readonly api: HarborConnection;
  readonly project: string;
  readonly name: string;
  readonly access: RobotAccess;
  readonly description: string;
}

/** The state Pulumi keeps: the inputs, Harbor's permissions, the robot's full name and its secret. */
export interface HarborRobotState extends HarborRobotInputs {
  readonly permissions: readonly HarborRobotPermission[];
  /** The login name, `robot$<project>+<name>`. */
  readonly robotName: string;
  readonly secret: string;
}

/**
 * Creates, reads, updates and deletes a project robot account over Harbor's REST API. The resource id is
 * Harbor's numeric robot id. Pulumi serializes this object into the state, like HarborProjectProvider.
 */
export class HarborRobotProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: HarborRobotInputs): Promise<pulumi.dynamic.CreateResult<HarborRobotState>> {
    const permissions = robotPermissions(inputs.project, inputs.access);
    const created = await new HarborApi(inputs.api).createRobot({
      name: inputs.name,
      description: inputs.description,
      level: 'project',
      duration: -1,
      disable: false,
      permissions,
    });
    return {
      id: String(created.id),
      outs: robotState(inputs, { permissions, robotName: created.name, secret: created.secret }),
    };
  }

  async read(id: string, props: HarborRobotState): Promise<pulumi.dynamic.ReadResult<HarborRobotState>> {
    const robot = await new HarborApi(props.api).getRobot(Number(id));
    if (!robot) return { id: '' };
    // Harbor shows a secret only when it creates one: the state keeps the one it showed.
    return {
      id,
      props: robotState(
        { ...props, description: robot.description ?? '' },
        { permissions: robot.permissions, robotName: robot.name, secret: props.secret },
      ),
    };
  }

  async diff(_id: string, olds: HarborRobotState, news: HarborRobotInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = (['project', 'name'] as const).filter((key) => olds[key] !== news[key]);
    const changes =
      replaces.length > 0 ||
      olds.description !== news.description ||
      !samePermissions(olds.permissions, robotPermissions(news.project, news.access)) ||
      connectionChanged(olds.api, news.api);
    return { changes, replaces: [...replaces] };
  }

  async update(
    id: string,
    olds: HarborRobotState,
    news: HarborRobotInputs,
  ): Promise<pulumi.dynamic.UpdateResult<HarborRobotState>> {
    const api = new HarborApi(news.api);
    const current = await api.getRobot(Number(id));
    if (!current) {
      throw new Error(
        `robot account '${olds.robotName}' (id ${id}) is gone from Harbor: run \`pulumi refresh\` so that Pulumi creates it again`,
      );
    }
    const permissions = robotPermissions(news.project, news.access);
    // Harbor refuses a PUT whose name or level differ from the robot's own (its full `robot$...` name).
    const robot: HarborRobotRequest = {
      name: current.name,
      level: current.level,
      duration: current.duration,
      disable: false,
      description: news.description,
      permissions,
    };
    await api.updateRobot(Number(id), robot);
    return { outs: robotState(news, { permissions, robotName: current.name, secret: olds.secret }) };
  }

  async delete(id: string, props: HarborRobotState): Promise<void> {
    await new HarborApi(props.api).deleteRobot(Number(id));
  }
}

const robotProvider = new HarborRobotProvider();

/**
 * A project robot account in Harbor. Its secret is an output, registered as a secret: it feeds the cluster's
 * image pull secret (`pull`) or the pipelines' Harbor credential (`push`).
 */
export class HarborRobot extends pulumi.dynamic.Resource {
  /** The login name, `robot$<project>+<name>`. */
  declare public readonly robotName: pulumi.Output<string>;
  /** The robot's password; Harbor shows it once, at creation. */
  declare public readonly secret: pulumi.Output<string>;
  declare public readonly access: pulumi.Output<RobotAccess>;

  constructor(name: string, args: HarborRobotArgs, opts: pulumi.CustomResourceOptions = {}) {
    requireHarborName('HarborRobot', name, args.name, 'pull');
    if (!Object.values(RobotAccess).includes(args.access)) {
      throw new Error(`'access' (${JSON.stringify(args.access)}) of HarborRobot '${name}' must be "push" or "pull"`);
    }
    const inputs = {
      api: secretConnection(args.api),
      project: args.project,
      name: args.name,
      access: args.access,
      description: args.description ?? DEFAULT_DESCRIPTION[args.access],
      permissions: undefined,
      robotName: undefined,
      secret: undefined,
    };
    super(robotProvider, name, inputs, { ...opts, additionalSecretOutputs: withSecret(opts, 'api', 'secret') });
    // The engine encrypts `secret` in the state; this keeps it secret for every consumer of the output too.
    this.secret = pulumi.secret(this.secret);
  }
}

/** The one permission of a project robot: its access, in its project. */
function robotPermissions(project: string, access: RobotAccess): HarborRobotPermission[] {
  return [{ kind: 'project', namespace: project, access: [...ROBOT_PERMISSIONS[access]] }];
}

function samePermissions(a: readonly HarborRobotPermission[], b: readonly HarborRobotPermission[]): boolean {
  const canonical = (permissions: readonly HarborRobotPermission[]): string =>
    JSON.stringify(
      permissions
        .map((p) => ({
          kind: p.kind,
          namespace: p.namespace,
          access: p.access.map((x) => `${x.resource}:${x.action}`).sort(),
        }))
        .sort((x, y) => x.namespace.localeCompare(y.namespace)),
    );
  return canonical(a) === canonical(b);
}

function robotState(
  inputs: HarborRobotInputs,
  harbor: Pick<HarborRobotState, 'permissions' | 'robotName' | 'secret'>,
): HarborRobotState {
  return {
    api: inputs.api,
    project: inputs.project,
    name: inputs.name,
    access: inputs.access,
    description: inputs.description,
    permissions: harbor.permissions.map((p) => ({
      kind: p.kind,
      namespace: p.namespace,
      access: p.access.map((x) => ({ resource: x.resource, action: x.action })),
    })),
    robotName: harbor.robotName,
    secret: harbor.secret,
  };
}
