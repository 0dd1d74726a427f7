import { exceptionAnnotation } from '../model/names.js';
import type { MirrorImage } from '../model/mirrors.js';
import type { Artifact, HelmReleaseSpec, KubeObject } from '../model/types.js';
import type { Environment } from '../schema/environment.js';
import { compareText } from '../model/text-order.js';

/**
 * What every rule returns. A rule is a pure function of the objects (and, when known, the environment);
 * exceptions declared on the objects are applied once, afterwards, by `applyExceptions`.
 */

/** `exception`: the finding is covered by a declared exception; it is reported with its reason and never fails a run. */
export type Severity = 'error' | 'warning' | 'exception';

export interface Finding {
  /** Rule id: `<family>.<rule>`, e.g. `pss-restricted.capabilities`; the id an exception annotation names. */
  readonly rule: string;
  readonly severity: Severity;
  /** The object it is about: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
  readonly object: string;
  /** Field path inside the object: `spec.template.spec.containers[app].securityContext.runAsNonRoot`. */
  readonly path: string;
  readonly message: string;
  /** One line saying what would be right. */
  readonly fix: string;
  /** Why the exception was granted (severity `exception` only). */
  readonly reason?: string;
  /** The file the object came from, when checking a directory of manifests. */
  readonly file?: string;
}

export interface CheckInput {
  readonly objects: readonly KubeObject[];
  /** The environment the objects are for; rules that need it (registry, production) skip without it. */
  readonly env?: Environment;
  /** The file that declares the environment, for findings about it. */
  readonly envFile?: string;
  /** Helm releases Pulumi installs; their values are checked for plain-text secrets. */
  readonly helmReleases?: readonly HelmReleaseSpec[];
  /** Files the platform writes beside the manifests (KubeKey and installer configs); rules that need them skip without. */
  readonly artifacts?: readonly Artifact[];
  /** Declared third-party images (`modules/mirrors.ts`), for `supply-chain.provenance`. @default [] */
  readonly mirrors?: readonly MirrorImage[];
  /**
   * CustomResourceDefinitions (parsed YAML) KubeSphere objects are validated against; the shell reads them from
   * `infra/checks/crds/`. Without them, custom resources are reported as kinds the schema check does not know.
   * @default []
   */
  readonly customResourceDefinitions?: readonly unknown[];
}

export type Rule = (input: CheckInput) => Finding[];

export function objectRef(obj: KubeObject): string {
  const meta = obj.metadata ?? {};
  const name = typeof meta.name === 'string' && meta.name ? meta.name : '<unnamed>';
  return typeof meta.namespace === 'string' && meta.namespace ? `${obj.kind}/${meta.namespace}/${name}` : `${obj.kind}/${name}`;
}

/** Shorthand rules use to build an error or warning about one object. */
export function finding(
  obj: KubeObject | string,
  rule: string,
  severity: 'error' | 'warning',
  path: string,
  message: string,
  fix: string,
): Finding {
  return { rule, severity, object: typeof obj === 'string' ? obj : objectRef(obj), path, message, fix };
}

/**
 * The exception reason an object declares for a rule (`exceptions.icv.io/<rule-id>: <reason>`), on its metadata
 * or its pod template's metadata (the constructs copy it to both).
 */
export function exceptionReason(obj: KubeObject, rule: string): string | undefined {
  const key = exceptionAnnotation(rule);
  const own = obj.metadata?.annotations?.[key];
  if (typeof own === 'string' && own.trim()) return own;
  const template = templateAnnotations(obj)?.[key];
  return typeof template === 'string' && template.trim() ? template : undefined;
}

function templateAnnotations(obj: KubeObject): Record<string, unknown> | undefined {
  const spec = obj.spec as { template?: { metadata?: { annotations?: Record<string, unknown> } } } | undefined;
  return spec?.template?.metadata?.annotations;
}

/**
 * Turns every finding whose object declares an exception for its rule into severity `exception` with the
 * reason. Findings that already carry a reason (a rule resolved it from other objects) become exceptions too.
 */
export function applyExceptions(findings: readonly Finding[], objects: readonly KubeObject[]): Finding[] {
  const byRef = new Map<string, KubeObject>();
  for (const obj of objects) if (!byRef.has(objectRef(obj))) byRef.set(objectRef(obj), obj);
  return findings.map((f) => {
    if (f.severity === 'exception') return f;
    const target = byRef.get(f.object);
    const reason = f.reason ?? (target ? exceptionReason(target, f.rule) : undefined);
    return reason === undefined ? f : { ...f, severity: 'exception', reason };
  });
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, exception: 2 };

/** Deterministic order: severity, rule, object, path. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compareText(a.rule, b.rule) ||
      compareText(a.object, b.object) ||
      compareText(a.path, b.path) ||
      compareText(a.message, b.message),
  );
}

export interface FindingCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly exceptions: number;
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    exceptions: findings.filter((f) => f.severity === 'exception').length,
  };
}
