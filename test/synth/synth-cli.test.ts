import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/synth.js';
import { captureOutput, readTree, tempDir } from '../support/inputs.js';

describe('npm run synth', () => {
  it('writes dist/test and dist/prod, byte-identical on a second run', async () => {
    const first = tempDir();
    const second = tempDir();
    const run1 = await captureOutput(() => main(['--out', first]));
    const run2 = await captureOutput(() => main(['--out', second]));
    expect(run1.result).toBe(0);
    expect(run2.result).toBe(0);
    expect(readdirSync(first).sort()).toEqual(['.icv-output', 'prod', 'test']);
    const a = readTree(first);
    const b = readTree(second);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, content] of a) expect(b.get(path), path).toBe(content);
    for (const env of ['test', 'prod']) {
      expect(a.has(`${env}/kubekey/cluster.yaml`)).toBe(true);
      expect(a.has(`${env}/manifests/shared-infra.yaml`)).toBe(true);
      expect(a.has(`${env}/manifests/module/vehicle-access.yaml`)).toBe(true);
      expect(a.get(`${env}/platform.md`)).toContain('vehicle-access');
    }
  });

  it('prints a per-environment summary: units, objects, files, modules by tier and domain', async () => {
    const { stdout } = await captureOutput(() => main(['--out', tempDir(), '--env', 'prod']));
    expect(stdout).toMatch(/^prod: wrote .*\/prod\/ — \d+ units, \d+ objects, \d+ files$/m);
    expect(stdout).toMatch(/modules by tier: +backend \d+, frontend \d+/);
    expect(stdout).toMatch(/modules by domain: .*vehicle \d+/);
  });

  it('narrows to one environment with --env and replaces its previous tree atomically', async () => {
    const out = tempDir();
    expect((await captureOutput(() => main(['--env', 'prod', '--out', out]))).result).toBe(0);
    writeFileSync(join(out, 'prod', 'manifests', 'stale.yaml'), 'left over');
    const { result } = await captureOutput(() => main(['--env', 'prod', '--out', out]));
    expect(result).toBe(0);
    expect(readdirSync(out)).toEqual(['.icv-output', 'prod']);
    expect(existsSync(join(out, 'prod', 'manifests', 'stale.yaml'))).toBe(false);
    expect(existsSync(join(out, 'prod', 'kubekey', 'cluster.yaml'))).toBe(true);
  });

  it('rejects an --out that is a file with exit 2 and leaves it alone', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'keep me');
    const { result, stderr } = await captureOutput(() => main(['--out', file]));
    expect(result).toBe(2);
    expect(stderr).toContain(`error: --out: (root): refusing to write '${file}': it exists and is not a directory`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});
