import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkovBinary, deliberateFindings, kubeScoreBinary, runCheckov, runKubeScore, unlisted, yamlFiles } from '../../infra/cli/scanners.js';
import { renderPlatform } from '../../infra/synth/render.js';
import { built } from '../support/platforms.js';
import { tempDir } from '../support/inputs.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * kube-score (and, with ICV_SCAN_CHECKOV=1, Checkov) on the synthesized manifests of both environments report
 * nothing but the README's "Deliberate scanner findings". Build the scanners with ci/tools/build-tools.sh.
 */

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const deliberate = deliberateFindings(README);
const kubeScore = kubeScoreBinary();
const checkov = process.env.ICV_SCAN_CHECKOV === '1' ? checkovBinary() : undefined;
if (!kubeScore) console.warn('\n!!! SKIPPED kube-score: no binary at ~/.cache/icv-platform/tools/bin/kube-score — build it with ci/tools/build-tools.sh kube-score !!!\n');

const root = tempDir('icv-scan-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const manifests = built.map(({ env, platform }) => {
  const dir = join(root, env.name);
  for (const [path, content] of renderPlatform(platform)) {
    if (!path.startsWith('manifests/')) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { env: env.name, dir: join(dir, 'manifests') };
});

describe('the deliberate findings table', () => {
  it('lists each finding with a scanner, a check, the objects and a reason', () => {
    expect(deliberate.length).toBeGreaterThanOrEqual(8);
    for (const row of deliberate) expect(row.reason.length, `${row.scanner} ${row.check}`).toBeGreaterThan(30);
  });

  it('catches a finding it does not list', () => {
    expect(unlisted([{ scanner: 'kube-score', check: 'container-security-context-privileged', object: 'Deployment/icv-vehicle/vehicle-access' }], deliberate)).toHaveLength(1);
    expect(unlisted([{ scanner: 'kube-score', check: 'service-type', object: 'Service/icv-vehicle/vehicle-access' }], deliberate)).toHaveLength(1);
    expect(unlisted([{ scanner: 'kube-score', check: 'service-type', object: 'Service/icv-vehicle/vehicle-access-external' }], deliberate)).toEqual([]);
  });
});

describe.runIf(kubeScore).each(manifests)('kube-score on $env', ({ dir }) => {
  it('reports only the deliberate findings', () => {
    const findings = runKubeScore(kubeScore!, yamlFiles(dir));
    expect(findings.length).toBeGreaterThan(0);
    expect(unlisted(findings, deliberate).map((f) => `${f.check} ${f.object}`)).toEqual([]);
  });

  it('fails on a planted privileged container', () => {
    const file = yamlFiles(dir).find((f) => f.endsWith('vehicle-access.yaml'))!;
    const planted = join(root, 'planted.yaml');
    writeFileSync(planted, readFileSync(file, 'utf8').replace('privileged: false', 'privileged: true'));
    const left = unlisted(runKubeScore(kubeScore!, [planted]), deliberate);
    expect(left.map((f) => f.check)).toContain('container-security-context-privileged');
  });
});

describe.runIf(checkov).each(manifests)('Checkov on $env', ({ dir }) => {
  it('reports only the deliberate findings', { timeout: 600_000 }, () => {
    expect(unlisted(runCheckov(checkov!, dir), deliberate).map((f) => `${f.check} ${f.object}`)).toEqual([]);
  });
});
