import type { Release } from '../schema/releases.js';
import { validatePromotion } from '../schema/releases.js';
import type { Finding } from './finding.js';

/**
 * Rule `parity.promotion`: an environment that promotes (prod, `promotesFrom`) runs only digests its source
 * environment's release file recorded for the same module and tag, in its current contents or its git history (as
 * far as the clone has it: offline, and what the promotion pipeline read when it ran). An entry without a digest
 * is an error once the source recorded one for its tag; before (a release from before digests were recorded) it
 * is one warning for the file, until the next promotion of each module listed.
 */
export interface PromotionInput {
  /** The promoting environment's release file, as findings name it. */
  readonly file: string;
  readonly releases: Readonly<Record<string, Release>>;
  /** The source environment's name and every known version of its release file, current first. */
  readonly source: { readonly name: string; readonly history: readonly Readonly<Record<string, Release>>[] };
}

const RULE = 'parity.promotion';
/** How many module names a summary finding lists before `…`. */
const LISTED = 5;

export function checkPromotion(input: PromotionInput): Finding[] {
  const problems = validatePromotion(input.releases, input.source.history);
  const base = { rule: RULE, object: input.file } as const;
  const findings: Finding[] = problems
    .filter((p) => p.severity === 'error')
    .map((p) => ({
      ...base,
      severity: 'error',
      path: `modules.${p.module}`,
      message: p.message.replace("test's", `${input.source.name}'s`),
      fix: `promote the module again: its pipeline copies the digest ${input.source.name}'s release file holds and writes it here`,
    }));
  const byTag = problems.filter((p) => p.severity === 'warning').map((p) => p.module);
  if (byTag.length > 0) {
    const listed = byTag.slice(0, LISTED).join(', ') + (byTag.length > LISTED ? `, … (${byTag.length - LISTED} more)` : '');
    findings.push({
      ...base,
      severity: 'warning',
      path: 'modules',
      message: `${byTag.length} module(s) are deployed by tag, without a digest: ${input.source.name}'s release file never recorded one for their tags (released before digests were recorded): ${listed}`,
      fix: `run each module's ${input.source.name} pipeline (it records the digest it pushes), then its promotion`,
    });
  }
  return findings;
}
