import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../support/capture-output.js';
import { main } from '../../infra/cli/drift.js';
import type { DriftResult } from '../../infra/daytwo/drift.js';
import { temporaryDirectory } from '../diff/fixtures.js';
import { noDriftEvents, outOfBandEvents } from './engine-events.js';

const io = captureOutput();

const now = () => new Date('2026-12-02T03:00:00Z');
function eventLog(events: object[]): string {
  const dir = temporaryDirectory('icv-drift-');
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n'));
  return dir;
}

describe('npm run drift', () => {
  it('exits 1 on drift, writing the markdown and the JSON the status page reads', async () => {
    const root = eventLog(outOfBandEvents());
    expect(await main(['--env', 'test', '--events', 'events.jsonl', '--out', 'drift/test.md', '--json-out', 'drift/test.json'], { root, now })).toBe(1);
    expect(readFileSync(join(root, 'drift/test.md'), 'utf8')).toContain('- `spec.replicas`: `2` → `5`');
    const result = JSON.parse(readFileSync(join(root, 'drift/test.json'), 'utf8')) as DriftResult;
    expect(result).toMatchObject({ env: 'test', stack: 'test', checkedAt: '2026-12-02T03:00:00.000Z', drifted: true });
    expect(result.units.map((u) => u.module)).toEqual(['event-detection', 'map-matching', 'vehicle-access']);
    expect(io.stderr).toBe('drift in test: event-detection (1), map-matching (1), vehicle-access (1)\n');
  });

  it('exits 0 and says so when nothing drifted', async () => {
    const root = eventLog(noDriftEvents());
    expect(await main(['--env', 'test', '--events', 'events.jsonl'], { root, now })).toBe(0);
    expect(io.stdout).toContain('No drift');
    expect(io.stderr).toBe('no drift in test\n');
  });

  it('runs the refresh preview through the engine call and records its events with --event-log', async () => {
    const root = temporaryDirectory('icv-drift-');
    const calls: string[] = [];
    const refreshPreview = async (dir: string, stack: string, on: { plain: (e: never) => void; refresh: (e: never) => void }) => {
      calls.push(`${dir === root} ${stack}`);
      for (const event of noDriftEvents()) on.plain(event as never);
      for (const event of outOfBandEvents()) on.refresh(event as never);
    };
    const code = await main(['--env', 'prod', '--event-log', 'events.jsonl'], { root, now, refreshPreview, env: { PULUMI_STACK_PREFIX: 'icv/' } });
    expect(code).toBe(1);
    expect(calls).toEqual(['true icv/prod']);
    expect(readFileSync(join(root, 'events.jsonl'), 'utf8').trim().split('\n')).toHaveLength(outOfBandEvents().length);
    expect(io.stdout).toContain('## Drift: prod');
  });

  it('reports an engine failure in one line, exit 2, no trace and nothing written', async () => {
    const root = temporaryDirectory('icv-drift-');
    const refreshPreview = async () => {
      throw new Error('code: 255\n stdout: \n stderr: error: failed to read resource: connection refused\n    at Object.createCommandError (errors.js:70)');
    };
    expect(await main(['--env', 'test', '--json-out', 'd.json'], { root, refreshPreview })).toBe(2);
    expect(io.stderr).toBe('error: pulumi preview [--refresh] --stack test: failed to read resource: connection refused\n');
    expect(readdirSync(root)).toEqual([]);
  });

  it("names the stack config the program misses, on one line, as the engine reports it", async () => {
    const root = temporaryDirectory('icv-drift-');
    // The shape of the Automation API's CommandError for a program that threw StackConfigError (recorded with the CLI).
    const refreshPreview = async () => {
      throw new Error(
        [
          'code: -2',
          ' stdout: ',
          ' stderr: Command failed with exit code 1: pulumi preview --color never --stack test --non-interactive',
          'Diagnostics:',
          '  pulumi:pulumi:Stack (icv-platform-test):',
          "    error: Unhandled exception: StackConfigError: stack 'test' is missing 2 configuration value(s):",
          '      icv:harborAdminPassword (secret): Harbor admin password',
          '        pulumi config set --secret icv:harborAdminPassword <value> --stack test',
          '      icv:tlsPrivateKey (secret): PEM private key of the wildcard certificate',
          '        at readStackConfig (stack-config.ts:80)',
        ].join('\n'),
      );
    };
    expect(await main(['--env', 'test'], { root, refreshPreview })).toBe(2);
    expect(io.stderr).toBe(
      "error: pulumi preview [--refresh] --stack test: stack 'test' is missing 2 configuration value(s) (icv:harborAdminPassword, icv:tlsPrivateKey): set each with pulumi config set --secret <key> --stack <stack>\n",
    );
  });

  it('says that the pulumi CLI is missing instead of failing with a trace', async () => {
    const root = temporaryDirectory('icv-drift-');
    const path = process.env.PATH;
    process.env.PATH = root;
    try {
      expect(await main(['--env', 'test'], { root })).toBe(2);
    } finally {
      process.env.PATH = path;
    }
    expect(io.stderr).toMatch(/^error: pulumi preview \[--refresh\] --stack test: the pulumi CLI is not on PATH/);
    expect(io.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it.each([
    [['--env', 'staging', '--events', 'x'], /unknown environment\(s\) 'staging'/],
    [['--env', 'test,prod', '--events', 'x'], /one environment at a time/],
    [['--events', 'x'], /required option '--env <name>'/],
    [['--env', 'test', '--events', 'missing.jsonl'], /missing.jsonl: \(root\): does not exist/],
    [['--env', 'test', '--bogus'], /unknown option '--bogus'/],
    [['--env', 'test', '--pending-events', 'plain.jsonl'], /--pending-events: \(root\): goes with --events/],
  ])('rejects %j with exit 2 and writes nothing', async (argv, message) => {
    const root = temporaryDirectory('icv-drift-');
    expect(await main([...argv, '--out', 'd.md'], { root })).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(existsSync(join(root, 'd.md'))).toBe(false);
  });

  it('rejects an event log that is not one engine event per line', async () => {
    const root = temporaryDirectory('icv-drift-');
    writeFileSync(join(root, 'bad.jsonl'), '{"sequence": 1}\nnot json\n');
    expect(await main(['--env', 'test', '--events', 'bad.jsonl'], { root })).toBe(2);
    expect(io.stderr).toContain('error: bad.jsonl: line 2: is not JSON');
  });
});
