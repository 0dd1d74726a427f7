import type { FieldChange } from '../compare/field-diff.js';
import type { TextHunk } from '../compare/text-diff.js';

export type { FieldChange, TextHunk };

/**
 * The diff report: what changed between two synthesized `dist/` trees, per environment, with risk flags.
 * The JSON renderer writes it as is; the markdown renderer summarizes it for a merge request.
 */

/** Why a reviewer should look twice at a change, most severe first (the order flags are listed in). */
export const RISK_FLAGS = ['deleted', 'replacement', 'protected', 'network-widened', 'public-route', 'image', 'prod'] as const;
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
  readonly flag: RiskFlag;
  readonly reason: string;
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

export interface DiffReport {
  /** What the `before` tree is: a directory or a git ref. */
  readonly from: string;
  readonly to: string;
  readonly environments: readonly EnvSummary[];
  /** Every change, ordered by environment, unit, then object. */
  readonly changes: readonly Change[];
}

/** `Deployment icv-vehicle/vehicle-access`, or the file of an artifact. */
export function changeTitle(change: Change): string {
  const t = change.target;
  if (t.type === 'artifact') return t.file;
  return `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}
