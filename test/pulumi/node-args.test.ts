import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { pulumiNodeArgs, pulumiV8Args } from '../../infra/pulumi/node-args.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
function project(runtime: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'icv-node-args-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'Pulumi.yaml'), `name: p\nruntime:\n  name: nodejs\n  options:\n${runtime}\n`);
  return dir;
}

describe("Pulumi.yaml's nodeargs, as the language host gives them to node", () => {
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('load the program through tsx and bound the heap growth (the memory budget of issue 17)', () => {
    expect(pulumiNodeArgs(ROOT)).toEqual(['--import', 'tsx', '--heap-growing-percent=20']);
  });

  it('without the loader, for a program bundled beforehand (the bench)', () => {
    expect(pulumiV8Args(ROOT)).toEqual(['--heap-growing-percent=20']);
    expect(pulumiV8Args(project('    nodeargs: "--import=tsx --max-old-space-size=900  --import x"'))).toEqual(['--max-old-space-size=900']);
  });

  it('none when Pulumi.yaml sets none', () => {
    expect(pulumiNodeArgs(project('    typescript: false'))).toEqual([]);
  });

  it('refuse what whitespace would split differently from the language host (quotes), and a value that is not a string', () => {
    expect(() => pulumiNodeArgs(project(`    nodeargs: "--title 'a b'"`))).toThrow(/runtime.options.nodeargs .* must not quote or escape/);
    expect(() => pulumiNodeArgs(project('    nodeargs: [--import, tsx]'))).toThrow(/runtime.options.nodeargs must be a string, not \["--import","tsx"\]/);
  });
});
