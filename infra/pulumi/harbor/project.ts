import * as pulumi from '@pulumi/pulumi';
import type { VulnerabilitySeverity } from './project-provider.js';
import { HarborDynamicResource } from './provider-code.js';

export {
  connectionChanged,
  HarborProjectProvider,
  VulnerabilitySeverity,
  type HarborConnection,
  type HarborProjectInputs,
  type HarborProjectState,
} from './project-provider.js';

/** Where the Harbor API is and the administrator the providers call it as. */
export interface HarborConnectionArgs {
  /** Harbor's external URL, such as `https://harbor.icv.example`. */
  readonly url: pulumi.Input<string>;
  /** A Harbor system administrator, usually `admin`. */
  readonly username: pulumi.Input<string>;
  /** That user's password (stack config `icv:harborAdminPassword`); always registered as a secret. */
  readonly password: pulumi.Input<string>;
}

export interface HarborProjectArgs {
  /** How to reach Harbor. */
  readonly api: HarborConnectionArgs;
  /** The project name, one per environment (`icv`): lower-case letters and digits, separated by single `.`, `_` or `-`. */
  readonly name: string;
  /** Make every tag of every repository immutable, so a released tag always names the same image. @default true */
  readonly immutableTags?: boolean;
  /** Scan every image for vulnerabilities when it is pushed. @default true */
  readonly autoScan?: boolean;
  /** Refuse pulls of images with a vulnerability of this severity or worse. @default - pulls are never refused */
  readonly preventVulnerable?: VulnerabilitySeverity;
  /**
   * Manage a project that already exists in Harbor instead of failing. Pulumi cannot `import` a dynamic
   * resource (pulumi/pulumi#16175), so this is how a hand-made project joins the stack; `pulumi destroy`
   * then deletes it like any other. @default false
   */
  readonly adoptExisting?: boolean;
}

/** Harbor names: lower case, digits, single separators (Harbor's own check for projects and robots). */
export const HARBOR_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Rejects a name Harbor would refuse, before anything is registered, quoting the prop and its value. */
export function requireHarborName(resourceType: string, resourceName: string, value: string, example: string): void {
  if (!HARBOR_NAME.test(value)) {
    throw new Error(
      `'name' (${JSON.stringify(value)}) of ${resourceType} '${resourceName}' must be lower-case letters and digits ` +
        `separated by single ".", "_" or "-", such as "${example}"`,
    );
  }
}

/**
 * A Harbor project with immutable tags and scan on push, private, managed over Harbor's REST API because the
 * Harbor Pulumi provider cannot be installed here. Its id is the project name.
 */
export class HarborProject extends HarborDynamicResource {
  /** The project name, also the first path segment of every image (`harbor.icv.example/icv/<module>`). */
  declare public readonly name: pulumi.Output<string>;
  /** Harbor's numeric project id. */
  declare public readonly projectId: pulumi.Output<number>;
  declare public readonly immutableTags: pulumi.Output<boolean>;
  declare public readonly autoScan: pulumi.Output<boolean>;

  constructor(name: string, args: HarborProjectArgs, opts: pulumi.CustomResourceOptions = {}) {
    requireHarborName('HarborProject', name, args.name, 'icv');
    const inputs = {
      api: secretConnection(args.api),
      name: args.name,
      immutableTags: args.immutableTags ?? true,
      autoScan: args.autoScan ?? true,
      preventVulnerable: args.preventVulnerable,
      adoptExisting: args.adoptExisting ?? false,
      projectId: undefined,
    };
    super('project', name, inputs, { ...opts, additionalSecretOutputs: withSecret(opts, 'api') });
  }
}

/** The connection with its password registered as a secret, whatever the caller passed. */
export function secretConnection(api: HarborConnectionArgs): HarborConnectionArgs {
  return { url: api.url, username: api.username, password: pulumi.secret(api.password) };
}

/** The options' additional secret outputs plus `keys`. */
export function withSecret(opts: pulumi.CustomResourceOptions, ...keys: string[]): string[] {
  return [...(opts.additionalSecretOutputs ?? []), ...keys];
}
