import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../infra/cli/inputs.js';
import type { KubeObject } from '../../infra/model/types.js';
import type { Environment } from '../../infra/schema/environment.js';
import type { ModuleSpec } from '../../infra/schema/module.js';
import { synthObjects } from '../../infra/synth/chart.js';
import { AppNamespace, PodSecurityLevel } from '../../infra/synth/workloads/app-namespace.js';
import { ExternalEndpoints } from '../../infra/synth/workloads/external-endpoints.js';
import { ModuleWorkload } from '../../infra/synth/workloads/module-workload.js';
import { ModuleDeployment } from '../../infra/synth/workloads/module/deployment.js';
import { moduleIdentity } from '../../infra/synth/workloads/module/identity.js';
import { ModuleIngress } from '../../infra/synth/workloads/module/ingress.js';
import { dataClaimNames, InClusterFront, InClusterStatefulService } from '../../infra/synth/workloads/stateful/in-cluster-stateful-service.js';
import { VmStatefulService } from '../../infra/synth/workloads/vm-stateful-service.js';

/**
 * Each construct of infra/synth/workloads built on its own, inside its test, and its objects compared with literals
 * written here: the values a safe default promises (restricted security context, probes, rolling update, spread,
 * budgets, network edges, TLS) and the wiring between the objects (names, selectors, ports, annotations).
 *
 * test/defaults/safe-defaults.test.ts walks every object of the whole platforms for the same defaults; this file
 * builds one small construct per test, so that a mutation test (MUTATION.md) runs only the tests that build the
 * mutated code, and a construct that throws fails the test that built it.
 */

const inputs = loadInputs(['prod'])[0]!;
const byName = (name: string) => inputs.catalog.find((m) => m.name === name)!;

/** A module of the catalog with what a test needs changed; its release tag is declared in `env`. */
function moduleLike(name: string, overrides: Partial<ModuleSpec>): ModuleSpec {
  return { ...byName('config-center'), name, image: undefined, exceptions: [], routes: [], external: undefined, config: { env: {}, files: {} }, dependsOn: { modules: [], stateful: [] }, ...overrides } as ModuleSpec;
}
function envWith(overrides: Record<string, any> = {}): Environment {
  const env = inputs.env;
  return {
    ...env,
    releases: { ...env.releases, demo: { tag: '1.2.3' }, other: { tag: '2.0.0' } },
    ...overrides,
    sizing: { ...env.sizing, ...overrides.sizing },
  } as Environment;
}

const REGISTRY = 'harbor.icv.example.cn';
const UID = 10001;
const HOSTNAME = 'kubernetes.io/hostname';
const POD_SECURITY = { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } };
const containerSecurity = (readOnlyRootFilesystem: boolean) => ({
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem,
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});
const selectorOf = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'icv-platform' });
const labelsOf = (name: string, component: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': 'icv-platform', 'app.kubernetes.io/managed-by': 'pulumi' });
const DNS_EGRESS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, { ipBlock: { cidr: '169.254.25.10/32' } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

const refs = (objects: readonly KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);
const one = (objects: readonly KubeObject[], kind: string, name?: string): any => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind}/${name ?? '*'} in ${refs(objects).join(', ')}`).toHaveLength(1);
  return found[0];
};
function workload(module: ModuleSpec, env = envWith(), extra: { dependencies?: ModuleSpec[]; dependents?: ModuleSpec[]; terminationGracePeriodSeconds?: number } = {}) {
  let built: ModuleWorkload | undefined;
  const objects = synthObjects((scope) => (built = new ModuleWorkload(scope, module.name, { module, env, dependencies: extra.dependencies ?? [], dependents: extra.dependents ?? [], ...extra })));
  return { construct: built!, objects };
}

describe('ModuleWorkload: which objects a module gets', () => {
  it('a plain fixed-replica module: ServiceAccount, ConfigMap, Deployment, Service, disruption budget and NetworkPolicy, no more', () => {
    const { objects, construct } = workload(moduleLike('demo', { scaling: { replicas: 2 } }));
    expect(refs(objects)).toEqual(['ServiceAccount/demo', 'ConfigMap/demo-config', 'Deployment/demo', 'Service/demo', 'PodDisruptionBudget/demo', 'NetworkPolicy/demo']);
    expect(construct.namespace).toBe('icv-ops');
    expect(objects.every((o) => o.metadata.namespace === 'icv-ops')).toBe(true);
    expect(construct.image).toBe(`${REGISTRY}/icv/demo:1.2.3`);
    expect(one(objects, 'Deployment').spec.template.spec.containers[0].image).toBe(`${REGISTRY}/icv/demo:1.2.3`);
  });
  it('an image repository other than the name, and a recorded digest, are in the image reference', () => {
    const env = envWith({ releases: { ...inputs.env.releases, demo: { tag: '1.2.3', digest: `sha256:${'a'.repeat(64)}` } } });
    const { construct } = workload(moduleLike('demo', { image: 'shared/demo-image' }), env);
    expect(construct.image).toBe(`${REGISTRY}/icv/shared/demo-image:1.2.3@sha256:${'a'.repeat(64)}`);
  });
  it('a device-facing, credentialed, autoscaled module adds its credentials Secret, NodePort Service and autoscaler', () => {
    const module = moduleLike('demo', { external: { nodePort: 30999, sourceRanges: ['10.9.0.0/16'] }, dependsOn: { modules: [], stateful: ['mysql'] }, scaling: { min: 2, max: 4, targetCpu: 60 } });
    expect(refs(workload(module).objects)).toEqual([
      'ServiceAccount/demo',
      'ConfigMap/demo-config',
      'Secret/demo-credentials',
      'Deployment/demo',
      'Service/demo',
      'Service/demo-external',
      'HorizontalPodAutoscaler/demo',
      'PodDisruptionBudget/demo',
      'NetworkPolicy/demo',
    ]);
    const external = one(workload(module).objects, 'Service', 'demo-external');
    expect(external.spec).toEqual({ type: 'NodePort', externalTrafficPolicy: 'Cluster', selector: selectorOf('demo'), ports: [{ name: 'http', port: 8080, targetPort: 'http', nodePort: 30999, protocol: 'TCP' }] });
  });
  it('a routed module in stage kubernetes gets its Ingress on the environment\'s domain', () => {
    const { objects } = workload(moduleLike('demo', { routes: [{ host: 'demo', path: '/' }] }));
    expect(refs(objects).at(-1)).toBe('Ingress/demo');
    const ingress = one(objects, 'Ingress');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['demo.icv.example.cn'], secretName: 'icv-wildcard-tls' }],
      rules: [{ host: 'demo.icv.example.cn', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'demo', port: { name: 'http' } } } }] } }],
    });
    expect(ingress.metadata).toEqual({ name: 'demo', namespace: 'icv-ops', labels: labelsOf('demo', 'backend') });
  });
  it('a routed module in stage legacy gets the legacy upstream, the primary Ingress to it and the smoke Ingress, and no plain Ingress', () => {
    const env = envWith({ cutover: { demo: { stage: 'legacy', legacy: { addresses: ['192.168.16.51'], port: 8080 } } } });
    const { objects } = workload(moduleLike('demo', { routes: [{ host: 'demo', path: '/app' }] }), env);
    expect(refs(objects).slice(6)).toEqual(['Service/demo-legacy', 'EndpointSlice/demo-legacy-endpoints', 'Ingress/demo', 'Ingress/demo-smoke']);
    const smoke = one(objects, 'Ingress', 'demo-smoke');
    expect(smoke.spec.rules).toEqual([{ host: 'demo-smoke.icv.example.cn', http: { paths: [{ path: '/app', pathType: 'Prefix', backend: { service: { name: 'demo', port: { name: 'http' } } } }] } }]);
    expect(one(objects, 'Ingress', 'demo').spec.rules[0].host).toBe('demo.icv.example.cn');
  });
});

describe('ModuleWorkload: replicas', () => {
  it('a fixed count below the environment\'s floor is raised to the floor; above it, kept', () => {
    const raised = workload(moduleLike('demo', { scaling: { replicas: 2 } }), envWith({ sizing: { replicaFloor: 5 } }));
    expect([raised.construct.minReplicas, raised.construct.maxReplicas]).toEqual([5, 5]);
    expect(one(raised.objects, 'Deployment').spec.replicas).toBe(5);
    const kept = workload(moduleLike('demo', { scaling: { replicas: 4 } }), envWith({ sizing: { replicaFloor: 3 } }));
    expect([kept.construct.minReplicas, kept.construct.maxReplicas]).toEqual([4, 4]);
    expect(one(kept.objects, 'Deployment').spec.replicas).toBe(4);
    expect(kept.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });
  it('an autoscaled module: its minimum raised to the floor, its maximum never below it, and no replicas on the Deployment', () => {
    const raised = workload(moduleLike('demo', { scaling: { min: 2, max: 3, targetCpu: 70 } }), envWith({ sizing: { replicaFloor: 5 } }));
    expect([raised.construct.minReplicas, raised.construct.maxReplicas]).toEqual([5, 5]);
    expect(one(raised.objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 5, maxReplicas: 5 });
    expect(one(raised.objects, 'Deployment').spec.replicas).toBeUndefined();
    const wide = workload(moduleLike('demo', { scaling: { min: 3, max: 9, targetCpu: 70 } }), envWith({ sizing: { replicaFloor: 2 } }));
    expect([wide.construct.minReplicas, wide.construct.maxReplicas]).toEqual([3, 9]);
    expect(one(wide.objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 3, maxReplicas: 9 });
  });
  it('the min-replicas exception lowers the floor to 1, and is annotated with its reason', () => {
    const module = moduleLike('demo', { scaling: { replicas: 1 }, exceptions: [{ rule: 'min-replicas', reason: 'a singleton by design' }] });
    const { construct, objects } = workload(module, envWith({ sizing: { replicaFloor: 5 } }));
    expect(construct.minReplicas).toBe(1);
    const deployment = one(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.metadata.annotations).toEqual({ 'exceptions.icv.io/reliability.min-replicas': 'a singleton by design' });
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'exceptions.icv.io/reliability.min-replicas': 'a singleton by design' });
  });
});

describe('ModuleWorkload: exceptions', () => {
  it('no exception: no annotation, a read-only root, the pods spread, no internet egress', () => {
    const { objects } = workload(moduleLike('demo', {}));
    const deployment = one(objects, 'Deployment');
    expect(deployment.metadata.annotations).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toHaveLength(1);
    expect(one(objects, 'NetworkPolicy').spec.egress).toEqual([DNS_EGRESS]);
  });
  it('each exception annotates its check rule with the reason and relaxes exactly its default; dependency-cycle annotates nothing', () => {
    const module = moduleLike('demo', {
      exceptions: [
        { rule: 'read-only-root-filesystem', reason: 'writes a cache' },
        { rule: 'spread', reason: 'one node' },
        { rule: 'network-egress-internet', reason: 'calls a map API' },
        { rule: 'dependency-cycle', reason: 'a known cycle' },
      ],
    });
    const { objects } = workload(module);
    const deployment = one(objects, 'Deployment');
    const annotations = {
      'exceptions.icv.io/pss-restricted.read-only-root-filesystem': 'writes a cache',
      'exceptions.icv.io/reliability.spread': 'one node',
      'exceptions.icv.io/network.egress-internet': 'calls a map API',
    };
    expect(deployment.metadata.annotations).toEqual(annotations);
    expect(deployment.spec.template.metadata.annotations).toEqual(annotations);
    expect(deployment.spec.template.spec.containers[0].securityContext).toEqual(containerSecurity(false));
    expect(deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(deployment.spec.template.spec.affinity).toBeUndefined();
    expect(one(objects, 'NetworkPolicy').spec.egress).toEqual([DNS_EGRESS, { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });
  it('one exception relaxes only its own default: with spread excepted, the root stays read-only, the floor and the egress stay', () => {
    const { objects, construct } = workload(moduleLike('demo', { scaling: { replicas: 1 }, exceptions: [{ rule: 'spread', reason: 'one node' }] }), envWith({ sizing: { replicaFloor: 3 } }));
    const deployment = one(objects, 'Deployment');
    expect(deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(construct.minReplicas).toBe(3);
    expect(one(objects, 'NetworkPolicy').spec.egress).toEqual([DNS_EGRESS]);
    expect(deployment.metadata.annotations).toEqual({ 'exceptions.icv.io/reliability.spread': 'one node' });
  });
  it('a grace period given to the workload reaches its pods', () => {
    expect(one(workload(moduleLike('demo', {}), envWith(), { terminationGracePeriodSeconds: 90 }).objects, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(90);
  });
});

describe('ModuleDeployment: the pod', () => {
  it('an HTTP module with a config file and a MySQL login: the whole Deployment', () => {
    const dependency = moduleLike('other', { domain: 'identity', port: { number: 8443, protocol: 'http' } } as Partial<ModuleSpec>);
    const module = moduleLike('demo', {
      config: { env: { ZETA: 'z', ALPHA: 'a' }, files: { 'app.yaml': 'x: 1\n' } },
      dependsOn: { modules: ['other'], stateful: ['mysql', 'hdfs'] },
      health: { readiness: '/ready', liveness: '/live' },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      scaling: { replicas: 2 },
      tier: 'backend',
    });
    const objects = workload(module, envWith(), { dependencies: [dependency] }).objects;
    expect(one(objects, 'ServiceAccount')).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'demo', namespace: 'icv-ops', labels: labelsOf('demo', 'backend') }, automountServiceAccountToken: false });
    expect(one(objects, 'ConfigMap')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-config', namespace: 'icv-ops', labels: labelsOf('demo', 'backend') }, data: { 'app.yaml': 'x: 1\n' } });
    expect(one(objects, 'Secret')).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'demo-credentials', namespace: 'icv-ops', labels: labelsOf('demo', 'backend') },
      type: 'Opaque',
      stringData: { 'mysql-password': '<redacted:secret:mysqlPassword>' },
    });
    const deployment = one(objects, 'Deployment');
    const podLabels = { ...labelsOf('demo', 'backend'), 'app.kubernetes.io/version': '1.2.3' };
    expect(deployment.metadata).toEqual({ name: 'demo', namespace: 'icv-ops', labels: podLabels });
    const { template, ...spec } = deployment.spec;
    expect(spec).toEqual({
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf('demo') },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    });
    expect(template.metadata.labels).toEqual(podLabels);
    expect(Object.keys(template.metadata.annotations)).toEqual(['icv.io/config-checksum']);
    expect(template.metadata.annotations['icv.io/config-checksum']).toMatch(/^[0-9a-f]{16}$/);
    const { containers, ...pod } = template.spec;
    expect(pod).toEqual({
      serviceAccountName: 'demo',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: POD_SECURITY,
      imagePullSecrets: [{ name: 'harbor-pull' }],
      terminationGracePeriodSeconds: 45,
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorOf('demo') } }],
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: HOSTNAME, labelSelector: { matchLabels: selectorOf('demo') } } }] } },
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
        { name: 'config', configMap: { name: 'demo-config' } },
      ],
    });
    expect(containers).toEqual([
      {
        name: 'demo',
        image: `${REGISTRY}/icv/demo:1.2.3`,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'ALPHA', value: 'a' },
          { name: 'HDFS_HOST', value: 'hdfs.icv-stateful.svc.cluster.local' },
          { name: 'HDFS_PORT', value: '8020' },
          { name: 'MYSQL_HOST', value: 'mysql.icv-stateful.svc.cluster.local' },
          { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'demo-credentials', key: 'mysql-password' } } },
          { name: 'MYSQL_PORT', value: '3306' },
          { name: 'MYSQL_USER', value: 'icv_app' },
          { name: 'OTHER_URL', value: 'http://other.icv-identity.svc.cluster.local:8443' },
          { name: 'ZETA', value: 'z' },
        ],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
        livenessProbe: { httpGet: { path: '/live', port: 'http' }, initialDelaySeconds: 20, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 },
        startupProbe: { httpGet: { path: '/live', port: 'http' }, periodSeconds: 5, failureThreshold: 36 },
        lifecycle: { preStop: { exec: { command: ['sleep', '10'] } } },
        securityContext: containerSecurity(true),
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'config', mountPath: '/etc/demo', readOnly: true },
        ],
      },
    ]);
  });
  it('a gRPC module without config files: its probes on the management port 8081, no config volume, no checksum, no credentials', () => {
    const module = moduleLike('demo', { port: { number: 9090, protocol: 'grpc' }, health: { readiness: '/ready', liveness: '/live' }, dependsOn: { modules: [], stateful: ['hdfs'] } });
    const objects = workload(module).objects;
    expect(refs(objects)).not.toContain('Secret/demo-credentials');
    const deployment = one(objects, 'Deployment');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 9090, protocol: 'TCP' },
      { name: 'management', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect([container.readinessProbe.httpGet, container.livenessProbe.httpGet, container.startupProbe.httpGet]).toEqual([
      { path: '/ready', port: 'management' },
      { path: '/live', port: 'management' },
      { path: '/live', port: 'management' },
    ]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
    expect(deployment.spec.template.metadata.annotations).toEqual({});
    expect(one(objects, 'Service').spec.ports).toEqual([{ name: 'grpc', port: 9090, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' }]);
  });
  it('a module logging in to every credentialed service gets one password key each, with the service\'s user', () => {
    const module = moduleLike('demo', { dependsOn: { modules: [], stateful: ['redis', 'clickhouse', 'elasticsearch'] } });
    const objects = workload(module).objects;
    expect(one(objects, 'Secret').stringData).toEqual({
      'redis-password': '<redacted:secret:redisPassword>',
      'clickhouse-password': '<redacted:secret:clickhousePassword>',
      'elasticsearch-password': '<redacted:secret:elasticsearchPassword>',
    });
    const users = one(objects, 'Deployment').spec.template.spec.containers[0].env.filter((e: any) => e.name.endsWith('_USER'));
    expect(users).toEqual([
      { name: 'CLICKHOUSE_USER', value: 'icv_app' },
      { name: 'ELASTICSEARCH_USER', value: 'elastic' },
      { name: 'REDIS_USER', value: 'default' },
    ]);
  });
  it('the config checksum follows the files\' content, not their order, and tells a name from its content', () => {
    const checksum = (files: Record<string, string>) => one(workload(moduleLike('demo', { config: { env: {}, files } })).objects, 'Deployment').spec.template.metadata.annotations['icv.io/config-checksum'];
    const first = checksum({ 'a.yaml': '1', 'b.yaml': '2' });
    expect(checksum({ 'b.yaml': '2', 'a.yaml': '1' })).toBe(first);
    expect(checksum({ 'a.yaml': '1', 'b.yaml': '3' })).not.toBe(first);
    expect(checksum({ ab: 'c' })).not.toBe(checksum({ a: 'bc' }));
    expect(checksum({ a: 'b', c: '' })).not.toBe(checksum({ a: '', b: 'c' }));
  });
});

describe('ModuleDeployment on its own: its defaults', () => {
  it('without spread, read-only-root or grace period props: spread across hosts, a read-only root, 45 s; without a release: no version label', () => {
    const module = moduleLike('unreleased', {});
    const objects = synthObjects((scope) => new ModuleDeployment(scope, 'd', { identity: moduleIdentity('unreleased', 'icv-ops', 'backend'), module, env: envWith(), image: 'i:1', dependencies: [] }));
    const pod = one(objects, 'Deployment').spec.template;
    expect(pod.metadata.labels).toEqual(labelsOf('unreleased', 'backend'));
    expect(pod.spec.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorOf('unreleased') } }]);
    expect(pod.spec.containers[0].securityContext).toEqual(containerSecurity(true));
    expect(pod.spec.terminationGracePeriodSeconds).toBe(45);
  });
  it('a dependency\'s URL variable is its name in upper snake case', () => {
    const dependency = moduleLike('vehicle-state-api', { domain: 'vehicle' } as Partial<ModuleSpec>);
    const objects = workload(moduleLike('demo', { dependsOn: { modules: ['vehicle-state-api'], stateful: [] } }), envWith(), { dependencies: [dependency] }).objects;
    expect(one(objects, 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name: 'VEHICLE_STATE_API_URL', value: 'http://vehicle-state-api.icv-vehicle.svc.cluster.local:8080' });
  });
});

describe('ModuleNetworkPolicy', () => {
  const caller = moduleLike('other', { domain: 'vehicle' } as Partial<ModuleSpec>);
  it('a module nobody calls, without route or device port: no ingress key at all, egress to DNS only', () => {
    const policy = one(workload(moduleLike('demo', {})).objects, 'NetworkPolicy');
    expect(policy).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'demo', namespace: 'icv-ops', labels: labelsOf('demo', 'backend') },
      spec: { podSelector: { matchLabels: selectorOf('demo') }, policyTypes: ['Ingress', 'Egress'], egress: [DNS_EGRESS] },
    });
  });
  it('each allowed edge: from its callers, from the ingress controller, from the hosts and pods a node port forwards; to its dependencies and stateful services', () => {
    const module = moduleLike('demo', { routes: [{ host: 'demo', path: '/' }], external: { nodePort: 30999, sourceRanges: ['10.9.0.0/16'] }, dependsOn: { modules: ['other'], stateful: ['mysql', 'redis'] } });
    const dependency = moduleLike('other', { domain: 'identity', port: { number: 8443, protocol: 'http' } } as Partial<ModuleSpec>);
    const env = envWith({ statefulServices: { ...inputs.env.statefulServices, redis: { ...inputs.env.statefulServices.redis, mode: 'cluster' } } });
    const policy = one(workload(module, env, { dependencies: [dependency], dependents: [caller] }).objects, 'NetworkPolicy');
    const own = [{ protocol: 'TCP', port: 8080 }];
    expect(policy.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-vehicle' } }, podSelector: { matchLabels: selectorOf('other') } }], ports: own },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubesphere-controls-system' } } }], ports: own },
      { from: [{ ipBlock: { cidr: '192.168.16.0/24' } }, { ipBlock: { cidr: '10.233.64.0/18' } }], ports: own },
    ]);
    expect(policy.spec.egress).toEqual([
      DNS_EGRESS,
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-identity' } }, podSelector: { matchLabels: selectorOf('other') } }], ports: [{ protocol: 'TCP', port: 8443 }] },
      { to: [{ ipBlock: { cidr: '192.168.16.200/32' } }], ports: [{ protocol: 'TCP', port: 3306 }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-stateful' } }, podSelector: { matchLabels: selectorOf('redis') } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ]);
  });
  it('a service on several VMs: one egress rule listing each address', () => {
    const policy = one(workload(moduleLike('demo', { dependsOn: { modules: [], stateful: ['clickhouse'] } })).objects, 'NetworkPolicy');
    expect(policy.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '192.168.16.211/32' } }, { ipBlock: { cidr: '192.168.16.212/32' } }], ports: [{ protocol: 'TCP', port: 8123 }] });
  });
});

describe('ModuleIngress and ModuleCutover', () => {
  const identity = { name: 'demo', namespace: 'icv-ops', labels: labelsOf('demo', 'backend') };
  it('ModuleIngress: a name, labels and annotations given are applied; without TLS no tls key; without annotations no annotations key', () => {
    const objects = synthObjects((scope) => {
      new ModuleIngress(scope, 'a', { identity, service: { name: 'demo', portName: 'http' }, routes: [{ host: 'a.example', path: '/' }], name: 'demo-x', labels: { extra: 'yes' }, annotations: { note: 'n' }, tls: false });
      new ModuleIngress(scope, 'b', { identity, service: { name: 'demo', portName: 'http' }, routes: [{ host: 'a.example', path: '/' }] });
    });
    const [named, plain] = objects as any[];
    expect(named.metadata).toEqual({ name: 'demo-x', namespace: 'icv-ops', labels: { ...labelsOf('demo', 'backend'), extra: 'yes' }, annotations: { note: 'n' } });
    expect(named.spec.tls).toBeUndefined();
    expect(named.spec.ingressClassName).toBe('nginx');
    expect(plain.metadata).toEqual({ name: 'demo', namespace: 'icv-ops', labels: labelsOf('demo', 'backend') });
    expect(plain.spec.tls).toEqual([{ hosts: ['a.example'], secretName: 'icv-wildcard-tls' }]);
  });
  const routed = moduleLike('demo', { routes: [{ host: 'demo', path: '/' }] });
  const legacy = { addresses: ['192.168.16.51', '192.168.16.52'], port: 8088 };
  it('canary: the legacy upstream on the legacy addresses, the primary Ingress to it with the stage and weight, the canary Ingress to the module', () => {
    const objects = workload(routed, envWith({ cutover: { demo: { stage: 'canary', weight: 10, legacy } } })).objects;
    const upstreamLabels = { ...labelsOf('demo-legacy', 'legacy-upstream'), 'cutover.icv.io/role': 'legacy-upstream' };
    expect(one(objects, 'Service', 'demo-legacy')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'demo-legacy', namespace: 'icv-ops', labels: upstreamLabels },
      spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 8088, targetPort: 8088, protocol: 'TCP' }] },
    });
    expect(one(objects, 'EndpointSlice')).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'demo-legacy-endpoints', namespace: 'icv-ops', labels: { ...upstreamLabels, 'kubernetes.io/service-name': 'demo-legacy', 'endpointslice.kubernetes.io/managed-by': 'pulumi.icv.io' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8088, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['192.168.16.51'], conditions: { ready: true } },
        { addresses: ['192.168.16.52'], conditions: { ready: true } },
      ],
    });
    const primary = one(objects, 'Ingress', 'demo');
    expect(primary.metadata.annotations).toEqual({ 'cutover.icv.io/stage': 'canary', 'cutover.icv.io/kubernetes-weight': '10', 'nginx.ingress.kubernetes.io/service-upstream': 'true' });
    expect(primary.spec.tls).toEqual([{ hosts: ['demo.icv.example.cn'], secretName: 'icv-wildcard-tls' }]);
    expect(primary.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'demo-legacy', port: { name: 'http' } } });
    const canary = one(objects, 'Ingress', 'demo-canary');
    expect(canary.metadata.labels).toEqual({ ...labelsOf('demo', 'backend'), 'cutover.icv.io/role': 'canary' });
    expect(canary.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10', 'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary' });
    expect(canary.spec.tls).toBeUndefined();
    expect(canary.spec.rules).toEqual(primary.spec.rules.map((r: any) => ({ ...r, http: { paths: r.http.paths.map((p: any) => ({ ...p, backend: { service: { name: 'demo', port: { name: 'http' } } } })) } })));
    expect(objects.filter((o) => o.metadata.name === 'demo-smoke')).toEqual([]);
  });
  it('canary with its own header: the canary Ingress matches on it', () => {
    const objects = workload(routed, envWith({ cutover: { demo: { stage: 'canary', weight: 30, legacy, header: 'X-Try' } } })).objects;
    expect(one(objects, 'Ingress', 'demo-canary').metadata.annotations['nginx.ingress.kubernetes.io/canary-by-header']).toBe('X-Try');
  });
  it('legacy: weight 0 on the primary, and the smoke Ingress from the private ranges only', () => {
    const objects = workload(routed, envWith({ cutover: { demo: { stage: 'legacy', legacy } } })).objects;
    expect(one(objects, 'Ingress', 'demo').metadata.annotations).toEqual({ 'cutover.icv.io/stage': 'legacy', 'cutover.icv.io/kubernetes-weight': '0', 'nginx.ingress.kubernetes.io/service-upstream': 'true' });
    const smoke = one(objects, 'Ingress', 'demo-smoke');
    expect(smoke.metadata.labels).toEqual({ ...labelsOf('demo', 'backend'), 'cutover.icv.io/role': 'smoke' });
    expect(smoke.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16' });
    expect(smoke.spec.tls).toEqual([{ hosts: ['demo-smoke.icv.example.cn'], secretName: 'icv-wildcard-tls' }]);
    expect(objects.filter((o) => o.metadata.name === 'demo-canary')).toEqual([]);
  });
});

describe('AppNamespace', () => {
  const nsLabels = labelsOf('icv-ops', 'namespace');
  it('restricted by default: the namespace in the workspace, default-deny both ways, the pull secret for the environment\'s Harbor only', () => {
    const objects = synthObjects((scope) => new AppNamespace(scope, 'ns', { name: 'icv-ops', env: envWith() }));
    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'icv-ops', labels: { ...nsLabels, 'kubesphere.io/workspace': 'icv-platform', 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' } },
      },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'icv-ops', labels: nsLabels }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'harbor-pull', namespace: 'icv-ops', labels: nsLabels },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [REGISTRY]: { username: 'robot$icv+pull', password: '<redacted:secret:harborPullRobot>' } } }) },
      },
    ]);
  });
  it('with TLS: the wildcard certificate Secret, its key and certificate as secret markers', () => {
    const objects = synthObjects((scope) => new AppNamespace(scope, 'ns', { name: 'icv-ops', env: envWith(), tls: true }));
    expect(objects.at(-1)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'icv-wildcard-tls', namespace: 'icv-ops', labels: nsLabels },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': '<redacted:secret:tlsCertificate>', 'tls.key': '<redacted:secret:tlsPrivateKey>' },
    });
  });
  it('a namespace without pods: only the Namespace, no default-deny and no pull secret', () => {
    expect(refs(synthObjects((scope) => new AppNamespace(scope, 'ns', { name: 'icv-stateful', env: envWith(), runsPods: false, tls: true })))).toEqual(['Namespace/icv-stateful']);
  });
  it('a level below restricted needs a reason, which the namespace carries; restricted stays the warn level', () => {
    expect(() => synthObjects((scope) => new AppNamespace(scope, 'ns', { name: 'icv-ops', env: envWith(), podSecurity: PodSecurityLevel.BASELINE }))).toThrow("'podSecurity' (baseline) of namespace 'icv-ops' needs a 'podSecurityReason'");
    const [namespace] = synthObjects((scope) => new AppNamespace(scope, 'ns', { name: 'icv-ops', env: envWith(), podSecurity: PodSecurityLevel.PRIVILEGED, podSecurityReason: 'node agent' })) as any[];
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(namespace.metadata.annotations).toEqual({ 'icv.io/pod-security-reason': 'node agent' });
    let restricted: AppNamespace | undefined;
    synthObjects((scope) => (restricted = new AppNamespace(scope, 'ns', { name: 'icv-ops', env: envWith(), podSecurity: PodSecurityLevel.RESTRICTED })));
    expect(restricted!.podSecurity).toBe('restricted');
  });
});

describe('ExternalEndpoints and VmStatefulService', () => {
  it('ExternalEndpoints: the slice is named after the Service unless named, and exposes the construct\'s name and port name', () => {
    let built: ExternalEndpoints | undefined;
    const objects = synthObjects((scope) => (built = new ExternalEndpoints(scope, 'e', { name: 'up', namespace: 'icv-ops', labels: { a: 'b' }, addresses: ['10.1.1.1'], port: 81, portName: 'web' })));
    expect([built!.name, built!.portName]).toEqual(['up', 'web']);
    expect(refs(objects)).toEqual(['Service/up', 'EndpointSlice/up-endpoints']);
    expect((objects[1] as any).metadata.labels).toEqual({ a: 'b', 'kubernetes.io/service-name': 'up', 'endpointslice.kubernetes.io/managed-by': 'pulumi.icv.io' });
  });
  it('VmStatefulService: a selector-less Service and a slice of the VMs in icv-stateful, port tcp', () => {
    const objects = synthObjects((scope) => new VmStatefulService(scope, 's', { service: 'elasticsearch', env: envWith() }));
    const labels = labelsOf('elasticsearch', 'vm-stateful-service');
    expect(objects).toEqual([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'elasticsearch', namespace: 'icv-stateful', labels }, spec: { type: 'ClusterIP', ports: [{ name: 'tcp', port: 9200, targetPort: 9200, protocol: 'TCP' }] } },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'elasticsearch-vms', namespace: 'icv-stateful', labels: { ...labels, 'kubernetes.io/service-name': 'elasticsearch', 'endpointslice.kubernetes.io/managed-by': 'pulumi.icv.io' } },
        addressType: 'IPv4',
        ports: [{ name: 'tcp', port: 9200, protocol: 'TCP' }],
        endpoints: ['192.168.16.231', '192.168.16.232', '192.168.16.233'].map((address) => ({ addresses: [address], conditions: { ready: true } })),
      },
    ]);
  });
});

describe('InClusterStatefulService and InClusterFront (Redis)', () => {
  const clusterEnv = (cluster?: Record<string, unknown>) =>
    envWith({ statefulServices: { ...inputs.env.statefulServices, redis: { ...inputs.env.statefulServices.redis, mode: 'cluster', ...(cluster && { cluster }) } } });
  const labels = labelsOf('redis', 'stateful-service');
  const client = moduleLike('demo', { dependsOn: { modules: [], stateful: ['redis'] } });
  const build = (env: Environment, clients: ModuleSpec[] = [client]) => synthObjects((scope) => new InClusterStatefulService(scope, 'r', { service: 'redis', env, clients }));

  it('its objects: config Secret, headless Service, one claim per replica, the StatefulSet, its budget and policy', () => {
    expect(refs(build(clusterEnv({ replicas: 2 })))).toEqual(['Secret/redis-config', 'Service/redis-headless', 'PersistentVolumeClaim/data-redis-0', 'PersistentVolumeClaim/data-redis-1', 'StatefulSet/redis', 'PodDisruptionBudget/redis', 'NetworkPolicy/redis']);
    expect(refs(build(clusterEnv())).filter((r) => r.startsWith('PersistentVolumeClaim'))).toEqual(['PersistentVolumeClaim/data-redis-0']);
    expect(dataClaimNames('redis', 3)).toEqual(['data-redis-0', 'data-redis-1', 'data-redis-2']);
  });
  it('the config Secret: Redis\'s config file with the port, data directory and password marker, and the password', () => {
    const secret = one(build(clusterEnv()), 'Secret');
    expect(secret.metadata).toEqual({ name: 'redis-config', namespace: 'icv-stateful', labels });
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toEqual({
      'redis.conf': [
        'port 6379',
        'bind 0.0.0.0',
        'protected-mode yes',
        'dir /data',
        'appendonly yes',
        'appendfsync everysec',
        'maxmemory 768mb',
        'maxmemory-policy noeviction',
        'requirepass <redacted:secret:redisPassword>',
        'masterauth <redacted:secret:redisPassword>',
        '',
      ].join('\n'),
      password: '<redacted:secret:redisPassword>',
    });
  });
  it('the headless Service publishes not-ready pods; claims on the environment\'s StorageClass, 8Gi unless the environment says otherwise', () => {
    const objects = build(clusterEnv({ replicas: 1, storage: '20Gi' }));
    expect(one(objects, 'Service').spec).toEqual({ clusterIP: 'None', publishNotReadyAddresses: true, selector: selectorOf('redis'), ports: [{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }] });
    const claim = { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage: '20Gi' } } };
    expect(one(objects, 'PersistentVolumeClaim')).toEqual({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-redis-0', namespace: 'icv-stateful', labels }, spec: claim });
    expect(one(objects, 'StatefulSet').spec.volumeClaimTemplates).toEqual([{ metadata: { name: 'data', labels }, spec: claim }]);
    expect(one(build(clusterEnv()), 'PersistentVolumeClaim').spec.resources.requests.storage).toBe('8Gi');
  });
  it('the StatefulSet: ordered rolling updates, one pod per host, restricted security, 60 s grace, the mirrored image by digest', () => {
    const set = one(build(clusterEnv({ replicas: 2 })), 'StatefulSet');
    expect(set.metadata).toEqual({ name: 'redis', namespace: 'icv-stateful', labels });
    const { template, volumeClaimTemplates, ...spec } = set.spec;
    expect(spec).toEqual({ serviceName: 'redis-headless', replicas: 2, selector: { matchLabels: selectorOf('redis') }, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } });
    expect(template.metadata).toEqual({ labels });
    const { containers, ...pod } = template.spec;
    expect(pod).toEqual({
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: POD_SECURITY,
      imagePullSecrets: [{ name: 'harbor-pull' }],
      terminationGracePeriodSeconds: 60,
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME, labelSelector: { matchLabels: selectorOf('redis') } }] } },
      volumes: [{ name: 'config', secret: { secretName: 'redis-config', items: [{ key: 'redis.conf', path: 'redis.conf' }] } }],
    });
    expect(containers).toEqual([
      {
        name: 'redis',
        image: `${REGISTRY}/mirror-docker-io/library/redis@sha256:6aaf3f5e6bc8a592fbfe2cccf19eb36d27c39d12dab4f4b01556b7449e7b1f44`,
        imagePullPolicy: 'IfNotPresent',
        command: [
          'sh',
          '-c',
          'if [ "${HOSTNAME##*-}" = 0 ]; then exec redis-server /etc/redis/redis.conf; fi; exec redis-server /etc/redis/redis.conf --replicaof redis-0.redis-headless.icv-stateful.svc.cluster.local 6379',
        ],
        ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
        env: [{ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'redis-config', key: 'password' } } }],
        resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1Gi' } },
        securityContext: containerSecurity(true),
        readinessProbe: { exec: { command: ['sh', '-c', '[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]'] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        livenessProbe: { tcpSocket: { port: 'redis' }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
        volumeMounts: [
          { name: 'data', mountPath: '/data' },
          { name: 'config', mountPath: '/etc/redis', readOnly: true },
        ],
      },
    ]);
  });
  it('the budget allows one eviction; the policy admits the clients and its own replicas, and lets ordinal 0 replicate from the VMs', () => {
    const objects = build(clusterEnv());
    expect(one(objects, 'PodDisruptionBudget')).toEqual({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'redis', namespace: 'icv-stateful', labels }, spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf('redis') } } });
    const port = [{ protocol: 'TCP', port: 6379 }];
    const own = { podSelector: { matchLabels: selectorOf('redis') } };
    expect(one(objects, 'NetworkPolicy')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'redis', namespace: 'icv-stateful', labels },
      spec: {
        podSelector: { matchLabels: selectorOf('redis') },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'icv-ops' } }, podSelector: { matchLabels: selectorOf('demo') } }], ports: port },
          { from: [own], ports: port },
        ],
        egress: [DNS_EGRESS, { to: [own], ports: port }, { to: [{ ipBlock: { cidr: '192.168.16.206/32' } }], ports: port }],
      },
    });
    expect(one(build(clusterEnv(), []), 'NetworkPolicy').spec.ingress).toEqual([{ from: [own], ports: port }]);
  });
  it('InClusterFront: the clients\' Service selects ordinal 0 only, on the service\'s port', () => {
    expect(synthObjects((scope) => new InClusterFront(scope, 'f', { service: 'redis', env: clusterEnv() }))).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'redis', namespace: 'icv-stateful', labels },
        spec: { type: 'ClusterIP', selector: { ...selectorOf('redis'), 'statefulset.kubernetes.io/pod-name': 'redis-0' }, ports: [{ name: 'tcp', port: 6379, targetPort: 6379, protocol: 'TCP' }] },
      },
    ]);
  });
});
