import { describe, expect, it } from 'vitest';
import { main as check } from '../../infra/cli/check.js';
import { planCapacity, capacityFindings } from '../../infra/checks/capacity.js';
import { checkParity } from '../../infra/parity/check-parity.js';
import { PARITY } from '../../environments/parity.js';
import { diffTrees } from '../../infra/preview/compare-trees.js';
import { captureOutput } from '../support/inputs.js';
import { build, declaration, distEnv, get, tree, type EnvName, type Scenario } from './scenarios.js';

const NS = 'icv-stateful';
const cluster: Scenario = { redis: { mode: 'cluster' } };
const kinds = (objects: any[]) => objects.filter((o) => o.metadata.namespace === NS && o.metadata.labels?.['app.kubernetes.io/name'] === 'redis').map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe.each(['test', 'prod'] as const)('Redis in the cluster in %s', (env: EnvName) => {
  it('mode cluster: a StatefulSet with its claims behind the same Service name, port and namespace', () => {
    const { objects, env: environment } = build(env, cluster);
    const vm = build(env);
    expect(kinds(objects)).toEqual([
      'NetworkPolicy/redis',
      'PersistentVolumeClaim/data-redis-0',
      'PodDisruptionBudget/redis',
      'Secret/redis-config',
      'Service/redis',
      'Service/redis-headless',
      'StatefulSet/redis',
    ]);
    const service = get(objects, 'Service', 'redis', NS);
    const before = get(vm.objects, 'Service', 'redis', NS);
    expect(service.spec.ports).toEqual(before.spec.ports);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/part-of': 'icv-platform', 'statefulset.kubernetes.io/pod-name': 'redis-0' });
    expect(get(objects, 'EndpointSlice', 'redis-vms', NS)).toBeUndefined();
    const sts = get(objects, 'StatefulSet', 'redis', NS);
    expect(sts.spec.serviceName).toBe('redis-headless');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: environment.sizing.storageClass, resources: { requests: { storage: '8Gi' } } });
    expect(get(objects, 'PersistentVolumeClaim', 'data-redis-0', NS).spec).toEqual(sts.spec.volumeClaimTemplates[0].spec);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toBeUndefined();
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.containers[0].image).toMatch(new RegExp(`^${environment.registry.host}/mirror-docker-io/library/redis@sha256:[0-9a-f]{64}$`));
    expect(get(objects, 'PodDisruptionBudget', 'redis', NS).spec.maxUnavailable).toBe(1);
    expect(JSON.stringify(get(objects, 'Secret', 'redis-config', NS).stringData)).toContain('<redacted:secret:redisPassword>');
  });

  it('mode cluster: modules that use Redis reach its pods instead of the VM, and the stateful namespace denies by default', () => {
    const { objects } = build(env, cluster);
    const vmAddress = build(env).env.statefulServices.redis.addresses[0];
    const auth = get(objects, 'NetworkPolicy', 'identity-auth');
    const egress = JSON.stringify(auth.spec.egress);
    expect(egress).not.toContain(`${vmAddress}/32`);
    expect(auth.spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/part-of': 'icv-platform' } } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    });
    const policy = get(objects, 'NetworkPolicy', 'redis', NS);
    expect(JSON.stringify(policy.spec.ingress)).toContain('identity-auth');
    expect(get(objects, 'NetworkPolicy', 'default-deny', NS)).toBeDefined();
    expect(get(objects, 'Secret', 'harbor-pull', NS)).toBeDefined();
  });

  it('the capacity plan counts the StatefulSet and still fits with a worker down', () => {
    const { objects, env: environment, platform } = build(env, { redis: { mode: 'cluster', cluster: { replicas: 2 } } });
    const plan = planCapacity(environment, objects, platform.units.flatMap((u) => u.helmReleases));
    expect(plan.workloads.find((w) => w.workload === `StatefulSet/${NS}/redis`)).toMatchObject({ pods: 2, cpu: 0.25, memoryGiB: 1 });
    expect(capacityFindings(plan)).toEqual([]);
  });

  it('switching back to vm with the cluster section kept keeps the StatefulSet and its claims, and the Service points at the VMs again', () => {
    const sized: Scenario = { redis: { mode: 'cluster', cluster: { replicas: 2, storage: '16Gi' } } };
    const back: Scenario = { redis: { mode: 'vm', cluster: { replicas: 2, storage: '16Gi' } } };
    const a = build(env, sized).objects;
    const b = build(env, back).objects;
    for (const claim of ['data-redis-0', 'data-redis-1']) expect(get(b, 'PersistentVolumeClaim', claim, NS)).toEqual(get(a, 'PersistentVolumeClaim', claim, NS));
    expect(get(b, 'StatefulSet', 'redis', NS)).toEqual(get(a, 'StatefulSet', 'redis', NS));
    expect(get(b, 'Service', 'redis', NS).spec.selector).toBeUndefined();
    expect(get(b, 'EndpointSlice', 'redis-vms', NS)).toBeDefined();
  });
});

describe('Redis in the cluster in review', () => {
  it('npm run check passes with Redis in the cluster in test, the capacity plan and parity included', async () => {
    const { result, stdout } = await captureOutput(() => check([], { declarations: { test: declaration('test', cluster), prod: declaration('prod') } }));
    expect(stdout).toContain('check: 0 errors');
    expect(stdout).toMatch(/stateful-modes: \d+ difference\(s\)/);
    expect(result).toBe(0);
  }, 120_000);

  it('parity declares the modes: test in the cluster, prod on its VMs, nothing undeclared', () => {
    const result = checkParity(build('test', cluster).platform, build('prod').platform, PARITY);
    expect(result.findings).toEqual([]);
    expect(result.declared.find((d) => d.declaration.id === 'stateful-modes')!.differences.map((d) => d.object)).toEqual(expect.arrayContaining([`StatefulSet/${NS}/redis`, `PersistentVolumeClaim/${NS}/data-redis-0`, `EndpointSlice/${NS}/redis-vms`]));
  });

  it('the diff flags every change to a data-bearing object', () => {
    const unit = 'manifests/shared-infra.yaml';
    const report = diffTrees(tree(distEnv(build('test', cluster), unit)), tree(distEnv(build('test', { redis: { mode: 'cluster', cluster: { replicas: 2 } } }), unit)), { from: 'a', to: 'b' });
    const flagged = report.changes.filter((c) => c.flags.includes('data.change')).map((c) => `${c.status} ${c.target.type === 'object' ? `${c.target.kind}/${c.target.name}` : ''}`).sort();
    expect(flagged).toEqual(['added PersistentVolumeClaim/data-redis-1', 'changed StatefulSet/redis']);
    const vm = diffTrees(tree(distEnv(build('test', cluster), unit)), tree(distEnv(build('test'), unit)), { from: 'a', to: 'b' });
    const dataFlags = vm.changes.filter((c) => c.flags.some((f) => f.startsWith('data.'))).map((c) => `${c.flags.filter((f) => f.startsWith('data.')).join(',')} ${c.status} ${c.target.type === 'object' ? c.target.kind : ''}`).sort();
    expect(dataFlags).toEqual(['data.delete deleted PersistentVolumeClaim', 'data.delete deleted StatefulSet']);
  });
});
