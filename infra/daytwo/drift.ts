import type { EngineEvent, OpType, PropertyDiff, StepEventMetadata } from '@pulumi/pulumi/automation/index.js';
import type { DistObject } from '../preview/dist-tree.js';
import { diffValues, type PathChange } from '../compare/field-diff.js';
import { deepEqual, isRecord } from '../model/json.js';
import { RISK_FLAGS, type Change, type DiffReport, type FieldChange, type FlagReason } from '../preview/model.js';
import { groupChanges, signatureOf } from '../preview/group.js';
import { changeIntents } from '../preview/intent.js';
import { summarize } from '../preview/compare-trees.js';
import { redact } from '../compare/redaction.js';
import { flagsOf, objectRisks, replacementReasons } from '../preview/risk-flags.js';

/**
 * Drift: what differs between the cluster and what the stack declares, read from the engine events of
 * `pulumi preview --refresh` (Automation API `stack.preview({ refresh: true, onEvent })`).
 *
 * The refresh reads every resource back from the cluster; the preview then compares the program with that refreshed
 * state, so each step that is not `same` is something `pulumi up` would change back. The Kubernetes provider prunes
 * what it reads to the fields the program sets (pulumi/pulumi-kubernetes v4.32.0, provider/pkg/provider/provider.go,
 * `Read`: "Prune the live inputs to remove properties that are not present in the program inputs",
 * `pruneLiveState(liveObj, oldInputs)`), so fields the API server defaults are never reported as drift.
 *
 * Orientation of the report: `before` is what is declared, `after` is what the cluster has. An object deleted out of
 * band is `deleted` (the next `up` re-creates it); a field scaled or edited is `changed`, old value declared, new
 * value live; an object the stack still holds but no longer declares is `added`.
 */

/** What `from` and `to` read in a drift report. */
export const DRIFT_FROM = 'declared (stack)';
export const DRIFT_TO = 'cluster (refreshed)';

/** Engine operations that mean the cluster differs from the declaration; every other op (same, refresh, read…) does not. */
const DRIFT_OPS: Readonly<Partial<Record<OpType, DriftKind>>> = {
  update: 'changed',
  replace: 'replaced',
  'create-replacement': 'replaced',
  'delete-replaced': 'replaced',
  create: 'missing',
  delete: 'undeclared',
};
/** When one resource has several steps (a replacement has three), the strongest wins. */
const KIND_ORDER: readonly DriftKind[] = ['missing', 'replaced', 'changed', 'undeclared'];

/** `changed` in place, `replaced` (only by delete and re-create), `missing` from the cluster, `undeclared` in the state only. */
export type DriftKind = 'changed' | 'replaced' | 'missing' | 'undeclared';

/** One resource the refresh preview would change. */
export interface DriftStep {
  readonly urn: string;
  /** Pulumi type: `kubernetes:apps/v1:Deployment`. */
  readonly type: string;
  readonly kind: DriftKind;
  /** Unit id as the core names it: `module/vehicle-access`, `shared-infra`, or `platform` for the stack's own resources. */
  readonly unit: string;
  readonly module?: string;
  /** Inputs the program declares (absent for an undeclared resource). */
  readonly declared?: Record<string, unknown>;
  /** Inputs read back from the cluster (absent for a missing resource). */
  readonly live?: Record<string, unknown>;
  /** The engine's changed property paths, when it gave them. */
  readonly detailedDiff?: Readonly<Record<string, PropertyDiff>>;
  /**
   * Inputs as last applied (the stored state), when the program also changes this resource: the drift is then what
   * the cluster changed since the apply, not the code's pending change.
   */
  readonly applied?: Record<string, unknown>;
}

/**
 * Splits the refresh preview's steps into drift and changes that are only pending an `up`, given the steps of a
 * preview without refresh (`plain`: the code's changes against the stored state). A resource whose refreshed state
 * equals its stored state, and whose step is the same in both previews, only waits for an `up`: the cluster did not
 * move. Any other is drift, compared with what was applied when the program changes it too.
 */
export function separatePending(refresh: readonly DriftStep[], plain: readonly DriftStep[]): { drift: DriftStep[]; pending: DriftStep[] } {
  const stored = new Map(plain.map((s) => [s.urn, s]));
  const drift: DriftStep[] = [];
  const pending: DriftStep[] = [];
  for (const step of refresh) {
    const code = stored.get(step.urn);
    if (!code) drift.push(step);
    else if (code.kind === step.kind && deepEqual(code.live, step.live)) pending.push(step);
    else drift.push(code.live && step.live ? { ...step, applied: code.live } : step);
  }
  return { drift, pending };
}

/** The parts of a Pulumi URN: `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`. */
export interface UrnParts {
  readonly stack: string;
  readonly project: string;
  /** The resource's own type, the last of the qualified type. */
  readonly type: string;
  /** The types of the parents and of the resource, outermost first. */
  readonly typeChain: readonly string[];
  readonly name: string;
}

export function parseUrn(urn: string): UrnParts | undefined {
  if (!urn.startsWith('urn:pulumi:')) return undefined;
  const parts = urn.slice('urn:pulumi:'.length).split('::');
  if (parts.length < 4) return undefined;
  const typeChain = parts[2]!.split('$');
  return { stack: parts[0]!, project: parts[1]!, type: typeChain[typeChain.length - 1]!, typeChain, name: parts.slice(3).join('::') };
}

const MODULE_TYPE = 'icv:platform:Module';
const UNIT_TYPES = new Set(['icv:platform:SharedInfra', 'icv:platform:Registry', 'icv:platform:DevOps', 'icv:platform:Cluster', MODULE_TYPE]);

/** The unit a resource belongs to: the unit component that is its parent (PlatformStack names them after the unit). */
export function unitOf(parentUrn: string | undefined): { unit: string; module?: string } {
  const parent = parentUrn ? parseUrn(parentUrn) : undefined;
  if (!parent || !UNIT_TYPES.has(parent.type)) return { unit: 'platform' };
  if (parent.type === MODULE_TYPE) return { unit: `module/${parent.name}`, module: parent.name };
  return { unit: parent.name };
}

/**
 * The resources the refresh preview would change, one per URN, in event order. Steps of unit components
 * (component resources hold no cluster state) are left out.
 */
export function driftSteps(events: Iterable<EngineEvent>): DriftStep[] {
  const byUrn = new Map<string, DriftStep>();
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata;
    if (!metadata) continue;
    const kind = DRIFT_OPS[metadata.op];
    if (!kind || metadata.type.startsWith('icv:platform:')) continue;
    const step = stepOf(metadata, kind);
    const seen = byUrn.get(metadata.urn);
    if (!seen || KIND_ORDER.indexOf(kind) < KIND_ORDER.indexOf(seen.kind)) byUrn.set(metadata.urn, seen ? { ...step, declared: step.declared ?? seen.declared, live: step.live ?? seen.live } : step);
  }
  return [...byUrn.values()];
}

function stepOf(metadata: StepEventMetadata, kind: DriftKind): DriftStep {
  // In a preview after refresh, `old` is the refreshed (live) state and `new` what the program declares.
  const live = kind === 'missing' ? undefined : metadata.old?.inputs;
  const declared = kind === 'undeclared' ? undefined : metadata.new?.inputs;
  return {
    urn: metadata.urn,
    type: metadata.type,
    kind,
    ...unitOf(metadata.new?.parent ?? metadata.old?.parent),
    ...(declared && { declared: withoutInternal(declared) }),
    ...(live && { live: withoutInternal(live) }),
    ...(metadata.detailedDiff && { detailedDiff: metadata.detailedDiff }),
  };
}

/** Drops engine bookkeeping (`__provider`, `__inputs`, …) that is not part of the object. */
function withoutInternal(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).filter(([key]) => !key.startsWith('__')));
}

export interface DriftOptions {
  readonly env: string;
  /** Resources the preview found unchanged (see `unchangedResources`). @default 0 */
  readonly unchanged?: number;
}

/** Resources (not components) whose refresh preview step is `same`: checked and found as declared. */
export function unchangedResources(events: Iterable<EngineEvent>): number {
  const same = new Set<string>();
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (metadata?.op === 'same' && !metadata.type.startsWith('icv:platform:') && metadata.type !== 'pulumi:pulumi:Stack') same.add(metadata.urn);
  }
  return same.size;
}

/**
 * The drift as the diff model's report, so the merge-request renderer shows it: each drifted resource judged by the
 * preview's risk rules (`objectRisks`, declared → live), explained by its intents (`changeIntents`), and grouped with
 * `groupChanges` (one environment, so one group per resource; the environment is the flag table's column).
 */
export function driftReport(steps: readonly DriftStep[], options: DriftOptions): DiffReport {
  const drifted = steps.map((step) => driftChange(step, options.env));
  drifted.sort((a, b) => (sortKey(a.change) < sortKey(b.change) ? -1 : sortKey(a.change) > sortKey(b.change) ? 1 : 0));
  const changes = drifted.map((d) => d.change);
  const fieldsOf = new Map(drifted.map((d) => [d.change, d.fields] as const));
  // No parity declarations: a drift report covers one environment, nothing is masked.
  const { groups, flags } = groupChanges(changes, [options.env], (c) => signatureOf(c, fieldsOf.get(c)!, undefined));
  return { from: DRIFT_FROM, to: DRIFT_TO, environments: [summarize(options.env, changes, options.unchanged ?? 0)], flags, groups, changes };
}

const OUT_OF_BAND = 'deleted from the cluster out of band; the next `pulumi up` re-creates the object, not what it held';

function driftChange(step: DriftStep, env: string): { change: Change; fields: PathChange[] } {
  // Against what was applied when the code also changes the resource; else against what is declared (the same).
  const basis = step.applied ?? step.declared;
  const declared = basis && objectOf(step, basis);
  const live = step.live && objectOf(step, step.live);
  let fields: PathChange[] = declared && live ? diffValues(declared.body, live.body) : [];
  if (fields.length === 0 && declared && live) fields = engineFields(step);
  const current = (declared ?? live)!;
  const reasons: FlagReason[] = objectRisks({ env, ...(declared && { before: declared }), ...(live && { after: live }), changes: fields }).map((r) =>
    r.flag === 'data.delete' ? { flag: r.flag, reason: `${r.reason} (${OUT_OF_BAND})` } : r,
  );
  const replacement = step.kind === 'replaced' ? replacementOf(step, declared, live, fields) : [];
  if (step.kind === 'replaced' && !reasons.some((r) => r.flag === 'data.replace')) {
    // A replacement deletes the object first: it loses data exactly where the preview's rules flag deleting it.
    for (const r of objectRisks({ env, before: current, changes: [] }).filter((x) => x.flag === 'data.delete')) {
      reasons.push({ flag: 'data.replace', reason: `Pulumi can restore it only by replacing it (${replacement.join('; ')}), which ${r.reason}` });
    }
  }
  reasons.sort((a, b) => RISK_FLAGS.indexOf(a.flag) - RISK_FLAGS.indexOf(b.flag));
  const status = step.kind === 'missing' ? 'deleted' : step.kind === 'undeclared' ? 'added' : step.kind === 'replaced' ? 'replaced' : 'changed';
  const intents = changeIntents({ kind: current.kind, ...(declared && { before: declared.body }), ...(live && { after: live.body }), fields });
  const change: Change = {
    env,
    unit: step.unit,
    ...(step.module !== undefined && { module: step.module }),
    status,
    target: {
      type: 'object',
      apiVersion: current.apiVersion,
      kind: current.kind,
      ...(current.namespace !== undefined && { namespace: current.namespace }),
      name: current.name,
      file: current.file,
    },
    flags: flagsOf(reasons),
    reasons,
    ...(intents && { intents }),
    ...(replacement.length > 0 && { replacement }),
    fields: fields.map((f) => f.change),
    ...((status === 'added' || status === 'deleted') && { body: redact(current.body) }),
  };
  return { change, fields };
}

/**
 * Why restoring the declaration replaces the resource: the fields Kubernetes or Pulumi cannot update in place (the
 * preview's `replacementReasons`), and the paths the engine marked as replacing (`*-replace` diff kinds).
 */
function replacementOf(step: DriftStep, declared: DistObject | undefined, live: DistObject | undefined, fields: readonly PathChange[]): string[] {
  const known = declared && live ? replacementReasons(declared, live, fields) : [];
  const engine = Object.entries(step.detailedDiff ?? {})
    .filter(([, diff]) => diff.diffKind.endsWith('-replace'))
    .map(([path]) => path)
    .sort();
  const out = [...known];
  if (engine.length > 0) out.push(`the engine replaces it for ${engine.join(', ')}`);
  return out.length > 0 ? out : ['the engine can only restore it by replacing it'];
}

/** The engine's property paths when the inputs show no difference (values it filtered as secret). */
function engineFields(step: DriftStep): PathChange[] {
  const paths = Object.keys(step.detailedDiff ?? {}).sort();
  return paths.map((path) => {
    const kind = step.detailedDiff![path]!.diffKind;
    // `add` means the program sets what the cluster lacks: from declared to live, that is a removal.
    const op: FieldChange['op'] = kind.startsWith('add') ? 'removed' : kind.startsWith('delete') ? 'added' : 'changed';
    return { segments: path.split('.'), change: { path, op, hidden: true } };
  });
}

/** A resource as the risk rules see an object: Kubernetes identity from its inputs, else the Pulumi type and name. */
function objectOf(step: DriftStep, body: Record<string, unknown>): DistObject {
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const isKube = typeof body.apiVersion === 'string' && typeof body.kind === 'string';
  const name = isKube && typeof metadata.name === 'string' ? metadata.name : (parseUrn(step.urn)?.name ?? step.urn);
  const apiVersion = isKube ? (body.apiVersion as string) : step.type;
  const kind = isKube ? (body.kind as string) : step.type.split(':').pop()!;
  const namespace = isKube && typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return {
    key: `${apiVersion}/${kind}/${namespace ?? ''}/${name}`,
    apiVersion,
    kind,
    ...(namespace !== undefined && { namespace }),
    name,
    file: `manifests/${step.unit}.yaml`,
    line: 1,
    unit: step.unit,
    ...(step.module !== undefined && { module: step.module }),
    body,
  };
}

function sortKey(change: Change): string {
  const t = change.target;
  return t.type === 'object' ? `${change.unit}\0${t.kind}\0${t.namespace ?? ''}\0${t.name}` : `${change.unit}\0${t.file}`;
}


/** What `npm run drift -- --json-out` writes and the status page reads. */
export interface DriftResult {
  readonly env: string;
  readonly stack: string;
  /** When the refresh ran (ISO 8601), supplied by the shell. */
  readonly checkedAt: string;
  readonly drifted: boolean;
  /** Drifted resources per unit, units in name order. */
  readonly units: readonly { readonly unit: string; readonly module?: string; readonly resources: number }[];
  /** Resources the code changes that an `up` has not applied yet: not drift, listed so the report can say so. */
  readonly pending?: readonly string[];
  readonly report: DiffReport;
}

export function driftResult(report: DiffReport, stack: string, checkedAt: string, pending: readonly DriftStep[] = []): DriftResult {
  const counts = new Map<string, { unit: string; module?: string; resources: number }>();
  for (const change of report.changes) {
    const entry = counts.get(change.unit) ?? { unit: change.unit, ...(change.module !== undefined && { module: change.module }), resources: 0 };
    entry.resources++;
    counts.set(change.unit, entry);
  }
  const units = [...counts.values()].sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  const pendingNames = pending.map((s) => `${s.module ?? s.unit}: ${parseUrn(s.urn)?.name ?? s.urn}`).sort();
  return { env: report.environments[0]?.env ?? '', stack, checkedAt, drifted: report.changes.length > 0, units, ...(pendingNames.length > 0 && { pending: pendingNames }), report };
}
