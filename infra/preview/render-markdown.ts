import { stringify } from 'yaml';
import { groupIntents } from './group.js';
import type { Change, ChangeGroup, DiffReport, FieldChange, FlagRow, Intent, PulumiPreviewSummary } from './model.js';

/** GitLab rejects notes above 1,000,000 characters; reviewers stop reading long before. */
export const MARKDOWN_LIMIT = 65_536;
/** The hidden marker that identifies the diff note of a merge request. */
export const NOTE_MARKER = '<!-- icv-platform-diff -->';

export interface MarkdownOptions {
  /** Where the full JSON report is (a path or URL), named when details are left out. @default - a hint to run `npm run diff -- --format json` */
  readonly fullReport?: string;
  /** The markdown stays shorter than this many characters. @default MARKDOWN_LIMIT */
  readonly maxLength?: number;
  /** The hidden first line that identifies the note. @default NOTE_MARKER */
  readonly marker?: string;
  /** Markdown under the marker, before the summary table. @default '## Infra diff' */
  readonly heading?: string;
  /** What the note says when there is no change. @default - the synthesized manifests and artifacts are identical */
  readonly emptyText?: string;
}

/**
 * One section of the note, most important first: the raised rules, the intent-level changes, the field-level details.
 * Blocks are the units the note is cut by when it would be too long; `more` says what a cut leaves out.
 */
export interface NoteSection {
  readonly id: 'flags' | 'changes' | 'details';
  readonly heading: string;
  readonly blocks: readonly string[];
  readonly more: (left: number) => string;
}

const MAX_FIELDS = 80;
const MAX_LINES = 150;
const MAX_VALUE = 160;
const MAX_INTENTS = 40;
const ENV_ORDER = ['test', 'prod'];

/**
 * The sections of a report (a pure function of it, shared by the merge-request note and the drift report): a table of
 * raised rules with the environment as a column; the changes per unit as intents (edges, verbs, exposure, images,
 * replicas), each shown once for the environments it is identical in, one-environment changes called out; then the
 * field-level details in collapsed blocks.
 */
export function previewSections(report: DiffReport): NoteSection[] {
  const compared = report.environments.map((e) => e.env);
  const flagRows = report.flags.map((row) => flagRow(row, compared));
  const changeBlocks = unitBlocks(report.groups, (group) => changeLine(group, compared));
  const detailBlocks = unitBlocks(report.groups, (group) => detailBlock(group, report.changes, compared));
  return [
    {
      id: 'flags',
      heading: report.flags.length === 0 ? '' : `### Risk flags (${report.flags.length})\n\n| Rule | Environment | Object | Why |\n|---|---|---|---|\n`,
      blocks: flagRows,
      more: (left) => `| … | | | ${left} more flags in the full report |\n`,
    },
    {
      id: 'changes',
      heading: report.groups.length === 0 ? '' : `### Changes (${report.groups.length})\n\n`,
      blocks: changeBlocks,
      more: (left) => `- … and ${left} more changes in the full report\n`,
    },
    {
      id: 'details',
      heading: report.groups.length === 0 ? '' : '### Details\n\n',
      blocks: detailBlocks,
      more: (left) => `_… the details of ${left} more changes are in the full report._\n`,
    },
  ];
}

/**
 * The merge-request note: the summary table and the real Pulumi previews, then `previewSections`. Past `maxLength`,
 * later blocks are left out first (details, then changes, then flags), whole, and a closing note says how many and
 * where the full report is.
 */
export function renderMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? MARKDOWN_LIMIT;
  const sections = previewSections(report);
  const total = sections.reduce((n, s) => n + s.blocks.length, 0);
  const note = (left: number) => truncationNote(left, total, maxLength, options.fullReport);
  const budget = maxLength - 1 - note(total).length;
  let out = renderHead(report, options);
  let left = 0;
  for (const section of sections) {
    if (section.blocks.length === 0) continue;
    const reserve = section.more(section.blocks.length).length + 2;
    if (left > 0 || out.length + section.heading.length + reserve > budget) {
      left += section.blocks.length;
      continue;
    }
    out += section.heading;
    let shown = 0;
    for (const block of section.blocks) {
      if (out.length + block.length + reserve > budget) break;
      out += block;
      shown++;
    }
    if (shown < section.blocks.length) {
      out += section.more(section.blocks.length - shown);
      left += section.blocks.length - shown;
    }
    out += '\n';
  }
  return out + note(left);
}

function renderHead(report: DiffReport, options: MarkdownOptions): string {
  const rows = report.environments.map((e) => `| ${e.env} | ${e.added} | ${e.changed} | ${e.replaced} | ${e.deleted} | ${e.flagged} |`);
  const anything = report.changes.length > 0;
  return [
    options.marker ?? NOTE_MARKER,
    options.heading ?? '## Infra diff',
    '',
    `${code(report.from)} → ${code(report.to)}`,
    '',
    '| Environment | Added | Changed | Replaced | Deleted | Flagged |',
    '|---|--:|--:|--:|--:|--:|',
    ...(rows.length > 0 ? rows : ['| (none) | 0 | 0 | 0 | 0 | 0 |']),
    '',
    pulumiSection(report.pulumi ?? []),
    anything ? '' : `${options.emptyText ?? 'No changes: the synthesized manifests and artifacts are identical.'}\n`,
  ].join('\n');
}

/** What the real engine previewed, per stack, or why it did not run. */
export function pulumiSection(previews: readonly PulumiPreviewSummary[]): string {
  if (previews.length === 0) return '**Pulumi preview:** did not run in this pipeline; the tables above are the offline diff of the synthesized manifests.\n';
  const ran = previews.filter((p) => p.ran);
  const lines = ['**Pulumi preview** (the engine against each stack, beside the offline diff above):', ''];
  if (ran.length > 0) {
    lines.push('| Stack | Create | Update | Replace | Delete | Unchanged | Saved plan |', '|---|--:|--:|--:|--:|--:|---|');
    for (const p of ran) {
      const c = p.counts ?? { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
      const plan = p.plan === undefined ? '—' : /^https?:\/\//.test(p.plan) ? `[plan](${p.plan})` : code(p.plan);
      lines.push(`| ${p.stack} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.same} | ${plan} |`);
    }
    lines.push('');
  }
  for (const p of previews.filter((x) => !x.ran)) lines.push(`- ${code(p.stack)}: **not run**${p.note ? ` — ${escapeMarkdown(p.note)}` : ''}`);
  for (const p of ran.filter((x) => x.note)) lines.push(`- ${code(p.stack)}: ${escapeMarkdown(p.note!)}`);
  return `${lines.join('\n').trimEnd()}\n`;
}

function flagRow(row: FlagRow, compared: readonly string[]): string {
  const object = `${code(row.title)}${unitSuffix(row.unit)}`;
  return `| ${code(row.flag)} | ${envLabel(row.envs, compared)} | ${object} | ${escapeCell(clip(row.reason, 400))} |\n`;
}

/** One block per group, with a unit heading before the first group of each unit. */
function unitBlocks(groups: readonly ChangeGroup[], render: (group: ChangeGroup) => string): string[] {
  let unit = '';
  return groups.map((group) => {
    const header = group.unit === unit ? '' : `${unit === '' ? '' : '\n'}**${escapeMarkdown(unitLabel(group.unit))}**\n\n`;
    unit = group.unit;
    return header + render(group);
  });
}

function changeLine(group: ChangeGroup, compared: readonly string[]): string {
  const lines = [`- ${group.status} ${code(group.title)} · ${scope(group, compared)}`];
  for (const { env, intents } of groupIntents(group)) {
    const shown = intents.slice(0, MAX_INTENTS);
    const prefix = env === undefined ? '' : `${env}: `;
    for (const intent of shown) lines.push(`  - ${prefix}${intentText(intent)}`);
    if (intents.length > MAX_INTENTS) lines.push(`  - ${prefix}… and ${intents.length - MAX_INTENTS} more`);
  }
  return `${lines.join('\n')}\n`;
}

function scope(group: ChangeGroup, compared: readonly string[]): string {
  const label = envLabel(group.envs, compared);
  if (!group.onlyIn) return label;
  if (group.onlyIn.declared.length > 0) return `${label} only (declared difference: ${group.onlyIn.declared.map(code).join(', ')})`;
  return `**${label} only: breaks parity**`;
}

const OP_MARK: Readonly<Record<Intent['op'], string>> = { added: '➕', removed: '➖', changed: '✏️' };

function intentText(intent: Intent): string {
  return `${OP_MARK[intent.op]} ${escapeMarkdown(clip(intent.text, 300))}`;
}

function detailBlock(group: ChangeGroup, changes: readonly Change[], compared: readonly string[]): string {
  const members = group.changes.map((i) => changes[i]!);
  const order = envLabel(group.envs, compared).split(' + ');
  const first = members.find((m) => m.env === order[0]) ?? members[0]!;
  const others = order.filter((e) => e !== first.env);
  const summary = `<summary>${group.status} <code>${escapeHtml(group.title)}</code> · ${escapeHtml(envLabel(group.envs, compared))}</summary>`;
  const lines: string[] = [];
  if (others.length > 0) lines.push(`Fields as in ${first.env}; ${others.join(', ')} the same apart from declared parity differences.`, '');
  if (first.previous) lines.push(`Was ${code(`${first.previous.apiVersion} ${first.previous.kind}`)} in ${code(first.previous.file)}.`, '');
  if (first.replacement) lines.push(...first.replacement.map((r) => `- replaced: ${escapeMarkdown(clip(r, 300))}`), '');
  lines.push(detailBody(first));
  return `<details>${summary}\n\n${lines.join('\n').trimEnd()}\n\n</details>\n\n`;
}

function detailBody(change: Change): string {
  const lines: string[] = [];
  if (change.status === 'deleted') return `Deleted from ${code(change.target.file)}; its content is in the JSON report.`;
  if (change.fields.length > 0) {
    lines.push(...change.fields.slice(0, MAX_FIELDS).map(fieldLine));
    if (change.fields.length > MAX_FIELDS) lines.push(`- … and ${change.fields.length - MAX_FIELDS} more fields in the full report`);
  } else if (change.hunks) {
    const diff = change.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
    lines.push(fenced('diff', diff));
  } else if (change.status === 'added' && change.body !== undefined) {
    lines.push(`In ${code(change.target.file)}:`, '', fenced('yaml', stringify(change.body, { lineWidth: 0 }).trimEnd().split('\n')));
  }
  return lines.join('\n');
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

function truncationNote(left: number, total: number, maxLength: number, fullReport: string | undefined): string {
  if (left === 0) return '';
  const where = fullReport ? `The full report is ${/^https?:\/\//.test(fullReport) ? `[${escapeMarkdown(fullReport)}](${fullReport})` : code(fullReport)}.` : 'Run `npm run diff -- --format json` for the full report.';
  return `---\n\n> **Truncated:** ${left} of ${total} entries (flags, changes, details) were left out to keep this note under ${maxLength.toLocaleString('en-US')} characters. ${where}\n`;
}

/** `test + prod`, test first; the compared environments' order otherwise. */
export function envLabel(envs: readonly string[], compared: readonly string[] = envs): string {
  const rank = (e: string) => (ENV_ORDER.includes(e) ? ENV_ORDER.indexOf(e) : ENV_ORDER.length + compared.indexOf(e));
  return [...envs].sort((a, b) => rank(a) - rank(b)).join(' + ');
}

function unitSuffix(unit: string): string {
  const module = /^module\/(.+)$/.exec(unit)?.[1];
  return module ? ` (module ${escapeMarkdown(module)})` : '';
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

function escapeCell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, ' ');
}
