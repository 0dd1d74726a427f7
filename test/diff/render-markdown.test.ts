import { describe, expect, it } from 'vitest';
import { diffTrees, MARKDOWN_LIMIT, NOTE_MARKER, renderJson, renderMarkdown, type DiffReport } from '../../infra/preview/index.js';
import { loadDistTree } from '../../infra/cli/read-dist-tree.js';
import { configMap, deployment, writeTree } from './fixtures.js';

/** `count` ConfigMaps per module whose long data all change, plus one image change per module. */
function bigReport(envs: readonly string[], modules: number, count: number): DiffReport {
  const side = (version: string) =>
    Object.fromEntries(
      envs.map((env) => [
        env,
        Object.fromEntries(
          Array.from({ length: modules }, (_, m) => [
            `manifests/module/module-${m}.yaml`,
            [
              deployment(`module-${m}`, { image: `harbor.icv.local/icv/module-${m}:${version}` }),
              ...Array.from({ length: count }, (_, i) => configMap(`module-${m}-config-${i}`, { 'application.yaml': `${'x'.repeat(200)}-${version}`, LEVEL: version })),
            ],
          ]),
        ),
      ]),
    );
  return diffTrees(loadDistTree(writeTree(side('1.0.0'))), loadDistTree(writeTree(side('2.0.0'))), { from: 'origin/main', to: 'working tree' });
}

describe('markdown size discipline', () => {
  it('keeps a small report whole, with no truncation note', () => {
    const report = bigReport(['test'], 2, 2);
    const markdown = renderMarkdown(report);
    expect(markdown.startsWith(NOTE_MARKER)).toBe(true);
    expect(markdown).toContain('| test | 0 | 6 | 0 | 0 | 2 |');
    expect(markdown.match(/<details>/g)).toHaveLength(6);
    expect(markdown).not.toContain('Truncated');
  });

  it('cuts details by whole objects past the limit, keeping the summary and every flagged change', () => {
    const report = bigReport(['test'], 40, 20);
    expect(renderJson(report).length).toBeGreaterThan(3 * MARKDOWN_LIMIT);
    const markdown = renderMarkdown(report, { fullReport: 'diff.json' });
    expect(markdown.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(markdown).toContain('| test | 0 | 840 | 0 | 0 | 40 |');
    expect(markdown).toContain('### Flagged changes (40)');
    expect(markdown.match(/^- test · changed `Deployment icv-vehicle\/module-\d+`/gm)).toHaveLength(40);
    expect(markdown.match(/<details>/g)!.length).toBe(markdown.match(/<\/details>/g)!.length);
    const shown = markdown.match(/<details>/g)!.length;
    expect(shown).toBeGreaterThan(10);
    expect(markdown).toContain(`the details of ${840 - shown} of 840 objects and files were left out`);
    expect(markdown.trimEnd().endsWith('The full report is `diff.json`.')).toBe(true);
  });

  it('cuts the flagged list too when it alone is too long, and links a URL', () => {
    const report = bigReport(['prod', 'test'], 60, 12);
    const url = 'https://gitlab.icv.local/icv/platform/-/jobs/42/artifacts/file/diff.json';
    const markdown = renderMarkdown(report, { fullReport: url });
    expect(markdown.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(markdown).toContain('| prod | 0 | 780 | 0 | 0 | 780 |');
    expect(markdown).toContain('| test | 0 | 780 | 0 | 0 | 60 |');
    expect(markdown).toMatch(/- … and \d+ more flagged changes in the full report/);
    expect(markdown).toMatch(/\d+ flagged changes are not listed/);
    expect(markdown).toContain(`](${url})`);
  });

  it('honours a smaller limit', () => {
    const markdown = renderMarkdown(bigReport(['test'], 3, 3), { maxLength: 3000 });
    expect(markdown.length).toBeLessThan(3000);
    expect(markdown).toContain('Truncated');
    expect(markdown).toContain('Run `npm run diff -- --format json` for the full report.');
  });
});
