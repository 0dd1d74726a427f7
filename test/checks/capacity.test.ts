import { describe, expect, it } from 'vitest';
import { capacityFindings, planCapacity, renderCapacityTable } from '../../infra/checks/index.js';
import { fixtureEnv, get, moduleObjects, NAMESPACE } from './fixtures.js';

/** Four replicas of 1.5 CPU / 1 GiB, spread across the workers (4 CPU / 8 GiB allocatable each). */
const big = () => moduleObjects({ name: 'big', replicas: 4, requests: { cpu: '1500m', memory: '1Gi' } });

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
    expect(finding!.message).toContain('1 pod(s) do not fit on the workers: icv-demo/big-4');
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
});
