import { InputError } from '../model/errors.js';
import { isRecord } from '../model/json.js';
import type { PulumiPreviewSummary } from './model.js';

/**
 * The counts of a `pulumi preview --json` output: its `changeSummary` maps each operation to a count
 * (`PreviewDigest.ChangeSummary` in pulumi/pulumi v3.248.0 pkg/display/json.go; ops from pkg/resource/deploy/step.go:
 * create, update, replace, create-replacement, delete-replaced, delete, same…). Replacement steps count once, as
 * `replace`. `file` names the input in errors.
 */
export function summarizePulumiPreview(json: unknown, file: string, summary: { env: string; stack: string; plan?: string }): PulumiPreviewSummary {
  if (!isRecord(json)) throw InputError.single(file, '', 'is not the JSON object `pulumi preview --json` writes');
  const changes = json.changeSummary ?? {};
  if (!isRecord(changes)) throw InputError.single(file, 'changeSummary', 'must map operations to counts');
  const count = (op: string) => {
    const n = changes[op];
    if (n === undefined) return 0;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw InputError.single(file, `changeSummary.${op}`, `must be a count, not ${JSON.stringify(n)}`);
    return n;
  };
  const diagnostics = Array.isArray(json.diagnostics) ? json.diagnostics.filter((d) => isRecord(d) && d.severity === 'error').length : 0;
  return {
    env: summary.env,
    stack: summary.stack,
    ran: true,
    counts: { create: count('create'), update: count('update'), replace: count('replace'), delete: count('delete'), same: count('same') },
    ...(summary.plan !== undefined && { plan: summary.plan }),
    ...(diagnostics > 0 && { note: `${diagnostics} error diagnostic(s) in the preview` }),
  };
}
