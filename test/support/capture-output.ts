import { afterEach, beforeEach, vi } from 'vitest';

/** What a CLI's in-process `main` wrote, per test: stdout and stderr are captured before and restored after each. */
export interface CapturedOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Registers the hooks in the calling test file; read `out.stdout` / `out.stderr` inside a test. */
export function captureOutput(): CapturedOutput {
  const out = { stdout: '', stderr: '' };
  beforeEach(() => {
    out.stdout = '';
    out.stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  return out;
}
