import { HIDDEN } from '../compare/redaction.js';
import type { ParityDifference, ParityResult } from './check-parity.js';

/**
 * The parity report as text: the verdict, every undeclared difference (the failures), then every declared difference
 * grouped under the declaration that allows it, with its reason.
 */
export function parityReport(result: ParityResult): string {
  const [a, b] = result.envs;
  const { objects, helmReleases, artifacts } = result.compared;
  const declaredCount = result.declared.reduce((n, d) => n + d.differences.length, 0);
  const lines = [
    `Parity ${a} ≡ ${b}: ${objects} objects, ${helmReleases} Helm release(s) and ${artifacts} artifacts compared.`,
    result.findings.length === 0
      ? `PASS: no undeclared difference; ${declaredCount} declared difference(s).`
      : `FAIL: ${result.findings.length} undeclared difference(s); ${declaredCount} declared difference(s).`,
  ];
  if (result.findings.length > 0) {
    lines.push('', 'Undeclared differences:');
    for (const f of result.findings) lines.push(`  ✗ ${where(f.object, f.path)}: ${f.message}`, `    fix: ${f.fix}`);
  }
  lines.push('', 'Declared differences (environments/parity.ts):');
  for (const { declaration, differences } of result.declared) {
    const objectCount = new Set(differences.map((d) => d.object)).size;
    lines.push(
      '',
      `  ${declaration.id}: ${differences.length === 0 ? 'no difference at present' : `${differences.length} difference(s) in ${objectCount} object(s)`}`,
      `    why: ${declaration.reason}`,
    );
    for (const difference of differences) lines.push(`    ${where(difference.object, difference.path)}: ${describe(difference, a, b)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** An object and a path in it; a whole artifact is named by the object alone. */
function where(object: string, path: string): string {
  return path === '' ? object : `${object} ${path}`;
}

function describe(difference: ParityDifference, a: string, b: string): string {
  if (!difference.values) return `${difference.op} (value ${HIDDEN})`;
  const [first, second] = difference.values;
  if (difference.op === 'added') return `only in ${b}: ${show(second)}`;
  if (difference.op === 'removed') return `only in ${a}: ${show(first)}`;
  return `${a} ${show(first)} → ${b} ${show(second)}`;
}

/** One line per value: multi-line texts (a Jenkinsfile) are summarized by their size. */
function show(value: unknown): string {
  if (typeof value === 'string' && value.includes('\n')) return `<${value.split('\n').length} lines>`;
  return JSON.stringify(value) ?? String(value);
}
