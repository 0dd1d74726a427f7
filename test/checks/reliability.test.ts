import { describe, expect, it } from 'vitest';
import { checkReliability, runChecks } from '../../infra/checks/index.js';
import { CONTAINER, container, DEPLOYMENT, expectFinding, fixtureEnv, get, moduleObjects, NAMESPACE } from './fixtures.js';

const HPA = `HorizontalPodAutoscaler/${NAMESPACE}/demo`;
const PDB = `PodDisruptionBudget/${NAMESPACE}/demo`;

describe('reliability', () => {
  it('limits missing is an error, requests missing a warning', () => {
    const objects = moduleObjects();
    container(objects).resources = { requests: { cpu: '100m' }, limits: { memory: '256Mi' } };
    const findings = checkReliability({ objects });
    expect(expectFinding(findings, 'reliability.limits', DEPLOYMENT, `${CONTAINER}.resources.limits.cpu`).severity).toBe('error');
    expect(expectFinding(findings, 'reliability.requests', DEPLOYMENT, `${CONTAINER}.resources.requests.memory`).severity).toBe('warning');
    expect(findings.filter((f) => f.rule === 'reliability.limits' || f.rule === 'reliability.requests')).toHaveLength(2);
  });

  it('readiness probe: error when a Service targets the pods, liveness missing: warning', () => {
    const objects = moduleObjects();
    delete container(objects).readinessProbe;
    delete container(objects).livenessProbe;
    const findings = checkReliability({ objects });
    expect(expectFinding(findings, 'reliability.readiness-probe', DEPLOYMENT, `${CONTAINER}.readinessProbe`).severity).toBe('error');
    expect(expectFinding(findings, 'reliability.liveness-probe', DEPLOYMENT, `${CONTAINER}.livenessProbe`).severity).toBe('warning');
  });

  it('readiness probe without a Service in front is only a warning', () => {
    const objects = moduleObjects().filter((o) => o.kind !== 'Service');
    delete container(objects).readinessProbe;
    expect(expectFinding(checkReliability({ objects }), 'reliability.readiness-probe', DEPLOYMENT, `${CONTAINER}.readinessProbe`).severity).toBe('warning');
  });

  it('readiness and liveness must differ (same handler, other timings still identical)', () => {
    const objects = moduleObjects();
    container(objects).livenessProbe = { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 30 };
    expectFinding(checkReliability({ objects }), 'reliability.probes-identical', DEPLOYMENT, `${CONTAINER}.livenessProbe`);
  });

  it('the selector must select the pod template', () => {
    const objects = moduleObjects();
    get(objects, 'Deployment').spec.selector.matchLabels['app.kubernetes.io/name'] = 'other';
    expectFinding(checkReliability({ objects }), 'reliability.selector-labels', DEPLOYMENT, 'spec.selector');
  });

  it('pdb: a multi-replica Deployment without a budget', () => {
    const objects = moduleObjects({ replicas: 3 }).filter((o) => o.kind !== 'PodDisruptionBudget');
    expect(expectFinding(checkReliability({ objects }), 'reliability.pdb', DEPLOYMENT, 'spec.selector').message).toContain('3 replicas');
  });

  it('pdb: a single replica needs none', () => {
    const objects = moduleObjects({ replicas: 1 }).filter((o) => o.kind !== 'PodDisruptionBudget');
    expect(checkReliability({ objects }).filter((f) => f.rule === 'reliability.pdb')).toEqual([]);
  });

  it('pdb: a budget that sets nothing, and one that allows no eviction', () => {
    const empty = moduleObjects();
    get(empty, 'PodDisruptionBudget').spec = { selector: get(empty, 'PodDisruptionBudget').spec.selector };
    expectFinding(checkReliability({ objects: empty }), 'reliability.pdb', PDB, 'spec');

    const blocking = moduleObjects({ replicas: 2 });
    get(blocking, 'PodDisruptionBudget').spec = { minAvailable: '100%', selector: get(blocking, 'PodDisruptionBudget').spec.selector };
    expect(expectFinding(checkReliability({ objects: blocking }), 'reliability.pdb', PDB, 'spec.minAvailable').message).toContain('allows no eviction');

    const zero = moduleObjects();
    get(zero, 'PodDisruptionBudget').spec.maxUnavailable = 0;
    expectFinding(checkReliability({ objects: zero }), 'reliability.pdb', PDB, 'spec.maxUnavailable');
  });

  it('pdb: minAvailable below the replica count is fine', () => {
    const objects = moduleObjects({ replicas: 3 });
    get(objects, 'PodDisruptionBudget').spec = { minAvailable: 2, selector: get(objects, 'PodDisruptionBudget').spec.selector };
    expect(checkReliability({ objects })).toEqual([]);
  });

  it('hpa: minReplicas must exceed the budget\'s minAvailable', () => {
    const objects = moduleObjects({ autoscale: { min: 2, max: 4 } });
    get(objects, 'PodDisruptionBudget').spec = { minAvailable: 2, selector: get(objects, 'PodDisruptionBudget').spec.selector };
    expect(expectFinding(checkReliability({ objects }), 'reliability.hpa', HPA, 'spec.minReplicas').message).toContain('minAvailable 2');
  });

  it('hpa: max below min, a missing target, a target that also fixes replicas', () => {
    const bounds = moduleObjects({ autoscale: { min: 4, max: 5 } });
    get(bounds, 'HorizontalPodAutoscaler').spec.maxReplicas = 2;
    expectFinding(checkReliability({ objects: bounds }), 'reliability.hpa', HPA, 'spec.maxReplicas');

    const missing = moduleObjects({ autoscale: { min: 2, max: 4 } });
    get(missing, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'gone';
    expectFinding(checkReliability({ objects: missing }), 'reliability.hpa', HPA, 'spec.scaleTargetRef');

    const fixed = moduleObjects({ autoscale: { min: 2, max: 4 } });
    get(fixed, 'Deployment').spec.replicas = 2;
    expect(expectFinding(checkReliability({ objects: fixed }), 'reliability.hpa', HPA, 'spec.scaleTargetRef').severity).toBe('warning');
  });

  it('spread: replicas with nothing spreading them across nodes is a warning', () => {
    const objects = moduleObjects({ autoscale: { min: 1, max: 3 } });
    delete get(objects, 'Deployment').spec.template.spec.topologySpreadConstraints;
    delete get(objects, 'Deployment').spec.template.spec.affinity;
    const finding = expectFinding(checkReliability({ objects }), 'reliability.spread', DEPLOYMENT, 'spec.template.spec.topologySpreadConstraints');
    expect(finding.severity).toBe('warning');
  });

  it('spread: preferred host anti-affinity that selects its own pods counts as spreading', () => {
    const objects = moduleObjects();
    const pod = get(objects, 'Deployment').spec.template.spec;
    delete pod.topologySpreadConstraints;
    const labelSelector = get(objects, 'Deployment').spec.selector;
    pod.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector } }] } };
    expect(checkReliability({ objects })).toEqual([]);
  });

  it('min-replicas: fewer than two replicas is an error in prod only, from spec.replicas or the HPA minimum', () => {
    const single = moduleObjects({ replicas: 1 });
    expect(checkReliability({ objects: single, env: fixtureEnv() })).toEqual([]);
    expect(expectFinding(checkReliability({ objects: single, env: fixtureEnv({ production: true }) }), 'reliability.min-replicas', DEPLOYMENT, 'spec.replicas').severity).toBe('error');
    const scaled = moduleObjects({ autoscale: { min: 1, max: 4 } });
    const finding = expectFinding(checkReliability({ objects: scaled, env: fixtureEnv({ production: true }) }), 'reliability.min-replicas', DEPLOYMENT, 'spec.replicas');
    expect(finding.message).toContain('HorizontalPodAutoscaler');
  });

  it('the declared exception turns min-replicas into an exception with its reason', () => {
    const objects = moduleObjects({ replicas: 1 });
    get(objects, 'Deployment').metadata.annotations = { 'exceptions.icv.io/reliability.min-replicas': 'a singleton scheduler: two would double-dispatch' };
    const [finding] = runChecks({ objects, env: fixtureEnv({ production: true }) });
    expect(finding).toMatchObject({ rule: 'reliability.min-replicas', severity: 'exception', reason: 'a singleton scheduler: two would double-dispatch' });
  });
});
