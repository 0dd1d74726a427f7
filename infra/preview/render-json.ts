import type { DiffReport } from './model.js';

/** The full report as JSON: every change, field and reason; secrets already hidden by the comparison. */
export function renderJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
