import * as pulumi from '@pulumi/pulumi';
import { requireHarborName, secretConnection, withSecret, type HarborConnectionArgs } from './project.js';
import { HarborDynamicResource } from './provider-code.js';
import { RobotAccess } from './robot-provider.js';

export { HarborRobotProvider, RobotAccess, type HarborRobotInputs, type HarborRobotState } from './robot-provider.js';

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

const DEFAULT_DESCRIPTION: Record<RobotAccess, string> = {
  push: 'Pipelines: push and tag images (managed by Pulumi)',
  pull: 'Cluster image pull secret: pull only (managed by Pulumi)',
};

/**
 * A project robot account in Harbor. Its secret is an output, registered as a secret: it feeds the cluster's
 * image pull secret (`pull`) or the pipelines' Harbor credential (`push`).
 */
export class HarborRobot extends HarborDynamicResource {
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
    super('robot', name, inputs, { ...opts, additionalSecretOutputs: withSecret(opts, 'api', 'secret') });
    // The engine encrypts `secret` in the state; this keeps it secret for every consumer of the output too.
    this.secret = pulumi.secret(this.secret);
  }
}
