import { describe, expect, it } from 'vitest';
import { artifactRisks, diffValues, type DistArtifact } from '../../infra/preview/index.js';
import { meta, ns, risks, type Body } from './risk-objects.js';
import { CUTOVER_STAGE_ANNOTATION, CUTOVER_WEIGHT_ANNOTATION } from '../../infra/model/names.js';

/**
 * Each risk rule of infra/preview/README.md, and each of the reasons a rule lists there, raised by exactly one planted
 * change to one object: the flag (the rule id), the field path or object it names, and its reason. Beside every
 * planted change, the near miss that raises nothing. In-process (objectRisks, artifactRisks over diffValues), so that
 * mutation testing (MUTATION.md) runs it for every mutant of the risk rules; the same rules through whole trees and
 * the rendered note are in risk-rules.test.ts.
 */

const pvc = (storage: string, extra: Body = {}) => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'),
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage } }, ...extra },
});
const configMap = (data: Body, namespace = ns) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace }, data });
const restrictedContainer = {
  name: 'app', image: 'harbor/icv/vehicle-access:1.0.0',
  resources: { requests: { cpu: '100m', memory: '128Mi' } },
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
};
const restrictedPod = {
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [restrictedContainer],
};
const deployment = (pod: Body = restrictedPod, spec: Body = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('vehicle-access'),
  spec: { replicas: 2, selector: { matchLabels: { app: 'vehicle-access' } }, template: { metadata: { labels: { app: 'vehicle-access' } }, spec: pod }, ...spec },
});
const container = (securityContext: Body, extra: Body = {}) => deployment({ ...restrictedPod, containers: [{ ...restrictedContainer, securityContext: { ...restrictedContainer.securityContext, ...securityContext }, ...extra }] });
const pod = (patch: Body) => deployment({ ...restrictedPod, ...patch });
const podSecurity = (patch: Body) => pod({ securityContext: { ...restrictedPod.securityContext, ...patch } });
const statefulSet = (image: string, extra: Body = {}) => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('redis'),
  spec: { serviceName: 'redis', selector: { matchLabels: { app: 'redis' } }, template: { spec: { ...restrictedPod, containers: [{ ...restrictedContainer, name: 'redis', image }] } }, ...extra },
});
const claimTemplates = (storage: string) => ({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } }] });
const only = (flag: string, reason: string) => [{ flag, reason }];

describe('data.delete', () => {
  it('deleting a PersistentVolumeClaim names the claim and why it matters', () => {
    expect(risks(pvc('10Gi'), undefined)).toEqual([{ flag: 'data.delete', reason: expect.stringMatching(/^deletes PersistentVolumeClaim icv-vehicle\/data: \S/) }]);
  });
  it('deleting a Namespace, a protected kind without a namespace', () => {
    expect(risks({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'icv-vehicle' } }, undefined)).toEqual([{ flag: 'data.delete', reason: expect.stringMatching(/^deletes Namespace icv-vehicle: \S/) }]);
  });
  it('deleting an object of Harbor’s namespace', () => {
    expect(risks(configMap({ a: '1' }, 'harbor'), undefined)).toEqual(only('data.delete', 'deletes ConfigMap harbor/settings: it belongs to Harbor, the registry every environment pulls from'));
  });
  it('removing Harbor’s Helm release', () => {
    expect(artifactRisks({ env: 'prod', before: helmValues('harbor', { persistence: {} }), changes: [] })).toEqual(only('data.delete', 'removes the Helm release harbor: the registry every environment pulls from, with its database'));
  });
  it('near miss: deleting a ConfigMap or a Deployment, or another Helm release', () => {
    expect(risks(configMap({ a: '1' }), undefined)).toEqual([]);
    expect(risks(deployment(), undefined).filter((r) => r.flag.startsWith('data.'))).toEqual([]);
    expect(artifactRisks({ env: 'prod', before: helmValues('ingress-nginx', {}), changes: [] })).toEqual([]);
  });
  it('near miss: a Harbor NetworkPolicy is not data (its deletion widens the network instead)', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'harbor', namespace: 'harbor' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    expect(risks(policy, undefined).map((r) => r.flag)).toEqual(['network.widen']);
  });
});

describe('data.replace', () => {
  it('an immutable field of a StatefulSet names the field', () => {
    expect(risks(statefulSet('redis:7'), { ...statefulSet('redis:7'), spec: { ...statefulSet('redis:7').spec, serviceName: 'redis-headless' } }))
      .toEqual(only('data.replace', 'replaces StatefulSet icv-vehicle/redis (spec.serviceName is immutable on a StatefulSet): its pods own data-bearing volume claims'));
  });
  it('a claim moving to another unit: Pulumi re-creates it', () => {
    expect(risks(pvc('10Gi'), pvc('10Gi'), {}, ['module/vehicle-access', 'module/vehicle-state'])).toEqual([{
      flag: 'data.replace',
      reason: expect.stringContaining('(moves from unit module/vehicle-access to module/vehicle-state: its Pulumi parent changes, so Pulumi replaces it unless the program declares an alias)'),
    }]);
  });
  it('a claim under a new apiVersion', () => {
    expect(risks(pvc('10Gi'), { ...pvc('10Gi'), apiVersion: 'v2' })[0]).toEqual({ flag: 'data.replace', reason: expect.stringContaining('(apiVersion v1 → v2)') });
  });
  it('a claim that shrinks: it can only grow', () => {
    expect(risks(pvc('20Gi'), pvc('10Gi'))).toEqual([
      { flag: 'data.replace', reason: expect.stringContaining('(spec.resources.requests.storage 20Gi → 10Gi: a claim can only grow)') },
      { flag: 'data.volume', reason: 'spec.resources.requests.storage of a data-bearing claim: 20Gi → 10Gi' },
    ]);
  });
  it('a claim’s storage class: immutable', () => {
    expect(risks(pvc('10Gi'), pvc('10Gi', { storageClassName: 'ceph' }))).toEqual([
      { flag: 'data.replace', reason: expect.stringContaining('(spec.storageClassName is immutable on a PersistentVolumeClaim)') },
      { flag: 'data.volume', reason: 'spec.storageClassName of a data-bearing claim: local → ceph' },
    ]);
  });
  it('near miss: a stateless Deployment’s new selector raises no data rule', () => {
    expect(risks(deployment(), { ...deployment(), spec: { ...deployment().spec, selector: { matchLabels: { app: 'other' } } } }).filter((r) => r.flag.startsWith('data.'))).toEqual([]);
  });
});

describe('data.volume', () => {
  it('a claim that grows: the field, old and new size', () => {
    expect(risks(pvc('10Gi'), pvc('20Gi'))).toEqual(only('data.volume', 'spec.resources.requests.storage of a data-bearing claim: 10Gi → 20Gi'));
  });
  it('a claim’s access modes gaining one', () => {
    expect(risks(pvc('10Gi'), pvc('10Gi', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] })).map((r) => r.flag)).toEqual(['data.replace', 'data.volume']);
  });
  it('a StatefulSet’s claim templates', () => {
    const flags = risks(statefulSet('redis:7', claimTemplates('8Gi')), statefulSet('redis:7', claimTemplates('16Gi')));
    expect(flags).toEqual([
      { flag: 'data.replace', reason: expect.stringContaining('spec.volumeClaimTemplates is immutable on a StatefulSet') },
      { flag: 'data.volume', reason: expect.stringMatching(/^spec\.volumeClaimTemplates.*storage of a data-bearing claim: 8Gi → 16Gi$/) },
    ]);
  });
  it('Harbor’s persistence sizes in its Helm values', () => {
    const before = helmValues('harbor', { persistence: { persistentVolumeClaim: { database: { size: '10Gi' } } } });
    const after = helmValues('harbor', { persistence: { persistentVolumeClaim: { database: { size: '20Gi' } } } });
    expect(artifactRisks({ env: 'prod', before, after, changes: diffValues(before.document, after.document) }))
      .toEqual(only('data.volume', "persistence.persistentVolumeClaim.database.size of Harbor's data volumes: 10Gi → 20Gi"));
  });
  it('near miss: a label of the claim; another release’s persistence', () => {
    expect(risks(pvc('10Gi'), { ...pvc('10Gi'), metadata: meta('data', { labels: { tier: 'db' } }) })).toEqual([]);
    const before = helmValues('gitlab', { persistence: { size: '10Gi' } });
    const after = helmValues('gitlab', { persistence: { size: '20Gi' } });
    expect(artifactRisks({ env: 'prod', before, after, changes: diffValues(before.document, after.document) })).toEqual([]);
  });
});

describe('data.change', () => {
  it('a new claim', () => {
    expect(risks(undefined, pvc('10Gi'))).toEqual(only('data.change', "creates PersistentVolumeClaim icv-vehicle/data: it holds a volume's data"));
  });
  it('a StatefulSet with claim templates whose image changes', () => {
    expect(risks(statefulSet('redis:7', claimTemplates('8Gi')), statefulSet('redis:7.2', claimTemplates('8Gi'))))
      .toEqual(only('data.change', 'changes StatefulSet icv-vehicle/redis: its pods write to their volume claims'));
  });
  it('near miss: a StatefulSet without claim templates, a Deployment’s image', () => {
    expect(risks(statefulSet('redis:7'), statefulSet('redis:7.2'))).toEqual([]);
    expect(risks(deployment(), container({}, { image: 'harbor/icv/vehicle-access:1.0.1' }))).toEqual([]);
  });
});

describe('cutover.skip-canary', () => {
  const routed = (stage?: string, weight?: string) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: meta('vehicle-access', stage ? { annotations: { [CUTOVER_STAGE_ANNOTATION]: stage, ...(weight && { [CUTOVER_WEIGHT_ANNOTATION]: weight }) } } : {}),
    spec: { rules: [{ host: 'console.icv.example.cn', http: { paths: [{ path: '/vehicle', pathType: 'Prefix', backend: { service: { name: 'vehicle-access', port: { number: 8080 } } } }] } }] },
  });
  it('legacy straight to kubernetes in a protected environment names the route', () => {
    expect(risks(routed('legacy'), routed(), { protectedEnv: true }))
      .toEqual(only('cutover.skip-canary', 'route console.icv.example.cn/vehicle: legacy 100% → kubernetes 100% with no canary stage in between in prod'));
  });
  it('near miss: the same jump in test; canary to kubernetes; legacy to canary; another Ingress of the module', () => {
    expect(risks(routed('legacy'), routed())).toEqual([]);
    expect(risks(routed('canary', '20'), routed(), { protectedEnv: true })).toEqual([]);
    expect(risks(routed('legacy'), routed('canary', '10'), { protectedEnv: true })).toEqual([]);
    const smoke = (stage?: string) => ({ ...routed(stage), metadata: { ...routed(stage).metadata, name: 'vehicle-access-smoke' } });
    expect(risks(smoke('legacy'), smoke(), { protectedEnv: true })).toEqual([]);
  });
});

describe('capacity.n-1', () => {
  const findings = { newCapacityFindings: ['capacity.worker-down: with kp-node01 down, 2 pod(s) do not fit', 'capacity.all-workers: 1 pod does not fit'] };
  it('more replicas while the plan newly fails: every new finding in the reason', () => {
    expect(risks(deployment(), { ...deployment(), spec: { ...deployment().spec, replicas: 6 } }, findings))
      .toEqual(only('capacity.n-1', 'the capacity plan no longer holds: capacity.worker-down: with kp-node01 down, 2 pod(s) do not fit; capacity.all-workers: 1 pod does not fit'));
  });
  it('larger requests, autoscaler bounds, a new workload', () => {
    expect(risks(deployment(), container({}, { resources: { requests: { cpu: '2', memory: '128Mi' } } }), findings).map((r) => r.flag)).toEqual(['capacity.n-1']);
    const hpa = (max: number) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('vehicle-access'), spec: { minReplicas: 2, maxReplicas: max } });
    expect(risks(hpa(3), hpa(9), findings).map((r) => r.flag)).toEqual(['capacity.n-1']);
    expect(risks(undefined, deployment(), findings).map((r) => r.flag)).toEqual(['capacity.n-1']);
  });
  it('near miss: the same scaling when the plan holds; a config change or a deleted workload when it fails', () => {
    expect(risks(deployment(), { ...deployment(), spec: { ...deployment().spec, replicas: 6 } }, { newCapacityFindings: [] })).toEqual([]);
    expect(risks(deployment(), { ...deployment(), spec: { ...deployment().spec, replicas: 6 } })).toEqual([]);
    expect(risks(deployment(), container({}, { env: [{ name: 'A', value: '1' }] }), findings)).toEqual([]);
    expect(risks(configMap({ a: '1' }), configMap({ a: '2' }), findings)).toEqual([]);
    expect(risks(deployment(), undefined, findings)).toEqual([]);
  });
});

describe('edge.still-needed', () => {
  const policy = (spec: Body) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('vehicle-access', { labels: { 'app.kubernetes.io/name': 'vehicle-access' } }), spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-access' } }, ...spec } });
  const toRegistry = (port: number) => ({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-registry' } } }], ports: [{ port, protocol: 'TCP' }] });
  const needs = new Map([['vehicle-access', [{ module: 'vehicle-registry', ports: ['8080'], variable: 'VEHICLE_REGISTRY_URL=http://vehicle-registry.icv-vehicle.svc.cluster.local:8080' }]]]);
  it('an egress rule removed while the caller still calls the callee', () => {
    expect(risks(policy({ policyTypes: ['Egress'], egress: [toRegistry(8080)] }), policy({ policyTypes: ['Egress'], egress: [] }), { needs }))
      .toEqual(only('edge.still-needed', 'vehicle-access may no longer reach vehicle-registry (egress rule removed) but still calls it: VEHICLE_REGISTRY_URL=http://vehicle-registry.icv-vehicle.svc.cluster.local:8080 (its dependsOn still lists vehicle-registry)'));
  });
  it('the policy deleted while the caller still calls the callee', () => {
    expect(risks(policy({ policyTypes: ['Egress'], egress: [toRegistry(8080)] }), undefined, { needs }).map((r) => r.flag)).toEqual(['edge.still-needed', 'network.widen']);
  });
  it('near miss: the edge moved to another port the URL does not name is still flagged; to the named port it is not', () => {
    expect(risks(policy({ policyTypes: ['Egress'], egress: [toRegistry(8080)] }), policy({ policyTypes: ['Egress'], egress: [toRegistry(9999)] }), { needs }).map((r) => r.flag)).toEqual(['edge.still-needed']);
    const wider = new Map([['vehicle-access', [{ ...needs.get('vehicle-access')![0]!, ports: ['8080', '9999'] }]]]);
    expect(risks(policy({ policyTypes: ['Egress'], egress: [toRegistry(8080)] }), policy({ policyTypes: ['Egress'], egress: [toRegistry(9999)] }), { needs: wider })).toEqual([]);
  });
  it('near miss: removed together with the dependency', () => {
    expect(risks(policy({ policyTypes: ['Egress'], egress: [toRegistry(8080)] }), policy({ policyTypes: ['Egress'], egress: [] }), { needs: new Map() })).toEqual([]);
  });
});

describe('security.weaken: one reason per weakened field', () => {
  const cases: [string, Body, string][] = [
    ['a privileged container', container({ privileged: true }), 'container app securityContext.privileged unset → true'],
    ['privilege escalation allowed', container({ allowPrivilegeEscalation: true }), 'container app securityContext.allowPrivilegeEscalation false → true'],
    ['privilege escalation no longer forbidden', container({ allowPrivilegeEscalation: undefined }), 'container app securityContext.allowPrivilegeEscalation false → unset'],
    ['runAsNonRoot lifted on the container', container({ runAsNonRoot: false }), 'container app securityContext.runAsNonRoot true → false'],
    ['a writable root filesystem', container({ readOnlyRootFilesystem: false }), 'container app securityContext.readOnlyRootFilesystem true → false'],
    ['a container running as user 0', container({ runAsUser: 0 }), 'container app securityContext.runAsUser unset → 0'],
    ['a container’s seccomp profile loosened', container({ seccompProfile: { type: 'Unconfined' } }), 'container app securityContext.seccompProfile.type RuntimeDefault → Unconfined'],
    ['host networking', pod({ hostNetwork: true }), 'pod hostNetwork unset → true'],
    ['the host PID namespace', pod({ hostPID: true }), 'pod hostPID unset → true'],
    ['the host IPC namespace', pod({ hostIPC: true }), 'pod hostIPC unset → true'],
    ['the service-account token mounted', pod({ automountServiceAccountToken: true }), 'pod automountServiceAccountToken false → true'],
    ['the service-account token no longer unmounted', pod({ automountServiceAccountToken: undefined }), 'pod automountServiceAccountToken false → unset'],
    ['runAsNonRoot lifted on the pod', podSecurity({ runAsNonRoot: false }), 'pod securityContext.runAsNonRoot true → false'],
    ['the pod running as user 0', podSecurity({ runAsUser: 0 }), 'pod securityContext.runAsUser 10001 → 0'],
    ['the pod’s seccomp profile removed', podSecurity({ seccompProfile: undefined }), 'pod securityContext.seccompProfile.type RuntimeDefault → unset'],
    ['a capability added', container({ capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } }), 'container app adds capabilities NET_ADMIN'],
    ['capabilities no longer dropped', container({ capabilities: { drop: [] } }), 'container app no longer drops capabilities ALL'],
    ['a host path mounted', pod({ volumes: [{ name: 'root', hostPath: { path: '/var/run' } }] }), 'mounts host path /var/run'],
  ];
  for (const [what, after, reason] of cases) {
    it(what, () => expect(risks(deployment(), after)).toEqual(only('security.weaken', reason)));
  }

  it('a new container of an existing workload is judged against the restricted profile', () => {
    const sidecar = { name: 'sidecar', image: 'busybox' };
    const after = deployment({ ...restrictedPod, containers: [restrictedContainer, sidecar] });
    expect(risks(deployment(), after)).toEqual([
      { flag: 'security.weaken', reason: 'new container sidecar securityContext.allowPrivilegeEscalation false → unset' },
      { flag: 'security.weaken', reason: 'new container sidecar securityContext.runAsNonRoot true → unset' },
      { flag: 'security.weaken', reason: 'new container sidecar securityContext.readOnlyRootFilesystem true → unset' },
      { flag: 'security.weaken', reason: 'new container sidecar securityContext.seccompProfile.type RuntimeDefault → unset' },
    ]);
  });
  it('a new workload is judged only by what it sets', () => {
    expect(risks(undefined, container({ privileged: true, runAsNonRoot: false }))).toEqual([
      { flag: 'security.weaken', reason: 'container app securityContext.privileged is true' },
      { flag: 'security.weaken', reason: 'container app securityContext.runAsNonRoot is false' },
    ]);
    expect(risks(undefined, deployment())).toEqual([]);
  });
  it('an init container and a CronJob’s pods are judged too', () => {
    expect(risks(deployment(), pod({ initContainers: [] })).length).toBe(0);
    const withInit = (securityContext: Body) => pod({ initContainers: [{ name: 'init', image: 'busybox', securityContext }] });
    expect(risks(withInit({ privileged: false }), withInit({ privileged: true }))).toEqual(only('security.weaken', 'container init securityContext.privileged false → true'));
    const cron = (hostNetwork: boolean) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('backup'), spec: { jobTemplate: { spec: { template: { spec: { ...restrictedPod, hostNetwork } } } } } });
    expect(risks(cron(false), cron(true))).toEqual(only('security.weaken', 'pod hostNetwork false → true'));
  });
  it('near miss: another non-root user, a stricter field, a capability already added', () => {
    expect(risks(deployment(), podSecurity({ runAsUser: 10002 }))).toEqual([]);
    expect(risks(container({ seccompProfile: { type: 'Unconfined' } }), deployment())).toEqual([]);
    const added = container({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
    expect(risks(added, added)).toEqual([]);
    expect(risks(container({ privileged: true }), container({ privileged: false }))).toEqual([]);
    expect(risks(pod({ hostNetwork: true }), pod({ hostNetwork: false }))).toEqual([]);
    expect(risks(container({ runAsUser: 0 }), container({ runAsUser: 0, privileged: false }))).toEqual([]);
  });
});

describe('rbac.widen', () => {
  const role = (rules: Body[], kind = 'Role') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: kind === 'Role' ? meta('reader') : { name: 'reader' }, rules });
  const read = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] };
  const binding = (subjects: Body[], roleName = 'reader', kind = 'RoleBinding') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: meta('reader'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName }, subjects });
  const sa = (name: string) => ({ kind: 'ServiceAccount', name, namespace: ns });
  it('a new write verb', () => {
    expect(risks(role([read]), role([read, { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }]))).toEqual(only('rbac.widen', 'Role now grants delete pods (core)'));
  });
  it('every write verb counts', () => {
    for (const verb of ['*', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate']) {
      expect(risks(role([read]), role([read, { apiGroups: [''], resources: ['pods'], verbs: [verb] }])).map((r) => r.flag)).toEqual(['rbac.widen']);
    }
  });
  it('reading secrets, a secret subresource, or all resources', () => {
    expect(risks(role([read]), role([read, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]))).toEqual(only('rbac.widen', 'Role now grants get secrets (core)'));
    expect(risks(role([read]), role([read, { apiGroups: [''], resources: ['secrets/status'], verbs: ['get'] }])).map((r) => r.flag)).toEqual(['rbac.widen']);
    expect(risks(role([read]), role([read, { apiGroups: [''], resources: ['*'], verbs: ['get'] }])).map((r) => r.flag)).toEqual(['rbac.widen']);
  });
  it('a ClusterRole says so', () => {
    expect(risks(role([read], 'ClusterRole'), role([read, { apiGroups: [''], resources: ['nodes'], verbs: ['patch'] }], 'ClusterRole'))).toEqual(only('rbac.widen', 'ClusterRole now grants patch nodes (core)'));
  });
  it('a binding gains a subject', () => {
    expect(risks(binding([sa('a')]), binding([sa('a'), sa('b')])))
      .toEqual(only('rbac.widen', `binds Role reader to a new subject ${JSON.stringify(sa('b'))}`));
  });
  it('a binding binds another role', () => {
    expect(risks(binding([sa('a')]), binding([sa('a')], 'admin'))).toEqual(only('rbac.widen', 'now binds Role admin (was {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"})'));
  });
  it('a new ClusterRoleBinding is flagged, a new RoleBinding (its module’s own) is not', () => {
    expect(risks(undefined, binding([sa('a')], 'reader', 'ClusterRoleBinding')).map((r) => r.flag)).toEqual(['rbac.widen']);
    expect(risks(undefined, binding([sa('a')]))).toEqual([]);
  });
  it('near miss: a new read of configmaps; a subject removed; a deleted role', () => {
    expect(risks(role([read]), role([{ ...read, verbs: ['get', 'list', 'watch'] }]))).toEqual([]);
    expect(risks(binding([sa('a'), sa('b')]), binding([sa('a')]))).toEqual([]);
    expect(risks(role([read, { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }]), undefined)).toEqual([]);
  });
});

describe('network.widen', () => {
  const policy = (spec: Body, name = 'vehicle-access') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name), spec: { podSelector: { matchLabels: { app: 'vehicle-access' } }, ...spec } });
  const toPods = (app: string, port = 8080) => ({ to: [{ podSelector: { matchLabels: { app } } }], ports: [{ port, protocol: 'TCP' }] });
  const egress = (...rules: Body[]) => policy({ policyTypes: ['Egress'], egress: rules });
  it('a new ipBlock', () => {
    expect(risks(egress(), egress({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] })))
      .toEqual(only('network.widen', 'now allows egress to 0.0.0.0/0 except 10.0.0.0/8 on port 443/TCP'));
  });
  it('a /32 to a known stateful VM is an edge, not a widening', () => {
    const vm = egress({ to: [{ ipBlock: { cidr: '192.168.16.200/32' } }], ports: [{ port: 3306 }] });
    expect(risks(egress(), vm, { context: { addresses: new Map([['192.168.16.200', 'mysql']]) } as never })).toEqual([]);
    expect(risks(egress(), vm).map((r) => r.flag)).toEqual(['network.widen']);
  });
  it('a namespace-wide peer and an all-namespaces peer', () => {
    expect(risks(egress(), egress({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-map' } } }], ports: [{ port: 8080 }] })))
      .toEqual(only('network.widen', 'now allows egress to all pods in namespaces {"matchLabels":{"kubernetes.io/metadata.name":"icv-map"}} on port 8080/TCP'));
    expect(risks(egress(), egress({ to: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] })))
      .toEqual(only('network.widen', 'now allows egress to all pods in all namespaces on port 8080/TCP'));
  });
  it('a rule without peers, a rule without ports', () => {
    expect(risks(egress(), egress({ ports: [{ port: 53, protocol: 'UDP' }] }))).toEqual(only('network.widen', 'now allows egress to anywhere (rule without peers) on port 53/UDP'));
    expect(risks(egress(toPods('a')), egress({ to: toPods('a').to }))).toEqual(only('network.widen', 'now allows egress to pods {"matchLabels":{"app":"a"}} in the same namespace on any port'));
  });
  it('a port range wider than before', () => {
    const range = (end: number) => egress({ to: [{ namespaceSelector: { matchLabels: { team: 'x' } } }], ports: [{ port: 8000, endPort: end }] });
    expect(risks(range(8080), range(8090))).toEqual(only('network.widen', 'now allows egress to all pods in namespaces {"matchLabels":{"team":"x"}} on port 8000-8090/TCP'));
    expect(risks(range(8090), range(8080))).toEqual([]);
  });
  it('a direction no longer restricted', () => {
    expect(risks(policy({ policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] }), policy({ policyTypes: ['Ingress'], ingress: [] })))
      .toEqual(only('network.widen', 'no longer restricts egress (policyTypes)'));
  });
  it('the policy applying to more pods', () => {
    expect(risks(egress(toPods('a')), { ...egress(toPods('a')), spec: { ...egress(toPods('a')).spec, podSelector: {} } }))
      .toEqual(only('network.widen', 'applies its allow rules to more pods (podSelector {"matchLabels":{"app":"vehicle-access"}} → {})'));
  });
  it('a new policy with a wide rule; a deleted policy', () => {
    expect(risks(undefined, egress({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }))).toEqual(only('network.widen', 'new NetworkPolicy allows egress to 10.0.0.0/8 on any port'));
    expect(risks(egress(), undefined)).toEqual(only('network.widen', 'deleting a NetworkPolicy can lift the isolation of the pods it selects'));
  });
  it('near miss: a new edge to one module’s pods on its port; a narrower peer; a rule already covered', () => {
    expect(risks(egress(toPods('a')), egress(toPods('a'), toPods('b')))).toEqual([]);
    const wide = egress({ to: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] });
    expect(risks(wide, egress({ to: [{ namespaceSelector: { matchLabels: { team: 'x' } } }], ports: [{ port: 8080 }] }))).toEqual([]);
    expect(risks(egress({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }), egress({ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 80 }] }))).toEqual([]);
  });
});

describe('exposure.widen', () => {
  const ingress = (rules: [string, string][], annotations?: Body) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('portal', annotations ? { annotations } : {}),
    spec: { rules: rules.map(([host, path]) => ({ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: 'portal', port: { number: 8080 } } } }] } })) },
  });
  const service = (spec: Body) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('vehicle-access'), spec: { ports: [{ port: 9000, targetPort: 9000 }], ...spec } });
  const RANGE = 'nginx.ingress.kubernetes.io/whitelist-source-range';
  it('a new Ingress host or path', () => {
    expect(risks(ingress([['www.icv.example.cn', '/']]), ingress([['www.icv.example.cn', '/'], ['admin.icv.example.cn', '/']]))).toEqual(only('exposure.widen', 'Ingress now exposes admin.icv.example.cn/'));
    expect(risks(ingress([['www.icv.example.cn', '/']]), ingress([['www.icv.example.cn', '/'], ['www.icv.example.cn', '/admin']]))).toEqual(only('exposure.widen', 'Ingress now exposes www.icv.example.cn/admin'));
    expect(risks(undefined, ingress([['www.icv.example.cn', '/']]))).toEqual(only('exposure.widen', 'new Ingress exposes www.icv.example.cn/'));
  });
  it('a Service becoming NodePort or LoadBalancer', () => {
    expect(risks(service({}), service({ type: 'NodePort', ports: [{ port: 9000, nodePort: 30900 }] }))).toEqual(only('exposure.widen', 'Service becomes NodePort, reachable from outside the cluster'));
    expect(risks(service({}), service({ type: 'LoadBalancer' }))).toEqual(only('exposure.widen', 'Service becomes LoadBalancer, reachable from outside the cluster'));
    expect(risks(undefined, service({ type: 'NodePort' }))).toEqual(only('exposure.widen', 'Service is NodePort, reachable from outside the cluster'));
  });
  it('a NodePort Service gaining a node port; a new external IP', () => {
    const nodePorts = (...ports: number[]) => service({ type: 'NodePort', ports: ports.map((p, i) => ({ port: 9000 + i, nodePort: p })) });
    expect(risks(nodePorts(30900), nodePorts(30900, 30901))).toEqual(only('exposure.widen', 'new NodePort 30901 on every node'));
    expect(risks(service({}), service({ externalIPs: ['192.168.16.9'] }))).toEqual(only('exposure.widen', 'new external IP 192.168.16.9'));
  });
  it('source ranges lifted or widened, on a Service and on an Ingress', () => {
    const ranged = (...ranges: string[]) => service({ type: 'LoadBalancer', loadBalancerSourceRanges: ranges });
    expect(risks(ranged('172.20.0.0/16'), ranged())).toEqual(only('exposure.widen', 'Service no longer restricts its sources (was 172.20.0.0/16)'));
    expect(risks(ranged('172.20.0.0/16'), ranged('172.20.0.0/16', '0.0.0.0/0'))).toEqual(only('exposure.widen', 'Service admits more sources: 0.0.0.0/0'));
    const site = (ranges?: string) => ingress([['www.icv.example.cn', '/']], ranges === undefined ? undefined : { [RANGE]: ranges });
    expect(risks(site('10.0.0.0/8'), site())).toEqual(only('exposure.widen', 'Ingress no longer restricts its sources (was 10.0.0.0/8)'));
    expect(risks(site('10.0.0.0/8'), site('10.0.0.0/8, 172.16.0.0/12'))).toEqual(only('exposure.widen', 'Ingress admits more sources: 172.16.0.0/12'));
  });
  it('near miss: a new target port; another backend behind the same host and path; fewer sources; a first range', () => {
    expect(risks(service({}), service({ ports: [{ port: 9000, targetPort: 9001 }] }))).toEqual([]);
    const other = ingress([['www.icv.example.cn', '/']]);
    other.spec.rules[0]!.http.paths[0]!.backend.service.name = 'portal-v2';
    expect(risks(ingress([['www.icv.example.cn', '/']]), other)).toEqual([]);
    const ranged = (...ranges: string[]) => service({ type: 'LoadBalancer', loadBalancerSourceRanges: ranges });
    expect(risks(ranged('172.20.0.0/16', '10.0.0.0/8'), ranged('172.20.0.0/16'))).toEqual([]);
    expect(risks(ranged(), ranged('172.20.0.0/16'))).toEqual([]);
    expect(risks(service({ type: 'NodePort', ports: [{ port: 9000, nodePort: 30900 }] }), service({ type: 'NodePort', ports: [{ port: 9000, nodePort: 30900 }] }))).toEqual([]);
  });
});

describe('secret.change', () => {
  const secret = (data: Body, extra: Body = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), type: 'Opaque', data, ...extra });
  it('a key changes, appears or goes: keys only, never values', () => {
    const reasons = risks(secret({ a: 'MQ==', b: 'Mg==' }), secret({ a: 'Mw==', c: 'NA==' }));
    expect(reasons).toEqual(only('secret.change', 'Secret changes a; adds c; removes b (values hidden)'));
    expect(JSON.stringify(reasons)).not.toMatch(/MQ==|Mw==|NA==/);
  });
  it('stringData counts as data', () => {
    expect(risks(secret({}, { stringData: { token: 'x' } }), secret({}, { stringData: { token: 'y' } }))).toEqual(only('secret.change', 'Secret changes token (values hidden)'));
  });
  it('the type changes (and the Secret is re-created)', () => {
    expect(risks(secret({ a: 'MQ==' }), secret({ a: 'MQ==' }, { type: 'kubernetes.io/tls' })).filter((r) => r.flag === 'secret.change'))
      .toEqual(only('secret.change', 'Secret type Opaque → kubernetes.io/tls (values hidden)'));
  });
  it('a Secret deleted', () => {
    expect(risks(secret({ a: 'MQ==', b: 'Mg==' }), undefined)).toEqual(only('secret.change', 'deletes a Secret holding a, b'));
  });
  it('a hidden value of Helm values changes', () => {
    const before = helmValues('harbor', { harborAdminPassword: 'one' });
    const after = helmValues('harbor', { harborAdminPassword: 'two' });
    const changes = diffValues(before.document, after.document);
    expect(changes.some((c) => c.change.hidden)).toBe(true);
    expect(artifactRisks({ env: 'prod', before, after, changes })).toEqual(only('secret.change', 'harborAdminPassword changed (value hidden)'));
  });
  it('near miss: a new label on a Secret; a brand-new Secret; an empty Secret deleted', () => {
    expect(risks(secret({ a: 'MQ==' }), { ...secret({ a: 'MQ==' }), metadata: meta('db', { labels: { x: 'y' } }) })).toEqual([]);
    expect(risks(undefined, secret({ a: 'MQ==' }))).toEqual([]);
    expect(risks(secret({}), undefined)).toEqual([]);
  });
});

function helmValues(release: string, document: Body): DistArtifact {
  return { file: `helm/${release}/values.yaml`, kind: 'helm-values', format: 'yaml', unit: `helm/${release}`, text: '', document } as DistArtifact;
}
