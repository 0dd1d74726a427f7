import { describe, expect, it } from 'vitest';
import { diffTrees, renderJson, renderMarkdown, RISK_FLAGS, type DiffOptions, type DiffReport, type RiskFlag } from '../../infra/preview/index.js';
import { loadDistTree } from '../../infra/cli/read-dist-tree.js';
import { configMap, deployment, ingress, labels, networkPolicy, pvc, secret, service, writeTree } from './fixtures.js';

/**
 * Every risk rule of infra/preview/README.md with a planted change that raises it and a near miss that does not.
 * Each case compares one unit before and after in one environment (or two, for the environment column).
 */

type Objects = readonly object[];

function report(before: Objects, after: Objects, options: Partial<DiffOptions> = {}, envs: readonly string[] = ['test']): DiffReport {
  const tree = (objects: Objects) => Object.fromEntries(envs.map((env) => [env, { 'manifests/module/vehicle-access.yaml': objects }]));
  return diffTrees(loadDistTree(writeTree(tree(before))), loadDistTree(writeTree(tree(after))), { from: 'before', to: 'after', ...options });
}

function raised(before: Objects, after: Objects, options: Partial<DiffOptions> = {}): RiskFlag[] {
  return [...new Set(report(before, after, options).flags.map((f) => f.flag))];
}

const statefulSet = (serviceName: string) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'redis', namespace: 'icv-vehicle' },
  spec: { serviceName, selector: { matchLabels: { app: 'redis' } }, template: { spec: { containers: [{ name: 'redis', image: 'redis:7' }] } } },
});

const withContainer = (patch: Record<string, unknown>, pod: Record<string, unknown> = {}) => {
  const d = deployment('vehicle-access');
  const [app, ...rest] = d.spec.template.spec.containers as Record<string, unknown>[];
  return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, ...pod, containers: [{ ...app, ...patch }, ...rest] } } } };
};
const restricted = { securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } };

const role = (rules: object[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'vehicle-access', namespace: 'icv-vehicle' }, rules });
const readConfigMaps = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] };

const egressPolicy = (rules: object[]) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'vehicle-access', namespace: 'icv-vehicle', labels: labels('vehicle-access') },
  spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-access' } }, policyTypes: ['Egress'], egress: rules },
});
const toModule = (module: string, port: number) => ({
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-vehicle' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': module, 'app.kubernetes.io/part-of': 'icv-platform' } } }],
  ports: [{ port, protocol: 'TCP' }],
});
const callerWith = (urls: Record<string, string>) => {
  const d = deployment('vehicle-access');
  const [app, ...rest] = d.spec.template.spec.containers as Record<string, unknown>[];
  const env = Object.entries(urls).map(([name, value]) => ({ name, value }));
  return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ ...app, env }, ...rest] } } } };
};
const REGISTRY_URL = { VEHICLE_REGISTRY_URL: 'http://vehicle-registry.icv-vehicle.svc.cluster.local:8080' };

describe('risk rules: a planted change raises each, a near miss does not', () => {
  it('data.delete: deleting a data-bearing claim, not a ConfigMap', () => {
    expect(raised([pvc('data', '10Gi'), configMap('c', { a: '1' })], [configMap('c', { a: '1' })])).toEqual(['data.delete']);
    expect(raised([pvc('data', '10Gi'), configMap('c', { a: '1' })], [pvc('data', '10Gi')])).toEqual([]);
  });

  it('data.replace: replacing a StatefulSet, not replacing a stateless Deployment', () => {
    const flags = report([statefulSet('redis')], [statefulSet('redis-headless')]).flags;
    expect(flags.map((f) => [f.flag, f.reason])).toEqual([['data.replace', 'replaces StatefulSet icv-vehicle/redis (spec.serviceName is immutable on a StatefulSet): its pods own data-bearing volume claims']]);
    const stateless = report([deployment('vehicle-access')], [deployment('vehicle-access', { selector: { 'app.kubernetes.io/name': 'vehicle-access', track: 'stable' } })]);
    expect(stateless.changes[0]!.status).toBe('replaced');
    expect(stateless.flags).toEqual([]);
  });

  it('data.volume: growing a claim, not relabelling it', () => {
    expect(raised([pvc('data', '10Gi')], [pvc('data', '20Gi')])).toEqual(['data.volume']);
    const relabelled = { ...pvc('data', '10Gi'), metadata: { ...pvc('data', '10Gi').metadata, labels: { tier: 'db' } } };
    expect(raised([pvc('data', '10Gi')], [relabelled])).toEqual([]);
  });

  it('capacity.n-1: a scaling change when the capacity plan newly fails, not a config change, not when the plan holds', () => {
    const hpa = (max: number) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'vehicle-access', namespace: 'icv-vehicle' }, spec: { minReplicas: 2, maxReplicas: max } });
    const failing = { newCapacityFindings: { test: ['capacity.worker-down: with kp-node01 down, 2 pod(s) do not fit: icv-vehicle/vehicle-access-5'] } };
    const flags = report([hpa(3), configMap('c', { a: '1' })], [hpa(6), configMap('c', { a: '2' })], failing).flags;
    expect(flags.map((f) => [f.flag, f.title])).toEqual([['capacity.n-1', 'HorizontalPodAutoscaler icv-vehicle/vehicle-access']]);
    expect(flags[0]!.reason).toContain('with kp-node01 down');
    expect(raised([hpa(3)], [hpa(4)], { newCapacityFindings: {} })).toEqual([]);
  });

  it('edge.still-needed: removing an edge the caller still calls, not removing it with the dependency', () => {
    const before = [callerWith(REGISTRY_URL), egressPolicy([toModule('vehicle-registry', 8080)])];
    const policyOnly = report(before, [callerWith(REGISTRY_URL), egressPolicy([])]).flags;
    expect(policyOnly.map((f) => f.flag)).toEqual(['edge.still-needed']);
    expect(policyOnly[0]!.reason).toBe(
      'vehicle-access may no longer reach vehicle-registry (egress rule removed) but still calls it: VEHICLE_REGISTRY_URL=http://vehicle-registry.icv-vehicle.svc.cluster.local:8080 (its dependsOn still lists vehicle-registry)',
    );
    expect(raised(before, [callerWith({}), egressPolicy([])])).toEqual([]);
    // The dependency's port moves: the edge moves with it.
    const moved = { VEHICLE_REGISTRY_URL: 'http://vehicle-registry.icv-vehicle.svc.cluster.local:8081' };
    expect(raised(before, [callerWith(moved), egressPolicy([toModule('vehicle-registry', 8081)])])).toEqual([]);
  });

  it('security.weaken: allowing privilege escalation, adding a capability, host networking; not another non-root user', () => {
    const base = withContainer(restricted);
    expect(raised([base], [withContainer({ securityContext: { ...restricted.securityContext, allowPrivilegeEscalation: true } })])).toEqual(['security.weaken']);
    expect(raised([base], [withContainer({ securityContext: { ...restricted.securityContext, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } })])).toEqual(['security.weaken']);
    expect(raised([base], [withContainer(restricted, { hostNetwork: true })])).toEqual(['security.weaken']);
    expect(raised([base], [withContainer({ securityContext: { ...restricted.securityContext, runAsUser: 1001 } })])).toEqual([]);
  });

  it('rbac.widen: granting a write verb or secrets, not another read of configmaps', () => {
    expect(raised([role([readConfigMaps])], [role([readConfigMaps, { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }])])).toEqual(['rbac.widen']);
    expect(raised([role([readConfigMaps])], [role([readConfigMaps, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])])).toEqual(['rbac.widen']);
    expect(raised([role([readConfigMaps])], [role([{ ...readConfigMaps, verbs: ['get', 'list', 'watch'] }])])).toEqual([]);
  });

  it('network.widen: a new ipBlock or a namespace-wide peer, not a new edge to one module on its port', () => {
    const before = [egressPolicy([toModule('vehicle-telemetry', 9090)])];
    expect(raised(before, [egressPolicy([toModule('vehicle-telemetry', 9090), { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }])])).toEqual(['network.widen']);
    expect(raised(before, [egressPolicy([toModule('vehicle-telemetry', 9090), { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-map' } } }], ports: [{ port: 8080 }] }])])).toEqual(['network.widen']);
    expect(raised(before, [egressPolicy([toModule('vehicle-telemetry', 9090), toModule('vehicle-registry', 8080)])])).toEqual([]);
    expect(raised([networkPolicy('vehicle-access', [])], [])).toEqual(['network.widen']);
  });

  it('exposure.widen: a Service turned NodePort or a new Ingress host, not a new target port or backend', () => {
    expect(raised([service('vehicle-access')], [service('vehicle-access', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] })])).toEqual(['exposure.widen']);
    expect(raised([], [ingress('vehicle-access', 'vehicle.icv.example.cn')])).toEqual(['exposure.widen']);
    expect(raised([service('vehicle-access')], [service('vehicle-access', { ports: [{ name: 'http', port: 80, targetPort: 8081 }] })])).toEqual([]);
    const otherBackend = ingress('vehicle-access', 'vehicle.icv.example.cn');
    (otherBackend.spec.rules[0]!.http.paths[0]!.backend.service.port as Record<string, unknown>) = { number: 8080 };
    expect(raised([ingress('vehicle-access', 'vehicle.icv.example.cn')], [otherBackend])).toEqual([]);
  });

  it('secret.change: a changed Secret value, never shown; not a new label on the Secret', () => {
    const changed = report([secret('db', { password: 'b2xk' })], [secret('db', { password: 'bmV3' })]);
    expect(changed.flags.map((f) => [f.flag, f.reason])).toEqual([['secret.change', 'Secret changes password (values hidden)']]);
    for (const text of [renderMarkdown(changed), renderJson(changed)]) {
      expect(text).not.toContain('b2xk');
      expect(text).not.toContain('bmV3');
    }
    const labelled = { ...secret('db', { password: 'b2xk' }), metadata: { name: 'db', namespace: 'icv-vehicle', labels: { a: 'b' } } };
    expect(raised([secret('db', { password: 'b2xk' })], [labelled])).toEqual([]);
  });

  it('data.change: a StatefulSet with claim templates changing its image, not a Deployment or a change data.volume already names', () => {
    const withTemplates = (image: string, size = '8Gi') => {
      const s = statefulSet('redis-headless') as any;
      s.spec.template.spec.containers[0].image = image;
      s.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }];
      return s;
    };
    expect(raised([withTemplates('redis:7')], [withTemplates('redis:7.2')])).toEqual(['data.change']);
    expect(raised([withTemplates('redis:7')], [withTemplates('redis:7', '16Gi')])).toEqual(['data.replace', 'data.volume']);
    expect(raised([deployment('vehicle-access')], [deployment('vehicle-access', { image: 'harbor.icv.local/icv/vehicle-access:1.3.0' })])).toEqual([]);
  });

  it('cutover.skip-canary: legacy straight to kubernetes in prod, not in test nor through a canary', () => {
    const primary = (stage?: 'legacy' | 'canary', weight = 0) => {
      const i = ingress('vehicle-access', 'vehicle.icv.example.cn') as any;
      if (stage) i.metadata.annotations = { 'cutover.icv.io/stage': stage, 'cutover.icv.io/kubernetes-weight': String(weight) };
      return i;
    };
    const flagged = (before: object, after: object, env: string) => report([before], [after], {}, [env]).flags.filter((f) => f.flag === 'cutover.skip-canary').map((f) => f.reason);
    expect(flagged(primary('legacy'), primary(), 'prod')).toEqual(['route vehicle.icv.example.cn/: legacy 100% → kubernetes 100% with no canary stage in between in prod']);
    expect(flagged(primary('legacy'), primary(), 'test')).toEqual([]);
    expect(flagged(primary('canary', 50), primary(), 'prod')).toEqual([]);
    expect(flagged(primary('legacy'), primary('canary', 10), 'prod')).toEqual([]);
  });

  it('covers every rule', () => {
    expect([...RISK_FLAGS].sort()).toEqual([
      'capacity.n-1',
      'cutover.skip-canary',
      'data.change',
      'data.delete',
      'data.replace',
      'data.volume',
      'edge.still-needed',
      'exposure.widen',
      'network.widen',
      'rbac.widen',
      'secret.change',
      'security.weaken',
    ]);
  });
});

describe('the environment is a column, not a flag', () => {
  it('a change in prod raises nothing by being in prod; the same risk in both environments is one row for test + prod', () => {
    expect(report([configMap('c', { a: '1' })], [configMap('c', { a: '2' })], {}, ['prod', 'test']).flags).toEqual([]);
    const both = report([pvc('data', '10Gi')], [], {}, ['prod', 'test']);
    expect(both.flags.map((f) => [f.flag, f.envs])).toEqual([['data.delete', ['prod', 'test']]]);
    expect(renderMarkdown(both)).toContain('| `data.delete` | test + prod | `PersistentVolumeClaim harbor/data` (module vehicle-access) |');
  });
});
