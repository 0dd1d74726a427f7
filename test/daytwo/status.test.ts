import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../support/capture-output.js';
import { platformCapacity } from '../../infra/cli/platform-capacity.js';
import { main } from '../../infra/cli/status.js';
import { driftReport, driftResult, driftSteps } from '../../infra/daytwo/drift.js';
import { statusPage } from '../../infra/daytwo/status.js';
import { temporaryDirectory } from '../diff/fixtures.js';
import { repoRoot } from '../diff/scratch-repo.js';
import { built } from '../support/platforms.js';
import { outOfBandEvents } from './engine-events.js';

const io = captureOutput();

const test = built.find((b) => b.env.name === 'test')!;
const moduleCount = test.platform.units.filter((u) => u.kind === 'Module').length;
const row = (page: string, module: string) => page.split('\n').find((l) => l.startsWith(`| ${module} |`));

function inputs(): string {
  const dir = temporaryDirectory('icv-status-');
  const images = { ...Object.fromEntries(Object.entries(test.env.releases).map(([m, release]) => [m, `${test.env.registry.host}/icv/${m}:${release.tag}`])), 'vehicle-access': `${test.env.registry.host}/icv/vehicle-access:1.5.9-0000000` };
  writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ appliedImages: images, kubernetesResources: 700 }));
  writeFileSync(join(dir, 'drift.json'), JSON.stringify(driftResult(driftReport(driftSteps(outOfBandEvents()), { env: 'test' }), 'test', '2026-12-02T03:00:00.000Z')));
  writeFileSync(join(dir, 'prod-drift.json'), JSON.stringify(driftResult(driftReport([], { env: 'prod' }), 'prod', '2026-12-02T03:00:00.000Z')));
  return dir;
}

describe('npm run status', () => {
  it('works offline: every module with its declared tag, and the page says what it does not know', async () => {
    const out = temporaryDirectory('icv-status-out-');
    expect(await main(['--env', 'test', '--out', out], { root: repoRoot })).toBe(0);
    const page = readFileSync(join(out, 'test/status.md'), 'utf8');
    expect(page).toContain('# Status: test');
    expect(page).toContain('Last applied: unknown, no stack outputs were given (offline)');
    expect(page).toContain('Drift: unknown, no drift report was given');
    expect(page).toContain('Cutover: the environment declares no cutover stage; every module is on `kubernetes`.');
    expect(page.split('\n').filter((l) => /^\| [a-z0-9-]+ \| `/.test(l))).toHaveLength(moduleCount);
    expect(row(page, 'vehicle-access')).toMatch(new RegExp(`^\\| vehicle-access \\| \`${test.env.releases['vehicle-access']!.tag}\` \\| unknown \\| unknown \\| unknown \\| kubernetes \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\|$`));
    expect(page).toMatch(/\| all workers up \| \d+\.\d\d \| \d+\.\d \| 0 \|/);
    expect(existsSync(join(out, 'test/status.html'))).toBe(true);
    // Same inputs, same bytes.
    const again = temporaryDirectory('icv-status-out-');
    await main(['--env', 'test', '--out', again], { root: repoRoot });
    expect(readFileSync(join(again, 'test/status.md'), 'utf8')).toBe(page);
  });

  it('shows what the stack last applied and the drift, per module', async () => {
    const dir = inputs();
    const out = temporaryDirectory('icv-status-out-');
    expect(await main(['--env', 'test', '--outputs', join(dir, 'outputs.json'), '--drift', join(dir, 'drift.json'), '--out', out], { root: repoRoot })).toBe(0);
    const page = readFileSync(join(out, 'test/status.md'), 'utf8');
    expect(row(page, 'vehicle-access')).toContain(`| \`${test.env.registry.host}/icv/vehicle-access:1.5.9-0000000\` | pending \`pulumi up\` | **yes** (1) |`);
    expect(row(page, 'map-matching')).toContain('| applied | **yes** (1) |');
    expect(row(page, 'api-gateway')).toContain('| applied | no |');
    expect(page).toContain('Drift: checked 2026-12-02T03:00:00.000Z on stack `test`, 3 resource(s) differ.');
    const html = readFileSync(join(out, 'test/status.html'), 'utf8');
    expect(html).toContain('<span class="drift">yes (1)</span>');
  });

  it('says when the stack has no appliedImages output yet', async () => {
    const dir = temporaryDirectory('icv-status-');
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ kubernetesResources: 700 }));
    const out = temporaryDirectory('icv-status-out-');
    expect(await main(['--env', 'test', '--outputs', join(dir, 'outputs.json'), '--out', out], { root: repoRoot })).toBe(0);
    expect(readFileSync(join(out, 'test/status.md'), 'utf8')).toContain('have no `appliedImages`');
  });

  it('reads the cutover stage when the environment declares one', () => {
    const legacy = { addresses: ['192.168.17.51'], port: 8080 };
    const env = { ...test.env, cutover: { 'portal-web': { stage: 'canary' as const, weight: 20, legacy }, 'console-web': { stage: 'legacy' as const, legacy } } };
    const page = statusPage({ env, platform: test.platform, capacity: platformCapacity(test.env, test.platform) });
    expect(page.modules.find((m) => m.module === 'portal-web')!.cutover).toBe('canary 20%');
    expect(page.modules.find((m) => m.module === 'console-web')!.cutover).toBe('legacy');
    expect(page.modules.find((m) => m.module === 'api-gateway')!.cutover).toBe('kubernetes');
    expect(page.notes.some((n) => n.startsWith('Cutover:'))).toBe(false);
  });

  it.each([
    [['--env', 'test', '--drift', 'prod-drift.json'], /prod-drift.json: env: is the drift of 'prod', not of 'test'/],
    [['--env', 'test', '--outputs', 'missing.json'], /missing.json: \(root\): does not exist/],
    [['--env', 'qa'], /unknown environment\(s\) 'qa'/],
    [['--env', 'test', '--drift', 'outputs.json'], /outputs.json: \(root\): is not a drift report/],
  ])('rejects %j with exit 2 and writes nothing', async (argv, message) => {
    const dir = inputs();
    const out = join(dir, 'out');
    const resolved = argv.map((a) => (a.endsWith('.json') ? join(dir, a) : a));
    expect(await main([...resolved, '--out', out], { root: repoRoot })).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
