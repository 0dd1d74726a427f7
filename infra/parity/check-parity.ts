import { parseAllDocuments } from 'yaml';
import { objectRef, type Finding } from '../checks/finding.js';
import { InputError, type InputProblem } from '../model/errors.js';
import type { KubeObject, Platform } from '../model/types.js';
import { diffValues, type PathChange } from '../compare/field-diff.js';
import { formatPath, type PathSegment } from '../compare/field-path.js';
import { resolveImageRef } from '../model/image-ref.js';
import { HIDDEN } from '../compare/redaction.js';
import {
  artifactMatches,
  IMAGE_PARTS,
  parsePathPattern,
  patternCovers,
  presenceCovers,
  patternExists,
  validateDeclarations,
  type ImagePart,
  type ParityDeclaration,
  type PathPattern,
} from './declaration.js';
import { compareText } from '../model/text-order.js';

/** One difference between the two environments, at a leaf (or a hidden subtree) of one compared document. */
export interface ParityDifference {
  /** `Kind/namespace/name` of an object, `HelmRelease/<namespace>/<name>`, or `Artifact/<path>`. */
  readonly object: string;
  /** `spec.template.spec.containers[name=app].image@tag`: the diff report's path, plus the image part if any. */
  readonly path: string;
  /** `added`: only the second environment has a value here; `removed`: only the first. */
  readonly op: 'added' | 'removed' | 'changed';
  /** The values in the first and second environment; absent for secret-looking fields, which are never shown. */
  readonly values?: readonly [unknown, unknown];
}

/** What `checkParity` found. */
export interface ParityResult {
  /** The two environments compared, in order. */
  readonly envs: readonly [string, string];
  /** How much was compared. */
  readonly compared: { readonly objects: number; readonly helmReleases: number; readonly artifacts: number };
  /** The declarations, in file order, each with the differences it allows (possibly none). */
  readonly declared: readonly { readonly declaration: ParityDeclaration; readonly differences: readonly ParityDifference[] }[];
  /** Undeclared differences and objects present in one environment only: every one an error. */
  readonly findings: readonly Finding[];
}

/** One document both environments synthesize: an object, a Helm release, or an artifact. */
interface Document {
  readonly ref: string;
  /** What a scope's `kinds` selects: the object's kind, or `HelmRelease`. Undefined for artifacts. */
  readonly kind?: string;
  /** The artifact's path, for a scope's `artifacts`. */
  readonly artifact?: string;
  readonly content: unknown;
}

interface CompiledScope {
  readonly declaration: ParityDeclaration;
  readonly selects: (doc: Document) => boolean;
  readonly patterns: readonly PathPattern[];
}

const undeclaredFix = (file: string) =>
  `make both environments synthesize the same value here, or, if they must differ, declare the path with its reason in ${file}`;

/** The parity declarations and the file that holds them (`environments/parity.ts`), handed in by the shell. */
export interface ParitySource {
  readonly file: string;
  readonly declarations: readonly ParityDeclaration[];
}

/**
 * Proves test ≡ prod: both platforms hold the same objects (by apiVersion/kind, namespace and name), the same Helm
 * releases and the same artifacts, and their contents are identical except at the paths `environments/parity.ts`
 * declares. Lists are matched by natural key (`name`, …) the way the diff report matches them, so the order of a
 * list is not a difference. Every difference is either attributed to the first declaration that allows it or
 * reported as a finding `parity.undeclared-difference`; an object that exists on one side only is a finding
 * `parity.object-set`.
 */
export function checkParity(
  first: Platform,
  second: Platform,
  source: ParitySource,
): ParityResult {
  const { declarations, file } = source;
  validateDeclarations(declarations, file);
  const scopes = compile(declarations);
  const envs = [first.env, second.env] as const;
  const allowed = new Map<ParityDeclaration, ParityDifference[]>(declarations.map((d) => [d, []]));
  const findings: Finding[] = [];

  const a = documentsOf(first);
  const b = documentsOf(second);
  const stale = staleProblems(declarations, [...a.values(), ...b.values()], envs, file);
  if (stale.length > 0) throw new InputError(stale);
  // An object in one environment only is a finding unless a presence scope declares it (a cutover's canary Ingress).
  const onlyIn = (doc: Document, present: string, absent: string, op: ParityDifference['op']) => {
    const declaration = presenceDeclaration(declarations, doc);
    if (declaration) allowed.get(declaration)!.push({ object: doc.ref, path: '', op, values: op === 'added' ? [undefined, WHOLE_OBJECT] : [WHOLE_OBJECT, undefined] });
    else findings.push(objectSetFinding(doc.ref, present, absent));
  };
  for (const [id, doc] of a) {
    const other = b.get(id);
    if (!other) onlyIn(doc, envs[0], envs[1], 'removed');
    else compareDocument(doc, other, scopes, envs, allowed, findings, file);
  }
  for (const [id, doc] of b) if (!a.has(id)) onlyIn(doc, envs[1], envs[0], 'added');

  const count = (p: Platform) => ({
    objects: p.units.reduce((n, u) => n + u.objects.length, 0),
    helmReleases: p.units.reduce((n, u) => n + u.helmReleases.length, 0),
    artifacts: p.units.reduce((n, u) => n + u.artifacts.length, 0),
  });
  return {
    envs,
    compared: count(first),
    declared: declarations.map((declaration) => ({ declaration, differences: allowed.get(declaration)! })),
    findings: findings.sort((x, y) => compareText(x.rule, y.rule) || compareText(x.object, y.object) || compareText(x.path, y.path)),
  };
}

function compareDocument(
  a: Document,
  b: Document,
  scopes: readonly CompiledScope[],
  envs: readonly [string, string],
  allowed: Map<ParityDeclaration, ParityDifference[]>,
  findings: Finding[],
  file: string,
): void {
  const applicable = scopes.filter((scope) => scope.selects(a));
  const allowing = (path: readonly PathSegment[], part?: ImagePart) =>
    applicable.find((scope) => scope.patterns.some((p) => patternCovers(p, path, part)))?.declaration;

  for (const change of diffValues(a.content, b.content)) {
    for (const difference of differencesOf(a.ref, change)) {
      // An added or removed subtree is allowed when each of its leaves is, each by its own declaration (the TLS
      // settings inside a registry's entry keyed by host, say); otherwise by a declaration of the subtree itself.
      const byLeaf = difference.leaves.map((leaf) => ({ leaf, declaration: allowing(leaf.segments, leaf.part) }));
      if (byLeaf.length > 0 && byLeaf.every((l) => l.declaration)) {
        for (const { leaf, declaration } of byLeaf) allowed.get(declaration!)!.push(leaf.difference);
        continue;
      }
      const declaration = allowing(difference.segments, difference.part);
      if (declaration) allowed.get(declaration)!.push(difference.difference);
      else findings.push(undeclaredFinding(difference.difference, envs, file));
    }
  }
}

interface LocatedDifference {
  readonly segments: readonly PathSegment[];
  readonly part?: ImagePart;
  readonly difference: ParityDifference;
  /** For an added or removed subtree, its leaves; empty otherwise. */
  readonly leaves: readonly LocatedDifference[];
}

/** A change as parity sees it: image references split into their parts, added and removed subtrees into leaves. */
function differencesOf(ref: string, { segments, change }: PathChange): LocatedDifference[] {
  const located = (path: readonly PathSegment[], op: ParityDifference['op'], values?: readonly [unknown, unknown], part?: ImagePart, leaves: LocatedDifference[] = []): LocatedDifference => ({
    segments: path,
    ...(part === undefined ? {} : { part }),
    difference: { object: ref, path: formatPath(path) + (part === undefined ? '' : `@${part}`), op, ...(values === undefined ? {} : { values }) },
    leaves,
  });
  if (change.hidden) return [located(segments, change.op)];
  if (change.op === 'changed' && segments.at(-1) === 'image' && typeof change.old === 'string' && typeof change.new === 'string') {
    const before = resolveImageRef(change.old);
    const after = resolveImageRef(change.new);
    return IMAGE_PARTS.filter((part) => before[part] !== after[part]).map((part) => located(segments, 'changed', [before[part], after[part]], part));
  }
  if (change.op === 'changed') return [located(segments, 'changed', [change.old, change.new])];
  const subtree = change.op === 'added' ? change.new : change.old;
  const leaves = leavesOf(subtree, segments).map(([path, value]) =>
    located(path, change.op, change.op === 'added' ? [undefined, value] : [value, undefined]),
  );
  return [located(segments, change.op, change.op === 'added' ? [undefined, subtree] : [subtree, undefined], undefined, leaves)];
}

function leavesOf(value: unknown, at: readonly PathSegment[]): [PathSegment[], unknown][] {
  if (Array.isArray(value) && value.length > 0) return value.flatMap((item, i) => leavesOf(item, [...at, i]));
  if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, child]) => leavesOf(child, [...at, key]));
  }
  return [[[...at], value]];
}

/** Every kind, artifact glob or path of a declaration that selects nothing in either environment. */
function staleProblems(declarations: readonly ParityDeclaration[], documents: readonly Document[], envs: readonly [string, string], file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const inEnvs = `in ${envs.join(' or ')}`;
  declarations.forEach((declaration, i) => {
    // A standing declaration (a migration step one environment takes first) is idle while both agree, not stale.
    if (declaration.standing) return;
    declaration.where.forEach((scope, j) => {
      if ('presence' in scope) return;
      const at = `PARITY_DECLARATIONS[${i}].where[${j}]`;
      const problem = (path: string, message: string) =>
        problems.push({ file, path, message: `${message}: the declaration is stale; remove it or point it at what now differs` });
      let selected: Document[];
      if ('kinds' in scope) {
        scope.kinds.forEach((kind, k) => {
          if (!documents.some((d) => d.kind === kind)) problem(`${at}.kinds[${k}]`, `no object of kind '${kind}' exists ${inEnvs}`);
        });
        selected = documents.filter((d) => d.kind !== undefined && scope.kinds.includes(d.kind));
      } else {
        scope.artifacts.forEach((glob, k) => {
          if (!documents.some((d) => d.artifact !== undefined && artifactMatches(glob, d.artifact))) problem(`${at}.artifacts[${k}]`, `no artifact matches '${glob}' ${inEnvs}`);
        });
        selected = documents.filter((d) => d.artifact !== undefined && scope.artifacts.some((glob) => artifactMatches(glob, d.artifact!)));
      }
      if (selected.length === 0) return;
      scope.paths.forEach((path, k) => {
        const pattern = parsePathPattern(path);
        if (!selected.some((d) => patternExists(pattern, d.content))) problem(`${at}.paths[${k}]`, `'${path}' names no field of the selected documents ${inEnvs}`);
      });
    });
  });
  return problems;
}

/** How the report shows an object that exists on one side only. */
const WHOLE_OBJECT = '(the whole object)';

/** The first declaration whose presence scope covers an object that exists in one environment only. */
function presenceDeclaration(declarations: readonly ParityDeclaration[], doc: Document): ParityDeclaration | undefined {
  if (doc.kind === undefined) return undefined;
  const labels = ((doc.content as KubeObject | undefined)?.metadata?.labels ?? {}) as Record<string, unknown>;
  return declarations.find((d) => d.where.some((scope) => 'presence' in scope && presenceCovers(scope, doc.kind!, labels)));
}

function compile(declarations: readonly ParityDeclaration[]): CompiledScope[] {
  return declarations.flatMap((declaration) =>
    declaration.where.flatMap((scope) =>
      'presence' in scope
        ? []
        : [
            {
              declaration,
              patterns: scope.paths.map(parsePathPattern),
              selects:
                'kinds' in scope
                  ? (doc: Document) => doc.kind !== undefined && scope.kinds.includes(doc.kind)
                  : (doc: Document) => doc.artifact !== undefined && scope.artifacts.some((glob) => artifactMatches(glob, doc.artifact!)),
            },
          ],
    ),
  );
}

/** Every document of a platform by identity: objects by apiVersion/kind/namespace/name, releases, artifacts by path. */
function documentsOf(platform: Platform): Map<string, Document> {
  const docs = new Map<string, Document>();
  for (const unit of platform.units) {
    for (const obj of unit.objects) docs.set(objectKey(obj), { ref: objectRef(obj), kind: obj.kind, content: obj });
    for (const release of unit.helmReleases) {
      docs.set(`helm/${release.namespace}/${release.name}`, { ref: `HelmRelease/${release.namespace}/${release.name}`, kind: 'HelmRelease', content: release });
    }
    for (const artifact of unit.artifacts) {
      docs.set(`artifact/${artifact.path}`, { ref: `Artifact/${artifact.path}`, artifact: artifact.path, content: artifactContent(artifact.path, artifact.content) });
    }
  }
  return docs;
}

function objectKey(obj: KubeObject): string {
  return `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** YAML artifacts are compared as data (one document, or the list of them); anything else as one text. */
function artifactContent(path: string, text: string): unknown {
  if (!/\.ya?ml$/.test(path)) return text;
  const docs = parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
  return docs.length === 1 ? docs[0] : docs;
}

function objectSetFinding(ref: string, present: string, absent: string): Finding {
  return {
    rule: 'parity.object-set',
    severity: 'error',
    object: ref,
    path: '',
    message: `${ref} exists in ${present} but not in ${absent}`,
    fix: 'both environments must synthesize the same objects: make what creates it independent of the environment, or remove it from both',
  };
}

function undeclaredFinding(difference: ParityDifference, envs: readonly [string, string], file: string): Finding {
  const show = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value) ?? String(value));
  const values = difference.values ? `: ${envs[0]} ${show(difference.values[0])}, ${envs[1]} ${show(difference.values[1])}` : ` (value ${HIDDEN})`;
  return {
    rule: 'parity.undeclared-difference',
    severity: 'error',
    object: difference.object,
    path: difference.path,
    message: `${envs[0]} and ${envs[1]} differ at ${difference.path}${values}, and no declaration in ${file} allows it`,
    fix: undeclaredFix(file),
  };
}
