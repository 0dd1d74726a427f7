import { describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/check.js';
import { captureOutput, declarationOf } from '../support/inputs.js';

describe('npm run check includes the test ≡ prod parity suite', () => {
  it('passes on the real environments and prints the parity report', async () => {
    const { result, stdout } = await captureOutput(() => main([]));
    expect(result).toBe(0);
    expect(stdout).toContain('== parity ==');
    expect(stdout).toMatch(/PASS: no undeclared difference; \d+ declared difference/);
    expect(stdout).toMatch(/release-tags: \d+ difference/);
  });

  it('fails with exit 1, naming the path, when prod differs where nothing declares it', async () => {
    const prod = declarationOf('prod');
    prod.statefulServices.mysql.port = 3307;
    const { result, stdout } = await captureOutput(() => main([], { declarations: { test: declarationOf('test'), prod } }));
    expect(result).toBe(1);
    expect(stdout).toMatch(/parity\.undeclared-difference\s+Service\/icv-stateful\/mysql\s+spec\.ports/);
  });

  it('skips parity when one environment is checked', async () => {
    const { stdout } = await captureOutput(() => main(['--env', 'prod']));
    expect(stdout).not.toContain('== parity ==');
  });
});
