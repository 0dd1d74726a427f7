import { expect } from 'vitest';
import type { Finding } from '../../infra/checks/index.js';
import { environmentSchema, type Environment, type EnvironmentInput } from '../../infra/schema/environment.js';

/**
 * Hand-written objects for the rule tests: `moduleObjects()` is one module exactly as the platform's constructs
 * shape it, and passes every rule; each test breaks one field of it and asserts the rule id and path.
 */

export const NAMESPACE = 'icv-demo';
export const REGISTRY = 'harbor.fixture.example.cn';

const selector = { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/part-of': 'icv-platform' };
const labels = { ...selector, 'app.kubernetes.io/version': '1.0.0' };

export interface ModuleOptions {
  /** Fixed replicas; ignored when `autoscale` is set. @default 2 */
  readonly replicas?: number;
  readonly autoscale?: { readonly min: number; readonly max: number };
  /** CPU and memory request of the one container. @default 250m / 256Mi */
  readonly requests?: { readonly cpu: string; readonly memory: string };
  readonly name?: string;
}

/** One module's objects (any = plain JSON a test may break). */
export function moduleObjects(options: ModuleOptions = {}): any[] {
  const name = options.name ?? 'demo';
  const sel = { ...selector, 'app.kubernetes.io/name': name };
  const podLabels = { ...labels, 'app.kubernetes.io/name': name };
  const metadata = (n = name) => ({ name: n, namespace: NAMESPACE, labels: podLabels });
  const requests = options.requests ?? { cpu: '250m', memory: '256Mi' };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(),
    spec: {
      ...(options.autoscale ? {} : { replicas: options.replicas ?? 2 }),
      selector: { matchLabels: sel },
      template: {
        metadata: { labels: podLabels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: sel } }],
          containers: [
            {
              name: 'app',
              image: `${REGISTRY}/icv/${name}:1.0.0`,
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'LOG_LEVEL', value: 'info' }],
              resources: { requests, limits: { cpu: '1', memory: '512Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              livenessProbe: { httpGet: { path: '/live', port: 'http' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
  const objects: any[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(), automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(`${name}-config`), data: { 'app.yaml': 'port: 8080\nlog: info\n' } },
    deployment,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(),
      spec: { type: 'ClusterIP', selector: sel, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: metadata(), spec: { maxUnavailable: 1, selector: { matchLabels: sel } } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(),
      spec: {
        podSelector: { matchLabels: sel },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubesphere-controls-system' } } }] }],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: metadata(),
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: `${name}.fixture.example.cn`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] } }],
      },
    },
  ];
  if (options.autoscale) {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: metadata(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: options.autoscale.min,
        maxReplicas: options.autoscale.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  }
  return objects;
}

/** The first object of a kind (and name) in a list; throws if there is none. */
export function get(objects: readonly any[], kind: string, name?: string): any {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in fixture`);
  return found;
}

/** The one container of the fixture Deployment. */
export function container(objects: readonly any[]): any {
  return get(objects, 'Deployment').spec.template.spec.containers[0];
}

/** A small, valid environment: one control-plane host, three workers of 5 CPU / 10 GiB (4 / 8 after the reserve). */
export function fixtureEnv(overrides: { production?: boolean; workerCapacity?: Record<string, { cpu: number; memoryGiB: number }> } = {}): Environment {
  const host = (name: string, last: number) => ({
    name,
    address: `10.10.0.${last}`,
    internalAddress: `10.10.0.${last}`,
    capacity: overrides.workerCapacity?.[name] ?? { cpu: 5, memoryGiB: 10 },
  });
  const service = (port: number) => ({ addresses: ['10.10.0.200'], port });
  const input: EnvironmentInput = {
    name: overrides.production ? 'fixture-prod' : 'fixture-test',
    production: overrides.production ?? false,
    domain: 'fixture.example.cn',
    cluster: {
      clusterName: 'fixture.icv.local',
      kubernetesVersion: 'v1.26.15',
      containerRuntime: 'containerd',
      hosts: [host('cp1', 10), host('w1', 11), host('w2', 12), host('w3', 13)],
      roleGroups: { etcd: ['cp1'], controlPlane: ['cp1'], worker: ['w1', 'w2', 'w3'] },
      controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', domain: 'lb.fixture.icv.local', port: 6443 },
      network: { plugin: 'calico', hostCidr: '10.10.0.0/24', podCidr: '10.233.64.0/18', serviceCidr: '10.233.0.0/18' },
      systemReserve: { cpu: 1, memoryGiB: 2 },
    },
    registry: { host: REGISTRY, project: 'icv', tls: { trust: 'certsPath', certsPath: '/etc/containerd/certs.d/harbor' } },
    statefulServices: {
      mysql: service(3306),
      redis: service(6379),
      clickhouse: service(8123),
      hdfs: service(8020),
      flink: service(8081),
      elasticsearch: service(9200),
      logstash: service(5044),
    },
    sizing: {
      replicaFloor: overrides.production ? 2 : 1,
      storageClass: 'local-path',
      harborStorage: { registry: '10Gi', database: '1Gi', redis: '1Gi', jobLog: '1Gi', trivy: '1Gi' },
    },
    releases: {},
  };
  return environmentSchema.parse(input);
}

/** Asserts that a finding with this rule, object and path is among the findings, and returns it. */
export function expectFinding(findings: readonly Finding[], rule: string, object: string, path: string): Finding {
  const found = findings.find((f) => f.rule === rule && f.object === object && f.path === path);
  expect(found, `expected ${rule} on ${object} at ${path}; got:\n${findings.map((f) => `  ${f.rule} ${f.object} ${f.path}`).join('\n')}`).toBeDefined();
  return found!;
}

export const DEPLOYMENT = `Deployment/${NAMESPACE}/demo`;
export const CONTAINER = 'spec.template.spec.containers[app]';
