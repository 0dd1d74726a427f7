import { describe, expect, it } from 'vitest';
import { checkPodSpecs } from '../../infra/checks/index.js';
import { CONTAINER, container, DEPLOYMENT, get, moduleObjects, NAMESPACE, REGISTRY } from './fixtures.js';

/**
 * The pod-spec rules (infra/checks/pod-spec.ts) on the fixture module with one field broken: each case asserts the
 * rule id, the path, the message and the fix, and that the unbroken neighbours pass.
 */

const POD = 'spec.template.spec';
const rows = (objects: any[]) => checkPodSpecs({ objects }).map((f) => [f.rule.replace('reliability.', ''), f.object, f.path, f.message, f.fix]);
const withObjects = (breakIt: (objects: any[]) => void) => {
  const objects = moduleObjects();
  breakIt(objects);
  return rows(objects);
};
const pod = (objects: any[]) => get(objects, 'Deployment').spec.template.spec;
const LIVENESS_FIX = 'make liveness test only the process itself (a local endpoint or socket); test dependencies in readiness';
const liveness = (probe: Record<string, unknown>) => withObjects((o) => (container(o).livenessProbe = probe));
const calls = (field: string, what: string) => [['liveness-dependency', DEPLOYMENT, `${CONTAINER}.livenessProbe.${field}`, `container 'demo''s liveness probe calls ${what}: when that dependency fails, every replica restarts and the outage stays`, LIVENESS_FIX]];

describe('reliability.liveness-dependency', () => {
  it('an httpGet or tcpSocket host other than the container itself', () => {
    expect(liveness({ httpGet: { host: 'db.example.cn', path: '/', port: 80 } })).toEqual(calls('httpGet.host', "the host 'db.example.cn'"));
    expect(liveness({ tcpSocket: { host: 'Redis', port: 6379 } })).toEqual(calls('tcpSocket.host', "the host 'Redis'"));
    for (const host of ['', 'localhost', 'LOCALHOST', '127.0.0.1', '::1', '[::1]', '0.0.0.0']) {
      expect(liveness({ httpGet: { host, path: '/', port: 80 } }), host).toEqual([]);
      expect(liveness({ tcpSocket: { host, port: 80 } }), host).toEqual([]);
    }
  });

  it('an exec command with a remote URL, a host flag or a sub-command that tests a remote end', () => {
    const exec = (...command: string[]) => liveness({ exec: { command } });
    expect(exec('curl', '-f', 'http://upstream.svc:8080/health')).toEqual(calls('exec.command', "the URL host 'upstream.svc'"));
    expect(exec('sh', '-c', 'mysqladmin ping mysql://DB/x')).toEqual(calls('exec.command', "the URL host 'DB'"));
    expect(exec('redis-cli', '-h', 'redis.icv', 'ping')).toEqual(calls('exec.command', "the host 'redis.icv'"));
    expect(exec('pg_isready', '--host=pg.icv')).toEqual(calls('exec.command', "the host 'pg.icv'"));
    expect(exec('filebeat', 'test', 'output')).toEqual(calls('exec.command', "'test output'"));
    expect(exec('app', 'check', 'dependencies')).toEqual(calls('exec.command', "'check dependencies'"));
    for (const local of [['curl', '-f', 'http://localhost:8080/live'], ['curl', 'http://127.0.0.1/live'], ['redis-cli', '-h', 'localhost', 'ping'], ['cat', '/tmp/healthy'], ['app', 'check', 'self']]) {
      expect(exec(...local), local.join(' ')).toEqual([]);
    }
  });

  it('init containers, pods without liveness and Jobs are not checked', () => {
    expect(withObjects((o) => (pod(o).initContainers = [{ name: 'init', image: container(o).image, livenessProbe: { httpGet: { host: 'db', port: 1 } } }]))).toEqual([]);
    expect(withObjects((o) => delete container(o).livenessProbe)).toEqual([]);
    const job = jobWith({ restartPolicy: 'Never', containers: [{ name: 'j', image: 'x:1', livenessProbe: { httpGet: { host: 'db', port: 1 } } }] });
    expect(rows([job])).toEqual([]);
  });
});

function jobWith(spec: Record<string, unknown>, kind = 'Job') {
  const template = { metadata: { labels: { app: 'j' } }, spec };
  return kind === 'Job'
    ? { apiVersion: 'batch/v1', kind, metadata: { name: 'j', namespace: NAMESPACE }, spec: { template } }
    : { apiVersion: 'batch/v1', kind, metadata: { name: 'j', namespace: NAMESPACE }, spec: { schedule: '@daily', jobTemplate: { spec: { template } } } };
}

describe('reliability.job-restart-policy', () => {
  it('unset or Always is an error for a Job and a CronJob; OnFailure and Never pass; a Deployment is not checked', () => {
    const fix = 'set restartPolicy to OnFailure or Never';
    expect(rows([jobWith({ containers: [{ name: 'j', image: 'x:1' }] })])).toEqual([['job-restart-policy', `Job/${NAMESPACE}/j`, `${POD}.restartPolicy`, 'restartPolicy is unset (it defaults to Always, which the API rejects for Jobs)', fix]]);
    expect(rows([jobWith({ restartPolicy: 'Always', containers: [{ name: 'j', image: 'x:1' }] }, 'CronJob')])).toEqual([
      ['job-restart-policy', `CronJob/${NAMESPACE}/j`, 'spec.jobTemplate.spec.template.spec.restartPolicy', "restartPolicy is 'Always'", fix],
    ]);
    for (const policy of ['OnFailure', 'Never']) expect(rows([jobWith({ restartPolicy: policy, containers: [{ name: 'j', image: 'x:1' }] })])).toEqual([]);
    expect(withObjects((o) => (pod(o).restartPolicy = 'Always'))).toEqual([]);
  });
});

describe('reliability.spread-constraint', () => {
  const at = `${POD}.topologySpreadConstraints[0]`;
  const spread = (change: Record<string, unknown>) => withObjects((o) => Object.assign(pod(o).topologySpreadConstraints[0], change));
  const row = (field: string, message: string, fix: string) => ['spread-constraint', DEPLOYMENT, `${at}${field}`, message, fix];

  it('maxSkew must be a whole number of at least 1', () => {
    for (const maxSkew of [0, 1.5, '1', undefined]) {
      expect(spread({ maxSkew }), String(maxSkew)).toEqual([row('.maxSkew', `maxSkew ${JSON.stringify(maxSkew)} is not a whole number of at least 1: the API rejects the pod`, 'set maxSkew: 1')]);
    }
    expect(spread({ maxSkew: 2 })).toEqual([]);
  });

  it('minDomains must be a whole number of at least 1, and only with DoNotSchedule', () => {
    for (const minDomains of [0, 2.5, 'three']) {
      expect(spread({ minDomains, whenUnsatisfiable: 'DoNotSchedule' }), String(minDomains)).toEqual([
        row('.minDomains', `minDomains ${JSON.stringify(minDomains)} is not a whole number of at least 1`, 'set minDomains to the number of nodes (or zones) to spread over'),
      ]);
    }
    expect(spread({ minDomains: 3 })).toEqual([row('.minDomains', 'minDomains needs whenUnsatisfiable: DoNotSchedule (it is "ScheduleAnyway")', 'set whenUnsatisfiable: DoNotSchedule or remove minDomains')]);
    expect(spread({ minDomains: 3, whenUnsatisfiable: 'DoNotSchedule' })).toEqual([]);
    expect(spread({ minDomains: 1, whenUnsatisfiable: 'DoNotSchedule' })).toEqual([]);
  });

  it('whenUnsatisfiable, topologyKey and a labelSelector that selects the pod itself', () => {
    expect(spread({ whenUnsatisfiable: 'Sometimes' })).toEqual([row('.whenUnsatisfiable', 'whenUnsatisfiable "Sometimes" is neither DoNotSchedule nor ScheduleAnyway', 'set whenUnsatisfiable: ScheduleAnyway or DoNotSchedule')]);
    expect(spread({ whenUnsatisfiable: 'DoNotSchedule' })).toEqual([]);
    expect(spread({ topologyKey: '' })).toEqual([row('.topologyKey', 'has no topologyKey', 'set topologyKey: kubernetes.io/hostname')]);
    expect(spread({ topologyKey: 7 })).toEqual([row('.topologyKey', 'has no topologyKey', 'set topologyKey: kubernetes.io/hostname')]);
    expect(spread({ labelSelector: { matchLabels: { app: 'other' } } })).toEqual([
      row('.labelSelector', "labelSelector does not select the pod's own labels: the constraint counts other pods and spreads nothing", 'use the workload selector as labelSelector'),
    ]);
  });
});

describe('reliability.anti-affinity-selector', () => {
  const base = `${POD}.affinity.podAntiAffinity`;
  const fix = 'use the workload selector as the labelSelector';
  const message = "the anti-affinity term's labelSelector does not select the pod's own labels: it keeps replicas apart from nothing";
  const term = (extra: Record<string, unknown> = {}) => ({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'other' } }, ...extra });

  it('a required or preferred term selecting other pods, at its path', () => {
    expect(withObjects((o) => (pod(o).affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term()] } }))).toEqual([
      ['anti-affinity-selector', DEPLOYMENT, `${base}.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector`, message, fix],
    ]);
    expect(withObjects((o) => (pod(o).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector = { matchLabels: { app: 'other' } }))).toEqual([
      ['anti-affinity-selector', DEPLOYMENT, `${base}.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector`, message, fix],
    ]);
  });

  it('a term about pods of other namespaces is not the pod\'s own spreading; one naming its own namespace is', () => {
    const terms = (t: Record<string, unknown>) => withObjects((o) => (pod(o).affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } }));
    expect(terms(term({ namespaceSelector: {} }))).toEqual([]);
    expect(terms(term({ namespaces: ['icv-other'] }))).toEqual([]);
    expect(terms(term({ namespaces: [NAMESPACE] }))).toHaveLength(1);
    expect(withObjects((o) => (pod(o).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }] } }))).toEqual([]);
  });
});

describe('reliability.container-image', () => {
  it('an empty, blank or missing image, in an app or init container', () => {
    const row = (path: string, name: string) => ['container-image', DEPLOYMENT, `${path}.image`, `container '${name}' has no image: the pod can never start`, "set image to the release image in the environment's Harbor"];
    expect(withObjects((o) => (container(o).image = '  '))).toEqual([row(CONTAINER, 'demo')]);
    expect(withObjects((o) => delete container(o).image)).toEqual([row(CONTAINER, 'demo')]);
    expect(withObjects((o) => (pod(o).initContainers = [{ name: 'init' }]))).toEqual([row(`${POD}.initContainers[init]`, 'init')]);
    expect(withObjects((o) => (pod(o).initContainers = [{ name: 'init', image: `${REGISTRY}/icv/init:1` }]))).toEqual([]);
  });
});

describe('reliability.pdb-blocks-drain', () => {
  const budget = (maxUnavailable: unknown, namespace = 'icv-charts', selector: unknown = { matchLabels: { app: 'chart' } }) => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'chart', namespace },
    spec: { ...(maxUnavailable === undefined ? { minAvailable: 1 } : { maxUnavailable }), selector },
  });
  const row = (value: unknown, namespace = 'icv-charts') => ['pdb-blocks-drain', `PodDisruptionBudget/${namespace}/chart`, 'spec.maxUnavailable', `maxUnavailable ${JSON.stringify(value)} allows no eviction: every node drain waits forever on PodDisruptionBudget/${namespace}/chart`, 'use maxUnavailable: 1'];

  it('a budget of no workload in the objects that allows no eviction at any replica count', () => {
    expect(rows([budget(0)])).toEqual([row(0)]);
    expect(rows([budget('0%')])).toEqual([row('0%')]);
    expect(rows([budget(1)])).toEqual([]);
    expect(rows([budget('1%')])).toEqual([]);
    expect(rows([budget(undefined)])).toEqual([]);
  });

  it('a budget that selects a replicated workload of the objects is left to reliability.pdb, in its namespace only', () => {
    const objects = moduleObjects();
    const labels = get(objects, 'Deployment').spec.template.metadata.labels;
    expect(rows([...objects, budget(0, NAMESPACE, { matchLabels: labels })]).filter((r) => r[0] === 'pdb-blocks-drain')).toEqual([]);
    expect(rows([...objects, budget(0, 'icv-other', { matchLabels: labels })]).filter((r) => r[0] === 'pdb-blocks-drain')).toEqual([row(0, 'icv-other')]);
  });
});

describe('pod-spec rules: the edges the mutation run found untested', () => {
  const exec = (...command: unknown[]) => liveness({ exec: { command } });

  it('liveness-dependency: a postgres:// URL, a host flag first or with two spaces, sub-commands with two spaces; non-string command entries are ignored', () => {
    expect(exec('psql', 'postgres://pg.icv/db')).toEqual(calls('exec.command', "the URL host 'pg.icv'"));
    expect(exec('--host=db.icv')).toEqual(calls('exec.command', "the host 'db.icv'"));
    expect(exec('sh', '-c', 'redis-cli -h  db.icv ping')).toEqual(calls('exec.command', "the host 'db.icv'"));
    expect(exec('app', 'ping', 'upstream')).toEqual(calls('exec.command', "'ping upstream'"));
    expect(exec('sh', '-c', 'app ping  upstream')).toEqual(calls('exec.command', "'ping  upstream'"));
    expect(exec('sh', '-c', 'filebeat test  output')).toEqual(calls('exec.command', "'test  output'"));
    expect(exec('sh', '-c', 'app check  connection')).toEqual(calls('exec.command', "'check  connection'"));
    expect(exec(['curl', 'http://db.icv/x'])).toEqual([]);
  });

  it('pdb-blocks-drain: only PodDisruptionBudgets are read, and a DaemonSet is not a replicated workload', () => {
    const objects = moduleObjects();
    const workload = get(objects, 'Deployment');
    const labels = workload.spec.template.metadata.labels;
    workload.kind = 'DaemonSet';
    delete workload.spec.replicas;
    const budget = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'ds', namespace: NAMESPACE }, spec: { maxUnavailable: 0, selector: { matchLabels: labels } } };
    expect(rows([...objects.filter((o) => o.kind !== 'PodDisruptionBudget'), budget]).filter((r) => r[0] === 'pdb-blocks-drain').map((r) => r[1])).toEqual([`PodDisruptionBudget/${NAMESPACE}/ds`]);
    expect(rows([{ ...budget, kind: 'Other' }])).toEqual([]);
  });

  it('anti-affinity-selector: a preferred term that is not an object is skipped', () => {
    expect(withObjects((o) => (pod(o).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: ['junk'] } })).filter((r) => r[0] === 'anti-affinity-selector')).toEqual([]);
  });
});
