/** The parts of a container image reference. */
export interface ImageRef {
  /** `harbor.icv.local`, or `docker.io` when the reference names none. */
  readonly registry: string;
  readonly repository: string;
  /** `latest` when neither a tag nor a digest is given. */
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses `registry/repo:tag@digest` the way container runtimes do (the first part is a registry if it has `.` or `:` or is `localhost`). */
export function parseImageRef(image: string): ImageRef {
  const [withoutDigest, digest] = image.split('@', 2) as [string, string | undefined];
  const slash = withoutDigest.indexOf('/');
  const first = slash >= 0 ? withoutDigest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const rest = hasRegistry ? withoutDigest.slice(slash + 1) : withoutDigest;
  const colon = rest.lastIndexOf(':');
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : digest ? undefined : 'latest';
  return {
    registry: hasRegistry ? first : 'docker.io',
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

/** What changed between two image references: `tag 1.2.0 → 1.3.0`, `registry docker.io → harbor.icv.local`. */
export function describeImageChange(before: string, after: string): string {
  const a = parseImageRef(before);
  const b = parseImageRef(after);
  const parts: string[] = [];
  if (a.registry !== b.registry) parts.push(`registry ${a.registry} → ${b.registry}`);
  if (a.repository !== b.repository) parts.push(`repository ${a.repository} → ${b.repository}`);
  if (a.tag !== b.tag) parts.push(`tag ${a.tag ?? '(none)'} → ${b.tag ?? '(none)'}`);
  if (a.digest !== b.digest) parts.push(`digest ${a.digest ?? '(none)'} → ${b.digest ?? '(none)'}`);
  return parts.join(', ') || `${before} → ${after}`;
}
