import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_DIRECTORY_VARIABLE } from './shared.js';
import { writeTestCertificate } from '../pulumi/stack-files.js';

/**
 * Once per `vitest run`, before the workers start: a directory for the values the workers share (test/support/
 * shared.ts `perRun`), named to them in the environment they inherit, and the run's test certificate in it, so that a
 * program run made in one worker holds the same secrets as the other worker's. Removed when the run ends.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'icv-test-run-'));
  writeTestCertificate(dir);
  process.env[RUN_DIRECTORY_VARIABLE] = dir;
  return () => {
    delete process.env[RUN_DIRECTORY_VARIABLE];
    rmSync(dir, { recursive: true, force: true });
  };
}
