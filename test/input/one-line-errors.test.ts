import { describe, expect, it } from 'vitest';
import { runCommand } from '../../infra/cli/cli-support.js';
import { main as synth } from '../../infra/cli/synth.js';
import type { InputSources } from '../../infra/cli/inputs.js';
import { environments } from '../../environments/index.js';
import { catalogSources } from '../../modules/index.js';
import { captureOutput, readTree, tempDir } from '../support/inputs.js';
import { hasStackTrace } from '../support/no-write.js';

describe('one line, never a stack trace', () => {
  it('an unexpected internal error is one line plus a DEBUG=1 hint, exit 1', async () => {
    const { result, stderr } = await captureOutput(() => runCommand(() => { throw new TypeError('cannot read properties of undefined'); }));
    expect(result).toBe(1);
    expect(stderr).toBe('internal error: TypeError: cannot read properties of undefined\nrerun with DEBUG=1 for the stack trace, and report it with the command you ran\n');
  });

  it('with DEBUG=1 the stack follows the line', async () => {
    process.env.DEBUG = '1';
    try {
      const { stderr } = await captureOutput(() => runCommand(() => { throw new Error('boom'); }));
      expect(stderr.split('\n')[0]).toBe('internal error: boom');
      expect(hasStackTrace(stderr)).toBe(true);
    } finally {
      delete process.env.DEBUG;
    }
  });

  it('a file-system error escaping a command is one line, exit 2', async () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/x/y'"), { code: 'EACCES', path: '/x/y' });
    const { result, stderr } = await captureOutput(() => runCommand(() => { throw error; }));
    expect(result).toBe(2);
    expect(stderr).toBe("error: cannot write '/x/y': permission denied (EACCES); nothing was written\n");
  });
});

/** A small deterministic PRNG (mulberry32), so a failing corruption can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];
function leaves(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...at, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return [at];
}

const CORRUPTIONS: readonly ((value: unknown) => unknown)[] = [
  () => undefined,
  () => '',
  () => -1,
  () => 0,
  () => 1e9,
  () => null,
  () => true,
  () => ['x'],
  () => ({}),
  (v) => (typeof v === 'string' ? `${v}/` : String(v)),
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  (v) => (typeof v === 'number' ? v + 0.5 : 7),
  () => '10.233.64.1/18',
  () => '192.168.16.70',
  () => 'x'.repeat(300),
];

describe('property: random single-field corruptions of the real inputs', () => {
  it('synth succeeds or exits 2 with file and path, never exit 1, never a trace, never a write', async () => {
    const next = random(14);
    const out = tempDir('icv-property-');
    expect((await captureOutput(() => synth(['--out', out]))).result).toBe(0);
    let before = readTree(out);
    const targets = [
      ...(['test', 'prod'] as const).flatMap((env) => leaves(environments[env]).map((path) => ({ env, kind: 'env' as const, path }))),
      ...catalogSources.flatMap((source, s) => leaves(source.modules).map((path) => ({ env: 'test' as const, kind: 'catalog' as const, path: [s, ...path] }))),
    ];
    const outcomes = { accepted: 0, rejected: 0 };
    for (let i = 0; i < 24; i++) {
      const target = targets[Math.floor(next() * targets.length)]!;
      const corrupt = CORRUPTIONS[Math.floor(next() * CORRUPTIONS.length)]!;
      const envs = { test: structuredClone(environments.test) as any, prod: structuredClone(environments.prod) as any };
      const catalog = catalogSources.map((s) => ({ file: s.file, modules: structuredClone(s.modules) as any[] }));
      const [head, ...rest] = target.path;
      let holder: any = target.kind === 'env' ? envs[target.env] : catalog[head as number]!.modules;
      const path = target.kind === 'env' ? target.path : rest;
      for (const key of path.slice(0, -1)) holder = holder[key];
      const last = path[path.length - 1]!;
      const replacement = corrupt(holder[last]);
      if (replacement === undefined) delete holder[last];
      else holder[last] = replacement;
      const sources: InputSources = { declarations: envs, catalog };
      const label = `${target.kind} ${target.env} ${target.path.join('.')} → ${JSON.stringify(replacement)}`;
      const { result, stderr } = await captureOutput(() => synth(['--env', target.env, '--out', out], sources));
      expect([0, 2], label).toContain(result);
      expect(hasStackTrace(stderr), label).toBe(false);
      if (result === 2) {
        outcomes.rejected += 1;
        expect(stderr, label).toMatch(/^error: (environments|modules)\/\w+\.(ts|yaml): \S+: /m);
        expect(readTree(out), label).toEqual(before);
      } else {
        outcomes.accepted += 1;
        before = readTree(out);
      }
    }
    expect(outcomes.rejected, JSON.stringify(outcomes)).toBeGreaterThan(12);
  });
});
