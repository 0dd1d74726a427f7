/** A hunk of a line diff: lines start with ' ' (context), '-' (removed) or '+' (added). */
export interface TextHunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly lines: readonly string[];
}

/** Beyond this many cells the middle of two texts is shown as replaced wholesale rather than aligned line by line. */
const MAX_ALIGN_CELLS = 4_000_000;

type Edit = { readonly op: ' ' | '-' | '+'; readonly line: string };

/** A unified line diff of two texts with `context` lines around each change; no hunks when they are equal. */
export function diffLines(before: string, after: string, context = 3): TextHunk[] {
  if (before === after) return [];
  return toHunks(edits(splitLines(before), splitLines(after)), context);
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function edits(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = align(a.slice(start, endA), b.slice(start, endB));
  return [
    ...a.slice(0, start).map((line) => ({ op: ' ' as const, line })),
    ...middle,
    ...a.slice(endA).map((line) => ({ op: ' ' as const, line })),
  ];
}

/** Longest-common-subsequence alignment of two line lists. */
function align(a: readonly string[], b: readonly string[]): Edit[] {
  const removed = a.map((line) => ({ op: '-' as const, line }));
  const added = b.map((line) => ({ op: '+' as const, line }));
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_ALIGN_CELLS) return [...removed, ...added];
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) out.push({ op: '-', line: a[i++]! });
    else out.push({ op: '+', line: b[j++]! });
  }
  while (i < a.length) out.push({ op: '-', line: a[i++]! });
  while (j < b.length) out.push({ op: '+', line: b[j++]! });
  return out;
}

function toHunks(script: readonly Edit[], context: number): TextHunk[] {
  const changed = script.flatMap((edit, index) => (edit.op === ' ' ? [] : [index]));
  const hunks: TextHunk[] = [];
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k]! - context);
    let to = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - to <= 2 * context + 1) to = changed[++k]!;
    k++;
    const until = Math.min(script.length, to + context + 1);
    const oldBefore = script.slice(0, from).filter((e) => e.op !== '+').length;
    const newBefore = script.slice(0, from).filter((e) => e.op !== '-').length;
    const slice = script.slice(from, until);
    const oldLines = slice.filter((e) => e.op !== '+').length;
    const newLines = slice.filter((e) => e.op !== '-').length;
    hunks.push({
      oldStart: oldLines === 0 ? oldBefore : oldBefore + 1,
      oldLines,
      newStart: newLines === 0 ? newBefore : newBefore + 1,
      newLines,
      lines: slice.map((e) => `${e.op}${e.line}`),
    });
  }
  return hunks;
}
