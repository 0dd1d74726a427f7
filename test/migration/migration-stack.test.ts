import { beforeAll, describe, expect, it } from 'vitest';
import { runProgram, type Registration } from '../pulumi/stack-harness.js';
import { build, MODULE, NAMESPACE, type EnvName, type Scenario } from './scenarios.js';

/**
 * The program under mocks on a migration in progress: a module in canary and Redis in the cluster, one run per stack
 * (a program run takes tens of seconds on a loaded machine). Stage `kubernetes` and mode `vm` are the real environments,
 * which the stack suites run (test/pulumi/stack-suite.ts: exactly one resource per synthesized object).
 */
const MIGRATING: Scenario = { cutover: { stage: 'canary', weight: 20 }, redis: { mode: 'cluster', cluster: { replicas: 2 } } };

async function registered(env: EnvName, scenario: Scenario): Promise<Map<string, Registration>> {
  const { env: environment, catalog } = build(env, scenario);
  const run = await runProgram(env, { inputs: { env: environment, catalog } });
  return new Map(run.registrations.filter((r) => r.type.startsWith('kubernetes:') && r.inputs.kind).map((r) => [`${r.inputs.kind} ${r.inputs.metadata?.namespace ?? ''}/${r.inputs.metadata?.name}`, r]));
}

describe.each(['test', 'prod'] as const)('the Pulumi program under mocks in %s, mid-migration', (env) => {
  let objects: Map<string, Registration>;
  beforeAll(async () => {
    objects = await registered(env, MIGRATING);
  }, 120_000);

  it('registers one typed resource per synthesized object, the cutover and in-cluster ones included', () => {
    const expected = build(env, MIGRATING).objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    expect([...objects.keys()].sort()).toEqual(expected);
  });

  it('canary 20: the canary Ingress, the legacy upstream Service and EndpointSlice', () => {
    expect(objects.get(`Ingress ${NAMESPACE}/${MODULE}-canary`)?.type).toBe('kubernetes:networking.k8s.io/v1:Ingress');
    expect(objects.get(`Ingress ${NAMESPACE}/${MODULE}-canary`)?.inputs.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('20');
    expect(objects.get(`Ingress ${NAMESPACE}/${MODULE}`)?.inputs.spec.rules[0].http.paths[0].backend.service.name).toBe(`${MODULE}-legacy`);
    expect(objects.get(`Service ${NAMESPACE}/${MODULE}-legacy`)?.type).toBe('kubernetes:core/v1:Service');
    expect(objects.get(`EndpointSlice ${NAMESPACE}/${MODULE}-legacy-endpoints`)?.type).toBe('kubernetes:discovery.k8s.io/v1:EndpointSlice');
  });

  it(`Redis in the cluster: a StatefulSet, and claims kept on delete${env === 'prod' ? ' and protected' : ''}`, () => {
    expect(objects.get('StatefulSet icv-stateful/redis')?.type).toBe('kubernetes:apps/v1:StatefulSet');
    expect(objects.get('StatefulSet icv-stateful/redis')?.protect).toBe(false);
    for (const claim of ['data-redis-0', 'data-redis-1']) {
      const reg = objects.get(`PersistentVolumeClaim icv-stateful/${claim}`)!;
      expect(reg.type).toBe('kubernetes:core/v1:PersistentVolumeClaim');
      expect(reg.retainOnDelete).toBe(true);
      expect(reg.protect).toBe(env === 'prod');
    }
    expect(objects.get('Secret icv-stateful/redis-config')?.additionalSecretOutputs).toEqual(expect.arrayContaining(['stringData']));
  });
});
