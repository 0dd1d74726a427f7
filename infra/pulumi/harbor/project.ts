import * as pulumi from '@pulumi/pulumi';
import { HarborApi, type HarborImmutableRule, type HarborProjectMetadata } from './api.js';

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

/** Severities Harbor's `severity` project metadata accepts. */
export const VulnerabilitySeverity = {
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
} as const;
export type VulnerabilitySeverity = (typeof VulnerabilitySeverity)[keyof typeof VulnerabilitySeverity];

/** Connection values as the provider receives them: plain strings. */
export interface HarborConnection {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** The inputs the provider receives, defaults applied. */
export interface HarborProjectInputs {
  readonly api: HarborConnection;
  readonly name: string;
  readonly immutableTags: boolean;
  readonly autoScan: boolean;
  readonly preventVulnerable?: VulnerabilitySeverity;
  readonly adoptExisting: boolean;
}

/** The state Pulumi keeps: the inputs as Harbor has them, plus Harbor's project id. */
export interface HarborProjectState extends HarborProjectInputs {
  readonly projectId: number;
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
 * The immutable tag rule this provider manages: every tag of every repository. Harbor's UI writes the same
 * selectors for "repositories matching **, tags matching **".
 */
const IMMUTABLE_EVERYTHING: HarborImmutableRule = {
  disabled: false,
  action: 'immutable',
  template: 'immutable_template',
  tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**' }],
  scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
};

/** Properties whose change Harbor applies in place (PUT metadata, add or remove the rule); `adoptExisting` matters only to create. */
const UPDATABLE: readonly (keyof HarborProjectInputs)[] = ['immutableTags', 'autoScan', 'preventVulnerable'];

/**
 * Creates, reads, updates and deletes a Harbor project over the REST API. Pulumi serializes this object into
 * the state, so its methods use only this module's top-level helpers and the HarborApi client.
 */
export class HarborProjectProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: HarborProjectInputs): Promise<pulumi.dynamic.CreateResult<HarborProjectState>> {
    const api = new HarborApi(inputs.api);
    const existing = inputs.adoptExisting ? await api.getProject(inputs.name) : undefined;
    if (existing) {
      await applyProject(api, inputs);
      return { id: inputs.name, outs: projectState(inputs, existing.project_id) };
    }
    await api.createProject(
      { project_name: inputs.name, metadata: projectMetadata(inputs) },
      'set adoptExisting: true on the HarborProject to manage it from this stack, or pick another project name',
    );
    try {
      const created = await api.getProject(inputs.name);
      if (!created) throw new Error(`Harbor created project '${inputs.name}' but cannot find it`);
      await syncImmutableRule(api, inputs.name, inputs.immutableTags);
      return { id: inputs.name, outs: projectState(inputs, created.project_id) };
    } catch (error) {
      throw await rollBack(api, inputs.name, error as Error);
    }
  }

  async read(id: string, props: HarborProjectState): Promise<pulumi.dynamic.ReadResult<HarborProjectState>> {
    const api = new HarborApi(props.api);
    const project = await api.getProject(id);
    if (!project) return { id: '' };
    const rules = await api.listImmutableRules(id);
    const metadata = project.metadata ?? {};
    const severity = metadata.prevent_vul === 'true' ? (metadata.severity as VulnerabilitySeverity) : undefined;
    return {
      id,
      props: projectState(
        {
          api: props.api,
          name: project.name,
          immutableTags: rules.some(isImmutableEverything),
          autoScan: metadata.auto_scan === 'true',
          preventVulnerable: severity,
          adoptExisting: props.adoptExisting,
        },
        project.project_id,
      ),
    };
  }

  async diff(_id: string, olds: HarborProjectState, news: HarborProjectInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.name === news.name ? [] : ['name'];
    const updates = UPDATABLE.filter((key) => olds[key] !== news[key]);
    return { changes: replaces.length > 0 || updates.length > 0 || connectionChanged(olds.api, news.api), replaces };
  }

  async update(
    _id: string,
    olds: HarborProjectState,
    news: HarborProjectInputs,
  ): Promise<pulumi.dynamic.UpdateResult<HarborProjectState>> {
    await applyProject(new HarborApi(news.api), news);
    return { outs: projectState(news, olds.projectId) };
  }

  async delete(id: string, props: HarborProjectState): Promise<void> {
    await new HarborApi(props.api).deleteProject(id);
  }
}

const projectProvider = new HarborProjectProvider();

/**
 * A Harbor project with immutable tags and scan on push, private, managed over Harbor's REST API because the
 * Harbor Pulumi provider cannot be installed here. Its id is the project name.
 */
export class HarborProject extends pulumi.dynamic.Resource {
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
    super(projectProvider, name, inputs, { ...opts, additionalSecretOutputs: withSecret(opts, 'api') });
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

/** Project metadata as Harbor stores it: strings, `public` always "false". */
function projectMetadata(inputs: HarborProjectInputs): HarborProjectMetadata {
  return {
    public: 'false',
    auto_scan: String(inputs.autoScan),
    prevent_vul: String(inputs.preventVulnerable !== undefined),
    ...(inputs.preventVulnerable === undefined ? {} : { severity: inputs.preventVulnerable }),
  };
}

async function applyProject(api: HarborApi, inputs: HarborProjectInputs): Promise<void> {
  await api.updateProject(inputs.name, { metadata: projectMetadata(inputs) });
  await syncImmutableRule(api, inputs.name, inputs.immutableTags);
}

/** Adds or removes the every-tag rule; other rules (made by hand in Harbor) are left alone. */
async function syncImmutableRule(api: HarborApi, project: string, wanted: boolean): Promise<void> {
  const ours = (await api.listImmutableRules(project)).filter(isImmutableEverything);
  if (wanted && ours.length === 0) await api.createImmutableRule(project, IMMUTABLE_EVERYTHING);
  if (!wanted) {
    for (const rule of ours) if (rule.id !== undefined) await api.deleteImmutableRule(project, rule.id);
  }
}

function isImmutableEverything(rule: HarborImmutableRule): boolean {
  const repository = rule.scope_selectors.repository ?? [];
  return (
    !rule.disabled &&
    rule.tag_selectors.length === 1 &&
    rule.tag_selectors[0]?.decoration === 'matches' &&
    rule.tag_selectors[0]?.pattern === '**' &&
    repository.length === 1 &&
    repository[0]?.decoration === 'repoMatches' &&
    repository[0]?.pattern === '**'
  );
}

/** The state to record; Pulumi's state cannot hold `undefined`, so an unset severity is left out. */
function projectState(inputs: HarborProjectInputs, projectId: number): HarborProjectState {
  return {
    api: inputs.api,
    name: inputs.name,
    immutableTags: inputs.immutableTags,
    autoScan: inputs.autoScan,
    adoptExisting: inputs.adoptExisting,
    ...(inputs.preventVulnerable === undefined ? {} : { preventVulnerable: inputs.preventVulnerable }),
    projectId,
  };
}

/**
 * Removes a half-created project: Pulumi records nothing when create fails, so a leftover project would
 * block every later run with 409. Returns the error to throw.
 */
async function rollBack(api: HarborApi, name: string, error: Error): Promise<Error> {
  try {
    await api.deleteProject(name);
    return error;
  } catch (rollbackError) {
    return new Error(
      `${error.message}; removing the half-created project '${name}' failed too ` +
        `(${(rollbackError as Error).message}): delete it in Harbor before the next run`,
    );
  }
}

/**
 * A new URL or password changes nothing in Harbor, but it is still a change: the state must carry it for
 * later calls.
 */
export function connectionChanged(olds: HarborConnection, news: HarborConnection): boolean {
  return olds.url !== news.url || olds.username !== news.username || olds.password !== news.password;
}
