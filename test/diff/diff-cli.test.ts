import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../support/capture-output.js';
import { main } from '../../infra/cli/diff.js';
import type { DiffReport } from '../../infra/preview/index.js';
import { configMap, deployment, temporaryDirectory, writeTree } from './fixtures.js';

const io = captureOutput();

const before = writeTree({
  test: { 'manifests/module/vehicle-access.yaml': [deployment('vehicle-access')] },
  prod: { 'manifests/module/vehicle-access.yaml': [deployment('vehicle-access'), configMap('legacy', { a: '1' })] },
});
const after = writeTree({
  test: { 'manifests/module/vehicle-access.yaml': [deployment('vehicle-access', { image: 'harbor.icv.local/icv/vehicle-access:1.3.0' })] },
  prod: { 'manifests/module/vehicle-access.yaml': [deployment('vehicle-access')] },
});
const scratch = () => temporaryDirectory('icv-diff-cli-');

describe('npm run diff -- --from DIR --to DIR', () => {
  it('prints the markdown report to io.stdout and exits 0', async () => {
    expect(await main(['--from', before, '--to', after])).toBe(0);
    expect(io.stdout).toContain('| prod | 0 | 0 | 0 | 1 | 0 |');
    expect(io.stdout).toContain('| test | 0 | 1 | 0 | 0 | 0 |');
    // A release tag tested first is a declared difference (environments/parity.ts, release-tags); a deletion is not.
    expect(io.stdout).toContain('- changed `Deployment icv-vehicle/vehicle-access` · test only (declared difference: `release-tags`)');
    expect(io.stdout).toContain('container app image: tag 1.2.0 → 1.3.0');
    expect(io.stdout).toContain('- deleted `ConfigMap icv-vehicle/legacy` · **prod only: breaks parity**');
    expect(io.stdout).toContain('**Pulumi preview:** did not run');
  });

  it('writes JSON to --out, narrowed by --env, and the full JSON to --json-out', async () => {
    const dir = scratch();
    expect(await main(['--from', before, '--to', after, '--env', 'test', '--format', 'json', '--out', join(dir, 'out/diff.json')])).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out/diff.json'), 'utf8')) as DiffReport;
    expect(report.environments.map((e) => e.env)).toEqual(['test']);
    expect(report.changes[0]!.intents).toEqual([{ aspect: 'workload', op: 'changed', text: 'container app image: tag 1.2.0 → 1.3.0' }]);
    expect(report.groups).toMatchObject([{ envs: ['test'], title: 'Deployment icv-vehicle/vehicle-access', changes: [0] }]);
    expect(report.flags).toEqual([]);
    expect(io.stdout).toBe('');
    expect(io.stderr).toContain('1 changes (0 flagged) in test');

    expect(await main(['--from', before, '--to', after, '--env', 'prod,test', '--out', join(dir, 'diff.md'), '--json-out', join(dir, 'full.json')])).toBe(0);
    expect(readFileSync(join(dir, 'diff.md'), 'utf8')).toContain('## Infra diff');
    expect((JSON.parse(readFileSync(join(dir, 'full.json'), 'utf8')) as DiffReport).changes).toHaveLength(2);
  });

  it('exits 0 with an empty diff for identical trees', async () => {
    expect(await main(['--from', before, '--to', before, '--format', 'json'])).toBe(0);
    expect((JSON.parse(io.stdout) as DiffReport).changes).toEqual([]);
  });

  it.each([
    [[], /say what to compare/],
    [['--from', before], /--from and --to go together/],
    [['--from', before, '--to', after, '--base', 'HEAD'], /not both/],
    [['--from', join(before, 'missing'), '--to', after], /is not a directory/],
    [['--from', join(before, 'test'), '--to', after], /is one environment's tree/],
    [['--from', before, '--to', after, '--format', 'html'], /argument 'html' is invalid/],
    [['--from', before, '--to', after, '--env', 'staging'], /unknown environment\(s\) 'staging'/],
    [['--from', before, '--to', after, 'extra'], /too many arguments/],
  ])('exits 2 on bad usage %j, writing nothing', async (argv, message) => {
    const out = join(scratch(), 'diff.md');
    expect(await main([...argv, '--out', out])).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on a malformed manifest, naming the file and line', async () => {
    const broken = writeTree({ test: { 'manifests/cluster.yaml': 'apiVersion: v1\nkind: [\n' } });
    expect(await main(['--from', before, '--to', broken])).toBe(2);
    expect(io.stderr).toMatch(/test\/manifests\/cluster\.yaml: line \d+: malformed YAML/);
  });
});
