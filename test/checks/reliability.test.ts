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

describe('reliability: messages, fixes and the edges of each rule', () => {
  const of = (objects: any[], rule: string, env?: any) => checkReliability({ objects, ...(env ? { env } : {}) }).filter((f) => f.rule === rule);
  const pod = (objects: any[]) => get(objects, 'Deployment').spec.template.spec;

  it('limits and requests: one finding per resource, naming the container and the field to set', () => {
    const objects = moduleObjects();
    delete container(objects).resources;
    expect(of(objects, 'reliability.limits').map((f) => [f.path, f.message, f.fix])).toEqual([
      [`${CONTAINER}.resources.limits.cpu`, "container 'demo' has no cpu limit", 'set resources.limits.cpu'],
      [`${CONTAINER}.resources.limits.memory`, "container 'demo' has no memory limit", 'set resources.limits.memory'],
    ]);
    expect(of(objects, 'reliability.requests').map((f) => [f.path, f.message, f.fix])).toEqual([
      [`${CONTAINER}.resources.requests.cpu`, "container 'demo' has no cpu request; the scheduler cannot place it by size", 'set resources.requests.cpu'],
      [`${CONTAINER}.resources.requests.memory`, "container 'demo' has no memory request; the scheduler cannot place it by size", 'set resources.requests.memory'],
    ]);
  });

  it('probes: the messages, a Service of another namespace does not count, init containers and Jobs need none', () => {
    const objects = moduleObjects();
    delete container(objects).readinessProbe;
    delete container(objects).livenessProbe;
    expect(of(objects, 'reliability.readiness-probe').map((f) => [f.severity, f.message, f.fix])).toEqual([
      ['error', "container 'demo' has no readiness probe, yet a Service sends it traffic", 'add a readinessProbe on an endpoint that reports whether the container can serve'],
    ]);
    expect(of(objects, 'reliability.liveness-probe').map((f) => [f.message, f.fix])).toEqual([["container 'demo' has no liveness probe", 'add a livenessProbe on an endpoint that fails only when a restart helps']]);
    get(objects, 'Service').metadata.namespace = 'icv-other';
    expect(of(objects, 'reliability.readiness-probe').map((f) => [f.severity, f.message])).toEqual([['warning', "container 'demo' has no readiness probe"]]);

    const init = moduleObjects();
    pod(init).initContainers = [{ name: 'init', image: container(init).image }];
    expect(checkReliability({ objects: init }).filter((f) => f.rule.includes('probe'))).toEqual([]);
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: NAMESPACE }, spec: { template: { metadata: { labels: { app: 'once' } }, spec: { containers: [{ name: 'once', image: 'x:1', resources: container(moduleObjects()).resources }] } } } };
    expect(checkReliability({ objects: [job] })).toEqual([]);
  });

  it('probes-identical: any handler the same is identical; another handler type differs', () => {
    const objects = moduleObjects();
    container(objects).livenessProbe = { ...container(objects).readinessProbe, periodSeconds: 99 };
    expect(of(objects, 'reliability.probes-identical').map((f) => [f.path, f.message, f.fix])).toEqual([
      [`${CONTAINER}.livenessProbe`, "container 'demo' uses the same check for readiness and liveness: an overload would restart it instead of shedding traffic", 'point liveness at a different endpoint than readiness'],
    ]);
    for (const handler of [{ tcpSocket: { port: 8080 } }, { exec: { command: ['true'] } }, { grpc: { port: 8080 } }]) {
      const same = moduleObjects();
      container(same).readinessProbe = { ...handler };
      container(same).livenessProbe = { ...handler, periodSeconds: 5 };
      expect(of(same, 'reliability.probes-identical'), JSON.stringify(handler)).toHaveLength(1);
      container(same).livenessProbe = { httpGet: { path: '/live', port: 8080 } };
      expect(of(same, 'reliability.probes-identical'), JSON.stringify(handler)).toEqual([]);
    }
  });

  it('selector-labels: the message and fix; a bare Pod, a CronJob and a Job without selector are not checked, a Job with one is', () => {
    const objects = moduleObjects();
    get(objects, 'Deployment').spec.selector = { matchLabels: { app: 'other' } };
    expect(of(objects, 'reliability.selector-labels').map((f) => [f.object, f.path, f.message, f.fix])).toEqual([
      [DEPLOYMENT, 'spec.selector', "spec.selector does not select the pod template's labels", 'make spec.selector.matchLabels a subset of spec.template.metadata.labels'],
    ]);
    const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [] } };
    const job = (selector?: unknown) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: NAMESPACE }, spec: { ...(selector ? { selector } : {}), template } });
    expect(of([job()], 'reliability.selector-labels')).toEqual([]);
    expect(of([job({ matchLabels: { app: 'y' } })], 'reliability.selector-labels')).toHaveLength(1);
    expect(of([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: NAMESPACE, labels: { app: 'x' } }, spec: { containers: [] } }], 'reliability.selector-labels')).toEqual([]);
    expect(of([{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: NAMESPACE }, spec: { schedule: '@daily', jobTemplate: { spec: { template } } } }], 'reliability.selector-labels')).toEqual([]);
  });

  it('min-replicas: the message names the replica source and the environment', () => {
    const prod = fixtureEnv({ production: true });
    expect(of(moduleObjects({ replicas: 1 }), 'reliability.min-replicas', prod).map((f) => [f.path, f.message, f.fix])).toEqual([
      ['spec.replicas', "1 replica(s) (spec.replicas) in production environment 'fixture-prod': one pod lost is an outage", 'run at least 2 replicas in production'],
    ]);
    const scaled = moduleObjects({ autoscale: { min: 2, max: 4 } });
    get(scaled, 'HorizontalPodAutoscaler').spec.minReplicas = 1;
    expect(of(scaled, 'reliability.min-replicas', prod)[0]!.message).toBe(`1 replica(s) (${HPA} minReplicas) in production environment 'fixture-prod': one pod lost is an outage`);
    expect(of(moduleObjects({ replicas: 2 }), 'reliability.min-replicas', prod)).toEqual([]);
  });

  it('pdb: the messages; a budget of another namespace does not count; percentages resolve against the replicas', () => {
    const none = moduleObjects({ replicas: 3 }).filter((o) => o.kind !== 'PodDisruptionBudget');
    expect(of(none, 'reliability.pdb').map((f) => [f.path, f.message, f.fix])).toEqual([
      ['spec.selector', '3 replicas but no PodDisruptionBudget selects its pods: a node drain may evict them all at once', 'add a PodDisruptionBudget with maxUnavailable: 1 selecting these pods'],
    ]);
    const moved = moduleObjects({ replicas: 3 });
    get(moved, 'PodDisruptionBudget').metadata.namespace = 'icv-other';
    expect(of(moved, 'reliability.pdb').map((f) => f.object)).toEqual([DEPLOYMENT]);

    const budget = (spec: Record<string, unknown>, replicas = 2) => {
      const objects = moduleObjects({ replicas });
      get(objects, 'PodDisruptionBudget').spec = { ...spec, selector: get(objects, 'PodDisruptionBudget').spec.selector };
      return of(objects, 'reliability.pdb').map((f) => [f.object, f.path, f.message, f.fix]);
    };
    expect(budget({})).toEqual([[PDB, 'spec', 'sets neither minAvailable nor maxUnavailable', 'set maxUnavailable: 1']]);
    expect(budget({ maxUnavailable: 0 })).toEqual([[PDB, 'spec.maxUnavailable', 'maxUnavailable 0 with 2 replica(s) allows no eviction: node drains would block', 'use maxUnavailable: 1']]);
    expect(budget({ maxUnavailable: '0%' })).toEqual([[PDB, 'spec.maxUnavailable', 'maxUnavailable 0% with 2 replica(s) allows no eviction: node drains would block', 'use maxUnavailable: 1']]);
    expect(budget({ maxUnavailable: '10%' }), 'a percentage rounds up, as Kubernetes does').toEqual([]);
    expect(budget({ minAvailable: '51%' }), '51% of 2 rounds up to both').toHaveLength(1);
    expect(budget({ maxUnavailable: 'one' }), 'a value that is neither a number nor a percentage is left to the schema').toEqual([]);
    expect(budget({ minAvailable: '100%' })).toEqual([[PDB, 'spec.minAvailable', 'minAvailable 100% with 2 replica(s) allows no eviction: node drains would block', 'use maxUnavailable: 1']]);
    expect(budget({ minAvailable: '50%' })).toEqual([]);
    expect(budget({ minAvailable: 2 }, 3)).toEqual([]);
    expect(budget({ minAvailable: 3 }, 3)).toHaveLength(1);
  });

  it('hpa: the messages, a target of another namespace is missing, minReplicas defaults to 1', () => {
    const objects = moduleObjects({ autoscale: { min: 2, max: 4 } });
    const hpa = get(objects, 'HorizontalPodAutoscaler');
    hpa.spec.scaleTargetRef.name = 'ghost';
    expect(of(objects, 'reliability.hpa').map((f) => [f.path, f.severity, f.message, f.fix])).toEqual([
      ['spec.scaleTargetRef', 'error', `scales Deployment 'ghost', which does not exist in namespace '${NAMESPACE}'`, 'point scaleTargetRef at the workload it scales'],
    ]);
    hpa.spec.scaleTargetRef.name = 'demo';
    get(objects, 'Deployment').metadata.namespace = 'icv-other';
    expect(of(objects, 'reliability.hpa').map((f) => f.message)).toEqual([`scales Deployment 'demo', which does not exist in namespace '${NAMESPACE}'`]);
    get(objects, 'Deployment').metadata.namespace = NAMESPACE;
    get(objects, 'Deployment').spec.replicas = 3;
    expect(of(objects, 'reliability.hpa').map((f) => [f.severity, f.message, f.fix])).toEqual([
      ['warning', `its target ${DEPLOYMENT} also sets spec.replicas: every apply resets what the autoscaler chose`, 'remove spec.replicas from the autoscaled workload'],
    ]);
    delete get(objects, 'Deployment').spec.replicas;
    delete hpa.spec.minReplicas;
    hpa.spec.maxReplicas = 0;
    expect(of(objects, 'reliability.hpa').map((f) => [f.path, f.message, f.fix])).toEqual([['spec.maxReplicas', 'maxReplicas 0 is below minReplicas 1', 'set maxReplicas to 1 or more']]);
    hpa.spec.maxReplicas = 1;
    expect(of(objects, 'reliability.hpa')).toEqual([]);
  });

  it('hpa: a budget whose minAvailable the minimum does not exceed names both and the value to raise to', () => {
    const objects = moduleObjects({ autoscale: { min: 2, max: 4 } });
    get(objects, 'PodDisruptionBudget').spec = { minAvailable: 2, selector: get(objects, 'PodDisruptionBudget').spec.selector };
    expect(of(objects, 'reliability.hpa').map((f) => [f.object, f.path, f.message, f.fix])).toEqual([
      [HPA, 'spec.minReplicas', `minReplicas 2 is not greater than ${PDB} minAvailable 2: node drains would block`, "raise minReplicas above 2 or lower the budget's minAvailable"],
    ]);
  });

  it('spread: a constraint on another topology key, or for other pods, does not spread; required anti-affinity does', () => {
    const spread = (change: (p: any) => void) => {
      const objects = moduleObjects({ replicas: 3 });
      delete pod(objects).affinity;
      change(pod(objects));
      return of(objects, 'reliability.spread').map((f) => [f.path, f.message, f.fix]);
    };
    const warning = [[`spec.template.spec.topologySpreadConstraints`, 'up to 3 replicas with nothing spreading them across nodes: one node down may take them all', 'add a topologySpreadConstraint or podAntiAffinity on kubernetes.io/hostname']];
    expect(spread(() => {})).toEqual([]);
    expect(spread((p) => (p.topologySpreadConstraints[0].topologyKey = 'topology.kubernetes.io/zone'))).toEqual(warning);
    expect(spread((p) => (p.topologySpreadConstraints[0].labelSelector = { matchLabels: { app: 'other' } }))).toEqual(warning);
    const term = (labels: Record<string, string>) => ({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } });
    expect(spread((p) => { delete p.topologySpreadConstraints; p.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ 'app.kubernetes.io/name': 'demo' })] } }; })).toEqual([]);
    expect(spread((p) => { delete p.topologySpreadConstraints; p.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'other' })] } }; })).toEqual(warning);
    expect(spread((p) => { delete p.topologySpreadConstraints; p.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { ...term({ 'app.kubernetes.io/name': 'demo' }), topologyKey: 'zone' } }] } }; })).toEqual(warning);
  });
});

describe('reliability: which objects each rule reads, and objects missing the fields it reads', () => {
  const of = (objects: any[], rule: string, env?: any) => checkReliability({ objects, ...(env ? { env } : {}) }).filter((f) => f.rule === rule);
  const pod = (objects: any[]) => get(objects, 'Deployment').spec.template.spec;
  const labels = (objects: any[]) => get(objects, 'Deployment').spec.template.metadata.labels;

  it('the fixture module has no reliability finding at all, and a budget value that is not resolvable adds none', () => {
    expect(checkReliability({ objects: moduleObjects({ replicas: 2 }) })).toEqual([]);
    const objects = moduleObjects({ replicas: 2 });
    get(objects, 'PodDisruptionBudget').spec = { maxUnavailable: 'one', selector: get(objects, 'PodDisruptionBudget').spec.selector };
    expect(checkReliability({ objects })).toEqual([]);
  });

  it('a bare Pod with resources and probes has no finding: its selector is not checked', () => {
    const objects = moduleObjects();
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: NAMESPACE, labels: labels(objects) }, spec: pod(objects) };
    expect(checkReliability({ objects: [bare] })).toEqual([]);
  });

  it('replica rules apply to replicated kinds only: a one-pod DaemonSet in production is no min-replicas error', () => {
    const objects = moduleObjects({ replicas: 2 }).filter((o) => o.kind !== 'HorizontalPodAutoscaler');
    const workload = get(objects, 'Deployment');
    workload.kind = 'DaemonSet';
    delete workload.spec.replicas;
    expect(of(objects, 'reliability.min-replicas', fixtureEnv({ production: true }))).toEqual([]);
  });

  it('a Deployment without spec.selector is a selector-labels error (only a Job may leave it out)', () => {
    const objects = moduleObjects();
    delete get(objects, 'Deployment').spec.selector;
    expect(of(objects, 'reliability.selector-labels').map((f) => [f.object, f.path])).toEqual([[DEPLOYMENT, 'spec.selector']]);
  });

  it('only a Service in front makes a missing readiness probe an error; a Service without spec selects nothing', () => {
    const objects = moduleObjects().filter((o) => o.kind !== 'Service');
    delete container(objects).readinessProbe;
    const lookalike = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: NAMESPACE }, spec: { selector: { ...labels(objects) } } };
    const bare = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bare', namespace: NAMESPACE } };
    expect(of([...objects, lookalike, bare], 'reliability.readiness-probe').map((f) => f.severity)).toEqual(['warning']);
  });

  it('pdb: exactly two replicas need a budget; a budget without spec selects nothing', () => {
    const objects = moduleObjects({ replicas: 2 }).filter((o) => o.kind !== 'PodDisruptionBudget');
    expect(of(objects, 'reliability.pdb').map((f) => f.message)).toEqual(['2 replicas but no PodDisruptionBudget selects its pods: a node drain may evict them all at once']);
    const bare = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'bare', namespace: NAMESPACE } };
    expect(of([bare, ...moduleObjects({ replicas: 2 })], 'reliability.pdb')).toEqual([]);
  });

  it('pdb: an autoscaled workload whose budget sets maxUnavailable 0 is a budget error, not an HPA one', () => {
    const objects = moduleObjects({ autoscale: { min: 2, max: 4 } });
    get(objects, 'PodDisruptionBudget').spec = { maxUnavailable: 0, selector: get(objects, 'PodDisruptionBudget').spec.selector };
    expect(of(objects, 'reliability.pdb').map((f) => [f.object, f.path, f.message])).toEqual([[PDB, 'spec.maxUnavailable', 'maxUnavailable 0 with 2 replica(s) allows no eviction: node drains would block']]);
    expect(of(objects, 'reliability.hpa')).toEqual([]);
  });

  it('spread: one replica needs none; entries that are not objects are skipped', () => {
    const single = moduleObjects({ replicas: 1 });
    delete pod(single).affinity;
    delete pod(single).topologySpreadConstraints;
    expect(of(single, 'reliability.spread')).toEqual([]);
    const junk = moduleObjects({ replicas: 3 });
    pod(junk).topologySpreadConstraints.unshift('junk');
    expect(of(junk, 'reliability.spread')).toEqual([]);
    const terms = moduleObjects({ replicas: 3 });
    delete pod(terms).topologySpreadConstraints;
    const own = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'demo' } } };
    pod(terms).affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: ['junk', own], preferredDuringSchedulingIgnoredDuringExecution: ['junk'] } };
    expect(of(terms, 'reliability.spread')).toEqual([]);
  });

  it('hpa: objects without metadata or a target without spec are read, and a maxReplicas that is not a number is no bound', () => {
    expect(of([{ apiVersion: 'apps/v1', kind: 'Deployment' }, ...moduleObjects({ autoscale: { min: 2, max: 4 } })], 'reliability.hpa')).toEqual([]);
    const hpa = get(moduleObjects({ autoscale: { min: 2, max: 4 } }), 'HorizontalPodAutoscaler');
    expect(of([hpa, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'demo', namespace: NAMESPACE } }], 'reliability.hpa')).toEqual([]);
    const objects = moduleObjects({ autoscale: { min: 2, max: 4 } });
    get(objects, 'HorizontalPodAutoscaler').spec.maxReplicas = '0';
    expect(of(objects, 'reliability.hpa')).toEqual([]);
  });
});
