import { describe, expect, it } from 'vitest';
import { DiffKind } from '@pulumi/pulumi/automation/index.js';
import { driftReport, driftResult, driftSteps, parseUrn, separatePending, unchangedResources, unitOf } from '../../infra/daytwo/drift.js';
import { driftMarker, renderDriftMarkdown } from '../../infra/daytwo/render-drift.js';
import { deployment, moduleUrn, networkPolicy, noDriftEvents, outOfBandEvents, refreshPreviewEvents, secret, unitUrn } from './engine-events.js';

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
    // A NetworkPolicy gone from the cluster lets more traffic through: the diff's risk rule says so.
    expect(deleted.flags).toEqual(['deleted', 'network-widened']);
    expect(deleted.reasons[0]!.reason).toMatch(/deleted from the cluster out of band/);
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
    expect(report.changes[0]!.flags).toContain('replacement');
  });

  it('shows a drifted secret by its path only, never a value', () => {
    const s = secret('vehicle-access', 'icv-vehicle');
    const events = refreshPreviewEvents([{ op: 'update', resource: s, live: s.inputs, diff: { 'stringData.password': DiffKind.update } }]);
    const report = reportOf(events);
    expect(report.changes[0]!.fields).toEqual([{ path: 'stringData.password', op: 'changed', hidden: true }]);
    expect(renderDriftMarkdown(driftResult(report, 'test', NOW))).toContain('`stringData.password`: changed (value hidden)');
  });

  it('flags every drift in prod', () => {
    expect(reportOf(outOfBandEvents(), 'prod').changes.every((c) => c.flags.includes('prod'))).toBe(true);
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
    expect(markdown).toContain('#### test · module vehicle-access');
    expect(markdown).toContain('- `spec.replicas`: `2` → `5`');
    expect(markdown).toContain('- `metadata.labels.tier`: `backend` → `hacked`');
    expect(markdown).toMatch(/test · deleted `NetworkPolicy icv-event\/event-detection` \(module event-detection\)/);
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
