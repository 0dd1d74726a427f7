import type * as pulumi from '@pulumi/pulumi';
import { HarborApi, type HarborAccess, type HarborRobotPermission, type HarborRobotRequest } from './api.js';
import { connectionChanged, type HarborConnection } from './project-provider.js';
import { compareText } from '../../model/text-order.js';

/**
 * The provider side of HarborRobot, bundled into its `__provider` text (provider-code.ts): like project-provider.ts,
 * it imports nothing at run time but the Harbor client and the connection check.
 */

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
 * Harbor's numeric robot id. The engine runs it from the code `providerCode('robot')` bundles, like
 * HarborProjectProvider.
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
        .sort((x, y) => compareText(x.namespace, y.namespace)),
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
