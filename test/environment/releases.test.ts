import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/synth.js';
import { InputError } from '../../infra/model/errors.js';
import { formatReleaseEntry, parseReleases, shortDigest, validatePromotion } from '../../infra/schema/releases.js';
import { built } from '../support/platforms.js';
import { captureOutput, declarationOf, tempDir } from '../support/inputs.js';

/** Digests made up for these tests, visibly (repeated patterns): they name no image anywhere. */
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const FILE = 'environments/releases/prod.yaml';

function problemsOf(text: string): string[] {
  try {
    parseReleases(text, FILE);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
  }
}

describe('the release file format (infra/schema/releases.ts)', () => {
  it('reads a plain tag and a tag with its digest, both as { tag, digest? }', () => {
    const text = `modules:\n  audit-log: 1.2.0-ac302c7\n  vehicle-access: { tag: 1.6.0-8c15db4, digest: ${D1} }\n  portal-web: { tag: 1.4.4-3685af5, digest: "${D2}" }\n`;
    expect(parseReleases(text, FILE)).toEqual({
      'audit-log': { tag: '1.2.0-ac302c7' },
      'vehicle-access': { tag: '1.6.0-8c15db4', digest: D1 },
      'portal-web': { tag: '1.4.4-3685af5', digest: D2 },
    });
  });

  it('writes an entry the way it reads it back, on one line', () => {
    for (const release of [{ tag: '1.6.0-8c15db4' }, { tag: '1.6.0-8c15db4', digest: D1 }]) {
      const line = formatReleaseEntry(release);
      expect(line).not.toContain('\n');
      expect(parseReleases(`modules:\n  m: ${line}\n`, FILE)).toEqual({ m: release });
    }
  });

  it.each([
    ['a digest that is not sha256:<64 hex>', 'vehicle-access: { tag: 1.6.0-8c15db4, digest: sha256:abc }', 'modules.vehicle-access.digest', /must be a digest/],
    ['an upper-case digest', `vehicle-access: { tag: 1.6.0-8c15db4, digest: ${D1.toUpperCase()} }`, 'modules.vehicle-access.digest', /must be a digest/],
    ['a digest without its tag', `vehicle-access: { digest: ${D1} }`, 'modules.vehicle-access.tag', /./],
    ['an unknown key', `vehicle-access: { tag: 1.6.0-8c15db4, sha: ${D1} }`, 'modules.vehicle-access', /sha/],
    ['a tag that is not one', 'vehicle-access: "1.6.0 8c15db4"', 'modules.vehicle-access', /must be an image tag/],
    ['a tag that is not one, with a digest', `vehicle-access: { tag: "1.6.0 8c15db4", digest: ${D1} }`, 'modules.vehicle-access.tag', /must be an image tag/],
    ['a list', 'vehicle-access: [1.6.0-8c15db4]', 'modules.vehicle-access', /must be an image tag, or/],
  ])('rejects %s, naming the file and field path', (_, entry, path, message) => {
    const problems = problemsOf(`modules:\n  ${entry}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${FILE}: ${path}: `);
    expect(problems[0]).toMatch(message);
  });

  it('shortens a digest to 12 hex digits for people', () => {
    expect(shortDigest(D1)).toBe('sha256:111111111111');
  });
});

describe('the promotion rule: prod runs only digests test recorded', () => {
  const test = { 'vehicle-access': { tag: '1.6.0-8c15db4', digest: D1 }, 'audit-log': { tag: '1.2.0-ac302c7' } };

  it('accepts a prod digest test recorded for the same module and tag, in its current file or its history', () => {
    expect(validatePromotion({ 'vehicle-access': { tag: '1.6.0-8c15db4', digest: D1 } }, [test])).toEqual([]);
    const later = { 'vehicle-access': { tag: '1.7.0-0000001', digest: D2 } };
    expect(validatePromotion({ 'vehicle-access': { tag: '1.6.0-8c15db4', digest: D1 } }, [later, test])).toEqual([]);
  });

  it('rejects a digest test never recorded, or recorded for another tag or module', () => {
    for (const prod of <Record<string, { tag: string; digest?: string }>[]>[
      { 'vehicle-access': { tag: '1.6.0-8c15db4', digest: D2 } },
      { 'vehicle-access': { tag: '1.6.1-8c15db4', digest: D1 } },
      { 'audit-log': { tag: '1.6.0-8c15db4', digest: D1 } },
    ]) {
      const problems = validatePromotion(prod, [test]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ severity: 'error', message: expect.stringMatching(/was never recorded in test's release file/) });
    }
  });

  it("rejects a prod entry without a digest once test recorded one for its tag; warns for a tag test has no digest for", () => {
    expect(validatePromotion({ 'vehicle-access': { tag: '1.6.0-8c15db4' } }, [test])).toEqual([
      { module: 'vehicle-access', severity: 'error', message: expect.stringContaining('promote the digest') },
    ]);
    expect(validatePromotion({ 'audit-log': { tag: '1.2.0-ac302c7' } }, [test])).toEqual([
      { module: 'audit-log', severity: 'warning', message: expect.stringContaining('deployed by tag') },
    ]);
  });
});

describe('deployments reference the digest once one is recorded', () => {
  const test = built.find((b) => b.env.name === 'test')!;

  it('pulls <harbor>/<project>/<image>:<tag>@<digest>, the version label still the tag', async () => {
    const { buildPlatform } = await import('../../infra/synth/build-platform.js');
    const env = { ...test.env, releases: { ...test.env.releases, 'vehicle-access': { tag: '1.6.0-8c15db4', digest: D1 } } };
    const platform = buildPlatform(env, test.catalog);
    const deployment: any = platform.units.flatMap((u) => u.objects).find((o) => o.kind === 'Deployment' && o.metadata?.name === 'vehicle-access');
    expect(deployment.spec.template.spec.containers[0].image).toBe(`harbor.test.icv.example.cn/icv/vehicle-access:1.6.0-8c15db4@${D1}`);
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.6.0-8c15db4');
  });
});

describe('a production environment must promote', () => {
  it('rejects prod without promotesFrom: exit 2, the field path, nothing written', async () => {
    const prod = declarationOf('prod');
    delete prod.promotesFrom;
    const out = tempDir();
    const { result, stderr } = await captureOutput(() => main(['--out', out], { declarations: { test: declarationOf('test'), prod } }));
    expect(result).toBe(2);
    expect(stderr).toContain('environments/prod.ts: promotesFrom: a production environment must name the environment whose tested images it promotes');
    expect(readdirSync(out)).toEqual([]);
  });

  it("the real files: test's holds tags only (no pipeline has run), prod's holds no digest test did not record", () => {
    const read = (name: string) => parseReleases(readFileSync(`environments/releases/${name}.yaml`, 'utf8'), name);
    expect(Object.values(read('test')).filter((r) => r.digest !== undefined)).toEqual([]);
    expect(validatePromotion(read('prod'), [read('test')]).filter((p) => p.severity === 'error')).toEqual([]);
  });
});
