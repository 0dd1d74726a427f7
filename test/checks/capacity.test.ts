import { describe, expect, it } from 'vitest';
import { capacityFindings, planCapacity, renderCapacityTable } from '../../infra/checks/index.js';
import { KubeSphereInstaller } from '../../infra/synth/cluster/kubesphere-installer.js';
import type { KubeObject } from '../../infra/model/types.js';
import type { Environment } from '../../infra/schema/environment.js';
import { HarborRelease } from '../../infra/synth/registry/harbor-release.js';
import { fixtureEnv, get, moduleObjects, NAMESPACE, REGISTRY } from './fixtures.js';

/** Four replicas of 1.5 CPU / 1 GiB, spread across the workers (4 CPU / 8 GiB allocatable each). */
const big = () => moduleObjects({ name: 'big', replicas: 4, requests: { cpu: '1500m', memory: '1024Mi' } });

/** The ks-installer ClusterConfiguration as `npm run check` reads it beside the manifests. */
const clusterConfiguration = (env: Environment, jenkinsMemoryRequest?: string) =>
  new KubeSphereInstaller({ env, ...(jenkinsMemoryRequest ? { jenkinsMemoryRequest } : {}) }).config as unknown as KubeObject;

const MI = 1 / 1024;

describe('capacity plan', () => {
  it('fits with all workers up and with any one down on the fixture cluster', () => {
    const plan = planCapacity(fixtureEnv({ production: true }), big());
    expect(capacityFindings(plan)).toEqual([]);
    expect(plan.scenarios.map((s) => s.name)).toEqual(['all workers up', 'w1 down', 'w2 down', 'w3 down']);
    const allUp = plan.scenarios[0]!;
    expect(allUp.nodes.map((n) => n.node)).toEqual(['w1', 'w2', 'w3']);
    expect(allUp.nodes.map((n) => n.pods).sort()).toEqual([1, 1, 2]);
    expect(allUp.nodes[0]).toMatchObject({ cpuAllocatable: 4, memoryAllocatableGiB: 8 });
  });

  it('a shrunk worker: with one worker down the pods no longer fit: an error in prod naming the pods', () => {
    const workerCapacity = { w3: { cpu: 3, memoryGiB: 10 } };
    const plan = planCapacity(fixtureEnv({ production: true, workerCapacity }), big());
    expect(plan.scenarios[0]!.unplaced).toEqual([]);
    const downFindings = capacityFindings(plan).filter((f) => f.rule === 'capacity.worker-down');
    expect(downFindings.length).toBeGreaterThan(0);
    for (const finding of downFindings) {
      expect(finding).toMatchObject({ severity: 'error', object: 'Environment/fixture-prod', path: 'cluster.roleGroups.worker' });
      expect(finding.message).toMatch(new RegExp(`with w[12] down, 1 pod\\(s\\) do not fit: ${NAMESPACE}/big-\\d \\(1\\.5 CPU, 1 GiB\\)`));
    }
    expect(capacityFindings(plan).some((f) => f.rule === 'capacity.all-up')).toBe(false);
  });

  it('the same shrunk worker in test is a warning', () => {
    const plan = planCapacity(fixtureEnv({ workerCapacity: { w3: { cpu: 3, memoryGiB: 10 } } }), big());
    expect(capacityFindings(plan).length).toBeGreaterThan(0);
    expect(capacityFindings(plan).every((f) => f.rule === 'capacity.worker-down' && f.severity === 'warning')).toBe(true);
  });

  it('not fitting with all workers up is an error even in test', () => {
    const tiny = { cpu: 3.5, memoryGiB: 10 };
    const plan = planCapacity(fixtureEnv({ workerCapacity: { w1: tiny, w2: tiny, w3: tiny } }), big());
    const finding = capacityFindings(plan).find((f) => f.rule === 'capacity.all-up');
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toContain(`1 pod(s) do not fit on the workers: ${NAMESPACE}/big-4`);
  });

  it('counts Deployments at the HPA maximum and DaemonSets once per worker', () => {
    const objects = moduleObjects({ autoscale: { min: 2, max: 5 } });
    const daemon = structuredClone(get(objects, 'Deployment'));
    Object.assign(daemon, { kind: 'DaemonSet', metadata: { ...daemon.metadata, name: 'agent' } });
    delete daemon.spec.replicas;
    const plan = planCapacity(fixtureEnv(), [...objects, daemon]);
    const pods = (i: number) => plan.scenarios[i]!.nodes.reduce((n, node) => n + node.pods, 0);
    expect(pods(0)).toBe(5 + 3);
    expect(pods(1)).toBe(5 + 2);
  });

  it('hard spreading never puts two replicas on one node: required anti-affinity leaves the extra replica unplaced', () => {
    const objects = big();
    const pod = get(objects, 'Deployment').spec.template.spec;
    pod.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'big' } } }] } };
    const plan = planCapacity(fixtureEnv(), objects);
    expect(plan.scenarios[0]!.unplaced.map((p) => p.pod)).toEqual([`${NAMESPACE}/big-4`]);
  });

  it('renders a table with every scenario and worker, utilisation and headroom', () => {
    const table = renderCapacityTable(planCapacity(fixtureEnv(), big()));
    expect(table).toMatch(/^scenario +node +pods +CPU req\/alloc +CPU % +mem GiB req\/alloc +mem % +headroom CPU +headroom GiB$/m);
    expect(table).toMatch(/^all workers up +w1 +2 +3\.00\/4\.00 +75% +2\.0\/8\.0 +25% +1\.00 +6\.0$/m);
    expect(table).toContain('w3 down');
    expect(table).toContain('every pod fits');
  });

  it('renders how many pods each source contributes', () => {
    const env = fixtureEnv();
    const table = renderCapacityTable(planCapacity(env, [...big(), clusterConfiguration(env)], [new HarborRelease({ env }).spec]));
    expect(table).toContain(
      'Pods counted with all workers up: 4 from manifests (6 CPU, 4 GiB), 7 from Helm release harbor (0.75 CPU, 1.69 GiB), ' +
        '1 from ClusterConfiguration devops (1 CPU, 4 GiB), 13 from KubeSphere 3.4 defaults (1.1 CPU, 2 GiB)',
    );
  });
});

describe('capacity plan: pods without a manifest of ours', () => {
  it('counts one pod per Harbor component with the requests of the Helm release values', () => {
    const env = fixtureEnv();
    const plan = planCapacity(env, [], [new HarborRelease({ env }).spec]);
    expect(plan.workloads).toEqual([
      { workload: 'HelmRelease/harbor/harbor-portal', source: 'Helm release harbor', pods: 1, cpu: 0.05, memoryGiB: 64 * MI },
      { workload: 'HelmRelease/harbor/harbor-core', source: 'Helm release harbor', pods: 1, cpu: 0.1, memoryGiB: 256 * MI },
      { workload: 'HelmRelease/harbor/harbor-jobservice', source: 'Helm release harbor', pods: 1, cpu: 0.1, memoryGiB: 256 * MI },
      // registry and registryctl are one pod.
      { workload: 'HelmRelease/harbor/harbor-registry', source: 'Helm release harbor', pods: 1, cpu: 0.1 + 0.05, memoryGiB: (256 + 64) * MI },
      { workload: 'HelmRelease/harbor/harbor-trivy', source: 'Helm release harbor', pods: 1, cpu: 0.2, memoryGiB: 512 * MI },
      { workload: 'HelmRelease/harbor/harbor-database', source: 'Helm release harbor', pods: 1, cpu: 0.1, memoryGiB: 256 * MI },
      { workload: 'HelmRelease/harbor/harbor-redis', source: 'Helm release harbor', pods: 1, cpu: 0.05, memoryGiB: 64 * MI },
    ]);
    expect(plan.scenarios[0]!.nodes.reduce((n, node) => n + node.pods, 0)).toBe(7);
  });

  it('reads Harbor requests from the values alone, and skips Trivy when it is off', () => {
    const env = fixtureEnv();
    const release = new HarborRelease({ env, trivy: false, releaseName: 'registry' }).spec;
    const values = structuredClone(release.values) as any;
    values.core.resources.requests = { cpu: '2', memory: '3Gi' };
    const plan = planCapacity(env, [], [{ ...release, values }]);
    expect(plan.workloads.find((w) => w.workload === 'HelmRelease/harbor/registry-core')).toMatchObject({ cpu: 2, memoryGiB: 3 });
    expect(plan.workloads.map((w) => w.workload)).not.toContain('HelmRelease/harbor/registry-trivy');
    expect(plan.workloads).toHaveLength(6);
  });

  it('counts Jenkins as the ClusterConfiguration sizes it, and KubeSphere core and monitoring at the ks-installer defaults', () => {
    const env = fixtureEnv();
    const plan = planCapacity(env, [clusterConfiguration(env, '6Gi')]);
    expect(plan.workloads[0]).toEqual({ workload: 'ClusterConfiguration/kubesphere-devops-system/devops-jenkins', source: 'ClusterConfiguration devops', pods: 1, cpu: 1, memoryGiB: 6 });
    const pods = Object.fromEntries(plan.workloads.filter((w) => w.source === 'KubeSphere 3.4 defaults').map((w) => [w.workload, w.pods]));
    expect(pods).toEqual({
      // One per control-plane node (ks-installer's master_num): the fixture has one.
      'KubeSphere/kubesphere-system/ks-apiserver': 1,
      'KubeSphere/kubesphere-system/ks-console': 1,
      'KubeSphere/kubesphere-system/ks-controller-manager': 1,
      // Clusters of three nodes or more get 2 Prometheus and 3 Alertmanager replicas.
      'KubeSphere/kubesphere-monitoring-system/prometheus-k8s': 2,
      'KubeSphere/kubesphere-monitoring-system/alertmanager-main': 3,
      'KubeSphere/kubesphere-monitoring-system/kube-state-metrics': 1,
      'KubeSphere/kubesphere-monitoring-system/prometheus-operator': 1,
      // A DaemonSet: one per worker.
      'KubeSphere/kubesphere-monitoring-system/node-exporter': 3,
    });
    expect(plan.workloads.find((w) => w.workload.endsWith('/prometheus-k8s'))).toMatchObject({ cpu: 0.2, memoryGiB: 400 * MI });
  });

  it('counts no KubeSphere pods without the ClusterConfiguration, and no Jenkins with DevOps off', () => {
    const env = fixtureEnv();
    expect(planCapacity(env, big()).workloads.map((w) => w.source)).toEqual(['manifests']);
    const config = clusterConfiguration(env) as any;
    config.spec.devops.enabled = false;
    expect(planCapacity(env, [config]).workloads.map((w) => w.workload)).not.toContain('ClusterConfiguration/kubesphere-devops-system/devops-jenkins');
  });

  it('the platform pods tip the plan: a module that fits alone does not fit with them and one worker down, an error in prod', () => {
    const env = fixtureEnv({ production: true });
    expect(capacityFindings(planCapacity(env, big()))).toEqual([]);
    const plan = planCapacity(env, [...big(), clusterConfiguration(env)], [new HarborRelease({ env }).spec]);
    expect(plan.scenarios[0]!.unplaced).toEqual([]);
    expect(capacityFindings(plan).map((f) => [f.rule, f.severity, f.message])).toEqual(
      ['w1', 'w2', 'w3'].map((down) => ['capacity.worker-down', 'error', `with ${down} down, 1 pod(s) do not fit: ${NAMESPACE}/big-4 (1.5 CPU, 1 GiB)`]),
    );
  });

  it('a shrunk worker: with the platform pods counted, taking down either full-size worker leaves pods unplaced, named in the error', () => {
    const size = { cpu: 6, memoryGiB: 12 };
    const objects = (env: Environment) => [...big(), clusterConfiguration(env)];
    const roomy = fixtureEnv({ production: true, workerCapacity: { w1: size, w2: size, w3: size } });
    expect(capacityFindings(planCapacity(roomy, objects(roomy), [new HarborRelease({ env: roomy }).spec]))).toEqual([]);
    const shrunk = fixtureEnv({ production: true, workerCapacity: { w1: size, w2: size, w3: { cpu: 4, memoryGiB: 12 } } });
    const findings = capacityFindings(planCapacity(shrunk, objects(shrunk), [new HarborRelease({ env: shrunk }).spec]));
    expect(findings.map((f) => f.message)).toEqual([
      `with w1 down, 1 pod(s) do not fit: ${NAMESPACE}/big-4 (1.5 CPU, 1 GiB)`,
      `with w2 down, 1 pod(s) do not fit: ${NAMESPACE}/big-4 (1.5 CPU, 1 GiB)`,
    ]);
    expect(findings.every((f) => f.rule === 'capacity.worker-down' && f.severity === 'error')).toBe(true);
  });
});

/** A module's objects whose pods have nothing spreading them (the constructs always spread: this undoes it). */
function unspread(name: string, replicas: number, cpu: string, memory = '256Mi'): any[] {
  const objects = moduleObjects({ name, replicas, requests: { cpu, memory } });
  const pod = get(objects, 'Deployment').spec.template.spec;
  delete pod.affinity;
  delete pod.topologySpreadConstraints;
  return objects;
}

/** The fixture module with a DoNotSchedule spread of `maxSkew` instead of the constructs' ScheduleAnyway. */
function hardSpread(maxSkew: number | undefined): any[] {
  const objects = big();
  const pod = get(objects, 'Deployment').spec.template.spec;
  delete pod.affinity;
  pod.topologySpreadConstraints[0].whenUnsatisfiable = 'DoNotSchedule';
  if (maxSkew === undefined) delete pod.topologySpreadConstraints[0].maxSkew;
  else pod.topologySpreadConstraints[0].maxSkew = maxSkew;
  return objects;
}

const cpuOf = (plan: ReturnType<typeof planCapacity>, scenario = 0) => plan.scenarios[scenario]!.nodes.map((n) => n.cpuRequested);
const unplacedOf = (plan: ReturnType<typeof planCapacity>, scenario = 0) => plan.scenarios[scenario]!.unplaced.map((p) => p.pod);

describe('capacity plan: placement', () => {
  it('places the largest pods first: three 3-CPU replicas still fit beside six 0.5-CPU ones listed before them', () => {
    const plan = planCapacity(fixtureEnv(), [...unspread('small', 6, '500m'), ...unspread('large', 3, '3000m')]);
    expect(unplacedOf(plan)).toEqual([]);
    expect(cpuOf(plan)).toEqual([4, 4, 4]);
    expect(plan.scenarios[0]!.nodes.map((n) => n.pods)).toEqual([3, 3, 3]);
  });

  it('unspread replicas go to the first worker with room; spread ones to the worker holding fewest of them, then the least loaded', () => {
    expect(plan3(unspread('free', 3, '500m'))).toEqual([1.5, 0, 0]);
    expect(plan3(moduleObjects({ name: 'spread', replicas: 3, requests: { cpu: '500m', memory: '256Mi' } }))).toEqual([0.5, 0.5, 0.5]);
    // w1 already holds 2 CPU of another workload: the first spread replica goes to the empty w2, the second to w3.
    expect(plan3([...unspread('heavy', 1, '2000m'), ...moduleObjects({ name: 'spread', replicas: 2, requests: { cpu: '500m', memory: '256Mi' } })])).toEqual([2, 0.5, 0.5]);
    function plan3(objects: any[]) {
      return cpuOf(planCapacity(fixtureEnv(), objects));
    }
  });

  it('a DoNotSchedule spread holds its maxSkew against a worker without room, a ScheduleAnyway spread does not', () => {
    const env = fixtureEnv({ workerCapacity: { w3: { cpu: 1, memoryGiB: 2 } } });
    expect(unplacedOf(planCapacity(env, big()))).toEqual([]);
    expect(unplacedOf(planCapacity(env, hardSpread(1)))).toEqual([`${NAMESPACE}/big-3`, `${NAMESPACE}/big-4`]);
    expect(unplacedOf(planCapacity(env, hardSpread(undefined))), 'maxSkew defaults to 1').toEqual([`${NAMESPACE}/big-3`, `${NAMESPACE}/big-4`]);
    expect(unplacedOf(planCapacity(env, hardSpread(2)))).toEqual([]);
  });

  it('a worker whose reserve exceeds its capacity, or that no host declares, has nothing allocatable', () => {
    const env = structuredClone(fixtureEnv({ workerCapacity: { w3: { cpu: 0.5, memoryGiB: 1 } } })) as any;
    env.cluster.roleGroups.worker = ['w1', 'w2', 'w3', 'w9'];
    const nodes = planCapacity(env, []).scenarios[0]!.nodes;
    expect(nodes.map((n) => [n.node, n.cpuAllocatable, n.memoryAllocatableGiB])).toEqual([
      ['w1', 4, 8],
      ['w2', 4, 8],
      ['w3', 0, 0],
      ['w9', 0, 0],
    ]);
  });

  it('a DaemonSet pod that does not fit on a worker is unplaced under its node\'s name', () => {
    const objects = moduleObjects();
    const daemon = structuredClone(get(objects, 'Deployment'));
    Object.assign(daemon, { kind: 'DaemonSet', metadata: { ...daemon.metadata, name: 'agent' } });
    delete daemon.spec.replicas;
    const plan = planCapacity(fixtureEnv({ workerCapacity: { w3: { cpu: 1, memoryGiB: 2 } } }), [daemon]);
    expect(unplacedOf(plan)).toEqual([`${NAMESPACE}/agent@w3`]);
    expect(plan.workloads).toEqual([{ workload: `DaemonSet/${NAMESPACE}/agent`, source: 'manifests', pods: 3, cpu: 0.25, memoryGiB: 0.25 }]);
  });
});

describe('capacity plan: what a pod requests', () => {
  const requestsOf = (change: (pod: any) => void) => {
    const objects = moduleObjects();
    change(get(objects, 'Deployment').spec.template.spec);
    const [workload] = planCapacity(fixtureEnv(), objects).workloads;
    return { cpu: workload!.cpu, memoryGiB: workload!.memoryGiB };
  };
  const init = (cpu: string, memory: string) => ({ name: 'init', image: `${REGISTRY}/icv/init:1.0.0`, resources: { requests: { cpu, memory } } });

  it('the containers\' requests; the limits stand in for a missing request', () => {
    expect(requestsOf(() => {})).toEqual({ cpu: 0.25, memoryGiB: 0.25 });
    expect(requestsOf((pod) => delete pod.containers[0].resources.requests)).toEqual({ cpu: 0.5, memoryGiB: 0.5 });
    expect(requestsOf((pod) => delete pod.containers[0].resources)).toEqual({ cpu: 0, memoryGiB: 0 });
  });

  it('the largest init container when it asks for more than the app containers together, per resource', () => {
    expect(requestsOf((pod) => (pod.initContainers = [init('100m', '64Mi'), init('2', '128Mi')]))).toEqual({ cpu: 2, memoryGiB: 0.25 });
    expect(requestsOf((pod) => (pod.initContainers = [init('100m', '1Gi'), init('50m', '512Mi')]))).toEqual({ cpu: 0.25, memoryGiB: 1 });
    expect(requestsOf((pod) => pod.containers.push({ ...pod.containers[0], name: 'sidecar' }))).toEqual({ cpu: 0.5, memoryGiB: 0.5 });
  });
});

describe('capacity plan: platform pods by configuration', () => {
  it('Harbor replicas come from the values; an external database or redis runs no pod', () => {
    const env = fixtureEnv();
    const release = new HarborRelease({ env }).spec;
    const values = structuredClone(release.values) as any;
    values.core.replicas = 2;
    values.database.type = 'external';
    values.redis.type = 'external';
    const workloads = planCapacity(env, [], [{ ...release, values }]).workloads;
    expect(workloads.find((w) => w.workload === 'HelmRelease/harbor/harbor-core')!.pods).toBe(2);
    expect(workloads.map((w) => w.workload)).toEqual(['portal', 'core', 'jobservice', 'registry', 'trivy'].map((c) => `HelmRelease/harbor/harbor-${c}`));
    expect(planCapacity(env, [], [{ ...release, chart: 'other' }]).workloads).toEqual([]);
    expect(planCapacity(env, [], [{ ...release, repository: 'https://charts.example.com' }]).workloads).toEqual([]);
  });

  it('KubeSphere logging on: fluent-bit on every worker and one operator', () => {
    const env = fixtureEnv();
    const config = clusterConfiguration(env) as any;
    config.spec.logging = { enabled: true };
    const logging = planCapacity(env, [config]).workloads.filter((w) => w.source === 'ClusterConfiguration logging');
    expect(logging).toEqual([
      { workload: 'KubeSphere/kubesphere-logging-system/fluent-bit', source: 'ClusterConfiguration logging', pods: 3, cpu: 0.01, memoryGiB: 25 * MI },
      { workload: 'KubeSphere/kubesphere-logging-system/fluentbit-operator', source: 'ClusterConfiguration logging', pods: 1, cpu: 0.01, memoryGiB: 20 * MI },
    ]);
  });

  it('a cluster of fewer than three nodes runs one Prometheus and one Alertmanager; ks-core runs one replica per control-plane node', () => {
    const env = structuredClone(fixtureEnv()) as any;
    env.cluster.hosts = env.cluster.hosts.slice(0, 2);
    env.cluster.roleGroups = { etcd: ['cp1'], controlPlane: ['cp1', 'w1'], worker: ['w1'] };
    const pods = Object.fromEntries(planCapacity(env, [clusterConfiguration(fixtureEnv())]).workloads.map((w) => [w.workload.split('/').pop(), w.pods]));
    expect(pods).toMatchObject({ 'prometheus-k8s': 1, 'alertmanager-main': 1, 'ks-apiserver': 2, 'ks-console': 2, 'ks-controller-manager': 2, 'node-exporter': 1 });
  });
});

describe('capacity table', () => {
  it('names the pods that do not fit per scenario, and shows - for a worker with nothing allocatable', () => {
    const env = fixtureEnv({ workerCapacity: { w3: { cpu: 1, memoryGiB: 2 } } });
    const table = renderCapacityTable(planCapacity(env, hardSpread(1)));
    expect(table).toContain(`all workers up: 2 pod(s) do not fit: ${NAMESPACE}/big-3 (1.5 CPU, 1 GiB), ${NAMESPACE}/big-4 (1.5 CPU, 1 GiB)`);
    expect(table).not.toContain('every pod fits');
    expect(table).toMatch(/^ +w3 +0 +0\.00\/0\.00 +- +0\.0\/0\.0 +- +0\.00 +0\.0$/m);
    expect(table).toContain('system reserve of 1 CPU / 2 GiB');
    expect(table.split('\n')[0]).toBe('Capacity plan for fixture-test (allocatable = worker capacity minus the system reserve of 1 CPU / 2 GiB; Deployments at maximum replicas)');
  });

  it('counts no pods as none, and rounds what a pod asks for to two decimals', () => {
    expect(renderCapacityTable(planCapacity(fixtureEnv(), []))).toContain('Pods counted with all workers up: none\n');
    const [finding] = capacityFindings(planCapacity(fixtureEnv(), moduleObjects({ requests: { cpu: '3333m', memory: '100Mi' }, replicas: 4 })));
    expect(finding!.message).toBe(`1 pod(s) do not fit on the workers: ${NAMESPACE}/demo-4 (3.33 CPU, 0.1 GiB)`);
  });
});

describe('capacity plan: more edges', () => {
  it('the table pads text columns to the left and numbers to the right, each to its widest cell', () => {
    const lines = renderCapacityTable(planCapacity(fixtureEnv(), big())).split('\n');
    expect(lines.slice(2, 8)).toEqual([
      'scenario        node  pods  CPU req/alloc  CPU %  mem GiB req/alloc  mem %  headroom CPU  headroom GiB',
      '--------------  ----  ----  -------------  -----  -----------------  -----  ------------  ------------',
      'all workers up  w1       2      3.00/4.00    75%            2.0/8.0    25%          1.00           6.0',
      '                w2       1      1.50/4.00    38%            1.0/8.0    13%          2.50           7.0',
      '                w3       1      1.50/4.00    38%            1.0/8.0    13%          2.50           7.0',
      'w1 down         w2       2      3.00/4.00    75%            2.0/8.0    25%          1.00           6.0',
    ]);
  });

  it('a finding lists every pod that does not fit, comma-separated', () => {
    const env = fixtureEnv({ workerCapacity: { w3: { cpu: 1, memoryGiB: 2 } } });
    const [allUp] = capacityFindings(planCapacity(env, hardSpread(1)));
    expect(allUp!.message).toBe(`2 pod(s) do not fit on the workers: ${NAMESPACE}/big-3 (1.5 CPU, 1 GiB), ${NAMESPACE}/big-4 (1.5 CPU, 1 GiB)`);
  });

  it('a bare Pod counts once; objects without a pod template, or of other kinds, do not count', () => {
    const objects = moduleObjects();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: NAMESPACE }, spec: get(objects, 'Deployment').spec.template.spec };
    const hollow = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hollow', namespace: NAMESPACE }, spec: { replicas: 3 } };
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job', namespace: NAMESPACE }, spec: { template: get(objects, 'Deployment').spec.template } };
    expect(planCapacity(fixtureEnv(), [pod, hollow, job, get(objects, 'Service')]).workloads).toEqual([{ workload: `Pod/${NAMESPACE}/solo`, source: 'manifests', pods: 1, cpu: 0.25, memoryGiB: 0.25 }]);
  });

  it('memory alone can keep a pod off a worker, and an exact fit still fits', () => {
    const plan = (memory: string, replicas: number) => planCapacity(fixtureEnv(), unspread('mem', replicas, '100m', memory));
    expect(unplacedOf(plan('4096Mi', 6))).toEqual([]);
    expect(plan('4096Mi', 6).scenarios[0]!.nodes.map((n) => n.memoryRequestedGiB)).toEqual([8, 8, 8]);
    expect(unplacedOf(plan('5120Mi', 4))).toEqual([`${NAMESPACE}/mem-4`]);
  });

  it('Harbor and Jenkins pods are placed first-fit, not spread; preferred anti-affinity alone spreads', () => {
    const env = fixtureEnv();
    expect(planCapacity(env, [], [new HarborRelease({ env }).spec]).scenarios[0]!.nodes.map((n) => n.pods)).toEqual([7, 0, 0]);
    const preferred = moduleObjects({ name: 'pref', replicas: 3, requests: { cpu: '100m', memory: '64Mi' } });
    delete get(preferred, 'Deployment').spec.template.spec.topologySpreadConstraints;
    expect(planCapacity(env, preferred).scenarios[0]!.nodes.map((n) => n.pods)).toEqual([1, 1, 1]);
    const config = clusterConfiguration(env) as any;
    const jenkins = planCapacity(env, [config]).workloads.find((w) => w.source === 'ClusterConfiguration devops');
    expect(jenkins).toBeDefined();
  });

  it('a ClusterConfiguration is found by apiVersion and kind; one without devops runs no Jenkins', () => {
    const env = fixtureEnv();
    const config = clusterConfiguration(env) as any;
    expect(planCapacity(env, [{ ...config, apiVersion: 'installer.kubesphere.io/v1alpha2' }]).workloads).toEqual([]);
    expect(planCapacity(env, [{ ...config, kind: 'Configuration' }]).workloads).toEqual([]);
    const noDevops = structuredClone(config);
    delete noDevops.spec.devops;
    expect(planCapacity(env, [noDevops]).workloads.map((w) => w.source)).not.toContain('ClusterConfiguration devops');
  });

  it('a cluster of exactly three nodes runs two Prometheus and three Alertmanager replicas', () => {
    const env = structuredClone(fixtureEnv()) as any;
    env.cluster.hosts = env.cluster.hosts.slice(0, 3);
    env.cluster.roleGroups.worker = ['w1', 'w2'];
    const pods = Object.fromEntries(planCapacity(env, [clusterConfiguration(fixtureEnv())]).workloads.map((w) => [w.workload.split('/').pop(), w.pods]));
    expect(pods).toMatchObject({ 'prometheus-k8s': 2, 'alertmanager-main': 3 });
  });

  it('a KubeSphere pod that does not fit is named by its namespace and name', () => {
    const tiny = { cpu: 1.05, memoryGiB: 2.5 };
    const env = fixtureEnv({ workerCapacity: { w1: tiny, w2: tiny, w3: tiny } });
    const unplaced = unplacedOf(planCapacity(env, [clusterConfiguration(env)]));
    expect(unplaced.length).toBeGreaterThan(0);
    for (const pod of unplaced) expect(pod).toMatch(/^kubesphere-(system|monitoring-system|devops-system)\/[a-z0-9-]+(-\d+|@w\d)$/);
  });
});

describe('capacity plan: survivors of the first mutation run', () => {
  it('a DoNotSchedule spread measures skew from the fewest replicas any worker holds, not from zero', () => {
    expect(unplacedOf(planCapacity(fixtureEnv(), hardSpread(1)))).toEqual([]);
  });

  it('of several DoNotSchedule constraints the smallest maxSkew holds', () => {
    const env = fixtureEnv({ workerCapacity: { w3: { cpu: 1, memoryGiB: 2 } } });
    const objects = hardSpread(2);
    const pod = get(objects, 'Deployment').spec.template.spec;
    pod.topologySpreadConstraints.push({ ...pod.topologySpreadConstraints[0], maxSkew: 1 });
    expect(unplacedOf(planCapacity(env, objects))).toEqual([`${NAMESPACE}/big-3`, `${NAMESPACE}/big-4`]);
  });

  it('with DevOps and logging off the plan counts exactly KubeSphere\'s core and monitoring pods', () => {
    const env = fixtureEnv();
    const config = clusterConfiguration(env) as any;
    config.spec.devops.enabled = false;
    config.spec.logging = { enabled: false };
    expect(planCapacity(env, [config]).workloads.map((w) => w.workload.split('/').pop())).toEqual([
      'ks-apiserver', 'ks-console', 'ks-controller-manager', 'prometheus-k8s', 'alertmanager-main', 'kube-state-metrics', 'prometheus-operator', 'node-exporter',
    ]);
  });
});

// From the survivors of the capacity.ts mutation runs (MUTATION.md, "Checks"): each case breaks one thing they showed.
describe('capacity plan: objects and values missing the fields it reads', () => {
  it('a workload without metadata counts under an empty name; Harbor values without a component\'s key run its pod once, requesting nothing', () => {
    const deployment = get(unspread('anon', 1, '500m'), 'Deployment');
    delete deployment.metadata;
    expect(planCapacity(fixtureEnv(), [deployment]).workloads).toEqual([{ workload: 'Deployment//', source: 'manifests', pods: 1, cpu: 0.5, memoryGiB: 0.25 }]);
    const tiny = { cpu: 1, memoryGiB: 2 };
    expect(unplacedOf(planCapacity(fixtureEnv({ workerCapacity: { w1: tiny, w2: tiny, w3: tiny } }), [deployment])), 'its pod, unplaced, has an empty name too').toEqual(['/-1']);
    const env = fixtureEnv();
    const workloads = planCapacity(env, [], [{ ...new HarborRelease({ env }).spec, values: {} }]).workloads;
    expect(workloads.map((w) => [w.workload.split('/').pop(), w.pods, w.cpu, w.memoryGiB])).toEqual(
      ['portal', 'core', 'jobservice', 'registry', 'trivy', 'database', 'redis'].map((c) => [`harbor-${c}`, 1, 0, 0]),
    );
  });

  it('a ClusterConfiguration without spec runs neither Jenkins nor logging: only KubeSphere\'s core and monitoring pods', () => {
    const env = fixtureEnv();
    const { spec: _spec, ...config } = clusterConfiguration(env) as any;
    expect(planCapacity(env, [config]).workloads.map((w) => w.workload.split('/').pop())).toEqual([
      'ks-apiserver', 'ks-console', 'ks-controller-manager', 'prometheus-k8s', 'alertmanager-main', 'kube-state-metrics', 'prometheus-operator', 'node-exporter',
    ]);
  });

  it('anti-affinity terms, spread constraints and preferred terms that are no mapping are skipped: the pods go first-fit', () => {
    const objects = unspread('junk', 3, '500m');
    const pod = get(objects, 'Deployment').spec.template.spec;
    pod.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: ['junk'], preferredDuringSchedulingIgnoredDuringExecution: ['junk', { weight: 1 }] } };
    pod.topologySpreadConstraints = ['junk'];
    expect(cpuOf(planCapacity(fixtureEnv(), objects))).toEqual([1.5, 0, 0]);
  });
});

describe('capacity plan: what spreads, and the order and load that decide placement', () => {
  /** Three replicas of 500m with only the constructs' ScheduleAnyway constraint (hostname, selecting its own pods), changed by `change`. */
  const scheduleAnyway = (change: (constraint: any) => void = () => {}) => {
    const objects = moduleObjects({ name: 'soft', replicas: 3, requests: { cpu: '500m', memory: '256Mi' } });
    const pod = get(objects, 'Deployment').spec.template.spec;
    delete pod.affinity;
    expect(pod.topologySpreadConstraints).toHaveLength(1);
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' });
    change(pod.topologySpreadConstraints[0]);
    return cpuOf(planCapacity(fixtureEnv(), objects));
  };

  it('a ScheduleAnyway constraint alone spreads; on another topology key, or selecting other pods, it does not', () => {
    expect(scheduleAnyway()).toEqual([0.5, 0.5, 0.5]);
    expect(scheduleAnyway((c) => (c.topologyKey = 'topology.kubernetes.io/zone'))).toEqual([1.5, 0, 0]);
    expect(scheduleAnyway((c) => (c.labelSelector = { matchLabels: { app: 'other' } }))).toEqual([1.5, 0, 0]);
  });

  it('the larger share of a worker, CPU or memory, orders the workloads: a memory-heavy one listed second is placed first', () => {
    // 3 GiB and 5 GiB pods on 8 GiB workers fit only if the 5 GiB ones go first; the 3 GiB ones ask for more CPU.
    const plan = planCapacity(fixtureEnv(), [...unspread('a-mem', 3, '1000m', '3072Mi'), ...unspread('b-mem', 3, '100m', '5120Mi')]);
    expect(unplacedOf(plan)).toEqual([]);
    expect(plan.scenarios[0]!.nodes.map((n) => n.memoryRequestedGiB)).toEqual([8, 8, 8]);
    // 3-CPU pods with less memory than 0.5-CPU ones still go first: memory is a share of the worker's, not GiB.
    expect(unplacedOf(planCapacity(fixtureEnv(), [...unspread('small', 6, '500m', '512Mi'), ...unspread('large', 3, '3000m', '256Mi')]))).toEqual([]);
  });

  it('of two workloads the same size the one whose name sorts first is placed first', () => {
    const tiny = { cpu: 1, memoryGiB: 2 };
    const env = fixtureEnv({ workerCapacity: { w2: tiny, w3: tiny } });
    expect(unplacedOf(planCapacity(env, [...unspread('zeta', 1, '3000m'), ...unspread('alpha', 1, '3000m')]))).toEqual([`${NAMESPACE}/zeta-1`]);
  });

  it('a spread pod goes to the worker with the least load, CPU and memory each as a share of the worker\'s', () => {
    // w1: 4 CPU / 1 GiB allocatable, w2: 4 CPU / 8 GiB, w3: nothing. A memory hog cannot fit w1 and lands on w2.
    const env = fixtureEnv({ workerCapacity: { w1: { cpu: 5, memoryGiB: 3 }, w3: { cpu: 0.5, memoryGiB: 1 } } });
    const spread = () => moduleObjects({ name: 'spread', replicas: 1, requests: { cpu: '100m', memory: '1Mi' } });
    const place = (cpuHog: string, memoryHog: string) => cpuOf(planCapacity(env, [...unspread('cpu-hog', 1, cpuHog, '1Mi'), ...unspread('mem-hog', 1, '1m', memoryHog), ...spread()]));
    // w1 at 0.5 / 4 CPU (0.125) is less loaded than w2 at 2 / 8 GiB (0.25): the spread pod goes to w1.
    expect(place('500m', '2048Mi')).toEqual([0.6, 0.001, 0]);
    // w1 at 1 / 4 CPU (0.25) is more loaded than w2 at 1.5 / 8 GiB (0.19): it goes to w2.
    expect(place('1000m', '1536Mi')).toEqual([1, 0.101, 0]);
  });
});
