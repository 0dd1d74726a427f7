import { renderMarkdown } from '../preview/render-markdown.js';
import type { DriftResult } from './drift.js';

/** The hidden marker of an environment's drift report: the nightly job updates the one issue that carries it. */
export function driftMarker(env: string): string {
  return `<!-- icv-platform-drift:${env} -->`;
}

/** The title of the issue the nightly job keeps open while an environment drifts. */
export function driftIssueTitle(env: string): string {
  return `Drift in ${env}: the cluster differs from the stack`;
}

/**
 * The drift report as markdown: a table of drifted resources per unit, then the merge-request diff renderer's
 * summary, risk flags (rule ids, the environment as a column), intent-level changes and per-unit details (old value =
 * declared, new value = live).
 */
export function renderDriftMarkdown(result: DriftResult, options: { readonly fullReport?: string; readonly maxLength?: number } = {}): string {
  const count = result.report.changes.length;
  const lines = [
    `## Drift: ${result.env}`,
    '',
    `Stack \`${result.stack}\`, refreshed ${result.checkedAt}. ` +
      (count === 0
        ? 'Nothing to restore.'
        : `${count} resource(s) in ${result.units.length} unit(s) differ from the declaration; \`pulumi up --refresh --stack ${result.stack}\` restores them (a plain \`up\` compares with the stored state and changes nothing), or change the code to keep what the cluster has.`),
  ];
  if (count > 0) {
    lines.push('', '| Unit | Drifted resources |', '|---|--:|', ...result.units.map((u) => `| ${u.module ? `module ${u.module}` : u.unit} | ${u.resources} |`));
  }
  if (result.pending && result.pending.length > 0) {
    const shown = result.pending.slice(0, 20).map((p) => `\`${p}\``).join(', ');
    lines.push('', `Not drift: ${result.pending.length} resource(s) only wait for an \`up\` of changes already in the code (${shown}${result.pending.length > 20 ? ', …' : ''}).`);
  }
  return renderMarkdown(result.report, {
    marker: driftMarker(result.env),
    heading: lines.join('\n'),
    emptyText: 'No drift: every resource in the cluster matches what the stack declares.',
    ...(options.fullReport !== undefined && { fullReport: options.fullReport }),
    ...(options.maxLength !== undefined && { maxLength: options.maxLength }),
  });
}
