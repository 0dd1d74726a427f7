import type { CapacityPlan } from '../checks/capacity.js';
import { shortDigest } from '../model/image-ref.js';
import { cutoverStage } from '../schema/cutover.js';
import type { Platform } from '../model/types.js';
import type { Environment } from '../schema/environment.js';
import type { DriftResult } from './drift.js';

/**
 * The status page of one environment: per module what is declared, what the stack last applied, whether the cluster
 * drifted, the cutover stage and what the module asks of the workers, plus the cluster's capacity headroom.
 * Pure: the shell hands in the stack outputs and the drift report when it has them, and the page says when it does not.
 */

/** What the stack's outputs say (`pulumi stack output --json`), when they were available. */
export interface AppliedState {
  /** Where the outputs came from, for the page: a file name. */
  readonly source: string;
  /** The `appliedImages` output; undefined when the stack has no such output (applied before it existed). */
  readonly images?: Readonly<Record<string, string>>;
}

export interface StatusInputs {
  readonly env: Environment;
  readonly platform: Platform;
  readonly capacity: CapacityPlan;
  readonly applied?: AppliedState;
  readonly drift?: DriftResult;
  /** The repository commit the page describes, when known. */
  readonly commit?: string;
}

/** The stage of a module the environment does not list in `cutover`. */
export const DEFAULT_CUTOVER = 'kubernetes';

export interface ModuleStatus {
  readonly module: string;
  /** The release entry of `environments/releases/<env>.yaml`. */
  readonly declared: string;
  /** The image the stack last applied, when the stack outputs are known. */
  readonly applied?: string;
  /** `current`, `pending` (declared differs from what was applied), or `unknown`. */
  readonly rollout: 'current' | 'pending' | 'unknown';
  /** Drifted resources of the module, or undefined when no drift report is known. */
  readonly drift?: number;
  readonly cutover: string;
  /** Requests of the module's pods at maximum replicas. */
  readonly cpu: number;
  readonly memoryGiB: number;
}

export interface Headroom {
  readonly scenario: string;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly unplaced: number;
}

export interface StatusPage {
  readonly env: string;
  readonly modules: readonly ModuleStatus[];
  /** Headroom with all workers up, and in the tightest single-worker-down scenario. */
  readonly headroom: readonly Headroom[];
  readonly notes: readonly string[];
}

export function statusPage(inputs: StatusInputs): StatusPage {
  const { env, platform, capacity, applied, drift } = inputs;
  if (drift && drift.env !== env.name) throw new Error(`the drift report is for '${drift.env}', not '${env.name}'`);
  const driftByModule = new Map((drift?.units ?? []).filter((u) => u.module !== undefined).map((u) => [u.module!, u.resources]));
  const demand = new Map(capacity.workloads.map((w) => [w.workload, w]));
  const modules: ModuleStatus[] = platform.units
    .filter((u) => u.kind === 'Module')
    .map((unit) => {
      const module = unit.id.replace(/^module\//, '');
      const workloads = unit.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => demand.get(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
      const image = applied?.images?.[module];
      const release = env.releases[module];
      // A recorded digest is what runs (the image pulls it); without one, the tag.
      const declared = release === undefined ? '' : release.digest === undefined ? release.tag : `${release.tag} (${shortDigest(release.digest)})`;
      const current = image !== undefined && release !== undefined && (release.digest === undefined ? imageTag(image) === release.tag : image.endsWith(`@${release.digest}`));
      return {
        module,
        declared,
        ...(image !== undefined && { applied: image }),
        rollout: image === undefined ? 'unknown' : current ? 'current' : 'pending',
        ...(drift && { drift: driftByModule.get(module) ?? 0 }),
        cutover: cutoverOf(env, module),
        cpu: sum(workloads.map((w) => (w ? w.pods * w.cpu : 0))),
        memoryGiB: sum(workloads.map((w) => (w ? w.pods * w.memoryGiB : 0))),
      } satisfies ModuleStatus;
    })
    .sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));

  const headroom = capacity.scenarios.map((s) => ({
    scenario: s.name,
    cpu: sum(s.nodes.map((n) => n.cpuAllocatable - n.cpuRequested)),
    memoryGiB: sum(s.nodes.map((n) => n.memoryAllocatableGiB - n.memoryRequestedGiB)),
    unplaced: s.unplaced.length,
  }));
  const allUp = headroom[0];
  const tightest = headroom.slice(1).sort((a, b) => a.cpu - b.cpu || a.memoryGiB - b.memoryGiB)[0];

  const notes: string[] = [];
  if (!applied) notes.push('Last applied: unknown, no stack outputs were given (offline). Pass `--outputs` with the JSON of `pulumi stack output --json`.');
  else if (!applied.images) notes.push(`Last applied: unknown, the stack outputs in ${applied.source} have no \`appliedImages\` (the stack was applied before that output existed; the next \`pulumi up\` adds it).`);
  if (!drift) notes.push(`Drift: unknown, no drift report was given. Run \`npm run drift -- --env ${env.name} --json-out drift.json\` and pass \`--drift drift.json\`.`);
  else notes.push(`Drift: checked ${drift.checkedAt} on stack \`${drift.stack}\`${drift.drifted ? `, ${drift.report.changes.length} resource(s) differ` : ', none found'}.`);
  if (!hasCutover(env)) notes.push(`Cutover: the environment declares no cutover stage; every module is on \`${DEFAULT_CUTOVER}\`.`);
  return { env: env.name, modules, headroom: [allUp, tightest].filter((h): h is Headroom => h !== undefined), notes };
}

function hasCutover(env: Environment): boolean {
  return Object.keys(env.cutover).length > 0;
}

/** The module's stage from `env.cutover` (`infra/schema/cutover.ts`), with the share Kubernetes serves on a canary. */
function cutoverOf(env: Environment, module: string): string {
  const stage = cutoverStage(env, module);
  return stage === 'canary' ? `canary ${env.cutover[module]!.weight}%` : stage;
}

function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
}

function sum(values: readonly number[]): number {
  return Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
}

const ROLLOUT: Readonly<Record<ModuleStatus['rollout'], string>> = { current: 'applied', pending: 'pending `pulumi up`', unknown: 'unknown' };

export function renderStatusMarkdown(page: StatusPage, commit?: string): string {
  const drifted = page.modules.filter((m) => (m.drift ?? 0) > 0).length;
  const pending = page.modules.filter((m) => m.rollout === 'pending').length;
  const lines = [
    `# Status: ${page.env}`,
    '',
    `${page.modules.length} modules${commit ? ` at commit \`${commit.slice(0, 12)}\`` : ''} · ${page.modules.some((m) => m.rollout !== 'unknown') ? `${pending} pending an up` : 'applied state unknown'} · ${page.modules[0]?.drift === undefined ? 'drift unknown' : `${drifted} drifted`}`,
    '',
    ...page.notes.map((n) => `- ${n}`),
    '',
    '## Capacity headroom',
    '',
    '| Scenario | CPU free | Memory free (GiB) | Pods that do not fit |',
    '|---|--:|--:|--:|',
    ...page.headroom.map((h) => `| ${h.scenario} | ${h.cpu.toFixed(2)} | ${h.memoryGiB.toFixed(1)} | ${h.unplaced} |`),
    '',
    '## Modules',
    '',
    '| Module | Declared | Last applied | Rollout | Drift | Cutover | CPU at max | GiB at max |',
    '|---|---|---|---|---|---|--:|--:|',
    ...page.modules.map((m) =>
      [
        m.module,
        `\`${m.declared}\``,
        m.applied === undefined ? 'unknown' : `\`${m.applied}\``,
        ROLLOUT[m.rollout],
        m.drift === undefined ? 'unknown' : m.drift > 0 ? `**yes** (${m.drift})` : 'no',
        m.cutover,
        m.cpu.toFixed(2),
        m.memoryGiB.toFixed(2),
      ].join(' | '),
    ).map((row) => `| ${row} |`),
    '',
  ];
  return lines.join('\n');
}

export function renderStatusHtml(page: StatusPage, commit?: string): string {
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const code = (t: string) => t.replace(/`([^`]+)`/g, (_, c: string) => `<code>${c}</code>`);
  const row = (cells: readonly string[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>Status: ${esc(page.env)}</title>`,
    '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.drift{color:#b00;font-weight:bold}</style>',
    '</head><body>',
    `<h1>Status: ${esc(page.env)}</h1>`,
    commit ? `<p>At commit <code>${esc(commit.slice(0, 12))}</code></p>` : '',
    `<ul>${page.notes.map((n) => `<li>${code(esc(n))}</li>`).join('')}</ul>`,
    '<h2>Capacity headroom</h2>',
    '<table>',
    row(['Scenario', 'CPU free', 'Memory free (GiB)', 'Pods that do not fit'], 'th'),
    ...page.headroom.map((h) => row([esc(h.scenario), h.cpu.toFixed(2), h.memoryGiB.toFixed(1), String(h.unplaced)])),
    '</table>',
    '<h2>Modules</h2>',
    '<table>',
    row(['Module', 'Declared', 'Last applied', 'Rollout', 'Drift', 'Cutover', 'CPU at max', 'GiB at max'], 'th'),
    ...page.modules.map((m) =>
      row([
        esc(m.module),
        `<code>${esc(m.declared)}</code>`,
        m.applied === undefined ? 'unknown' : `<code>${esc(m.applied)}</code>`,
        code(esc(ROLLOUT[m.rollout])),
        m.drift === undefined ? 'unknown' : m.drift > 0 ? `<span class="drift">yes (${m.drift})</span>` : 'no',
        esc(m.cutover),
        m.cpu.toFixed(2),
        m.memoryGiB.toFixed(2),
      ]),
    ),
    '</table>',
    '</body></html>',
    '',
  ].join('\n');
}
