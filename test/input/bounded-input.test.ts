import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as check } from '../../infra/cli/check.js';
import { readManifests } from '../../infra/cli/read-manifests.js';
import { InputError } from '../../infra/model/errors.js';
import { MAX_ALIAS_COUNT, YAML_LIMITS } from '../../infra/model/yaml-input.js';
import { parseReleases } from '../../infra/schema/validate-environment.js';
import { captureOutput, tempDir } from '../support/inputs.js';
import { hasStackTrace, repositoryFingerprint } from '../support/no-write.js';

/** A billion-laughs document: each line doubles the previous one through aliases. */
function aliasBomb(levels = 30): string {
  const lines = ['a0: &a0 [lol, lol]'];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
  return `${lines.join('\n')}\n`;
}

async function checkManifests(dir: string) {
  const repository = repositoryFingerprint();
  const run = await captureOutput(() => check(['--manifests', dir]));
  expect(hasStackTrace(run.stderr)).toBe(false);
  expect(repositoryFingerprint()).toBe(repository);
  return run;
}

describe('bounded input', () => {
  it(`an alias bomb in a release file is one InputError naming the file (at most ${MAX_ALIAS_COUNT} aliases)`, () => {
    expect(() => parseReleases(`modules:\n  x: '1'\n${aliasBomb()}`, 'environments/releases/prod.yaml')).toThrow(InputError);
    expect(() => parseReleases(aliasBomb(), 'environments/releases/prod.yaml')).toThrow(/^environments\/releases\/prod\.yaml: document 1: cannot be read: .*alias.*\(at most 100 aliases per document\)$/);
  });

  it('a release file past 1 MiB is refused before parsing', () => {
    expect(() => parseReleases(`# ${'x'.repeat(YAML_LIMITS.configFile)}\nmodules: {}\n`, 'environments/releases/test.yaml')).toThrow(/^environments\/releases\/test\.yaml: \(root\): is 1\.0 MiB, more than the 1\.0 MiB this input may have$/);
  });

  it('--manifests: an alias bomb exits 2 with the file, no trace', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bomb.yaml'), aliasBomb());
    const { result, stderr } = await checkManifests(dir);
    expect(result).toBe(2);
    expect(stderr).toMatch(/^error: .*bomb\.yaml: document 1: cannot be read: /m);
  });

  it('--manifests: a symlink loop is read once, not forever, and a dangling loop link is one line', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: b }\n');
    symlinkSync(dir, join(dir, 'sub', 'up'));
    expect(readManifests(dir).objects).toHaveLength(1);
    symlinkSync(join(dir, 'loop-b.yaml'), join(dir, 'loop-a.yaml'));
    symlinkSync(join(dir, 'loop-a.yaml'), join(dir, 'loop-b.yaml'));
    const { result, stderr } = await checkManifests(dir);
    expect(result).toBe(2);
    expect(stderr).toMatch(/^error: .*loop-a\.yaml: \(root\): cannot be read \(ELOOP: a symlink loop\)$/m);
  });

  it('--manifests: a file past 16 MiB is refused before it is read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'huge.yaml'), Buffer.alloc(YAML_LIMITS.manifestFile + 1, 0x20));
    const { result, stderr } = await checkManifests(dir);
    expect(result).toBe(2);
    expect(stderr).toMatch(/^error: .*huge\.yaml: \(root\): is 16\.0 MiB, more than the 16\.0 MiB a manifest file may have/m);
  });
});
