import { expect } from 'vitest';
import type { Finding } from '../../infra/checks/index.js';
import { environmentSchema, type Environment, type EnvironmentInput } from '../../infra/schema/environment.js';
import { moduleSchema, type ModuleDeclaration, type ModuleSpec } from '../../infra/schema/module.js';
import { synthObjects } from '../../infra/synth/chart.js';
import { ModuleWorkload } from '../../infra/synth/workloads/module-workload.js';

/**
 * Objects for the rule tests, synthesized by the platform's own constructs: `moduleObjects()` is one catalog module
 * as `ModuleWorkload` makes it (ServiceAccount, ConfigMap, Deployment, Service, PodDisruptionBudget, NetworkPolicy,
 * Ingress, and the HPA when it autoscales), and passes every rule; each test breaks one field of it and asserts the
 * rule id, path and message. Nothing here is hand-copied, so the fixture cannot drift from the constructs.
 */

export const DOMAIN = 'ops';
export const NAMESPACE = `icv-${DOMAIN}`;
export const REGISTRY = 'harbor.fixture.example.cn';

export interface ModuleOptions {
  /** Fixed replicas; ignored when `autoscale` is set. @default 2 */
  readonly replicas?: number;
  readonly autoscale?: { readonly min: number; readonly max: number };
  /** CPU and memory request of the one container (limits are twice as much). @default 250m / 256Mi */
  readonly requests?: { readonly cpu: string; readonly memory: string };
  readonly name?: string;
}

/** The catalog entry the fixture module is synthesized from: an HTTP back-end with a route, a config file and a variable. */
export function fixtureModule(options: ModuleOptions = {}): ModuleSpec {
  const name = options.name ?? 'demo';
  const requests = options.requests ?? { cpu: '250m', memory: '256Mi' };
  const twice = (value: string) => `${Number.parseInt(value, 10) * 2}${value.replace(/^\d+/, '')}`;
  return moduleSchema.parse({
    name,
    domain: DOMAIN,
    tier: 'backend',
    description: 'A module the check rule tests break one field of.',
    source: { repository: `icv/${DOMAIN}/${name}`, stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/ready', liveness: '/live' },
    resources: { requests, limits: { cpu: twice(requests.cpu), memory: twice(requests.memory) } },
    scaling: options.autoscale ? { min: options.autoscale.min, max: options.autoscale.max, targetCpu: 70 } : { replicas: options.replicas ?? 2 },
    config: { env: { LOG_LEVEL: 'info' }, files: { 'app.yaml': 'port: 8080\nlog: info\n' } },
    routes: [{ host: name, path: '/' }],
  } satisfies ModuleDeclaration);
}

/**
 * One module's objects, as the constructs synthesize them for the fixture test environment (any = plain JSON a test
 * may break). Each set of options is synthesized once per test file and handed out as a fresh deep copy, so a test
 * that breaks a field breaks only its own copy: a rule test pays for a copy, not a synthesis (which is most of a
 * mutant's run in `npm run test:mutation`, where the checks are mutated and the constructs are not).
 */
export function moduleObjects(options: ModuleOptions = {}): any[] {
  const key = JSON.stringify(options);
  let synthesized = synthesizedModules.get(key);
  if (!synthesized) {
    const module = fixtureModule(options);
    const env: Environment = { ...fixtureEnv(), releases: { [module.name]: { tag: '1.0.0' } } };
    synthesized = synthObjects((scope) => new ModuleWorkload(scope, module.name, { module, env, dependencies: [], dependents: [] }));
    synthesizedModules.set(key, synthesized);
  }
  return structuredClone(synthesized);
}
const synthesizedModules = new Map<string, any[]>();

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
      objectstore: service(9000),
    },
    sizing: {
      replicaFloor: overrides.production ? 2 : 1,
      storageClass: 'local-path',
      harborStorage: { database: '1Gi', redis: '1Gi', trivy: '1Gi' },
    },
    releases: {},
  };
  return environmentSchema.parse(input);
}

/**
 * Asserts that a finding with this rule, object and path is among the findings, that it is whole (a severity, a
 * message and a one-line fix), and returns it.
 */
export function expectFinding(findings: readonly Finding[], rule: string, object: string, path: string): Finding {
  const found = findings.find((f) => f.rule === rule && f.object === object && f.path === path);
  expect(found, `expected ${rule} on ${object} at ${path}; got:\n${findings.map((f) => `  ${f.rule} ${f.object} ${f.path}`).join('\n')}`).toBeDefined();
  expect(['error', 'warning', 'exception'], `severity of ${rule}`).toContain(found!.severity);
  expect(found!.message, `message of ${rule}`).toMatch(/\S/);
  expect(found!.fix, `fix of ${rule}`).toMatch(/\S/);
  return found!;
}

export const DEPLOYMENT = `Deployment/${NAMESPACE}/demo`;
export const CONTAINER = 'spec.template.spec.containers[demo]';
