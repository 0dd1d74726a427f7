import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../ci/drift-notify.js';
import { driftReport, driftResult, driftSteps } from '../../infra/daytwo/drift.js';
import { driftMarker, renderDriftMarkdown } from '../../infra/daytwo/render-drift.js';
import { temporaryDirectory } from '../diff/fixtures.js';
import { noDriftEvents, outOfBandEvents } from './engine-events.js';
import { fakeGitLabProject, projectEnvironment, TOKEN, type FakeGitLabProject } from './gitlab-fake.js';
import { captureOutput } from '../support/capture-output.js';

const io = captureOutput();
let gitlab: FakeGitLabProject | undefined;
afterEach(async () => {
  await gitlab?.close();
  gitlab = undefined;
});

function reportFiles(drifted: boolean, env = 'test'): string {
  const dir = temporaryDirectory('icv-drift-notify-');
  const result = driftResult(driftReport(driftSteps(drifted ? outOfBandEvents() : noDriftEvents()), { env }), env, '2026-12-02T03:00:00.000Z');
  writeFileSync(join(dir, 'drift.json'), JSON.stringify(result));
  writeFileSync(join(dir, 'drift.md'), renderDriftMarkdown(result));
  return dir;
}
const args = ['--report', 'drift.json', '--body', 'drift.md'];

describe('ci/drift-notify.ts (the nightly drift job)', () => {
  it('opens one drift issue, then updates it on the next night instead of opening another', async () => {
    gitlab = await fakeGitLabProject({ issues: [{ title: 'unrelated', labels: ['drift'], description: driftMarker('prod') }] });
    const dir = reportFiles(true);
    expect(await main(args, projectEnvironment(gitlab), dir)).toBe(0);
    expect(await main(args, projectEnvironment(gitlab), dir)).toBe(0);
    const test = gitlab.issues.filter((i) => i.description.includes(driftMarker('test')));
    expect(test).toHaveLength(1);
    expect(test[0]).toMatchObject({ title: 'Drift in test: the cluster differs from the stack', labels: ['drift'], state: 'opened' });
    expect(test[0]!.description).toContain('- `spec.replicas`: `2` → `5`');
    expect(io.stdout).toBe('opened drift issue #2 for test\nupdated drift issue #2 for test\n');
    expect(gitlab.requests.every((r) => r.token === TOKEN)).toBe(true);
  });

  it('closes the open issue once the cluster matches again, and does nothing when none is open', async () => {
    gitlab = await fakeGitLabProject({ issues: [{ labels: ['drift'], description: `${driftMarker('test')}\nold` }] });
    expect(await main(args, projectEnvironment(gitlab), reportFiles(false))).toBe(0);
    expect(gitlab.issues[0]!.state).toBe('closed');
    expect(gitlab.issues[0]!.description).toContain('No drift');
    expect(await main(args, projectEnvironment(gitlab), reportFiles(false))).toBe(0);
    expect(io.stdout).toBe('closed drift issue #1 for test\nno drift in test, no issue open\n');
  });

  it('posts drift to DRIFT_WEBHOOK_URL without GitLab', async () => {
    gitlab = await fakeGitLabProject();
    expect(await main(args, { DRIFT_WEBHOOK_URL: gitlab.webhookUrl }, reportFiles(true))).toBe(0);
    expect(gitlab.webhook).toHaveLength(1);
    expect(gitlab.webhook[0]).toMatchObject({ env: 'test', drifted: true, units: [{ module: 'event-detection' }, { module: 'map-matching' }, { module: 'vehicle-access' }] });
    expect((gitlab.webhook[0] as { text: string }).text).toContain('## Drift: test');
    expect(gitlab.requests).toEqual([]);
  });

  it('exits 1 naming the call when GitLab refuses, with the token masked', async () => {
    gitlab = await fakeGitLabProject({ failWith: 403 });
    expect(await main(args, projectEnvironment(gitlab), reportFiles(true))).toBe(1);
    expect(io.stderr).toMatch(/^error: GitLab API GET \/projects\/42\/issues answered 403/);
    expect(io.stderr).not.toContain(TOKEN);
  });

  it('exits 2 when neither GitLab nor a webhook is configured, or a file is missing', async () => {
    expect(await main(args, {}, reportFiles(true))).toBe(2);
    expect(io.stderr).toContain('neither set');
    expect(await main(['--report', 'nope.json', '--body', 'drift.md'], { DRIFT_WEBHOOK_URL: 'http://127.0.0.1:9/hook' }, reportFiles(true))).toBe(2);
    expect(io.stderr).toContain('nope.json: (root): does not exist');
  });
});
