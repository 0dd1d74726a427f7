import type { PathSegment } from '../compare/field-path.js';
import { artifactMatches, parsePathPattern, patternCovers, type ImagePart, type ParityDeclaration } from './declaration.js';

/**
 * The declarations as one question the preview asks: which declaration, if any, lets test and prod differ at
 * `segments` of an object of `kind` (or of the artifact `file`), for one part of an image reference when `part` is
 * given. The first declaration listed wins, as in the parity check.
 */
export function declaredDifference(declarations: readonly ParityDeclaration[]) {
  const scopes = declarations.flatMap((declaration) =>
    // Presence scopes (objects in one environment only) name no path: a whole added or removed object is not a field.
    declaration.where.flatMap((scope) => ('presence' in scope ? [] : [{ id: declaration.id, scope, patterns: scope.paths.map(parsePathPattern) }])),
  );
  return (target: { readonly kind?: string; readonly file?: string }, segments: readonly PathSegment[], part?: ImagePart): string | undefined => {
    for (const { id, scope, patterns } of scopes) {
      const selects =
        'kinds' in scope
          ? target.kind !== undefined && scope.kinds.includes(target.kind)
          : target.file !== undefined && scope.artifacts.some((glob) => artifactMatches(glob, target.file!));
      if (!selects) continue;
      if (patterns.some((p) => (p.source === '' ? true : patternCovers(p, segments, part)))) return id;
    }
    return undefined;
  };
}
