import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../infra/schema/validate-environment.js';
import { built } from '../support/platforms.js';
import { tempDir } from '../support/inputs.js';

const prod = built.find((b) => b.env.name === 'prod')!;
const jenkinsfile = prod.platform.units.flatMap((u) => u.artifacts).find((a) => a.path === 'pipelines/vehicle-registry.Jenkinsfile')!.content;

/** The lines of the release stage that edit the releases file, exactly as the pipeline runs them. */
const editLines = jenkinsfile
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l.startsWith('grep -q "^  $MODULE: "') || l.startsWith('sed -i "s|^  $MODULE: '));

function runEdit(module: string, tag: string): { code: number; file: string } {
  const dir = tempDir();
  const file = join(dir, 'prod.yaml');
  copyFileSync('environments/releases/prod.yaml', file);
  try {
    execFileSync('bash', ['-euc', editLines.join('\n')], { env: { ...process.env, MODULE: module, IMAGE_TAG: tag, RELEASES_FILE: file }, stdio: 'pipe' });
    return { code: 0, file };
  } catch (error) {
    return { code: (error as { status: number }).status, file };
  }
}

describe("the pipeline's release step edits environments/releases/<env>.yaml", () => {
  it('is the grep and sed pair the Jenkinsfile runs', () => {
    expect(editLines).toHaveLength(2);
  });

  it('changes exactly that module\'s tag, and the file still loads', () => {
    const before = parseReleases(readFileSync('environments/releases/prod.yaml', 'utf8'), 'prod.yaml');
    const { code, file } = runEdit('vehicle-registry', '9.9.9-abcdef1');
    expect(code).toBe(0);
    const after = parseReleases(readFileSync(file, 'utf8'), 'prod.yaml');
    expect(after).toEqual({ ...before, 'vehicle-registry': '9.9.9-abcdef1' });
  });

  it('does not touch a module whose name is a prefix of another (vehicle-state vs vehicle-state-*)', () => {
    const before = parseReleases(readFileSync('environments/releases/prod.yaml', 'utf8'), 'prod.yaml');
    const { file } = runEdit('api-gateway', '2.0.0-1234567');
    const after = parseReleases(readFileSync(file, 'utf8'), 'prod.yaml');
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(changed).toEqual(['api-gateway']);
  });

  it('fails for a module that has no line', () => {
    expect(runEdit('billing-service', '1.0.0-1234567').code).not.toBe(0);
  });
});
