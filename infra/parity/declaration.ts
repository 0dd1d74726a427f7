import { InputError, type InputProblem } from '../model/errors.js';
import type { PathSegment } from '../compare/field-path.js';

/**
 * A declared way in which test and prod may differ: one concern of environment data (the registry host, the VM
 * addresses…), the reason it differs, and every place where it shows in what the environments synthesize.
 */
export interface ParityDeclaration {
  /** Short id the report groups differences under: `registry-host`. */
  readonly id: string;
  /** Why the environments must differ here, and where the difference comes from in `environments/`. */
  readonly reason: string;
  /** Where the difference may show. */
  readonly where: readonly ParityScope[];
  /**
   * A difference that comes and goes by design (a migration step taken in one environment before the other): the
   * declaration stays while both environments agree, so it is never reported stale. @default false
   */
  readonly standing?: boolean;
}

/** Paths inside some of the compared documents, or objects that may exist in one environment only. */
export type ParityScope =
  | {
      /** Object kinds that may exist in one environment and not the other… */
      readonly presence: readonly string[];
      /** …when they carry every one of these labels (`'*'`: any value). */
      readonly labels: Readonly<Record<string, string>>;
    }
  | {
      /** Object kinds (`Deployment`), or `HelmRelease` for the values of a Helm release. */
      readonly kinds: readonly string[];
      /** Path patterns inside those objects (see `parsePathPattern`). */
      readonly paths: readonly string[];
    }
  | {
      /** Artifact paths relative to `dist/<env>/`; `*` matches within one path segment (`pipelines/*.Jenkinsfile`). */
      readonly artifacts: readonly string[];
      /** Path patterns inside those artifacts' YAML; `''` for the whole file. */
      readonly paths: readonly string[];
    };

/** The parts of a container image reference a pattern can single out with `@part`. */
export const IMAGE_PARTS = ['registry', 'repository', 'tag', 'digest'] as const;
export type ImagePart = (typeof IMAGE_PARTS)[number];

/** One segment of a pattern: a key, an index, a list item by natural key, or `*` (any one segment). */
export type PatternSegment =
  | { readonly key: string }
  | { readonly index: number }
  | { readonly by: string; readonly value: string | '*' }
  | { readonly any: true };

export interface PathPattern {
  readonly source: string;
  readonly segments: readonly PatternSegment[];
  /** The image part the pattern is about (`…containers[*].image@tag`), if any. */
  readonly imagePart?: ImagePart;
}

const KEY = /^[A-Za-z_$][\w$-]*/;
const BRACKET = /^\[(?:"((?:[^"\\]|\\.)*)"|(\*)|(\d+)|([A-Za-z]+)=([^\]]+))\]/;

/**
 * Parses a path pattern. The syntax is the one the diff report prints paths in, plus wildcards:
 * `spec.template.spec.containers[name=*].image@registry`, `metadata.labels["app.kubernetes.io/version"]`,
 * `spec.egress[*].to[*].ipBlock`, `spec.registry.auths.*.certsPath`. `*` and `[*]` match any one key, index or
 * list item; `[name=*]` any item of a list matched by name. A pattern also covers everything below the path it names.
 */
export function parsePathPattern(source: string): PathPattern {
  const [path = '', part, extra] = source.split('@');
  if (extra !== undefined || (part !== undefined && !(IMAGE_PARTS as readonly string[]).includes(part))) {
    throw new Error(`path pattern '${source}': '@' must be followed by one of ${IMAGE_PARTS.join(', ')}`);
  }
  const segments: PatternSegment[] = [];
  let rest = path;
  while (rest !== '') {
    const dotted = segments.length > 0 && rest.startsWith('.');
    const head = dotted ? rest.slice(1) : rest;
    const key = dotted || segments.length === 0 ? (head.startsWith('*') ? '*' : KEY.exec(head)?.[0]) : undefined;
    if (key !== undefined) {
      segments.push(key === '*' ? { any: true } : { key });
      rest = head.slice(key.length);
      continue;
    }
    const bracket = BRACKET.exec(rest);
    if (!bracket) {
      throw new Error(
        `path pattern '${source}' cannot be read at '${rest}': use keys joined by '.', [index], [name=value], ["key"] or *`,
      );
    }
    const [whole, quoted, star, index, by, value] = bracket;
    if (quoted !== undefined) segments.push({ key: JSON.parse(`"${quoted}"`) as string });
    else if (star !== undefined) segments.push({ any: true });
    else if (index !== undefined) segments.push({ index: Number(index) });
    else segments.push({ by: by!, value: value! });
    rest = rest.slice(whole.length);
  }
  return { source, segments, ...(part === undefined ? {} : { imagePart: part as ImagePart }) };
}

/** Whether `pattern` names `path` or one of its ancestors (and, for an image part, that part). */
export function patternCovers(pattern: PathPattern, path: readonly PathSegment[], imagePart?: ImagePart): boolean {
  if (pattern.imagePart !== undefined && pattern.imagePart !== imagePart) return false;
  if (pattern.segments.length > path.length) return false;
  return pattern.segments.every((p, i) => segmentMatches(p, path[i]!));
}

function segmentMatches(pattern: PatternSegment, segment: PathSegment): boolean {
  if ('any' in pattern) return true;
  if ('key' in pattern) return segment === pattern.key;
  if ('index' in pattern) return segment === pattern.index;
  return typeof segment === 'object' && segment.by === pattern.by && (pattern.value === '*' || segment.value === pattern.value);
}

/** Whether a presence scope covers an object: its kind is listed and it carries every label. */
export function presenceCovers(scope: { readonly presence: readonly string[]; readonly labels: Readonly<Record<string, string>> }, kind: string, labels: Readonly<Record<string, unknown>>): boolean {
  return scope.presence.includes(kind) && Object.entries(scope.labels).every(([key, value]) => typeof labels[key] === 'string' && (value === '*' || labels[key] === value));
}

/** Whether an artifact path matches a glob whose `*` stays within one path segment. */
export function artifactMatches(glob: string, path: string): boolean {
  const regex = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return regex.test(path);
}

/** The problems of a list of declarations: unique kebab-case ids, a reason each, scopes with readable patterns. */
export function declarationProblems(declarations: readonly ParityDeclaration[], file: string, root = 'PARITY_DECLARATIONS'): InputProblem[] {
  const problems: InputProblem[] = [];
  const seen = new Map<string, number>();
  declarations.forEach((declaration, i) => {
    const at = (field: string) => `${root}[${i}].${field}`;
    const problem = (field: string, message: string) => problems.push({ file, path: at(field), message });
    if (!/^[a-z][a-z0-9-]*$/.test(declaration.id)) problem('id', `'${declaration.id}' must be kebab-case, such as 'registry-host'`);
    const first = seen.get(declaration.id);
    if (first !== undefined) problem('id', `'${declaration.id}' is declared twice (also ${root}[${first}]): give each concern one declaration`);
    else seen.set(declaration.id, i);
    if (declaration.reason.trim().length < 20) problem('reason', 'must say why the environments differ here (20 characters or more)');
    if (declaration.where.length === 0) problem('where', 'must list at least one scope');
    declaration.where.forEach((scope, j) => {
      if ('presence' in scope) {
        if (scope.presence.length === 0) problem(`where[${j}].presence`, 'needs at least one kind');
        if (Object.keys(scope.labels).length === 0) problem(`where[${j}].labels`, 'needs at least one label: a presence scope must not cover every object of a kind');
        return;
      }
      if (scope.paths.length === 0) problem(`where[${j}].paths`, "needs at least one path ('' for a whole artifact)");
      scope.paths.forEach((path, k) => {
        try {
          parsePathPattern(path);
        } catch (error) {
          problem(`where[${j}].paths[${k}]`, (error as Error).message);
        }
      });
    });
  });
  return problems;
}

/** Checks a list of declarations once; throws an InputError naming each broken field. */
export function validateDeclarations(declarations: readonly ParityDeclaration[], file: string): void {
  const problems = declarationProblems(declarations, file);
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * Whether a pattern names at least one value that exists in `content`: a declaration whose every path has
 * disappeared from what the environments synthesize (a renamed field, a removed kind) would silently allow a future
 * difference at a path nobody reviewed, so such a declaration is stale.
 */
export function patternExists(pattern: PathPattern, content: unknown): boolean {
  const walk = (value: unknown, depth: number): boolean => {
    if (depth === pattern.segments.length) return pattern.imagePart === undefined || typeof value === 'string';
    const segment = pattern.segments[depth]!;
    const children: unknown[] = [];
    if (Array.isArray(value)) {
      if ('any' in segment) children.push(...value);
      else if ('index' in segment) children.push(value[segment.index]);
      else if ('by' in segment) {
        children.push(...value.filter((item) => typeof item === 'object' && item !== null && Object.hasOwn(item, segment.by) && (segment.value === '*' || String((item as Record<string, unknown>)[segment.by]) === segment.value)));
      }
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if ('any' in segment) children.push(...Object.values(record));
      else if ('key' in segment && Object.hasOwn(record, segment.key)) children.push(record[segment.key]);
    }
    return children.some((child) => child !== undefined && walk(child, depth + 1));
  };
  return walk(content, 0);
}
