import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReleases, validatePromotion } from '../../infra/schema/releases.js';
import { PROMOTION_READ_LINES, RELEASE_EDIT_LINES } from '../../infra/synth/devops/jenkinsfile.js';
import { built } from '../support/platforms.js';
import { tempDir } from '../support/inputs.js';

const jenkinsfileOf = (envName: string, module: string) =>
  built.find((b) => b.env.name === envName)!.platform.units.flatMap((u) => u.artifacts).find((a) => a.path === `pipelines/${module}.Jenkinsfile`)!.content;
const lines = (text: string) => text.split('\n').map((l) => l.trim());

/** The lines of the release stage that edit the releases file, exactly as the pipeline runs them. */
const editLines = (envName: string) =>
  lines(jenkinsfileOf(envName, 'vehicle-registry')).filter((l) => l.startsWith('grep -q "^  $MODULE: "') || l.startsWith('sed -i "s|^  $MODULE: '));
/** The lines of prod's promotion that read test's entry, exactly as the pipeline runs them. */
const readLines = lines(jenkinsfileOf('prod', 'vehicle-registry')).filter((l) => PROMOTION_READ_LINES.includes(l));

/** A digest for the edit to write: made up, and visibly so (it names no image anywhere). */
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function run(script: readonly string[], env: Record<string, string>, cwd?: string): { code: number; stdout: string } {
  try {
    const stdout = execFileSync('bash', ['-euc', script.join('\n')], { env: { ...process.env, ...env }, stdio: 'pipe', cwd, encoding: 'utf8' });
    return { code: 0, stdout };
  } catch (error) {
    return { code: (error as { status: number }).status, stdout: String((error as { stdout?: unknown }).stdout ?? '') + String((error as { stderr?: unknown }).stderr ?? '') };
  }
}

function runEdit(envName: string, module: string, tag: string, from = `environments/releases/${envName}.yaml`): { code: number; file: string } {
  const dir = tempDir();
  const file = join(dir, `${envName}.yaml`);
  copyFileSync(from, file);
  const { code } = run(editLines(envName), { MODULE: module, IMAGE_TAG: tag, IMAGE_DIGEST: DIGEST, RELEASES_FILE: file });
  return { code, file };
}

const read = (file: string) => parseReleases(readFileSync(file, 'utf8'), file);

describe.each(['test', 'prod'])("the pipeline's release step edits environments/releases/%s.yaml", (envName) => {
  const real = `environments/releases/${envName}.yaml`;

  it('is the grep and sed pair of RELEASE_EDIT_LINES', () => {
    expect(editLines(envName)).toEqual(RELEASE_EDIT_LINES);
  });

  it("records the tag and the digest as that module's entry, and the file still loads", () => {
    const before = read(real);
    const { code, file } = runEdit(envName, 'vehicle-registry', '9.9.9-abcdef1');
    expect(code).toBe(0);
    expect(read(file)).toEqual({ ...before, 'vehicle-registry': { tag: '9.9.9-abcdef1', digest: DIGEST } });
    expect(readFileSync(file, 'utf8')).toContain(`\n  vehicle-registry: { tag: 9.9.9-abcdef1, digest: ${DIGEST} }\n`);
  });

  it('replaces an entry that already holds a digest (a second release)', () => {
    const first = runEdit(envName, 'vehicle-registry', '9.9.9-abcdef1');
    const second = runEdit(envName, 'vehicle-registry', '9.9.10-abcdef2', first.file);
    expect(second.code).toBe(0);
    expect(read(second.file)['vehicle-registry']).toEqual({ tag: '9.9.10-abcdef2', digest: DIGEST });
  });

  it('does not touch a module whose name is a prefix of another (vehicle-state vs vehicle-state-*)', () => {
    const before = read(real);
    const after = read(runEdit(envName, 'api-gateway', '2.0.0-1234567').file);
    expect(Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]))).toEqual(['api-gateway']);
  });

  it('fails for a module that has no line', () => {
    expect(runEdit(envName, 'billing-service', '1.0.0-1234567').code).not.toBe(0);
  });
});

describe("prod's promotion reads the digest test's pipeline recorded", () => {
  it('runs PROMOTION_READ_LINES', () => {
    expect(readLines).toEqual(PROMOTION_READ_LINES);
  });

  const readEntry = (testFile: string) => {
    const dir = tempDir();
    const result = run(readLines, { MODULE: 'vehicle-registry', SOURCE_ENV: 'test', SOURCE_RELEASES_FILE: testFile }, dir);
    const out = (name: string) => (result.code === 0 ? readFileSync(join(dir, name), 'utf8').trim() : undefined);
    return { ...result, tag: out('.image-tag'), digest: out('.image-digest') };
  };

  it("refuses an entry of test's without a digest (today's files: no pipeline has run)", () => {
    const result = readEntry(join(process.cwd(), 'environments/releases/test.yaml'));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('test has recorded no digest for vehicle-registry');
  });

  it("test's edit, then prod's read and edit: prod's file holds the digest test's pipeline pushed, and the promotion rule holds", () => {
    const tested = runEdit('test', 'vehicle-registry', '9.9.9-abcdef1');
    const result = readEntry(tested.file);
    expect(result).toMatchObject({ code: 0, tag: '9.9.9-abcdef1', digest: DIGEST });

    const dir = tempDir();
    const prodFile = join(dir, 'prod.yaml');
    copyFileSync('environments/releases/prod.yaml', prodFile);
    expect(run(editLines('prod'), { MODULE: 'vehicle-registry', IMAGE_TAG: result.tag!, IMAGE_DIGEST: result.digest!, RELEASES_FILE: prodFile }).code).toBe(0);
    const prod = read(prodFile);
    expect(prod['vehicle-registry']).toEqual(read(tested.file)['vehicle-registry']);
    expect(validatePromotion(prod, [read(tested.file)]).filter((p) => p.module === 'vehicle-registry')).toEqual([]);
  });
});
