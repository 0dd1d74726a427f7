import { describe, expect, it } from 'vitest';
import { artifactRisks, diffValues, replacementReasons, type DistArtifact, type FlagReason } from '../../infra/preview/index.js';
import { distObject, meta, risks, type Body } from './risk-objects.js';

/**
 * The boundaries of the risk rules that risk-flag-rules.test.ts and risk-flag-edges.test.ts leave open, each found by a
 * surviving mutant (MUTATION.md): reasons that join several items, a change beside the one that matters, a new object
 * (no `before`) or a deleted one (no `after`) reaching code written for a change, the defaults a new workload is
 * judged against. Each asserts the rule id and its reason (or that the rule stays quiet), on small objects.
 */

const flagged = (list: readonly FlagReason[], flag: string) => list.filter((r) => r.flag === flag).map((r) => r.reason);
const replacement = (before: Body, after: Body) => replacementReasons(distObject(before), distObject(after), diffValues(before, after));

const deployment = (pod: Body = {}, extra: Body = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta('w'),
  spec: { replicas: 2, selector: { matchLabels: { app: 'w' } }, template: { spec: { containers: [{ name: 'app', image: 'a:1' }], ...pod } }, ...extra },
});
const statefulSet = (spec: Body) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'), spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { spec: { containers: [{ name: 'db', image: 'db:1' }] } }, ...spec } });
const claimTemplates = [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }];

describe('data rules', () => {
  it('data.replace joins several replacement reasons with "; "', () => {
    const before = statefulSet({ volumeClaimTemplates: claimTemplates });
    const after = { ...before, spec: { ...before.spec, serviceName: 'db2', podManagementPolicy: 'Parallel' } };
    expect(flagged(risks(before, after), 'data.replace')).toEqual([
      'replaces StatefulSet icv-vehicle/db (spec.serviceName is immutable on a StatefulSet; spec.podManagementPolicy is immutable on a StatefulSet): its pods own data-bearing volume claims',
    ]);
  });
  it('data.change: creating a claim or a StatefulSet with claim templates says "creates"; a label beside a spec change still counts', () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), spec: { resources: { requests: { storage: '1Gi' } } } };
    expect(risks(undefined, claim)).toEqual([{ flag: 'data.change', reason: 'creates PersistentVolumeClaim icv-vehicle/data: it holds a volume\'s data' }]);
    expect(flagged(risks(undefined, statefulSet({ volumeClaimTemplates: claimTemplates })), 'data.change')).toEqual(['creates StatefulSet icv-vehicle/db: its pods write to their volume claims']);
    const before = statefulSet({ volumeClaimTemplates: claimTemplates });
    const after = { ...before, metadata: meta('db', { labels: { tier: 'data' } }), spec: { ...before.spec, template: { spec: { containers: [{ name: 'db', image: 'db:2' }] } } } };
    expect(flagged(risks(before, after), 'data.change')).toEqual(['changes StatefulSet icv-vehicle/db: its pods write to their volume claims']);
  });
  it('data.change also beside a flag of another rule (only a data flag makes it redundant)', () => {
    const before = statefulSet({ volumeClaimTemplates: claimTemplates });
    const after = { ...before, spec: { ...before.spec, template: { spec: { containers: [{ name: 'db', image: 'db:1', securityContext: { privileged: true } }] } } } };
    expect(risks(before, after).map((r) => r.flag)).toEqual(['data.change', 'security.weaken']);
  });
  it('a StatefulSet without claim templates is not data-bearing: a new image raises nothing', () => {
    const before = statefulSet({});
    const after = { ...before, spec: { ...before.spec, template: { spec: { containers: [{ name: 'db', image: 'db:2' }] } } } };
    expect(risks(before, after)).toEqual([]);
  });
  it('data.volume: claim templates added to a StatefulSet are named at their path; a whole spec removed is a replacement, not a volume change', () => {
    const before = statefulSet({});
    expect(flagged(risks(before, statefulSet({ volumeClaimTemplates: claimTemplates })), 'data.volume')).toEqual(['spec.volumeClaimTemplates of a data-bearing claim: added']);
    const withTemplates = statefulSet({ volumeClaimTemplates: claimTemplates });
    const specless = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db') };
    const result = risks(withTemplates, specless);
    expect(flagged(result, 'data.volume')).toEqual([]);
    expect(flagged(result, 'data.replace')).toHaveLength(1);
  });
});

describe('replacementReasons', () => {
  const service = (spec: Body, labels: Body = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('s', { labels }), spec });
  it('an immutable field changed beside a mutable one is still a replacement', () => {
    expect(replacement(service({ clusterIP: '10.233.0.10' }), service({ clusterIP: '10.233.0.11' }, { tier: 'x' }))).toEqual(['spec.clusterIP is immutable on a Service']);
  });
  it('a Service without a type is ClusterIP; ExternalName to ExternalName with another name is an update', () => {
    expect(replacement(service({ ports: [] }), service({ type: 'ExternalName', externalName: 'a.example', ports: [] }))).toEqual(['spec.type ClusterIP → ExternalName re-creates the Service']);
    expect(replacement(service({ type: 'ExternalName', externalName: 'a.example' }), service({ type: 'ExternalName', externalName: 'b.example' }))).toEqual([]);
  });
  it('an immutable ConfigMap or Secret: a change of data, binaryData or stringData re-creates it; a mutable one, or a label, does not', () => {
    const configMap = (binaryData: Body, immutable: boolean, labels: Body = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c', { labels }), immutable, binaryData });
    expect(replacement(configMap({ a: 'AA==' }, true), configMap({ a: 'AQ==' }, true))).toEqual(['the ConfigMap is immutable: its data can only change by re-creating it']);
    expect(replacement(configMap({ a: 'AA==' }, false), configMap({ a: 'AQ==' }, false))).toEqual([]);
    expect(replacement(configMap({ a: 'AA==' }, true), configMap({ a: 'AA==' }, true, { x: 'y' }))).toEqual([]);
    const secret = (stringData: Body) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), type: 'Opaque', immutable: true, stringData });
    expect(replacement(secret({ p: 'one' }), secret({ p: 'two' }))).toEqual(['the Secret is immutable: its data can only change by re-creating it']);
    const other = (data: Body) => ({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: meta('w'), immutable: true, data });
    expect(replacement(other({ a: '1' }), other({ a: '2' }))).toEqual([]);
  });
  it('a claim may grow, not shrink; a size that cannot be read, or any other spec field, is a replacement', () => {
    const claim = (storage: string, storageClassName = 'local') => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'), spec: { storageClassName, resources: { requests: { storage } } } });
    expect(replacement(claim('1Gi'), claim('2Gi'))).toEqual([]);
    expect(replacement(claim('2Gi'), claim('1Gi'))).toEqual(['spec.resources.requests.storage 2Gi → 1Gi: a claim can only grow']);
    expect(replacement(claim('1Gi'), claim('lots'))).toEqual(['spec.resources.requests.storage 1Gi → lots: a claim can only grow']);
    expect(replacement(claim('lots'), claim('2Gi'))).toEqual(['spec.resources.requests.storage lots → 2Gi: a claim can only grow']);
    expect(replacement(claim('1Gi'), claim('1Gi', 'fast'))).toEqual(['spec.storageClassName is immutable on a PersistentVolumeClaim']);
  });
});

describe('cutover.skip-canary and capacity.n-1 on objects that appear or go', () => {
  const ingress = (annotations?: Body) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('vehicle-access', annotations && { annotations }), spec: { rules: [{ host: 'a.example', http: { paths: [{ path: '/' }] } }] } });
  it('a primary Ingress created or deleted in a protected environment is no skipped canary', () => {
    expect(flagged(risks(undefined, ingress(), { protectedEnv: true }), 'cutover.skip-canary')).toEqual([]);
    expect(flagged(risks(ingress({ 'cutover.icv.io/stage': 'legacy' }), undefined, { protectedEnv: true }), 'cutover.skip-canary')).toEqual([]);
  });
  const findings = { newCapacityFindings: ['capacity.worker-down: no room'] };
  it('capacity.n-1: a new ConfigMap is no capacity change; replicas changed beside a label are', () => {
    expect(risks(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c'), data: { a: '1' } }, findings)).toEqual([]);
    const after = { ...deployment(), metadata: meta('w', { labels: { x: 'y' } }), spec: { ...deployment().spec, replicas: 3 } };
    expect(flagged(risks(deployment(), after, findings), 'capacity.n-1')).toEqual(['the capacity plan no longer holds: capacity.worker-down: no room']);
  });
});

describe('edge.still-needed: which removed edge is still called', () => {
  const policy = (subject: string, spec: Body) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(subject), spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': subject } }, ...spec } });
  const to = (module: string, port: number) => ({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': module } } }], ports: [{ port, protocol: 'TCP' }] });
  const egress = (...rules: Body[]) => policy('vehicle-access', { policyTypes: ['Egress'], egress: rules });
  const variable = 'VEHICLE_REGISTRY_URL=http://vehicle-registry.icv-vehicle.svc.cluster.local:8080';
  const needs = new Map([
    ['vehicle-access', [
      { module: 'vehicle-state', ports: ['8080'], variable: 'VEHICLE_STATE_URL=http://vehicle-state.icv-vehicle.svc.cluster.local:8080' },
      { module: 'vehicle-registry', ports: ['8080'], variable },
    ]],
  ]);
  const reason = `vehicle-access may no longer reach vehicle-registry (egress rule removed) but still calls it: ${variable} (its dependsOn still lists vehicle-registry)`;
  const stillNeeded = (before: Body | undefined, after: Body | undefined) => flagged(risks(before, after, { needs }), 'edge.still-needed');

  it('the need of the removed edge\'s callee is the one named, not the caller\'s first', () => {
    expect(stillNeeded(egress(to('vehicle-state', 8080), to('vehicle-registry', 8080)), egress(to('vehicle-state', 8080)))).toEqual([reason]);
  });
  it('still flagged when what remains is another port, another callee, the other direction or another caller', () => {
    const before = egress(to('vehicle-registry', 8080));
    expect(stillNeeded(before, egress(to('vehicle-registry', 9090)))).toEqual([reason]);
    expect(stillNeeded(before, egress(to('vehicle-state', 8080)))).toEqual([reason]);
    const admits = policy('vehicle-registry', { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-access' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }] });
    expect(stillNeeded(before, admits)).toEqual([reason]);
    expect(stillNeeded(before, policy('vehicle-state', { policyTypes: ['Egress'], egress: [to('vehicle-registry', 8080)] }))).toEqual([reason]);
  });
  it('an edge kept as it was is not removed, even on a port the need does not list', () => {
    const before = egress(to('vehicle-registry', 7070), to('vehicle-state', 8080));
    expect(stillNeeded(before, egress(to('vehicle-registry', 7070)))).toEqual(['vehicle-access may no longer reach vehicle-state (egress rule removed) but still calls it: VEHICLE_STATE_URL=http://vehicle-state.icv-vehicle.svc.cluster.local:8080 (its dependsOn still lists vehicle-state)']);
  });
  it('an edge removed on two ports is one reason', () => {
    const twoPorts = { to: to('vehicle-registry', 8080).to, ports: [{ port: 8080, protocol: 'TCP' }, { port: 8081, protocol: 'TCP' }] };
    expect(stillNeeded(egress(twoPorts), egress())).toEqual([reason]);
  });
  it('a new NetworkPolicy, with the needs known, is judged without a before', () => {
    expect(stillNeeded(undefined, egress(to('vehicle-registry', 8080)))).toEqual([]);
  });
});

describe('security.weaken', () => {
  const weaken = (before: Body | undefined, after: Body) => flagged(risks(before, after), 'security.weaken');
  it('a new workload is judged against a restricted pod: unset fields are fine, looser ones are named', () => {
    expect(weaken(undefined, deployment())).toEqual([]);
    expect(weaken(undefined, deployment({ automountServiceAccountToken: true, securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'app', image: 'a:1', securityContext: { readOnlyRootFilesystem: false, seccompProfile: { type: 'Unconfined' } } }] }))).toEqual([
      'pod automountServiceAccountToken is true',
      'pod securityContext.seccompProfile.type is Unconfined',
      'container app securityContext.readOnlyRootFilesystem is false',
      'container app securityContext.seccompProfile.type is Unconfined',
    ]);
  });
  it('a host namespace already shared is not new', () => {
    expect(weaken(deployment({ hostNetwork: true }), deployment({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }))).toEqual([]);
  });
  it('a pod already running as root is not new', () => {
    const root = (labels: Body) => deployment({ securityContext: { runAsUser: 0 } }, { template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'a:1' }], securityContext: { runAsUser: 0 } } } });
    expect(weaken(root({}), root({ tier: 'x' }))).toEqual([]);
  });
  it('leaving a Localhost seccomp profile weakens, at the pod and in a container; leaving Unconfined does not', () => {
    const pod = (type: string) => deployment({ securityContext: { seccompProfile: { type } }, containers: [{ name: 'app', image: 'a:1', securityContext: { seccompProfile: { type } } }] });
    expect(weaken(pod('Localhost'), pod('Unconfined'))).toEqual(['pod securityContext.seccompProfile.type Localhost → Unconfined', 'container app securityContext.seccompProfile.type Localhost → Unconfined']);
    expect(weaken(pod('Unconfined'), pod('RuntimeDefault'))).toEqual([]);
  });
  it('capabilities added or no longer dropped are listed with ", "', () => {
    const caps = (capabilities: Body) => deployment({ containers: [{ name: 'app', image: 'a:1', securityContext: { capabilities } }] });
    expect(weaken(caps({ drop: ['ALL', 'NET_RAW'] }), caps({ add: ['NET_ADMIN', 'SYS_TIME'] }))).toEqual(['container app adds capabilities NET_ADMIN, SYS_TIME', 'container app no longer drops capabilities ALL, NET_RAW']);
  });
  it('a new emptyDir or ConfigMap volume is no host path', () => {
    expect(weaken(deployment(), deployment({ volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'c', configMap: { name: 'c' } }] }))).toEqual([]);
  });
});

describe('rbac.widen', () => {
  const role = (rules: Body[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('r'), rules });
  const binding = (kind: string, roleRef: Body, subjects: Body[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: meta('b'), roleRef, subjects });
  const view = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };
  const admin = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' };
  const alice = { kind: 'User', name: 'alice' };
  it('a write verb granted before is not new when a read is added', () => {
    const write = { apiGroups: [''], resources: ['configmaps'], verbs: ['update'] };
    expect(flagged(risks(role([write]), role([write, { apiGroups: [''], resources: ['pods'], verbs: ['get'] }])), 'rbac.widen')).toEqual([]);
  });
  it('a binding that changes its role says what it bound before; deleting a binding widens nothing', () => {
    expect(flagged(risks(binding('RoleBinding', view, [alice]), binding('RoleBinding', admin, [alice])), 'rbac.widen')).toEqual([`now binds ClusterRole admin (was ${JSON.stringify(view)})`]);
    expect(flagged(risks(binding('RoleBinding', view, [alice]), binding('RoleBinding', view, [alice, { kind: 'User', name: 'bob' }])), 'rbac.widen')).toEqual(['binds ClusterRole view to a new subject {"kind":"User","name":"bob"}']);
    expect(flagged(risks(binding('RoleBinding', view, [alice]), undefined), 'rbac.widen')).toEqual([]);
  });
  it('a binding that loses its subjects binds nobody new', () => {
    const bare = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('b'), roleRef: view };
    expect(flagged(risks(binding('RoleBinding', view, [alice]), bare), 'rbac.widen')).toEqual([]);
  });
  it('a new ClusterRoleBinding names each subject; a new RoleBinding none', () => {
    expect(flagged(risks(undefined, binding('ClusterRoleBinding', admin, [alice])), 'rbac.widen')).toEqual(['binds ClusterRole admin to a new subject {"kind":"User","name":"alice"}']);
    expect(flagged(risks(undefined, binding('RoleBinding', admin, [alice])), 'rbac.widen')).toEqual([]);
  });
});

describe('exposure.widen', () => {
  const ingress = (hosts: string[], annotations?: Body) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web', annotations && { annotations }), spec: { rules: hosts.map((host) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } })) } });
  const exposure = (before: Body | undefined, after: Body | undefined) => flagged(risks(before, after), 'exposure.widen');
  const ranges = (list: string) => ({ 'nginx.ingress.kubernetes.io/whitelist-source-range': list });
  it('a new Ingress "exposes", a changed one "now exposes"', () => {
    expect(exposure(undefined, ingress(['a.example']))).toEqual(['new Ingress exposes a.example/']);
    expect(exposure(ingress(['a.example']), ingress(['a.example', 'b.example']))).toEqual(['Ingress now exposes b.example/']);
  });
  it('several new routes are listed with ", "', () => {
    expect(exposure(undefined, ingress(['a.example', 'b.example']))).toEqual(['new Ingress exposes a.example/, b.example/']);
  });
  it('source ranges lifted or widened are listed with ", "; deleting a restricted Ingress lifts nothing', () => {
    expect(exposure(ingress(['a.example'], ranges('10.0.0.0/8,192.168.0.0/16')), ingress(['a.example']))).toEqual(['Ingress no longer restricts its sources (was 10.0.0.0/8, 192.168.0.0/16)']);
    expect(exposure(ingress(['a.example'], ranges('10.0.0.0/8')), ingress(['a.example'], ranges('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16')))).toEqual(['Ingress admits more sources: 172.16.0.0/12, 192.168.0.0/16']);
    expect(exposure(ingress(['a.example'], ranges('10.0.0.0/8')), undefined)).toEqual([]);
  });
  it('a Service that stays NodePort does not "become" one', () => {
    const service = (labels: Body) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('s', { labels }), spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } });
    expect(exposure(service({}), service({ tier: 'edge' }))).toEqual([]);
  });
});

describe('secret.change and artifacts', () => {
  const secret = (data: Body) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), type: 'Opaque', stringData: data });
  it('keys changed, added and removed are each listed with ", "', () => {
    expect(flagged(risks(secret({ a: '1', b: '2', c: '3', d: '4' }), secret({ a: '9', b: '8', e: '5', f: '6' })), 'secret.change')).toEqual(['Secret changes a, b; adds e, f; removes c, d (values hidden)']);
  });
  const artifact = (file: string, kind: string, unit: string, document: Body): DistArtifact => ({ file, kind, format: 'yaml', unit, text: '', document }) as DistArtifact;
  it('only a helm-values artifact of a release named harbor… is Harbor', () => {
    expect(artifactRisks({ env: 'prod', before: artifact('kubekey/config.yaml', 'kubekey', 'cluster', {}), changes: [] })).toEqual([]);
    expect(artifactRisks({ env: 'prod', before: artifact('helm/harbor/notes.txt', 'other', 'helm/harbor', {}), changes: [] })).toEqual([]);
    expect(artifactRisks({ env: 'prod', before: artifact('helm/my-harbor/values.yaml', 'helm-values', 'helm/my-harbor', {}), changes: [] })).toEqual([]);
    expect(artifactRisks({ env: 'prod', before: artifact('x/helm/harbor/values.yaml', 'helm-values', 'x/helm/harbor', {}), changes: [] })).toEqual([]);
    expect(artifactRisks({ env: 'prod', before: artifact('helm/Harbor-2/values.yaml', 'helm-values', 'helm/Harbor-2', {}), changes: [] }).map((r) => r.flag)).toEqual(['data.delete']);
  });
  it('a new artifact raises no volume or secret change, whatever it holds', () => {
    const after = artifact('helm/harbor/values.yaml', 'helm-values', 'helm/harbor', { harborAdminPassword: 'x', persistence: { persistentVolumeClaim: { database: { size: '10Gi' } } } });
    const changes = diffValues({}, after.document);
    expect(changes.some((c) => c.change.hidden)).toBe(true);
    expect(artifactRisks({ env: 'prod', after, changes })).toEqual([]);
  });
});
