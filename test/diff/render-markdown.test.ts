import { describe, expect, it } from 'vitest';
import { diffTrees, MARKDOWN_LIMIT, NOTE_MARKER, previewSections, renderJson, renderMarkdown, type DiffReport } from '../../infra/preview/index.js';
import { loadDistTree } from '../../infra/cli/read-dist-tree.js';
import { configMap, deployment, secret, writeTree } from './fixtures.js';

/** `count` ConfigMaps (or Secrets) per module whose long data all change, plus one image change per module. */
function bigReport(envs: readonly string[], modules: number, count: number, kind: 'ConfigMap' | 'Secret' = 'ConfigMap'): DiffReport {
  const side = (version: string) =>
    Object.fromEntries(
      envs.map((env) => [
        env,
        Object.fromEntries(
          Array.from({ length: modules }, (_, m) => [
            `manifests/module/module-${m}.yaml`,
            [
              deployment(`module-${m}`, { image: `harbor.icv.local/icv/module-${m}:${version}` }),
              ...Array.from({ length: count }, (_, i) =>
                kind === 'ConfigMap'
                  ? configMap(`module-${m}-config-${i}`, { 'application.yaml': `${'x'.repeat(200)}-${version}`, LEVEL: version })
                  : secret(`module-${m}-secret-${i}`, { [`key-${env}`]: Buffer.from(version).toString('base64') }),
              ),
            ],
          ]),
        ),
      ]),
    );
  return diffTrees(loadDistTree(writeTree(side('1.0.0'))), loadDistTree(writeTree(side('2.0.0'))), { from: 'origin/main', to: 'working tree' });
}

describe('markdown: most important first, under the size limit', () => {
  it('keeps a small report whole: summary, changes, then collapsed details, no truncation note', () => {
    const report = bigReport(['test'], 2, 2);
    const markdown = renderMarkdown(report);
    expect(markdown.startsWith(NOTE_MARKER)).toBe(true);
    expect(markdown).toContain('| test | 0 | 6 | 0 | 0 | 0 |');
    expect(markdown.indexOf('### Changes (6)')).toBeLessThan(markdown.indexOf('### Details'));
    expect(markdown).toContain('  - ✏️ container app image: tag 1.0.0 → 2.0.0');
    expect(markdown.match(/<details>/g)).toHaveLength(6);
    expect(markdown).not.toContain('Truncated');
  });

  it('cuts details first, by whole blocks, keeping the summary and every change', () => {
    const report = bigReport(['test'], 8, 20);
    expect(renderJson(report).length).toBeGreaterThan(MARKDOWN_LIMIT);
    const markdown = renderMarkdown(report, { fullReport: 'diff.json' });
    expect(markdown.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(markdown).toContain('| test | 0 | 168 | 0 | 0 | 0 |');
    expect(markdown.match(/^- changed `/gm)).toHaveLength(168);
    expect(markdown.match(/<details>/g)!.length).toBe(markdown.match(/<\/details>/g)!.length);
    const shownDetails = markdown.match(/<details>/g)!.length;
    expect(shownDetails).toBeGreaterThan(10);
    expect(shownDetails).toBeLessThan(168);
    expect(markdown).toContain(`_… the details of ${168 - shownDetails} more changes are in the full report._`);
    expect(markdown).toContain(`**Truncated:** ${168 - shownDetails} of 336 entries`);
    expect(markdown.trimEnd().endsWith('The full report is `diff.json`.')).toBe(true);
  });

  it('puts flags first and cuts them last; links a URL', () => {
    const report = bigReport(['prod', 'test'], 60, 12, 'Secret');
    expect(report.flags.length).toBe(2 * 60 * 12);
    const url = 'https://gitlab.icv.local/icv/platform/-/jobs/42/artifacts/file/diff.json';
    const markdown = renderMarkdown(report, { fullReport: url });
    expect(markdown.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(markdown.indexOf('### Risk flags (1440)')).toBeGreaterThan(0);
    expect(markdown).toMatch(/\| … \| \| \| \d+ more flags in the full report \|/);
    expect(markdown).not.toContain('### Details');
    expect(markdown).toContain(`](${url})`);
  });

  it('honours a smaller limit', () => {
    const markdown = renderMarkdown(bigReport(['test'], 3, 3), { maxLength: 3000 });
    expect(markdown.length).toBeLessThan(3000);
    expect(markdown).toContain('Truncated');
    expect(markdown).toContain('Run `npm run diff -- --format json` for the full report.');
  });

  it('has the same structure in JSON: flags, groups with intents, then every change', () => {
    const report = bigReport(['prod', 'test'], 1, 1, 'Secret');
    const json = JSON.parse(renderJson(report)) as DiffReport;
    expect(Object.keys(json)).toEqual(['from', 'to', 'environments', 'flags', 'groups', 'changes']);
    expect(previewSections(report).map((s) => s.id)).toEqual(['flags', 'changes', 'details']);
    const image = json.groups.find((g) => g.title === 'Deployment icv-vehicle/module-0')!;
    expect(image).toMatchObject({ envs: ['prod', 'test'], intents: [{ aspect: 'workload', op: 'changed', text: 'container app image: tag 1.0.0 → 2.0.0' }] });
    // The Secrets differ by key between the environments: not one change, and each breaks parity.
    expect(json.groups.filter((g) => g.onlyIn).map((g) => g.envs)).toEqual([['prod'], ['test']]);
  });
});
