import { describe, expect, it } from 'vitest';
import {
  applyExceptions,
  countFindings,
  exceptionReason,
  finding,
  objectRef,
  sortFindings,
  type Finding,
} from '../../infra/checks/finding.js';
import {
  asLabels,
  autoscalerFor,
  containersOf,
  isBuiltInApiVersion,
  keyPath,
  labelMapMatches,
  namespaceOf,
  podTemplate,
  podTemplates,
  replicaRange,
  scaledValue,
  selectorMatches,
} from '../../infra/checks/kube.js';

/**
 * The helpers every rule reads objects through (infra/checks/kube.ts) and the finding plumbing (finding.ts), on
 * small literal objects: each behaviour a rule relies on, named, so that a change to a helper fails here and not
 * only somewhere in a rule's test.
 */

const deployment = (template: unknown, extra: Record<string, unknown> = {}) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec: { template, ...extra } });

describe('kube helpers', () => {
  it('asLabels keeps string values only; keyPath quotes keys that are not identifiers', () => {
    expect(asLabels({ a: 'x', b: 1, c: null, d: 'y' })).toEqual({ a: 'x', d: 'y' });
    expect(asLabels('nope')).toEqual({});
    expect(keyPath('data', 'password')).toBe('data.password');
    expect(keyPath('data', '_a-b9')).toBe('data._a-b9');
    expect(keyPath('data', '.dockerconfigjson')).toBe("data['.dockerconfigjson']");
    expect(keyPath('data', '9lives')).toBe("data['9lives']");
    expect(keyPath('data', 'tls.crt')).toBe("data['tls.crt']");
  });

  it('isBuiltInApiVersion: the core group, *.k8s.io and the named built-in groups; custom groups are not', () => {
    for (const v of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v2', 'policy/v1', 'extensions/v1beta1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1']) expect(isBuiltInApiVersion(v), v).toBe(true);
    for (const v of ['kubekey.kubesphere.io/v1alpha2', 'installer.kubesphere.io/v1alpha1', 'example.com/v1', 'k8s.io.example.com/v1', 'apps.example/v1']) expect(isBuiltInApiVersion(v), v).toBe(false);
  });

  it('namespaceOf is the namespace, or empty', () => {
    expect(namespaceOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } })).toBe('ns');
    expect(namespaceOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } })).toBe('');
  });

  it('podTemplate: where each kind keeps its pod spec, the template labels, and nothing for a kind without one', () => {
    const template = { metadata: { labels: { app: 'a', n: 1 } }, spec: { containers: [] } };
    expect(podTemplate(deployment(template) as any)).toMatchObject({ path: 'spec.template.spec', labels: { app: 'a' }, spec: { containers: [] } });
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']) expect(podTemplate({ ...deployment(template), kind } as any)?.path, kind).toBe('spec.template.spec');
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template } } } };
    expect(podTemplate(cron as any)?.path).toBe('spec.jobTemplate.spec.template.spec');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'p' } }, spec: { containers: [] } };
    expect(podTemplate(pod as any)).toMatchObject({ path: 'spec', labels: { app: 'p' } });
    expect(podTemplate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } as any)).toBeUndefined();
    expect(podTemplate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { template } } as any)).toBeUndefined();
    expect(podTemplate(deployment({ metadata: {} }) as any)).toBeUndefined();
    expect(podTemplate({ ...deployment(template), spec: undefined } as any)).toBeUndefined();
    expect(podTemplate(deployment({ spec: {} }) as any)?.labels).toEqual({});
    expect(podTemplates([deployment(template), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }] as any)).toHaveLength(1);
  });

  it('containersOf: init containers first, named by name or index, with their paths; non-objects skipped', () => {
    const t = podTemplate(deployment({ spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }, 'junk', {}] } }) as any)!;
    expect(containersOf(t).map(({ name, path, init }) => [name, path, init])).toEqual([
      ['init', 'spec.template.spec.initContainers[init]', true],
      ['app', 'spec.template.spec.containers[app]', false],
      ['2', 'spec.template.spec.containers[2]', false],
    ]);
  });

  it('selectorMatches: matchLabels and every operator; an empty selector selects all, a missing one nothing, an unknown operator nothing', () => {
    const labels = { app: 'a', tier: 'backend' };
    const expr = (operator: string, key: string, values?: string[]) => selectorMatches({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] }, labels);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'a' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'a', tier: 'front' } }, labels)).toBe(false);
    expect(expr('In', 'tier', ['backend', 'x'])).toBe(true);
    expect(expr('In', 'tier', ['x'])).toBe(false);
    expect(expr('In', 'zone', ['backend'])).toBe(false);
    expect(expr('NotIn', 'tier', ['backend'])).toBe(false);
    expect(expr('NotIn', 'tier', ['x'])).toBe(true);
    expect(expr('NotIn', 'zone', ['x'])).toBe(true);
    expect(expr('Exists', 'app')).toBe(true);
    expect(expr('Exists', 'zone')).toBe(false);
    expect(expr('DoesNotExist', 'zone')).toBe(true);
    expect(expr('DoesNotExist', 'app')).toBe(false);
    expect(expr('Gt', 'app', ['1'])).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, labels)).toBe(true);
  });

  it('labelMapMatches: every pair must match, and an empty map selects nothing', () => {
    expect(labelMapMatches({ app: 'a' }, { app: 'a', x: 'y' })).toBe(true);
    expect(labelMapMatches({ app: 'a', x: 'z' }, { app: 'a', x: 'y' })).toBe(false);
    expect(labelMapMatches({}, { app: 'a' })).toBe(false);
  });

  it('replicaRange: the HPA bounds of the workload it targets in its namespace, else spec.replicas, else 1', () => {
    const workload = deployment({ spec: {} }, { replicas: 3 }) as any;
    const hpa = (spec: Record<string, unknown>, namespace = 'ns', ref: Record<string, unknown> = { kind: 'Deployment', name: 'd' }) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace }, spec: { scaleTargetRef: ref, ...spec } });
    expect(replicaRange(workload, [])).toEqual({ min: 3, max: 3 });
    expect(replicaRange(deployment({ spec: {} }) as any, [])).toEqual({ min: 1, max: 1 });
    const scaler = hpa({ minReplicas: 2, maxReplicas: 5 });
    expect(replicaRange(workload, [scaler as any])).toEqual({ min: 2, max: 5, autoscaler: scaler });
    expect(replicaRange(workload, [hpa({}) as any])).toMatchObject({ min: 1, max: 1 });
    expect(replicaRange(workload, [hpa({ minReplicas: 4 }) as any])).toMatchObject({ min: 4, max: 4 });
    expect(autoscalerFor(workload, [hpa({}, 'other') as any])).toBeUndefined();
    expect(autoscalerFor(workload, [hpa({}, 'ns', { kind: 'StatefulSet', name: 'd' }) as any])).toBeUndefined();
    expect(autoscalerFor(workload, [hpa({}, 'ns', { kind: 'Deployment', name: 'e' }) as any])).toBeUndefined();
    expect(autoscalerFor(workload, [{ ...hpa({}), kind: 'Other' } as any])).toBeUndefined();
  });

  it('scaledValue: a number as is, a percentage rounded up, anything else unknown', () => {
    expect(scaledValue(2, 10)).toBe(2);
    expect(scaledValue('25%', 10)).toBe(3);
    expect(scaledValue('0%', 10)).toBe(0);
    expect(scaledValue('100%', 3)).toBe(3);
    expect(scaledValue('25', 10)).toBeUndefined();
    expect(scaledValue('x25%', 10)).toBeUndefined();
    expect(scaledValue('25%x', 10)).toBeUndefined();
    expect(scaledValue(undefined, 10)).toBeUndefined();
  });

  it('objects and entries missing the fields a helper reads: no crash, and nothing selected or targeted', () => {
    expect(podTemplate({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [] } } as any)?.labels).toEqual({});
    expect(selectorMatches({ matchExpressions: ['junk'] }, { app: 'a' })).toBe(false);
    const workload = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' } } as any;
    const hpa = (spec?: unknown) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'ns' }, ...(spec ? { spec } : {}) }) as any;
    expect(autoscalerFor(workload, [hpa(), hpa({ minReplicas: 2 })])).toBeUndefined();
    const targeting = hpa({ scaleTargetRef: { kind: 'Deployment', name: 'd' } });
    expect(autoscalerFor({ apiVersion: 'apps/v1', kind: 'Deployment' } as any, [{ ...targeting, metadata: { name: 'h' } }])).toBeUndefined();
    expect(replicaRange(workload, [])).toEqual({ min: 1, max: 1 });
    expect(scaledValue(['50%'], 4), 'a list whose text looks like a percentage is no percentage').toBeUndefined();
  });
});

describe('findings', () => {
  const f = (over: Partial<Finding>): Finding => ({ rule: 'r.a', severity: 'error', object: 'Kind/ns/a', path: 'p', message: 'm', fix: 'x', ...over });

  it('objectRef: Kind/namespace/name, Kind/name when cluster-scoped, <unnamed> without a name', () => {
    expect(objectRef({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } })).toBe('Pod/ns/p');
    expect(objectRef({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', namespace: '' } })).toBe('Namespace/ns');
    expect(objectRef({ apiVersion: 'v1', kind: 'Pod', metadata: { name: '' } } as any)).toBe('Pod/<unnamed>');
    expect(objectRef({ apiVersion: 'v1', kind: 'Pod' } as any)).toBe('Pod/<unnamed>');
    expect(finding('Environment/x', 'r.b', 'warning', 'a.b', 'msg', 'fix')).toEqual({ rule: 'r.b', severity: 'warning', object: 'Environment/x', path: 'a.b', message: 'msg', fix: 'fix' });
  });

  it('exceptionReason: the annotation on the object or its pod template; blank reasons do not count', () => {
    const key = 'exceptions.icv.io/r.a';
    expect(exceptionReason({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [key]: 'why' } } }, 'r.a')).toBe('why');
    expect(exceptionReason({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [key]: '  ' } } }, 'r.a')).toBeUndefined();
    expect(exceptionReason(deployment({ metadata: { annotations: { [key]: 'templ' } }, spec: {} }) as any, 'r.a')).toBe('templ');
    expect(exceptionReason(deployment({ metadata: { annotations: { [key]: ' ' } }, spec: {} }) as any, 'r.a')).toBeUndefined();
    expect(exceptionReason(deployment({ metadata: { annotations: { [key]: 'templ' } }, spec: {} }) as any, 'r.b')).toBeUndefined();
    expect(exceptionReason({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [key]: 7 } } } as any, 'r.a')).toBeUndefined();
  });

  it('applyExceptions: a declared or carried reason makes an exception; others and existing exceptions stay', () => {
    const objects = [{ apiVersion: 'v1', kind: 'Kind', metadata: { name: 'a', namespace: 'ns', annotations: { 'exceptions.icv.io/r.a': 'declared' } } }];
    expect(applyExceptions([f({}), f({ rule: 'r.b' }), f({ object: 'Kind/ns/other' }), f({ rule: 'r.c', reason: 'carried' }), f({ severity: 'exception', reason: 'kept' })], objects)).toEqual([
      f({ severity: 'exception', reason: 'declared' }),
      f({ rule: 'r.b' }),
      f({ object: 'Kind/ns/other' }),
      f({ rule: 'r.c', severity: 'exception', reason: 'carried' }),
      f({ severity: 'exception', reason: 'kept' }),
    ]);
    const twice = [objects[0]!, { ...objects[0]!, metadata: { name: 'a', namespace: 'ns' } }];
    expect(applyExceptions([f({})], twice)[0]!.severity, 'the first object of a name counts').toBe('exception');
  });

  it('objectRef: a name or namespace that is not a string does not count; exceptionReason reads objects without metadata or template metadata', () => {
    expect(objectRef({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 42, namespace: 'ns' } } as any)).toBe('Pod/ns/<unnamed>');
    expect(objectRef({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 7 } } as any)).toBe('Pod/p');
    expect(exceptionReason({ apiVersion: 'v1', kind: 'Pod' } as any, 'r.a')).toBeUndefined();
    expect(exceptionReason(deployment({ spec: {} }) as any, 'r.a')).toBeUndefined();
  });

  it('applyExceptions passes an existing exception through as it is, even when its object declares a reason', () => {
    const objects = [{ apiVersion: 'v1', kind: 'Kind', metadata: { name: 'a', namespace: 'ns', annotations: { 'exceptions.icv.io/r.a': 'declared' } } }];
    const existing = f({ severity: 'exception' });
    expect(applyExceptions([existing], objects)).toEqual([existing]);
  });

  it('sortFindings: severity, then rule, object, path and message; countFindings counts each severity', () => {
    const list = [f({ severity: 'exception' }), f({ severity: 'warning' }), f({ rule: 'r.b' }), f({ object: 'Kind/ns/b' }), f({ path: 'q' }), f({ message: 'n' }), f({})];
    expect(sortFindings(list).map((x) => [x.severity, x.rule, x.object, x.path, x.message])).toEqual([
      ['error', 'r.a', 'Kind/ns/a', 'p', 'm'],
      ['error', 'r.a', 'Kind/ns/a', 'p', 'n'],
      ['error', 'r.a', 'Kind/ns/a', 'q', 'm'],
      ['error', 'r.a', 'Kind/ns/b', 'p', 'm'],
      ['error', 'r.b', 'Kind/ns/a', 'p', 'm'],
      ['warning', 'r.a', 'Kind/ns/a', 'p', 'm'],
      ['exception', 'r.a', 'Kind/ns/a', 'p', 'm'],
    ]);
    expect(list[0]!.severity, 'a sorted copy').toBe('exception');
    expect(countFindings(list)).toEqual({ errors: 5, warnings: 1, exceptions: 1 });
  });
});
