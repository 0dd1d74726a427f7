// A namespace import, so that a bundle keeps only the zod it uses (`import { z }` bundles all ~60 locales; issue 17).
import * as z from 'zod';
import { InputError, problemsFromZod } from '../model/errors.js';
import { parseYamlDocument } from '../model/yaml-input.js';
import { shortDigest } from '../model/image-ref.js';
import { PARSE_CONTEXT } from './parse-context.js';

export { shortDigest };

/**
 * The release files, `environments/releases/<env>.yaml`: what each module runs in the environment. The one place
 * their format is defined and parsed; the pipelines' edit (infra/synth/devops/jenkinsfile.ts), rollback and the
 * checks all go through this file.
 *
 * ```yaml
 * modules:
 *   audit-log: 1.2.0-ac302c7                                   # a tag: built, no digest recorded yet
 *   vehicle-access: { tag: 1.6.0-8c15db4, digest: sha256:… }   # what a pipeline writes: the digest it pushed
 * ```
 *
 * An entry is one line either way (the pipelines change it with one `sed`). The digest is what runs: a deployment
 * pulls `<harbor>/<project>/<image>:<tag>@<digest>`, and the runtime resolves the digest, never the tag; the tag is
 * kept for humans. Rules (`validateReleaseRules` below, each problem with the file and `modules.<name>`):
 * - test: a tag alone is allowed: the first run of the module's pipeline writes the digest it pushed;
 * - prod: production only ever runs what test's pipeline pushed, copied by digest (the promotion pipeline, which
 *   refuses an entry of test's without a digest). `npm run check` (`parity.promotion`, over test's file and its git
 *   history) fails on a prod digest test's file never held for that module and tag, and on a prod entry without a
 *   digest once test recorded one for its tag; a prod entry without a digest for a tag test never recorded a digest
 *   for (a release from before digests were recorded) is a warning until its next promotion.
 */

/** The rule a tag follows (Docker's reference grammar); the pipelines check the tag they build against the same. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A content digest as Harbor and the OCI distribution spec report it. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** What one module runs in one environment. */
export interface Release {
  readonly tag: string;
  /** `sha256:<64 hex>` of the pushed manifest; absent until a pipeline records it. */
  readonly digest?: string;
}

/** An entry as written: a plain tag, or the tag with its digest. */
export type ReleaseEntry = string | Release;

const tag = z.string().regex(TAG_PATTERN, 'must be an image tag');
const digest = z.string().regex(DIGEST_PATTERN, "must be a digest 'sha256:<64 lower-case hex>'");

/**
 * One entry, normalized to `{ tag, digest? }`: a plain tag is read as `{ tag }`, so a problem is reported at the
 * field it is in (`modules.<name>.tag`, `modules.<name>.digest`).
 */
export const releaseEntrySchema = z.preprocess(
  (value) => (typeof value === 'string' ? { tag: value } : value),
  z.strictObject({ tag, digest: digest.optional() }, { error: "must be an image tag, or '{ tag: <tag>, digest: sha256:<64 hex> }'" }),
) as unknown as z.ZodType<Release, ReleaseEntry>;

const releasesFileSchema = z.strictObject({ modules: z.record(z.string(), releaseEntrySchema) });

/** Parses a release file into `{ <module>: { tag, digest? } }`; bad input is an InputError naming the file and path. */
export function parseReleases(text: string, file: string): Record<string, Release> {
  // Bounded like every file a person or tool writes: size and alias limits (infra/model/yaml-input.ts).
  const value: unknown = parseYamlDocument(text, file);
  const parsed = releasesFileSchema.safeParse(value, PARSE_CONTEXT);
  if (!parsed.success) {
    // A plain tag entry is read as `{ tag }`: its problem is at the entry itself, where the file has it.
    const entries = (value as { modules?: Record<string, unknown> } | null)?.modules;
    const issues = parsed.error.issues.map((issue) =>
      issue.path.length === 3 && issue.path[0] === 'modules' && issue.path[2] === 'tag' && typeof entries?.[String(issue.path[1])] === 'string'
        ? { ...issue, path: issue.path.slice(0, 2) }
        : issue,
    );
    throw new InputError(problemsFromZod(file, issues));
  }
  return parsed.data.modules;
}

/** The entry as the pipelines write it: one line, `{ tag: …, digest: … }`, or the bare tag. */
export function formatReleaseEntry(release: Release): string {
  return release.digest === undefined ? release.tag : `{ tag: ${release.tag}, digest: ${release.digest} }`;
}

/** A problem of the promotion rule, about one module's entry in prod's release file. */
export interface PromotionProblem {
  readonly module: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/**
 * The cross-environment rule of the release files: a digest in production must be one test's release file recorded
 * for the same module and tag (the promotion pipeline copies exactly that); a production entry without a digest is
 * an error once test recorded a digest for its tag, and a warning before (a release from before digests were
 * recorded, deployed by tag). `testHistory` is every version of test's file known, its current contents first.
 */
export function validatePromotion(prod: Readonly<Record<string, Release>>, testHistory: readonly Readonly<Record<string, Release>>[]): PromotionProblem[] {
  const problems: PromotionProblem[] = [];
  const recordedDigests = new Map<string, Set<string>>();
  for (const version of testHistory) {
    for (const [module, release] of Object.entries(version)) {
      if (release.digest === undefined) continue;
      const key = `${module} ${release.tag}`;
      recordedDigests.set(key, (recordedDigests.get(key) ?? new Set()).add(release.digest));
    }
  }
  for (const [module, release] of Object.entries(prod)) {
    const recorded = [...(recordedDigests.get(`${module} ${release.tag}`) ?? [])];
    if (release.digest === undefined) {
      problems.push(
        recorded.length > 0
          ? { module, severity: 'error', message: `'${release.tag}' has no digest, but test's pipeline recorded ${recorded.map(shortDigest).join(', ')} for it: promote the digest` }
          : { module, severity: 'warning', message: `'${release.tag}' is deployed by tag: test's release file never recorded a digest for it (released before digests were recorded)` },
      );
    } else if (!recorded.includes(release.digest)) {
      problems.push({ module, severity: 'error', message: `digest ${shortDigest(release.digest)} of '${release.tag}' was never recorded in test's release file for that tag: prod runs only what test's pipeline pushed and tested` });
    }
  }
  return problems;
}
