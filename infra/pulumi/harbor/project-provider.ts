import type * as pulumi from '@pulumi/pulumi';
import { HarborApi, type HarborImmutableRule, type HarborProjectMetadata } from './api.js';

/**
 * The provider side of HarborProject: what the engine's dynamic provider host runs. Bundled with esbuild into the
 * text every HarborProject carries as `__provider` (provider-code.ts), so this module imports nothing at run time but
 * the Harbor client (the SDK for its types only), and the resource class lives in project.ts.
 */

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
 * Creates, reads, updates and deletes a Harbor project over the REST API. The engine runs it from the code that
 * `providerCode('project')` bundles into the state (provider-code.ts), so its methods use only this module's
 * top-level helpers and the HarborApi client.
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
