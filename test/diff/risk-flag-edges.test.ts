import { describe, expect, it } from 'vitest';
import { artifactRisks, diffValues, flagsOf, replacementReasons, RISK_FLAGS, type DistArtifact } from '../../infra/preview/index.js';
import { distObject, meta, risks, type Body } from './risk-objects.js';

/**
 * The edges of the risk rules beside risk-flag-rules.test.ts: which kinds each rule looks at, the ingress side of an
 * edge, long values shortened in a reason, the order of flags, the replacement reasons of stateless kinds. Each planted change is
 * paired with the near miss that must stay quiet.
 */

const workload = (kind: string, replicas: number, pod: Body = {}) => ({ apiVersion: 'apps/v1', kind, metadata: meta('w'), spec: { replicas, selector: { matchLabels: { app: 'w' } }, template: { spec: { containers: [{ name: 'app', image: 'a:1' }], ...pod } } } });
const findings = { newCapacityFindings: ['capacity.worker-down: no room'] };

describe('capacity.n-1 looks at every scalable workload', () => {
  it('a StatefulSet and a DaemonSet scale too', () => {
    for (const kind of ['StatefulSet', 'DaemonSet']) expect(risks(workload(kind, 1), workload(kind, 3), findings).map((r) => r.flag)).toEqual(['capacity.n-1']);
  });
  it('an autoscaler’s minimum', () => {
    const hpa = (min: number) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('w'), spec: { minReplicas: min, maxReplicas: 9 } });
    expect(risks(hpa(2), hpa(4), findings).map((r) => r.flag)).toEqual(['capacity.n-1']);
  });
  it('a limit (not a request) is not a capacity change; neither is a Job', () => {
    const limits = (cpu: string) => workload('Deployment', 2, { containers: [{ name: 'app', image: 'a:1', resources: { limits: { cpu } } }] });
    expect(risks(limits('1'), limits('2'), findings)).toEqual([]);
    const job = (n: number) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('j'), spec: { parallelism: n, template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } } });
    expect(risks(job(1), job(5), findings).filter((r) => r.flag === 'capacity.n-1')).toEqual([]);
  });
});

describe('edge.still-needed from the callee’s side', () => {
  const ingressPolicy = (from: Body[]) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('vehicle-registry'), spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-registry' } }, policyTypes: ['Ingress'], ingress: from } });
  const fromAccess = { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-access' } } }], ports: [{ port: 8080, protocol: 'TCP' }] };
  const needs = new Map([['vehicle-access', [{ module: 'vehicle-registry', ports: ['8080'], variable: 'VEHICLE_REGISTRY_URL=http://vehicle-registry.icv-vehicle.svc.cluster.local:8080' }]]]);
  it('the callee no longer admits a caller that still calls it', () => {
    expect(risks(ingressPolicy([fromAccess]), ingressPolicy([]), { needs })).toEqual([{ flag: 'edge.still-needed', reason: expect.stringMatching(/^vehicle-access may no longer reach vehicle-registry \(ingress rule removed\) but still calls it: VEHICLE_REGISTRY_URL=/) }]);
  });
  it('near miss: a rule for any port keeps the edge; another caller’s rule removed', () => {
    const anyPort = { from: fromAccess.from };
    expect(risks(ingressPolicy([fromAccess]), ingressPolicy([anyPort]), { needs }).filter((r) => r.flag === 'edge.still-needed')).toEqual([]);
    const fromOther = { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-state' } } }], ports: [{ port: 8080 }] };
    expect(risks(ingressPolicy([fromAccess, fromOther]), ingressPolicy([fromAccess]), { needs })).toEqual([]);
  });
  it('without the needs of the environment, no edge is judged', () => {
    expect(risks(ingressPolicy([fromAccess]), ingressPolicy([]))).toEqual([]);
  });
});

describe('reasons stay short and distinct', () => {
  it('a value longer than 80 characters is cut with an ellipsis', () => {
    const pvc = (storageClassName: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), spec: { storageClassName, resources: { requests: { storage: '1Gi' } } } });
    const long = 'c'.repeat(100);
    const volume = risks(pvc('local'), pvc(long)).find((r) => r.flag === 'data.volume')!;
    expect(volume.reason).toBe(`spec.storageClassName of a data-bearing claim: local → ${'c'.repeat(79)}…`);
    const exact = 'd'.repeat(80);
    expect(risks(pvc('local'), pvc(exact)).find((r) => r.flag === 'data.volume')!.reason).toBe(`spec.storageClassName of a data-bearing claim: local → ${exact}`);
  });
  it('a claim that gains a field says what happened to it', () => {
    const pvc = (spec: Body) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), spec });
    expect(risks(pvc({ resources: { requests: { storage: '1Gi' } } }), pvc({ resources: { requests: { storage: '1Gi' } }, volumeMode: 'Block' })).find((r) => r.flag === 'data.volume')!.reason)
      .toBe('spec.volumeMode of a data-bearing claim: added');
  });
  it('two volumes of one host path: one reason that names each volume’s path', () => {
    const both = (path: string) => workload('Deployment', 1, { containers: [{ name: 'app', image: 'a:1' }], volumes: [{ name: 'a', hostPath: { path } }, { name: 'b', hostPath: { path } }] });
    expect(risks(workload('Deployment', 1), both('/var/run')).filter((r) => r.flag === 'security.weaken')).toEqual([{ flag: 'security.weaken', reason: 'mounts host path /var/run, /var/run' }]);
  });
  it('a host path already mounted is not new', () => {
    const mounted = workload('Deployment', 1, { volumes: [{ name: 'a', hostPath: { path: '/var/run' } }] });
    expect(risks(mounted, mounted)).toEqual([]);
  });
  it('flags come out most severe first, each once', () => {
    expect(flagsOf([{ flag: 'secret.change', reason: 'a' }, { flag: 'data.delete', reason: 'b' }, { flag: 'secret.change', reason: 'c' }])).toEqual(['data.delete', 'secret.change']);
    expect(RISK_FLAGS[0]).toBe('data.delete');
  });
});

describe('replacement reasons of stateless kinds (status replaced, no data flag)', () => {
  const obj = (kind: string, body: Body) => distObject({ apiVersion: 'v1', kind, metadata: meta('x'), ...body });
  const reasons = (kind: string, before: Body, after: Body) => replacementReasons(obj(kind, before), obj(kind, after), diffValues(before, after));
  it('an immutable ConfigMap’s data; its labels are not', () => {
    expect(reasons('ConfigMap', { immutable: true, data: { a: '1' } }, { immutable: true, data: { a: '2' } })).toEqual(['the ConfigMap is immutable: its data can only change by re-creating it']);
    expect(reasons('ConfigMap', { immutable: true, data: { a: '1' } }, { immutable: true, data: { a: '1' }, metadata: meta('x', { labels: { b: 'c' } }) })).toEqual([]);
    expect(reasons('ConfigMap', { data: { a: '1' } }, { data: { a: '2' } })).toEqual([]);
  });
  it('a Service to or from ExternalName; ClusterIP to NodePort is an update', () => {
    expect(reasons('Service', { spec: { type: 'ClusterIP' } }, { spec: { type: 'ExternalName' } })).toEqual(['spec.type ClusterIP → ExternalName re-creates the Service']);
    expect(reasons('Service', { spec: { type: 'ExternalName' } }, { spec: {} })).toEqual(['spec.type ExternalName → ClusterIP re-creates the Service']);
    expect(reasons('Service', { spec: {} }, { spec: { type: 'NodePort' } })).toEqual([]);
  });
  it('a RoleBinding’s roleRef', () => {
    expect(reasons('RoleBinding', { roleRef: { kind: 'Role', name: 'a' } }, { roleRef: { kind: 'Role', name: 'b' } })).toEqual(['roleRef is immutable on a RoleBinding']);
  });
  it('a kind change stops at the kind', () => {
    const before = obj('ConfigMap', { data: { a: '1' } });
    const after = distObject({ apiVersion: 'v1', kind: 'Secret', metadata: meta('x'), type: 'Opaque', data: { a: '1' } });
    expect(replacementReasons(before, after, diffValues(before.body, after.body))).toEqual(['kind ConfigMap → Secret']);
  });
});

describe('rbac.widen of bindings', () => {
  const binding = (kind: string, subjects: Body[], roleRef?: Body) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: meta('b'), ...(roleRef && { roleRef }), subjects });
  it('a ClusterRoleBinding gaining a subject names its ClusterRole', () => {
    expect(risks(binding('ClusterRoleBinding', [], { kind: 'ClusterRole', name: 'view' }), binding('ClusterRoleBinding', [{ kind: 'Group', name: 'ops' }], { kind: 'ClusterRole', name: 'view' })))
      .toEqual([{ flag: 'rbac.widen', reason: 'binds ClusterRole view to a new subject {"kind":"Group","name":"ops"}' }]);
  });
  it('a binding without a roleRef says "its role"', () => {
    expect(risks(binding('RoleBinding', []), binding('RoleBinding', [{ kind: 'User', name: 'u' }]))).toEqual([{ flag: 'rbac.widen', reason: 'binds its role to a new subject {"kind":"User","name":"u"}' }]);
  });
  it('near miss: a ConfigMap named like a role', () => {
    expect(risks({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('b'), data: { a: '1' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('b'), data: { a: '2' }, rules: [{ verbs: ['*'], resources: ['*'] }] })).toEqual([]);
  });
});

describe('exposure.widen edges', () => {
  it('an Ingress default backend is a new way in', () => {
    const ing = (spec: Body) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'), spec });
    expect(risks(ing({ rules: [] }), ing({ rules: [], defaultBackend: { service: { name: 's', port: { number: 80 } } } }))).toEqual([{ flag: 'exposure.widen', reason: 'Ingress now exposes * (default backend)' }]);
  });
  it('a new TLS host alone is not a new route', () => {
    const ing = (tls: string[]) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('i'), spec: { rules: [], tls: [{ hosts: tls }] } });
    expect(risks(ing([]), ing(['www.icv.example.cn']))).toEqual([]);
  });
  it('a UDP node port says its protocol', () => {
    const svc = (ports: Body[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('s'), spec: { type: 'NodePort', ports } });
    expect(risks(svc([{ port: 53, nodePort: 30053 }]), svc([{ port: 53, nodePort: 30053 }, { port: 53, protocol: 'UDP', nodePort: 30054 }]))).toEqual([{ flag: 'exposure.widen', reason: 'new NodePort 30054/UDP on every node' }]);
  });
  it('a NodePort Service becoming LoadBalancer says so once, without its node ports', () => {
    const svc = (type: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('s'), spec: { type, ports: [{ port: 53, nodePort: 30053 }] } });
    expect(risks(svc('NodePort'), svc('LoadBalancer'))).toEqual([{ flag: 'exposure.widen', reason: 'Service becomes LoadBalancer, reachable from outside the cluster' }]);
    expect(risks(svc('LoadBalancer'), svc('NodePort'))).toEqual([{ flag: 'exposure.widen', reason: 'Service becomes NodePort, reachable from outside the cluster' }]);
  });
});

describe('secret.change edges', () => {
  const secret = (extra: Body) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), ...extra });
  it('binaryData counts as data', () => {
    expect(risks(secret({ binaryData: { k: 'AA==' } }), secret({ binaryData: { k: 'AQ==' } }))).toEqual([{ flag: 'secret.change', reason: 'Secret changes k (values hidden)' }]);
  });
  it('a key moving from data to stringData with the same value is a change', () => {
    expect(risks(secret({ data: { k: 'eA==' } }), secret({ stringData: { k: 'x' } })).map((r) => r.flag)).toEqual(['secret.change']);
  });
  it('a hidden value of any artifact, not only Harbor’s', () => {
    const values = (password: string): DistArtifact => ({ file: 'helm/gitlab.values.yaml', kind: 'helm-values', format: 'yaml', unit: 'helm/gitlab', text: '', document: { rootPassword: password } } as DistArtifact);
    const changes = diffValues(values('a').document, values('b').document);
    expect(artifactRisks({ env: 'prod', before: values('a'), after: values('b'), changes })).toEqual([{ flag: 'secret.change', reason: 'rootPassword changed (value hidden)' }]);
  });
  it('a ConfigMap with the same keys is no secret', () => {
    expect(risks({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('s'), data: { password: 'a' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('s'), data: { password: 'b' } })).toEqual([]);
  });
});
