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
}

/** Paths inside some of the compared documents. */
export type ParityScope =
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

/** Whether an artifact path matches a glob whose `*` stays within one path segment. */
export function artifactMatches(glob: string, path: string): boolean {
  const regex = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return regex.test(path);
}

/** Checks a list of declarations once: unique ids, a reason each, readable patterns. Throws naming the entry. */
export function validateDeclarations(declarations: readonly ParityDeclaration[], file: string): void {
  const seen = new Set<string>();
  for (const declaration of declarations) {
    const where = `${file}: parity declaration '${declaration.id}'`;
    if (!/^[a-z][a-z0-9-]*$/.test(declaration.id)) throw new Error(`${where}: 'id' must be kebab-case`);
    if (seen.has(declaration.id)) throw new Error(`${where}: 'id' is declared twice`);
    seen.add(declaration.id);
    if (declaration.reason.trim().length < 20) throw new Error(`${where}: 'reason' must say why the environments differ here`);
    if (declaration.where.length === 0) throw new Error(`${where}: 'where' must list at least one scope`);
    for (const scope of declaration.where) {
      if (scope.paths.length === 0) throw new Error(`${where}: every scope needs 'paths'`);
      for (const path of scope.paths) {
        try {
          parsePathPattern(path);
        } catch (error) {
          throw new Error(`${where}: ${(error as Error).message}`);
        }
      }
    }
  }
}
