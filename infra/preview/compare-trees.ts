import { InputError } from '../model/errors.js';
import type { DistArtifact, DistEnv, DistObject, DistTree } from './dist-tree.js';
import { diffValues, type PathChange } from '../compare/field-diff.js';
import { RISK_FLAGS, type ArtifactTarget, type Change, type DiffReport, type EnvSummary, type FlagReason, type Intent, type ObjectTarget, type PulumiPreviewSummary } from './model.js';
import { redact, redactLine } from '../compare/redaction.js';
import { artifactRisks, flagsOf, objectRisks, replacementReasons, type ModuleNeed, type RiskOptions } from './risk-flags.js';
import { diffLines } from '../compare/text-diff.js';
import { changeIntents, type IntentContext } from './intent.js';
import { groupChanges, signatureOf, type ChangeSignature, type DeclaredDifference } from './group.js';
import { isRecord, valueAt } from '../model/json.js';

export interface DiffOptions {
  /** What the `before` tree is, for the report: a directory or a git ref. */
  readonly from: string;
  /** What the `after` tree is. */
  readonly to: string;
  /** Environments to compare; each must exist in one of the trees. @default - every environment of either tree */
  readonly envs?: readonly string[];
  /**
   * Where the environments may differ (the parity declarations, handed in by the shell): a change identical in every
   * environment apart from these is shown once. @default - nothing may differ
   */
  readonly declared?: DeclaredDifference;
  /** Capacity findings of the after tree that the before tree did not have, per environment (the shell runs the check). */
  readonly newCapacityFindings?: Readonly<Record<string, readonly string[]>>;
  /** Real Pulumi previews, reported beside the offline diff. */
  readonly pulumi?: readonly PulumiPreviewSummary[];
  /** Environments users depend on, where rules such as `cutover.skip-canary` apply. @default ['prod'] */
  readonly protectedEnvs?: readonly string[];
}

const EMPTY_ENV = (env: string): DistEnv => ({ env, objects: new Map(), artifacts: new Map() });

/**
 * Compares two synthesized trees object by object (matched by apiVersion, kind, namespace and name) and file by
 * file, and flags the risky changes.
 */
export function diffTrees(before: DistTree, after: DistTree, options: DiffOptions): DiffReport {
  const present = [...new Set([...before.envs.keys(), ...after.envs.keys()])].sort();
  if (options.envs) {
    const unknown = options.envs.filter((e) => !present.includes(e));
    if (unknown.length > 0) {
      throw InputError.single('--env', '', `unknown environment(s) ${unknown.map((e) => `'${e}'`).join(', ')} (the trees hold: ${present.join(', ') || 'none'})`);
    }
  }
  const envs = options.envs ? present.filter((e) => options.envs!.includes(e)) : present;
  const environments: EnvSummary[] = [];
  const changes: Change[] = [];
  const signatures: Signatures = new Map();
  for (const env of envs) {
    const beforeEnv = before.envs.get(env) ?? EMPTY_ENV(env);
    const afterEnv = after.envs.get(env) ?? EMPTY_ENV(env);
    const context: IntentContext = { addresses: vmAddresses([beforeEnv, afterEnv]) };
    const risk: RiskOptions = {
      context,
      protectedEnv: (options.protectedEnvs ?? ['prod']).includes(env),
      needs: moduleNeeds(afterEnv),
      ...(options.newCapacityFindings?.[env] && { newCapacityFindings: options.newCapacityFindings[env] }),
    };
    const { changes: envChanges, unchanged } = diffEnv(beforeEnv, afterEnv, risk, options.declared, signatures);
    envChanges.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    changes.push(...envChanges);
    environments.push(summarize(env, envChanges, unchanged));
  }
  const { groups, flags } = groupChanges(changes, envs, (c) => signatures.get(c)!);
  return { from: options.from, to: options.to, environments, flags, groups, ...(options.pulumi && { pulumi: options.pulumi }), changes };
}

/** Addresses of the stateful VMs, from the EndpointSlices (`kubernetes.io/service-name` names the service). */
function vmAddresses(envs: readonly DistEnv[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const env of envs) {
    for (const object of env.objects.values()) {
      if (object.kind !== 'EndpointSlice') continue;
      const labels = valueAt(object.body, ['metadata', 'labels']);
      const service = isRecord(labels) && typeof labels['kubernetes.io/service-name'] === 'string' ? labels['kubernetes.io/service-name'] : object.name;
      const endpoints = valueAt(object.body, ['endpoints']);
      for (const endpoint of Array.isArray(endpoints) ? endpoints : []) {
        const addresses = valueAt(endpoint, ['addresses']);
        for (const address of Array.isArray(addresses) ? addresses : []) out.set(String(address), service);
      }
    }
  }
  return out;
}

const MODULE_URL = /^[a-z][a-z0-9+.-]*:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)/;

/**
 * What each workload still calls: its `*_URL` variables naming a Service of the cluster (synth writes one per
 * `dependsOn.modules` entry), with the Service port and its numeric targetPort.
 */
function moduleNeeds(env: DistEnv): Map<string, ModuleNeed[]> {
  const services = new Map<string, unknown>();
  for (const object of env.objects.values()) if (object.kind === 'Service') services.set(`${object.namespace ?? ''}/${object.name}`, object.body);
  const out = new Map<string, ModuleNeed[]>();
  for (const object of env.objects.values()) {
    if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet' && object.kind !== 'DaemonSet') continue;
    const labels = valueAt(object.body, ['spec', 'template', 'metadata', 'labels']);
    const name = isRecord(labels) && typeof labels['app.kubernetes.io/name'] === 'string' ? labels['app.kubernetes.io/name'] : object.name;
    const containers = valueAt(object.body, ['spec', 'template', 'spec', 'containers']);
    const needs: ModuleNeed[] = [];
    for (const container of Array.isArray(containers) ? containers : []) {
      const vars = valueAt(container, ['env']);
      for (const variable of Array.isArray(vars) ? vars : []) {
        if (!isRecord(variable) || typeof variable.name !== 'string' || !variable.name.endsWith('_URL') || typeof variable.value !== 'string') continue;
        const match = MODULE_URL.exec(variable.value);
        if (!match) continue;
        const [, host, namespace, port] = match;
        const ports = [port!];
        const servicePorts = valueAt(services.get(`${namespace}/${host}`), ['spec', 'ports']);
        for (const p of Array.isArray(servicePorts) ? servicePorts : []) {
          if (isRecord(p) && String(p.port) === port && typeof p.targetPort === 'number') ports.push(String(p.targetPort));
        }
        needs.push({ module: host!, ports, variable: `${variable.name}=${variable.value}` });
      }
    }
    if (needs.length > 0) out.set(name, needs);
  }
  return out;
}

type Signatures = Map<Change, ChangeSignature>;

function diffEnv(before: DistEnv, after: DistEnv, risk: RiskOptions, declared: DeclaredDifference | undefined, signatures: Signatures): { changes: Change[]; unchanged: number } {
  const record = (change: Change, fields: readonly PathChange[]) => {
    signatures.set(change, signatureOf(change, fields, declared));
    return change;
  };
  const changes: Change[] = [];
  let unchanged = 0;
  const deleted: DistObject[] = [];
  for (const [key, old] of before.objects) {
    const next = after.objects.get(key);
    if (!next) {
      deleted.push(old);
      continue;
    }
    // The same parsed value (an untouched file, parsed once): nothing to compare.
    const fields = old.body === next.body ? [] : diffValues(old.body, next.body);
    if (fields.length === 0 && old.unit === next.unit) unchanged++;
    else changes.push(record(objectChange(after.env, old, next, fields, risk), fields));
  }
  const added = [...after.objects.values()].filter((o) => !before.objects.has(o.key));
  for (const [old, next] of pairMoved(deleted, added)) {
    const fields = diffValues(old.body, next.body);
    changes.push(record(objectChange(after.env, old, next, fields, risk), fields));
  }
  for (const old of deleted) changes.push(record(objectChange(after.env, old, undefined, [], risk), []));
  for (const next of added) changes.push(record(objectChange(after.env, undefined, next, [], risk), []));

  for (const file of new Set([...before.artifacts.keys(), ...after.artifacts.keys()])) {
    const result = artifactChange(after.env, before.artifacts.get(file), after.artifacts.get(file));
    if (result) changes.push(record(result.change, result.fields));
    else unchanged++;
  }
  return { changes, unchanged };
}

/**
 * Pairs a deleted and an added object that are the same object under a new apiVersion or kind (same namespace and
 * name; same kind, or the only candidate in the same unit). Paired objects leave both lists.
 */
function pairMoved(deleted: DistObject[], added: DistObject[]): [DistObject, DistObject][] {
  const pairs: [DistObject, DistObject][] = [];
  const sameName = (a: DistObject, b: DistObject) => a.namespace === b.namespace && a.name === b.name;
  const take = (match: (old: DistObject, next: DistObject) => boolean) => {
    for (const old of [...deleted]) {
      const candidates = added.filter((next) => match(old, next));
      const rivals = deleted.filter((other) => candidates.length === 1 && match(other, candidates[0]!));
      if (candidates.length !== 1 || rivals.length !== 1) continue;
      pairs.push([old, candidates[0]!]);
      deleted.splice(deleted.indexOf(old), 1);
      added.splice(added.indexOf(candidates[0]!), 1);
    }
  };
  take((old, next) => sameName(old, next) && old.kind === next.kind);
  take((old, next) => sameName(old, next) && old.unit === next.unit);
  return pairs;
}

function objectChange(env: string, before: DistObject | undefined, after: DistObject | undefined, fields: readonly PathChange[], risk: RiskOptions): Change {
  const current = (after ?? before)!;
  const reasons = sortReasons(objectRisks({ env, ...(before && { before }), ...(after && { after }), changes: fields }, risk));
  const flags = flagsOf(reasons);
  const replacement = before && after ? replacementReasons(before, after, fields) : [];
  const status = !before ? 'added' : !after ? 'deleted' : replacement.length > 0 ? 'replaced' : 'changed';
  const intents = changeIntents({ kind: current.kind, ...(before && { before: before.body }), ...(after && { after: after.body }), fields }, risk.context);
  const moved = before && after && (before.key !== after.key || before.file !== after.file);
  return {
    env,
    unit: current.unit,
    ...(current.module !== undefined && { module: current.module }),
    status,
    target: objectTarget(current),
    ...(moved && { previous: objectTarget(before) }),
    ...(before && after && before.unit !== after.unit && { previousUnit: before.unit }),
    flags,
    reasons,
    intents: intents ?? genericIntents(status, fields.length, undefined),
    ...(replacement.length > 0 && { replacement }),
    fields: fields.map((f) => f.change),
    ...((status === 'added' || status === 'deleted') && { body: redact(current.body) }),
  };
}

function objectTarget(object: DistObject): ObjectTarget {
  return {
    type: 'object',
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.namespace !== undefined && { namespace: object.namespace }),
    name: object.name,
    file: object.file,
  };
}

function artifactChange(env: string, before: DistArtifact | undefined, after: DistArtifact | undefined): { change: Change; fields: PathChange[] } | undefined {
  const current = (after ?? before)!;
  const yaml = current.format === 'yaml' && (!before || before.format === 'yaml') && (!after || after.format === 'yaml');
  let fields: PathChange[] = [];
  let hunks: Change['hunks'];
  if (before && after) {
    if (before.text === after.text) return undefined;
    if (yaml) {
      fields = diffValues(before.document, after.document);
      if (fields.length === 0) return undefined;
    } else hunks = redactHunks(diffLines(before.text, after.text));
  } else if (!yaml) {
    hunks = redactHunks(diffLines(before?.text ?? '', after?.text ?? ''));
  }
  const reasons = sortReasons(artifactRisks({ env, ...(before && { before }), ...(after && { after }), changes: fields }));
  const target: ArtifactTarget = { type: 'artifact', kind: current.kind, format: yaml ? 'yaml' : 'text', file: current.file };
  const change: Change = {
    env,
    unit: current.unit,
    ...(current.module !== undefined && { module: current.module }),
    status: !before ? 'added' : !after ? 'deleted' : 'changed',
    target,
    flags: flagsOf(reasons),
    reasons,
    intents: genericIntents(!before ? 'added' : !after ? 'deleted' : 'changed', fields.length, hunks),
    fields: fields.map((f) => f.change),
    ...(hunks && { hunks }),
    ...(yaml && (!before || !after) && { body: redact(current.document) }),
  };
  return { change, fields };
}

/** What a change of a kind without intent-level rendering amounts to: fields or lines. */
function genericIntents(status: Change['status'], fields: number, hunks: Change['hunks']): Intent[] {
  if (status === 'added' || status === 'deleted') return [];
  if (hunks) {
    const added = hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith('+')).length, 0);
    const removed = hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith('-')).length, 0);
    return [{ aspect: 'object', op: 'changed', text: `${added} line${added === 1 ? '' : 's'} added, ${removed} removed (see details)` }];
  }
  return fields > 0 ? [{ aspect: 'object', op: 'changed', text: `${fields} field${fields === 1 ? '' : 's'} (see details)` }] : [];
}

function redactHunks(hunks: NonNullable<Change['hunks']>): NonNullable<Change['hunks']> {
  return hunks.map((h) => ({ ...h, lines: h.lines.map(redactLine) }));
}

function sortReasons(reasons: readonly FlagReason[]): FlagReason[] {
  return [...reasons].sort((a, b) => RISK_FLAGS.indexOf(a.flag) - RISK_FLAGS.indexOf(b.flag));
}

function sortKey(change: Change): string {
  const t = change.target;
  const what = t.type === 'object' ? `0${t.kind}\0${t.namespace ?? ''}\0${t.name}\0${t.apiVersion}` : `1${t.file}`;
  return `${change.unit}\0${what}`;
}

/** One environment's row of the report's summary table: changes by status, flagged ones, and unchanged objects. */
export function summarize(env: string, changes: readonly Change[], unchanged: number): EnvSummary {
  const count = (status: Change['status']) => changes.filter((c) => c.status === status).length;
  return {
    env,
    added: count('added'),
    changed: count('changed'),
    replaced: count('replaced'),
    deleted: count('deleted'),
    flagged: changes.filter((c) => c.flags.length > 0).length,
    unchanged,
  };
}
