import { describe, expect, it } from 'vitest';
import { DiffKind } from '@pulumi/pulumi/automation/index.js';
import { driftReport, driftResult, driftSteps, parseUrn, separatePending, unchangedResources, unitOf } from '../../infra/daytwo/drift.js';
import { driftMarker, renderDriftMarkdown } from '../../infra/daytwo/render-drift.js';
import { deployment, moduleUrn, networkPolicy, noDriftEvents, outOfBandEvents, persistentVolumeClaim, refreshPreviewEvents, secret, statefulSet, unitUrn } from './engine-events.js';

const NOW = '2026-12-02T03:00:00.000Z';
const reportOf = (events: ReturnType<typeof outOfBandEvents>, env = 'test') => driftReport(driftSteps(events), { env, unchanged: unchangedResources(events) });

describe('drift from refresh-preview engine events', () => {
  it('names exactly the scaled Deployment, the edited label and the deleted NetworkPolicy, with module and field', () => {
    const report = reportOf(outOfBandEvents());
    const seen = report.changes.map((c) => ({
      module: c.module,
      status: c.status,
      object: `${c.target.type === 'object' ? c.target.kind : ''} ${c.target.type === 'object' ? c.target.namespace : ''}/${c.target.type === 'object' ? c.target.name : ''}`,
      fields: c.fields.map((f) => `${f.path}: ${JSON.stringify(f.old)} → ${JSON.stringify(f.new)}`),
    }));
    expect(seen).toEqual([
      { module: 'event-detection', status: 'deleted', object: 'NetworkPolicy icv-event/event-detection', fields: [] },
      { module: 'map-matching', status: 'changed', object: 'Deployment icv-map/map-matching', fields: ['metadata.labels.tier: "backend" → "hacked"'] },
      { module: 'vehicle-access', status: 'changed', object: 'Deployment icv-vehicle/vehicle-access', fields: ['spec.replicas: 2 → 5'] },
    ]);
    expect(report.environments).toEqual([{ env: 'test', added: 0, changed: 2, replaced: 0, deleted: 1, flagged: 1, unchanged: 2 }]);
    const deleted = report.changes[0]!;
    // A NetworkPolicy gone from the cluster lets more traffic through: the diff's risk rule says so. It holds no
    // data, so its deletion is not `data.delete`.
    expect(deleted.flags).toEqual(['network.widen']);
    expect(deleted.reasons[0]!.reason).toMatch(/can lift the isolation of the pods/);
    expect(report.flags.map((f) => `${f.flag} ${f.envs.join('+')} ${f.title}`)).toEqual(['network.widen test NetworkPolicy icv-event/event-detection']);
    expect(report.groups.map((g) => `${g.status} ${g.title}`)).toEqual([
      'deleted NetworkPolicy icv-event/event-detection',
      'changed Deployment icv-map/map-matching',
      'changed Deployment icv-vehicle/vehicle-access',
    ]);
    // Intents from the preview's changeIntents: the scaled Deployment reads as replicas.
    expect(report.groups[2]!.intents.map((i) => i.text)).toEqual(['replicas 2 → 5']);
  });

  it('flags data.delete for a stateful object deleted out of band, not for a stateless one', () => {
    const events = refreshPreviewEvents([
      { op: 'create', resource: persistentVolumeClaim('vehicle-registry', 'icv-vehicle') },
      { op: 'create', resource: deployment('vehicle-access', 'icv-vehicle', 2) },
    ]);
    const report = reportOf(events);
    const byKind = Object.fromEntries(report.changes.map((c) => [c.target.type === 'object' ? c.target.kind : '', c]));
    expect(byKind.PersistentVolumeClaim).toMatchObject({ status: 'deleted', flags: ['data.delete'] });
    expect(byKind.PersistentVolumeClaim!.reasons[0]!.reason).toMatch(/^deletes PersistentVolumeClaim icv-vehicle\/vehicle-registry-data: .*deleted from the cluster out of band/);
    expect(byKind.Deployment).toMatchObject({ status: 'deleted', flags: [] });
    expect(report.flags.map((f) => f.flag)).toEqual(['data.delete']);
  });

  it('finds no drift when every resource refreshes to what the program declares', () => {
    const events = noDriftEvents();
    const result = driftResult(reportOf(events), 'test', NOW);
    expect(result.drifted).toBe(false);
    expect(result.units).toEqual([]);
    expect(result.report.environments[0]!.unchanged).toBe(3);
    const markdown = renderDriftMarkdown(result);
    expect(markdown.startsWith(driftMarker('test'))).toBe(true);
    expect(markdown).toContain('No drift: every resource in the cluster matches what the stack declares.');
  });

  it('collapses the three steps of a replacement into one replaced change', () => {
    const vehicle = deployment('vehicle-access', 'icv-vehicle', 2);
    const live = structuredClone(vehicle.inputs) as { spec: { selector: { matchLabels: Record<string, string> } } };
    live.spec.selector.matchLabels = { app: 'old' };
    const events = refreshPreviewEvents([{ op: 'replace', resource: vehicle, live, diff: { 'spec.selector': DiffKind.updateReplace } }]);
    const report = reportOf(events);
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ status: 'replaced', module: 'vehicle-access' });
    // A stateless Deployment: replaced, with the reason, but no data at stake (the preview's near miss of data.replace).
    expect(report.changes[0]!.replacement!.join('; ')).toMatch(/spec\.selector/);
    expect(report.changes[0]!.flags).not.toContain('data.replace');
  });

  it('flags data.replace when restoring a stateful object means replacing it', () => {
    const db = statefulSet('vehicle-registry', 'icv-vehicle');
    const live = structuredClone(db.inputs) as { spec: { serviceName: string } };
    live.spec.serviceName = 'renamed';
    const events = refreshPreviewEvents([{ op: 'replace', resource: db, live, diff: { 'spec.serviceName': DiffKind.updateReplace } }]);
    const change = reportOf(events).changes[0]!;
    expect(change.status).toBe('replaced');
    expect(change.flags).toEqual(['data.replace']);
    expect(change.reasons[0]!.reason).toMatch(/StatefulSet icv-vehicle\/vehicle-registry/);
  });

  it('shows a drifted secret by its path only, never a value', () => {
    const s = secret('vehicle-access', 'icv-vehicle');
    const events = refreshPreviewEvents([{ op: 'update', resource: s, live: s.inputs, diff: { 'stringData.password': DiffKind.update } }]);
    const report = reportOf(events);
    expect(report.changes[0]!.fields).toEqual([{ path: 'stringData.password', op: 'changed', hidden: true }]);
    expect(renderDriftMarkdown(driftResult(report, 'test', NOW))).toContain('`stringData.password`: changed (value hidden)');
  });

  it('puts every drift in prod in the prod column: the environment is a column, not a flag', () => {
    const report = reportOf(outOfBandEvents(), 'prod');
    expect(report.changes.map((c) => c.env)).toEqual(['prod', 'prod', 'prod']);
    expect(report.environments.map((e) => e.env)).toEqual(['prod']);
    expect(report.groups.map((g) => g.envs)).toEqual([['prod'], ['prod'], ['prod']]);
    expect(report.flags.map((f) => [f.flag, f.envs])).toEqual([['network.widen', ['prod']]]);
    // Being in prod raises no rule of its own: the two changed Deployments carry no flag.
    expect(report.changes.filter((c) => c.flags.length === 0)).toHaveLength(2);
    const markdown = renderDriftMarkdown(driftResult(report, 'prod', NOW));
    expect(markdown).toContain('## Drift: prod');
    expect(markdown).toContain('| `network.widen` | prod | `NetworkPolicy icv-event/event-detection` (module event-detection) |');
    expect(markdown).toContain('- changed `Deployment icv-vehicle/vehicle-access` · prod');
    expect(markdown).not.toMatch(/· test|\| test \|/);
  });

  it('attributes resources to the unit component that parents them', () => {
    expect(unitOf(moduleUrn('vehicle-access'))).toEqual({ unit: 'module/vehicle-access', module: 'vehicle-access' });
    expect(unitOf(unitUrn('SharedInfra', 'shared-infra'))).toEqual({ unit: 'shared-infra' });
    expect(unitOf(undefined)).toEqual({ unit: 'platform' });
    expect(parseUrn('urn:pulumi:test::icv-platform::a:b:C$kubernetes:core/v1:Service::ns/name')).toMatchObject({ type: 'kubernetes:core/v1:Service', name: 'ns/name' });
    expect(parseUrn('not-a-urn')).toBeUndefined();
  });
});

describe('the drift report', () => {
  it('renders per module with the merge-request renderer: a unit table, flagged changes and fields', () => {
    const result = driftResult(reportOf(outOfBandEvents()), 'test', NOW);
    expect(result.units).toEqual([
      { unit: 'module/event-detection', module: 'event-detection', resources: 1 },
      { unit: 'module/map-matching', module: 'map-matching', resources: 1 },
      { unit: 'module/vehicle-access', module: 'vehicle-access', resources: 1 },
    ]);
    const markdown = renderDriftMarkdown(result);
    expect(markdown).toContain('## Drift: test');
    expect(markdown).toContain('`pulumi up --refresh --stack test` restores them');
    expect(markdown).toContain('| module vehicle-access | 1 |');
    expect(markdown).toContain('`declared (stack)` → `cluster (refreshed)`');
    expect(markdown).toContain('### Risk flags (1)');
    expect(markdown).toContain('| `network.widen` | test | `NetworkPolicy icv-event/event-detection` (module event-detection) |');
    expect(markdown).toContain('**module vehicle-access**');
    expect(markdown).toContain('- changed `Deployment icv-vehicle/vehicle-access` · test\n  - ✏️ replicas 2 → 5');
    expect(markdown).toContain('- `spec.replicas`: `2` → `5`');
    expect(markdown).toContain('- `metadata.labels.tier`: `backend` → `hacked`');
    expect(markdown).toContain('- deleted `NetworkPolicy icv-event/event-detection` · test');
    expect(markdown).not.toContain('## Infra diff');
  });

  it('is byte-identical for the same events', () => {
    const render = () => renderDriftMarkdown(driftResult(reportOf(outOfBandEvents()), 'test', NOW));
    expect(render()).toBe(render());
  });
});

describe('drift, told apart from changes only waiting for an up', () => {
  const declared = deployment('vehicle-access', 'icv-vehicle', 2);
  // The code releases a new image that no up has applied yet: the stored state still runs the old one.
  const stored = structuredClone(declared.inputs) as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
  stored.spec.template.spec.containers[0]!.image = 'harbor.test.icv.local/icv/vehicle-access:0.9.0-0000000';
  const plain = refreshPreviewEvents([
    { op: 'update', resource: declared, live: stored, diff: { 'spec.template.spec.containers[0].image': DiffKind.update } },
    { op: 'create', resource: networkPolicy('map-matching', 'icv-map') },
  ]);

  it('reports a pending release and a never-applied object as pending, not as drift', () => {
    const refresh = refreshPreviewEvents([
      { op: 'update', resource: declared, live: stored, diff: { 'spec.template.spec.containers[0].image': DiffKind.update } },
      { op: 'create', resource: networkPolicy('map-matching', 'icv-map') },
    ]);
    const { drift, pending } = separatePending(driftSteps(refresh), driftSteps(plain));
    expect(drift).toEqual([]);
    const result = driftResult(driftReport(drift, { env: 'test' }), 'test', NOW, pending);
    expect(result.drifted).toBe(false);
    expect(result.pending).toEqual(['map-matching: icv-map/map-matching', 'vehicle-access: icv-vehicle/vehicle-access']);
    expect(renderDriftMarkdown(result)).toContain('Not drift: 2 resource(s) only wait for an `up`');
  });

  it('reports what the cluster changed since the apply when the code changes the same object', () => {
    const scaled = structuredClone(stored);
    scaled.spec.replicas = 5;
    const refresh = refreshPreviewEvents([{ op: 'update', resource: declared, live: scaled, diff: { 'spec.replicas': DiffKind.update, 'spec.template.spec.containers[0].image': DiffKind.update } }]);
    const { drift, pending } = separatePending(driftSteps(refresh), driftSteps(plain));
    expect(pending).toEqual([]);
    const report = driftReport(drift, { env: 'test' });
    expect(report.changes.map((c) => c.fields.map((f) => `${f.path}: ${String(f.old)} → ${String(f.new)}`))).toEqual([['spec.replicas: 2 → 5']]);
  });

  it('reports an applied object deleted out of band even while the code changes it', () => {
    const refresh = refreshPreviewEvents([{ op: 'create', resource: declared }]);
    const { drift } = separatePending(driftSteps(refresh), driftSteps(plain));
    expect(driftReport(drift, { env: 'test' }).changes.map((c) => c.status)).toEqual(['deleted']);
  });
});
