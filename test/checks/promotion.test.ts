import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, type CheckReport } from '../../infra/cli/check.js';
import { parseReleases, type Release } from '../../infra/schema/releases.js';
import { captureOutput } from '../support/inputs.js';

/** Made-up digests, visibly so: they name no image anywhere. */
const TESTED = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;
const real = (name: string) => parseReleases(readFileSync(`environments/releases/${name}.yaml`, 'utf8'), name);

async function checkWith(test: Record<string, Release>, prod: Record<string, Release>) {
  const { result, stdout } = await captureOutput(() => main(['--format', 'json'], { releases: { test, prod } }));
  const report = JSON.parse(stdout) as CheckReport;
  const promotion = report.runs.find((r) => r.target === 'promotion')!;
  return { code: result, findings: promotion.findings };
}

describe('npm run check: parity.promotion, prod runs only digests test recorded', () => {
  const test = real('test');
  const prod = real('prod');
  const tag = test['vehicle-registry']!.tag;

  it('passes the real files, with one warning listing the releases deployed by tag', async () => {
    const { code, findings } = await checkWith(test, prod);
    expect(code).toBe(0);
    expect(findings).toEqual([expect.objectContaining({ rule: 'parity.promotion', severity: 'warning', object: 'environments/releases/prod.yaml', path: 'modules' })]);
    expect(findings[0]!.message).toMatch(/^68 module\(s\) are deployed by tag/);
  });

  it('passes when prod runs the digest test recorded for that tag', async () => {
    const { code, findings } = await checkWith({ ...test, 'vehicle-registry': { tag, digest: TESTED } }, { ...prod, 'vehicle-registry': { tag, digest: TESTED } });
    expect(code).toBe(0);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings[0]!.message).toMatch(/^67 module\(s\)/);
  });

  it('fails, at the module\'s entry, on a prod digest test never recorded', async () => {
    const { code, findings } = await checkWith({ ...test, 'vehicle-registry': { tag, digest: TESTED } }, { ...prod, 'vehicle-registry': { tag, digest: OTHER } });
    expect(code).toBe(1);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([
      expect.objectContaining({ rule: 'parity.promotion', path: 'modules.vehicle-registry', message: expect.stringContaining(`digest sha256:cdcdcdcdcdcd of '${tag}' was never recorded in test's release file`) }),
    ]);
  });

  it('fails on a prod entry without the digest test recorded for its tag', async () => {
    const { code, findings } = await checkWith({ ...test, 'vehicle-registry': { tag, digest: TESTED } }, { ...prod, 'vehicle-registry': { tag } });
    expect(code).toBe(1);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.path)).toEqual(['modules.vehicle-registry']);
  });
});
