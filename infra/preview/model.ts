import type { FieldChange } from '../compare/field-diff.js';
import type { TextHunk } from '../compare/text-diff.js';

export type { FieldChange, TextHunk };

/**
 * The diff report: what changed between two synthesized `dist/` trees, per environment, with risk flags.
 * The JSON renderer writes it as is; the markdown renderer summarizes it for a merge request.
 */

/**
 * The risk rules, most severe first (the order flags are listed in). Each is documented, with what raises it and what
 * does not, in infra/preview/README.md. The environment is not a rule: it is a column of the flag table.
 */
export const RISK_FLAGS = [
  'data.delete',
  'data.replace',
  'data.volume',
  'data.change',
  'cutover.skip-canary',
  'capacity.n-1',
  'edge.still-needed',
  'security.weaken',
  'rbac.widen',
  'network.widen',
  'exposure.widen',
  'secret.change',
] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

/** `replaced` is a change Kubernetes or Pulumi can only make by deleting and re-creating the object. */
export type ChangeStatus = 'added' | 'changed' | 'replaced' | 'deleted';

/** A Kubernetes object of `dist/<env>/manifests/**`. */
export interface ObjectTarget {
  readonly type: 'object';
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Path relative to `dist/<env>/`: `manifests/module/vehicle-access.yaml`. */
  readonly file: string;
}

/** A file beside the manifests, compared as YAML documents or as text. */
export interface ArtifactTarget {
  readonly type: 'artifact';
  readonly kind: ArtifactKind;
  readonly format: 'yaml' | 'text';
  /** Path relative to `dist/<env>/`: `helm/harbor.values.yaml`. */
  readonly file: string;
}
export type ArtifactKind = 'helm-values' | 'kubekey' | 'jenkinsfile' | 'other';

export interface FlagReason {
  /** The rule id. */
  readonly flag: RiskFlag;
  /** One line: why this change raised the rule. */
  readonly reason: string;
}

/** What a reviewer reasons about, per kind: an allowed edge, a granted verb, an exposure, an image, replicas… */
export type IntentAspect = 'network' | 'rbac' | 'exposure' | 'workload' | 'scaling' | 'config' | 'secret' | 'storage' | 'object';

/** One intent-level statement about a change, environment-neutral where the objects allow it. */
export interface Intent {
  readonly aspect: IntentAspect;
  readonly op: 'added' | 'removed' | 'changed';
  /** Plain text, one line: `vehicle-access → vehicle-registry:8080 (egress rule of vehicle-access)`. */
  readonly text: string;
}

export interface Change {
  readonly env: string;
  /** Unit id as the core names it: `module/vehicle-access`, `cluster`, `helm/harbor` for Helm values. */
  readonly unit: string;
  /** The module, for units `module/<name>`. */
  readonly module?: string;
  readonly status: ChangeStatus;
  /** The object or file after the change (before it, for a deletion). */
  readonly target: ObjectTarget | ArtifactTarget;
  /** The object before the change when its identity moved (apiVersion, kind or unit). */
  readonly previous?: ObjectTarget;
  /** The unit before the change, when it moved. */
  readonly previousUnit?: string;
  /** Distinct flags of `reasons`, in RISK_FLAGS order. */
  readonly flags: readonly RiskFlag[];
  readonly reasons: readonly FlagReason[];
  /** What the change means, for the kinds reviewers reason about (see intent.ts); absent for others. */
  readonly intents?: readonly Intent[];
  /** Why the change is a replacement, when it is one. */
  readonly replacement?: readonly string[];
  /** Changed fields of a changed or replaced object or YAML artifact. */
  readonly fields: readonly FieldChange[];
  /** Line diff of a text artifact (the whole file for an added or deleted one). */
  readonly hunks?: readonly TextHunk[];
  /** The whole object or document, secrets redacted, for an added or deleted object or YAML artifact. */
  readonly body?: unknown;
}

export interface EnvSummary {
  readonly env: string;
  readonly added: number;
  readonly changed: number;
  readonly replaced: number;
  readonly deleted: number;
  /** Changes that carry at least one risk flag. */
  readonly flagged: number;
  readonly unchanged: number;
}

/**
 * The same change in one or more environments: identical apart from declared parity differences (the VM addresses,
 * the registry host…). A group of one environment among several compared is a parity break, unless every field it
 * changes is a declared difference (`declared`).
 */
export interface ChangeGroup {
  /** Environments in which the change happens, in report order: `['prod', 'test']`. */
  readonly envs: readonly string[];
  readonly unit: string;
  readonly module?: string;
  readonly status: ChangeStatus;
  /** `NetworkPolicy icv-vehicle/vehicle-access`, or a file. */
  readonly title: string;
  /** Intents, shown once when every environment has the same; else per environment. */
  readonly intents: readonly Intent[];
  readonly intentsByEnv?: Readonly<Record<string, readonly Intent[]>>;
  /** Set when the group covers fewer environments than were compared. */
  readonly onlyIn?: {
    /** The parity declarations every changed field falls under; empty when the change breaks parity. */
    readonly declared: readonly string[];
  };
  /** Indexes into `DiffReport.changes`, one per environment. */
  readonly changes: readonly number[];
}

/** One raised rule, once per group: `envs` is the environment column. */
export interface FlagRow {
  readonly flag: RiskFlag;
  readonly envs: readonly string[];
  /** Index into `DiffReport.groups`. */
  readonly group: number;
  readonly title: string;
  readonly unit: string;
  readonly reason: string;
}

/** What a real `pulumi preview` found for one stack, or why it did not run. */
export interface PulumiPreviewSummary {
  readonly env: string;
  readonly stack: string;
  readonly ran: boolean;
  /** Resource operations: create, update, replace, delete, same (from `changeSummary` of `pulumi preview --json`). */
  readonly counts?: { readonly create: number; readonly update: number; readonly replace: number; readonly delete: number; readonly same: number };
  /** Where the saved plan is (a URL or a path), when the preview saved one. */
  readonly plan?: string;
  /** Why it did not run, or a note on the run. */
  readonly note?: string;
}

export interface DiffReport {
  /** What the `before` tree is: a directory or a git ref. */
  readonly from: string;
  readonly to: string;
  readonly environments: readonly EnvSummary[];
  /** Raised rules, most severe first, one row per rule and group. */
  readonly flags: readonly FlagRow[];
  /** The changes grouped across environments, in unit order. */
  readonly groups: readonly ChangeGroup[];
  /** Real Pulumi previews, when the caller had them. */
  readonly pulumi?: readonly PulumiPreviewSummary[];
  /** Every change, ordered by environment, unit, then object. */
  readonly changes: readonly Change[];
}

/** `Deployment icv-vehicle/vehicle-access`, or the file of an artifact. */
export function changeTitle(change: Change): string {
  const t = change.target;
  if (t.type === 'artifact') return t.file;
  return `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}
