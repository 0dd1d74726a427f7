import { stringify } from 'yaml';
import { changeTitle, RISK_FLAGS, type Change, type DiffReport, type FieldChange, type RiskFlag } from './model.js';

/** GitLab rejects notes above 1,000,000 characters; reviewers stop reading long before. */
export const MARKDOWN_LIMIT = 65_536;
/** The hidden marker that identifies the diff note of a merge request. */
export const NOTE_MARKER = '<!-- icv-platform-diff -->';

export interface MarkdownOptions {
  /** Where the full JSON report is (a path or URL), named when details are left out. @default - a hint to run `npm run diff -- --format json` */
  readonly fullReport?: string;
  /** The markdown stays shorter than this many characters. @default MARKDOWN_LIMIT */
  readonly maxLength?: number;
}

const MAX_FIELDS = 80;
const MAX_LINES = 150;
const MAX_VALUE = 160;
const MAX_REASONS_PER_FLAG = 3;

/**
 * The merge-request note: a summary table per environment, the flagged changes, then details per unit in
 * collapsible blocks. Past `maxLength`, details are left out by whole objects (then flagged lines, if need be),
 * and a closing note says how many and where the full report is.
 */
export function renderMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? MARKDOWN_LIMIT;
  const flagged = report.changes.filter((c) => c.flags.length > 0).sort(bySeverity);
  const flagLines = flagged.map(flagLine);
  const blocks = detailBlocks(report);
  const note = (flagsLeft: number, detailsLeft: number) => truncationNote(flagsLeft, detailsLeft, blocks.length, maxLength, options.fullReport);
  // The longest note there can be, so whatever is cut, the note still fits.
  const budget = maxLength - 1 - note(flagLines.length, blocks.length).length;

  const flagSection = (shown: number) => {
    if (flagged.length === 0) return '';
    const more = shown < flagLines.length ? `- … and ${flagLines.length - shown} more flagged changes in the full report\n` : '';
    return `### Flagged changes (${flagged.length})\n\n${flagLines.slice(0, shown).join('\n')}${shown > 0 ? '\n' : ''}${more}\n`;
  };
  const head = renderHead(report);
  let shownFlags = flagLines.length;
  if (head.length + flagSection(shownFlags).length > budget) {
    // flagSection(0) carries the longest "… and N more" line there can be.
    let size = head.length + flagSection(0).length + 1;
    shownFlags = 0;
    while (shownFlags < flagLines.length && size + flagLines[shownFlags]!.length + 1 <= budget) size += flagLines[shownFlags++]!.length + 1;
  }
  let out = head + flagSection(shownFlags);

  let details = '';
  let group = '';
  let shown = 0;
  for (const block of blocks) {
    const header = (details ? '' : '### Details\n\n') + (block.group === group ? '' : `#### ${block.group}\n\n`);
    if (out.length + details.length + header.length + block.text.length > budget) break;
    details += header + block.text;
    group = block.group;
    shown++;
  }
  out += details;
  return out + note(flagLines.length - shownFlags, blocks.length - shown);
}

function renderHead(report: DiffReport): string {
  const rows = report.environments.map((e) => `| ${e.env} | ${e.added} | ${e.changed} | ${e.replaced} | ${e.deleted} | ${e.flagged} |`);
  const anything = report.changes.length > 0;
  return [
    NOTE_MARKER,
    '## Infra diff',
    '',
    `${code(report.from)} → ${code(report.to)}`,
    '',
    '| Environment | Added | Changed | Replaced | Deleted | Flagged |',
    '|---|--:|--:|--:|--:|--:|',
    ...(rows.length > 0 ? rows : ['| (none) | 0 | 0 | 0 | 0 | 0 |']),
    '',
    anything ? '' : 'No changes: the synthesized manifests and artifacts are identical.\n',
  ].join('\n');
}

/** Most severe first (`prod` alone counts least); the report's order (environment, unit) within a severity. */
function bySeverity(a: Change, b: Change): number {
  const rank = (c: Change) => RISK_FLAGS.indexOf(c.flags[0]!);
  return rank(a) - rank(b);
}

function flagLine(change: Change): string {
  const byFlag = new Map<RiskFlag, string[]>();
  for (const { flag, reason } of change.reasons) byFlag.set(flag, [...(byFlag.get(flag) ?? []), reason]);
  const why = [...byFlag]
    .map(([flag, reasons]) => {
      const shown = reasons.slice(0, MAX_REASONS_PER_FLAG).map((r) => clip(r, MAX_VALUE)).join('; ');
      const more = reasons.length > MAX_REASONS_PER_FLAG ? `; +${reasons.length - MAX_REASONS_PER_FLAG} more` : '';
      return `**${flag}**: ${escapeMarkdown(shown)}${more}`;
    })
    .join(' · ');
  return `- ${change.env} · ${change.status} ${code(changeTitle(change))} (${unitLabel(change.unit)}) — ${why}`;
}

interface Block {
  readonly group: string;
  readonly text: string;
}

function detailBlocks(report: DiffReport): Block[] {
  return report.changes.map((change) => {
    const flags = change.flags.length > 0 ? ` · ${change.flags.join(', ')}` : '';
    const summary = `<summary>${change.status} <code>${escapeHtml(changeTitle(change))}</code>${flags}</summary>`;
    return { group: `${change.env} · ${unitLabel(change.unit)}`, text: `<details>${summary}\n\n${blockBody(change)}\n</details>\n\n` };
  });
}

function blockBody(change: Change): string {
  const lines: string[] = [];
  const target = change.target;
  if (change.previous) lines.push(`Was ${code(`${change.previous.apiVersion} ${change.previous.kind}`)} in ${code(change.previous.file)}.`, '');
  if (change.reasons.length > 0) {
    lines.push(...change.reasons.map((r) => `- **${r.flag}**: ${escapeMarkdown(clip(r.reason, 300))}`), '');
  }
  // A deletion says all in its reasons; the removed content is in the JSON report.
  if (change.status === 'deleted') return `${lines.join('\n')}\n`;
  if (change.fields.length > 0) {
    lines.push(...change.fields.slice(0, MAX_FIELDS).map(fieldLine));
    if (change.fields.length > MAX_FIELDS) lines.push(`- … and ${change.fields.length - MAX_FIELDS} more fields in the full report`);
  } else if (change.hunks) {
    const diff = change.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
    lines.push(fenced('diff', diff));
  } else if (change.status === 'added' && change.body !== undefined) {
    lines.push(`In ${code(target.file)}:`, '', fenced('yaml', stringify(change.body, { lineWidth: 0 }).trimEnd().split('\n')));
  }
  return `${lines.join('\n')}\n`;
}

function fieldLine(field: FieldChange): string {
  const path = code(field.path);
  if (field.hidden) return `- ${path}: ${field.op} (value hidden)`;
  if (field.op === 'added') return `- ${path}: added ${value(field.new)}`;
  if (field.op === 'removed') return `- ${path}: removed (was ${value(field.old)})`;
  return `- ${path}: ${value(field.old)} → ${value(field.new)}`;
}

function fenced(language: string, lines: readonly string[]): string {
  const shown = lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines in the full report`] : lines;
  const text = shown.map((l) => clip(l, 400)).join('\n');
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

function truncationNote(flagsLeft: number, detailsLeft: number, total: number, maxLength: number, fullReport: string | undefined): string {
  if (flagsLeft === 0 && detailsLeft === 0) return '';
  const where = fullReport ? `The full report is ${/^https?:\/\//.test(fullReport) ? `[${escapeMarkdown(fullReport)}](${fullReport})` : code(fullReport)}.` : 'Run `npm run diff -- --format json` for the full report.';
  const parts = [
    detailsLeft > 0 ? `the details of ${detailsLeft} of ${total} objects and files were left out` : '',
    flagsLeft > 0 ? `${flagsLeft} flagged changes are not listed` : '',
  ].filter(Boolean);
  return `---\n\n> **Truncated:** ${parts.join(' and ')} to keep this note under ${maxLength.toLocaleString('en-US')} characters. ${where}\n`;
}

function unitLabel(unit: string): string {
  const module = /^module\/(.+)$/.exec(unit)?.[1];
  return module ? `module ${module}` : unit;
}

function value(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined';
  return code(clip(text, MAX_VALUE));
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Inline code that survives backticks and newlines in the text. */
function code(text: string): string {
  const flat = text.replace(/\r?\n/g, '⏎');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeMarkdown(text: string): string {
  return escapeHtml(text).replace(/([\\*_[\]|])/g, '\\$1');
}
