import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../infra/cli/diff.js';
import type { DiffReport } from '../../infra/preview/index.js';
import { configMap, deployment, temporaryDirectory, writeTree } from './fixtures.js';

let stdout: string;
let stderr: string;
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

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
  it('prints the markdown report to stdout and exits 0', async () => {
    expect(await main(['--from', before, '--to', after])).toBe(0);
    expect(stdout).toContain('| prod | 0 | 0 | 0 | 1 | 1 |');
    expect(stdout).toContain('| test | 0 | 1 | 0 | 0 | 1 |');
    expect(stdout).toContain('**image**');
  });

  it('writes JSON to --out, narrowed by --env, and the full JSON to --json-out', async () => {
    const dir = scratch();
    expect(await main(['--from', before, '--to', after, '--env', 'test', '--format', 'json', '--out', join(dir, 'out/diff.json')])).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out/diff.json'), 'utf8')) as DiffReport;
    expect(report.environments.map((e) => e.env)).toEqual(['test']);
    expect(report.changes[0]!.flags).toEqual(['image']);
    expect(stdout).toBe('');
    expect(stderr).toContain('1 changes (1 flagged) in test');

    expect(await main(['--from', before, '--to', after, '--env', 'prod,test', '--out', join(dir, 'diff.md'), '--json-out', join(dir, 'full.json')])).toBe(0);
    expect(readFileSync(join(dir, 'diff.md'), 'utf8')).toContain('## Infra diff');
    expect((JSON.parse(readFileSync(join(dir, 'full.json'), 'utf8')) as DiffReport).changes).toHaveLength(2);
  });

  it('exits 0 with an empty diff for identical trees', async () => {
    expect(await main(['--from', before, '--to', before, '--format', 'json'])).toBe(0);
    expect((JSON.parse(stdout) as DiffReport).changes).toEqual([]);
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
    expect(stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on a malformed manifest, naming the file and line', async () => {
    const broken = writeTree({ test: { 'manifests/cluster.yaml': 'apiVersion: v1\nkind: [\n' } });
    expect(await main(['--from', before, '--to', broken])).toBe(2);
    expect(stderr).toMatch(/test\/manifests\/cluster\.yaml: line \d+: malformed YAML/);
  });
});
