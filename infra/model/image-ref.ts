/** The parts of a container image reference, as written: a part the reference leaves out is absent. */
export interface ImageRef {
  /** `harbor.icv.local`; absent when the reference names none (Docker Hub's implicit `docker.io`). */
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The registry a runtime pulls from when a reference names none. */
export const DEFAULT_REGISTRY = 'docker.io';

/**
 * Parses `registry/repo:tag@digest` the way container runtimes do: the first part is a registry if it has `.` or
 * `:` or is `localhost`; a tag follows the last `:` after the last `/`. The one image reference parser.
 */
export function parseImageRef(image: string): ImageRef {
  const [name = '', digest] = image.split('@', 2) as [string, string | undefined];
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasRegistry ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const tagged = colon > path.lastIndexOf('/');
  return {
    ...(hasRegistry ? { registry: first } : {}),
    repository: tagged ? path.slice(0, colon) : path,
    ...(tagged ? { tag: path.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The reference as a runtime resolves it: `docker.io` when it names no registry, `latest` when it has neither tag nor digest. */
export function resolveImageRef(image: string): ImageRef & { readonly registry: string } {
  const ref = parseImageRef(image);
  return {
    ...ref,
    registry: ref.registry ?? DEFAULT_REGISTRY,
    ...(ref.tag === undefined && ref.digest === undefined ? { tag: 'latest' } : {}),
  };
}

/** What changed between two image references: `tag 1.2.0 → 1.3.0`, `registry docker.io → harbor.icv.local`. */
export function describeImageChange(before: string, after: string): string {
  const a = resolveImageRef(before);
  const b = resolveImageRef(after);
  const parts: string[] = [];
  if (a.registry !== b.registry) parts.push(`registry ${a.registry} → ${b.registry}`);
  if (a.repository !== b.repository) parts.push(`repository ${a.repository} → ${b.repository}`);
  if (a.tag !== b.tag) parts.push(`tag ${a.tag ?? '(none)'} → ${b.tag ?? '(none)'}`);
  if (a.digest !== b.digest) parts.push(`digest ${a.digest ?? '(none)'} → ${b.digest ?? '(none)'}`);
  return parts.join(', ') || `${before} → ${after}`;
}
