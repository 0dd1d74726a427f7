import { describe, expect, it } from 'vitest';
import { environments } from '../../environments/index.js';
import { loadInputs } from '../../infra/cli/inputs.js';
import { catalogSources } from '../../modules/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCatalog, validateReleases } from '../../infra/schema/catalog.js';
import { cutoverCatalogProblems } from '../../infra/schema/cutover.js';
import { environmentFiles, parseReleases, validateEnvironment } from '../../infra/schema/validate-environment.js';
import { InputError, type InputProblem } from '../../infra/model/errors.js';
import { environmentSchema } from '../../infra/schema/environment.js';
import { validateTopology, type TopologyRule } from '../../infra/schema/topology.js';
import { validatePromotion } from '../../infra/schema/releases.js';

/**
 * Every validation rule of infra/schema, broken exactly once: the real inputs with one bad value must produce
 * exactly one problem, at the rule's file and field path, with the rule's message (and, for the topology rules that
 * `npm run check` reports by id, the rule id). In-process and without synthesis, so that mutation testing
 * (MUTATION.md) runs it for every mutant of infra/schema. The CLI's side of the same rules (exit 2, one line,
 * nothing written) is in test/input/cross-field-rules.test.ts and test/environment/topology-validation.test.ts.
 */

type Mutable = any;
interface Broken {
  readonly test: Mutable;
  readonly prod: Mutable;
  readonly modules: Map<string, Mutable>;
  readonly sources: { file: string; modules: Mutable[] }[];
  releases?: Record<string, Record<string, unknown>>;
}

/** The real inputs, validated once: each case re-validates only what its mutation touched. */
const FILES = { test: environmentFiles('test'), prod: environmentFiles('prod') };
const RELEASES = { test: readReleases('test'), prod: readReleases('prod') };
const ORIGINAL = { test: JSON.stringify(environments.test), prod: JSON.stringify(environments.prod), catalog: JSON.stringify(catalogSources) };
const CATALOG = validateCatalog(catalogSources);
const ENVS = { test: validateEnvironment(environments.test, RELEASES.test, FILES.test.declaration).env, prod: validateEnvironment(environments.prod, RELEASES.prod, FILES.prod.declaration).env };

function readReleases(env: 'test' | 'prod') {
  return parseReleases(readFileSync(join(import.meta.dirname, '../..', environmentFiles(env).releases), 'utf8'), environmentFiles(env).releases);
}

/**
 * The problems the loader (infra/cli/inputs.ts loadInputs) reports for the real inputs after `mutate`, through the
 * same validators in the same order: the catalog, each environment with its release tags, then the releases and
 * cutovers against the catalog. None for the real inputs themselves.
 */
function problemsAfter(mutate: (inputs: Broken) => void): InputProblem[] {
  const sources = catalogSources.map((s) => ({ file: s.file, modules: structuredClone(s.modules) as Mutable[] }));
  const broken: Broken = {
    test: structuredClone(environments.test),
    prod: structuredClone(environments.prod),
    modules: new Map(sources.flatMap((s) => s.modules.map((m) => [m.name as string, m] as const))),
    sources,
  };
  mutate(broken);
  const problems: InputProblem[] = [];
  const collect = <T>(validate: () => T): T | undefined => {
    try {
      return validate();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const catalogChanged = JSON.stringify(sources) !== ORIGINAL.catalog;
  const catalog = catalogChanged ? collect(() => validateCatalog(sources)) : CATALOG;
  for (const name of ['test', 'prod'] as const) {
    const changed = JSON.stringify(broken[name]) !== ORIGINAL[name] || broken.releases?.[name] !== undefined;
    if (!changed && !catalogChanged) continue;
    const env = changed ? collect(() => validateEnvironment(broken[name], (broken.releases?.[name] ?? RELEASES[name]) as never, FILES[name].declaration).env) : ENVS[name];
    if (env && catalog) {
      collect(() => validateReleases(env, catalog, FILES[name].releases));
      problems.push(...cutoverCatalogProblems(env, catalog, FILES[name].declaration));
    }
  }
  return problems;
}

/** The topology report of prod's declaration after `mutate`, schema-parsed first (as the loader does). */
function topologyAfter(mutate: (prod: Mutable) => void) {
  const prod = structuredClone(environments.prod) as Mutable;
  mutate(prod);
  return validateTopology(environmentSchema.parse({ ...prod, releases: {} }), 'environments/prod.ts');
}

function expectOnly(problems: readonly InputProblem[], file: string, path: string, fragment: string) {
  expect(problems.map((p) => `${p.file}: ${p.path}`)).toEqual([`${file}: ${path}`]);
  expect(problems[0]!.message).toContain(fragment);
}

describe('the real inputs break no validation rule', () => {
  it('loads both environments and the catalog without a problem', () => {
    expect(problemsAfter(() => {})).toEqual([]);
    expect(problemsAfter(({ modules }) => (modules.get('vehicle-access').description += ' (unchanged rules)'))).toEqual([]);
  });

  it('the loader reports the same as these validators', () => {
    expect(() => loadInputs(['test', 'prod'])).not.toThrow();
    const broken = structuredClone(environments.prod) as Mutable;
    broken.cluster.roleGroups.worker = [];
    const viaLoader = (() => {
      try {
        loadInputs(['test', 'prod'], { declarations: { test: environments.test, prod: broken } });
        return [];
      } catch (error) {
        return (error as InputError).problems;
      }
    })();
    expect(viaLoader).toEqual(problemsAfter(({ prod }) => (prod.cluster.roleGroups.worker = [])));
  });

  it('prod has no topology problem and no warning', () => {
    expect(topologyAfter(() => {})).toEqual({ problems: [], warnings: [] });
  });
});

describe('topology rules: rule id, path and message (infra/schema/topology.ts)', () => {
  const cases: [string, (prod: Mutable) => void, TopologyRule, string, string][] = [
    ['a host name used twice', (d) => d.cluster.hosts.push({ ...d.cluster.hosts[2], address: '192.168.16.150', internalAddress: '192.168.16.150' }), 'topology.hosts', 'cluster.hosts[6].name', "duplicate host name 'kp-node01' (also cluster.hosts[2])"],
    ['an address used by two hosts', (d) => (d.cluster.hosts[3].address = '192.168.16.100'), 'topology.hosts', 'cluster.hosts[3].address', "duplicate address '192.168.16.100' (also used by host 'kp-node01')"],
    ['an internal address used by two hosts', (d) => (d.cluster.hosts[4].internalAddress = '192.168.16.70'), 'topology.hosts', 'cluster.hosts[4].internalAddress', "duplicate address '192.168.16.70' (also used by host 'kp-master01')"],
    ['an address outside the host network', (d) => (d.cluster.hosts[5].address = '192.168.99.140'), 'topology.hosts', 'cluster.hosts[5].address', "address '192.168.99.140' is outside cluster.network.hostCidr '192.168.16.0/24'"],
    ['an internal address outside the host network', (d) => (d.cluster.hosts[0].internalAddress = '10.1.1.1'), 'topology.hosts', 'cluster.hosts[0].internalAddress', "address '10.1.1.1' is outside cluster.network.hostCidr"],
    ['a role group naming an unknown host', (d) => d.cluster.roleGroups.worker.push('kp-node04'), 'topology.role-groups', 'cluster.roleGroups.worker[4]', "names unknown host 'kp-node04' (hosts: kp-master01, kp-master02, kp-node01, kp-node02, kp-node03, kp-node05)"],
    ['a role group listing a host twice', (d) => d.cluster.roleGroups.controlPlane.push('kp-master01'), 'topology.role-groups', 'cluster.roleGroups.controlPlane[2]', "lists host 'kp-master01' twice"],
    ['no control-plane host', (d) => (d.cluster.roleGroups.controlPlane = []), 'topology.role-groups', 'cluster.roleGroups.controlPlane', 'no control-plane host: KubeKey needs at least one'],
    ['no worker host', (d) => (d.cluster.roleGroups.worker = []), 'topology.role-groups', 'cluster.roleGroups.worker', 'no worker host: nothing could run the platform'],
    ['no etcd member', (d) => (d.cluster.roleGroups.etcd = []), 'topology.etcd-quorum', 'cluster.roleGroups.etcd', 'no etcd member: KubeKey needs at least one'],
    ['an even etcd membership, unacknowledged', (d) => (d.cluster.roleGroups.etcd = ['kp-master01', 'kp-master02', 'kp-node01', 'kp-node02']), 'topology.etcd-quorum', 'cluster.roleGroups.etcd', '4 etcd members tolerate 1 failure(s), no more than 3 would (quorum is n/2+1); use an odd number of members, or set cluster.evenEtcdAcknowledged with a reason'],
    ['the pod network overlapping the service network', (d) => (d.cluster.network.podCidr = '10.233.0.0/16'), 'topology.network', 'cluster.network.podCidr', "'10.233.0.0/16' overlaps cluster.network.serviceCidr '10.233.0.0/18'"],
    ['the pod network overlapping the hosts', (d) => (d.cluster.network.podCidr = '192.168.16.0/26'), 'topology.network', 'cluster.network.podCidr', "'192.168.16.0/26' overlaps cluster.network.hostCidr '192.168.16.0/24'"],
    ['the service network overlapping the hosts', (d) => (d.cluster.network.serviceCidr = '192.168.16.0/28'), 'topology.network', 'cluster.network.serviceCidr', "'192.168.16.0/28' overlaps cluster.network.hostCidr '192.168.16.0/24'"],
    ["a stateful VM at a node's address", (d) => (d.statefulServices.clickhouse.addresses[1] = '192.168.16.110'), 'topology.vm-addresses', 'statefulServices.clickhouse.addresses[1]', "'192.168.16.110' is the address of node 'kp-node02' (cluster.hosts): give the VM's own address"],
    ['a stateful VM inside the pod network', (d) => (d.statefulServices.redis.addresses = ['10.233.70.9']), 'topology.vm-addresses', 'statefulServices.redis.addresses[0]', "'10.233.70.9' is inside cluster.network.podCidr '10.233.64.0/18': traffic to it would stay in the cluster"],
    ['a stateful VM inside the service network', (d) => (d.statefulServices.mysql.addresses = ['10.233.0.10']), 'topology.vm-addresses', 'statefulServices.mysql.addresses[0]', "'10.233.0.10' is inside cluster.network.serviceCidr '10.233.0.0/18'"],
    ['a stateful VM listed twice', (d) => (d.statefulServices.elasticsearch.addresses[2] = '192.168.16.231'), 'topology.vm-addresses', 'statefulServices.elasticsearch.addresses[2]', "'192.168.16.231' is listed twice (also statefulServices.elasticsearch.addresses[0])"],
  ];
  for (const [rule, mutate, id, path, message] of cases) {
    it(`${id}: rejects ${rule}`, () => {
      const { problems, warnings } = topologyAfter(mutate);
      expect(problems).toEqual([{ rule: id, file: 'environments/prod.ts', path, message: expect.stringContaining(message) }]);
      expect(warnings).toEqual([]);
    });
  }

  it('topology.etcd-quorum: an acknowledged even membership is a warning with the reason, not a problem', () => {
    const { problems, warnings } = topologyAfter((d) => {
      d.cluster.roleGroups.etcd = ['kp-master01', 'kp-master02'];
      d.cluster.evenEtcdAcknowledged = { reason: 'a third member joins in the next window' };
    });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([{
      rule: 'topology.etcd-quorum',
      file: 'environments/prod.ts',
      path: 'cluster.roleGroups.etcd',
      message: '2 etcd members tolerate 0 failure(s), no more than 1 would (quorum is n/2+1); use an odd number of members (acknowledged: a third member joins in the next window)',
    }]);
  });

  it('topology.hosts: a host whose address and internal address are the same is not a duplicate', () => {
    // Every real host has address === internalAddress: only another host's address is a duplicate.
    expect(topologyAfter((d) => (d.cluster.hosts[0].internalAddress = d.cluster.hosts[0].address)).problems).toEqual([]);
  });

  it('topology.etcd-quorum: one and three members are fine', () => {
    expect(topologyAfter((d) => (d.cluster.roleGroups.etcd = ['kp-master01'])).problems).toEqual([]);
    expect(topologyAfter((d) => (d.cluster.roleGroups.etcd = ['kp-master01', 'kp-master02', 'kp-node01'])).problems).toEqual([]);
  });

  it('topology.network: adjacent networks do not overlap', () => {
    expect(topologyAfter((d) => (d.cluster.network.serviceCidr = '10.233.128.0/18')).problems).toEqual([]);
  });
});

describe('environment rules (infra/schema/environment.ts, cutover.ts, validate-environment.ts)', () => {
  const cases: [string, (b: Broken) => void, string, string, string][] = [
    ['a pod network with host bits set', ({ prod }) => (prod.cluster.network.podCidr = '10.233.64.1/18'), 'environments/prod.ts', 'cluster.network.podCidr', "'10.233.64.1/18' has host bits set: the network is '10.233.64.0/18'"],
    ['a network that is not a CIDR', ({ test }) => (test.cluster.network.hostCidr = '192.168.17.0/33'), 'environments/test.ts', 'cluster.network.hostCidr', 'must be an IPv4 CIDR such as 10.233.64.0/18'],
    ['a production environment that promotes from nowhere', ({ prod }) => delete prod.promotesFrom, 'environments/prod.ts', 'promotesFrom', 'a production environment must name the environment whose tested images it promotes'],
    ["a weight outside stage 'canary'", ({ test }) => (test.cutover = { 'portal-web': { stage: 'legacy', weight: 10, legacy: { addresses: ['192.168.30.5'], port: 80 } } }), 'environments/test.ts', 'cutover.portal-web.weight', "'weight' (10) is only for stage 'canary', not 'legacy': remove it"],
    ["stage 'canary' without a weight", ({ test }) => (test.cutover = { 'portal-web': { stage: 'canary', legacy: { addresses: ['192.168.30.5'], port: 80 } } }), 'environments/test.ts', 'cutover.portal-web.weight', "stage 'canary' needs 'weight'"],
    ["a header outside stage 'canary'", ({ test }) => (test.cutover = { 'portal-web': { stage: 'kubernetes', header: 'X-Canary' } }), 'environments/test.ts', 'cutover.portal-web.header', "'header' (X-Canary) is only for stage 'canary', not 'kubernetes': remove it"],
    ["stage 'legacy' without a legacy upstream", ({ test }) => (test.cutover = { 'portal-web': { stage: 'legacy' } }), 'environments/test.ts', 'cutover.portal-web.legacy', "stage 'legacy' needs 'legacy': the addresses and port"],
    ["stage 'canary' without a legacy upstream", ({ test }) => (test.cutover = { 'portal-web': { stage: 'canary', weight: 5 } }), 'environments/test.ts', 'cutover.portal-web.legacy', "stage 'canary' needs 'legacy'"],
    ['a legacy upstream inside the pod network', ({ test }) => (test.cutover = { 'portal-web': { stage: 'legacy', legacy: { addresses: ['192.168.30.5', '10.233.65.1'], port: 80 } } }), 'environments/test.ts', 'cutover.portal-web.legacy.addresses[1]', "'10.233.65.1' is inside cluster.network.podCidr '10.233.64.0/18': a legacy upstream runs outside the cluster"],
    ['a legacy upstream inside the service network', ({ test }) => (test.cutover = { 'portal-web': { stage: 'legacy', legacy: { addresses: ['10.233.1.1'], port: 80 } } }), 'environments/test.ts', 'cutover.portal-web.legacy.addresses[0]', "'10.233.1.1' is inside cluster.network.serviceCidr '10.233.0.0/18'"],
    ['a stateful service without an in-cluster profile set to cluster', ({ test }) => (test.statefulServices.mysql.mode = 'cluster'), 'environments/test.ts', 'statefulServices.mysql.mode', "'mysql' has no in-cluster profile: only redis can run in the cluster so far"],
    ['a stateful service without an in-cluster profile sized for the cluster', ({ test }) => (test.statefulServices.clickhouse.cluster = { replicas: 1 }), 'environments/test.ts', 'statefulServices.clickhouse.cluster', "'clickhouse' has no in-cluster profile"],
    ['a cutover of an unknown module', ({ test }) => (test.cutover = { 'no-such-module': { stage: 'kubernetes' } }), 'environments/test.ts', 'cutover.no-such-module', "names unknown module 'no-such-module'"],
    ['a cutover of a module without a public route', ({ test }) => (test.cutover = { 'vehicle-access': { stage: 'kubernetes' } }), 'environments/test.ts', 'cutover.vehicle-access', "module 'vehicle-access' has no public route: only routed modules (routes in modules/) can be cut over"],
  ];
  for (const [rule, mutate, file, path, message] of cases) {
    it(`rejects ${rule}`, () => expectOnly(problemsAfter(mutate), file, path, message));
  }

  it('accepts a complete canary and an in-cluster redis', () => {
    expect(problemsAfter(({ test }) => {
      test.cutover = { 'portal-web': { stage: 'canary', weight: 10, header: 'X-Canary', legacy: { addresses: ['192.168.30.5'], port: 80 } } };
      test.statefulServices.redis.mode = 'cluster';
      test.statefulServices.redis.cluster = { replicas: 1 };
    })).toEqual([]);
  });
});

describe('module rules (infra/schema/module-rules.ts)', () => {
  const cases: [string, (b: Broken) => void, string, string, string][] = [
    ['a CPU limit below its request', ({ modules }) => (modules.get('vehicle-access').resources.limits.cpu = '1m'), 'modules/vehicle.ts', 'modules[vehicle-access].resources.limits.cpu', "'resources.limits.cpu' (1m) is below 'resources.requests.cpu'"],
    ['a memory limit below its request', ({ modules }) => (modules.get('rsu-manager').resources.limits.memory = '383Mi'), 'modules/roadside.ts', 'modules[rsu-manager].resources.limits.memory', "'resources.limits.memory' (383Mi) is below 'resources.requests.memory' (384Mi): a limit must be at least its request"],
    ['an autoscaler minimum above its maximum', ({ modules }) => Object.assign(modules.get('data-ingest').scaling, { min: 4, max: 3 }), 'modules/data.ts', 'modules[data-ingest].scaling.max', "'scaling.max' (3) is below 'scaling.min' (4): raise max to at least 4"],
    ['a configured stack secret set as a literal', ({ modules }) => (modules.get('vehicle-access').config.env.HARBOR_ADMIN_PASSWORD = 'x'), 'modules/vehicle.ts', 'modules[vehicle-access].config.env.HARBOR_ADMIN_PASSWORD', "'HARBOR_ADMIN_PASSWORD' is the stack secret 'harborAdminPassword' set as a literal: plain configuration is stored in a ConfigMap"],
    ['a variable named as a credential set to a literal', ({ modules }) => (modules.get('vehicle-access').config.env.DB_PASSWORD = 'hunter2'), 'modules/vehicle.ts', 'modules[vehicle-access].config.env.DB_PASSWORD', "'DB_PASSWORD' names a credential and is set to a literal"],
    ['a credential by its value', ({ modules }) => (modules.get('vehicle-access').config.env.UPSTREAM_URL = 'mqtt://vehicle:s3cret@broker:1883'), 'modules/vehicle.ts', 'modules[vehicle-access].config.env.UPSTREAM_URL', "the value of 'UPSTREAM_URL' is a URL with a password in it"],
    ['a private key in a mounted file', ({ modules }) => ((modules.get('vehicle-access').config.files ??= {})['client.pem'] = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n'), 'modules/vehicle.ts', 'modules[vehicle-access].config.files.client.pem', 'holds a PEM private key: mounted files come from a ConfigMap'],
  ];
  for (const [rule, mutate, file, path, message] of cases) {
    it(`rejects ${rule}`, () => {
      // The module is rejected, so modules depending on it then name an unknown module: only its own problem counts.
      const problems = problemsAfter(mutate).filter((p) => !p.message.startsWith('depends on unknown module'));
      expectOnly(problems, file, path, message);
    });
  }

  it('accepts a limit equal to its request, equal autoscaler bounds and an empty credential variable', () => {
    expect(problemsAfter(({ modules }) => {
      const m = modules.get('rsu-manager');
      m.resources.limits.memory = m.resources.requests.memory;
      m.resources.limits.cpu = m.resources.requests.cpu;
      Object.assign(modules.get('data-ingest').scaling, { min: 3, max: 3 });
      modules.get('vehicle-access').config.env.DB_PASSWORD = '';
    })).toEqual([]);
  });

  it('compares quantities as numbers, not as text', () => {
    // '1000m' sorts before '500m' as text: a textual comparison would call this limit too small.
    expect(problemsAfter(({ modules }) => Object.assign(modules.get('rsu-manager').resources, { requests: { cpu: '500m', memory: '384Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } }))).toEqual([]);
  });
});

describe('catalog rules (infra/schema/catalog.ts, catalog-rules.ts)', () => {
  // A module without routes, node port or exceptions, declared before the second file: its copy breaks only the name.
  const plain = catalogSources.slice(0, 1).flatMap((s) => s.modules.map((module) => ({ module, file: s.file })))
    .find(({ module }) => !module.routes?.length && !module.external && !module.exceptions?.length)!;
  const cases: [string, (b: Broken) => void, string, string, string][] = [
    ['a module name declared twice', ({ sources }) => sources[1]!.modules.push(structuredClone(plain.module)), catalogSources[1]!.file, `modules[${plain.module.name}].name`, `duplicate module name '${plain.module.name}' (also declared in ${plain.file})`],
    ['a module depending on itself', ({ modules }) => modules.get('vehicle-state').dependsOn.modules.push('vehicle-state'), 'modules/vehicle.ts', 'modules[vehicle-state].dependsOn.modules', "module 'vehicle-state' cannot depend on itself"],
    ['a dependency on an unknown module', ({ modules }) => modules.get('vehicle-state').dependsOn.modules.push('no-such-module'), 'modules/vehicle.ts', 'modules[vehicle-state].dependsOn.modules', "depends on unknown module 'no-such-module'"],
    ['a route that collides once normalized', ({ modules }) => modules.get('map-console-web').routes.push({ host: 'console', path: '/vehicle/' }), 'modules/frontend.ts', 'modules[map-console-web].routes[1].path', "route host 'console' path '/vehicle/' (the same path as '/vehicle' for a Prefix route) is already routed to module 'vehicle-console-web'"],
    ['a route used twice as written', ({ modules }) => modules.get('map-console-web').routes.push({ host: 'console', path: '/vehicle' }), 'modules/frontend.ts', 'modules[map-console-web].routes[1].path', "route host 'console' path '/vehicle' is already routed to module 'vehicle-console-web'"],
    ['a node port used twice', ({ modules }) => (modules.get('lidar-ingest').external.nodePort = 30901), 'modules/roadside.ts', 'modules[lidar-ingest].external.nodePort', "'external.nodePort' (30901) is already used by module 'rsu-access'"],
    ['a non-HTTP module on the management port', ({ modules }) => (modules.get('vehicle-access').port.number = 8081), 'modules/vehicle.ts', 'modules[vehicle-access].port.number', "'port.number' (8081) is the management port that serves health checks of tcp modules; pick another"],
    ['an exception declared twice', ({ modules }) => modules.get('rsu-manager').exceptions.push({ ...modules.get('rsu-manager').exceptions[0] }), 'modules/roadside.ts', `modules[rsu-manager].exceptions[1].rule`, "is declared twice"],
    ['a dependency cycle', ({ modules }) => modules.get('vehicle-telemetry').dependsOn.modules.push('vehicle-access'), 'modules/vehicle.ts', 'modules[vehicle-access].dependsOn.modules', 'dependency cycle vehicle-access → vehicle-telemetry → vehicle-access: remove one of these dependencies'],
    ['an acknowledged cycle that loses its acknowledgement', ({ modules }) => (modules.get('rsu-manager').exceptions = []), 'modules/roadside.ts', 'modules[rsu-access].dependsOn.modules[0]', 'dependency cycle rsu-access → rsu-manager → rsu-access'],
  ];
  for (const [rule, mutate, file, path, message] of cases) {
    it(`rejects ${rule}`, () => {
      const problems = problemsAfter(mutate);
      expect(problems).toHaveLength(1);
      expect(`${problems[0]!.file}: ${problems[0]!.path}`).toMatch(new RegExp(`^${escape(`${file}: ${path}`)}(\\[\\d+\\])?$`));
      expect(problems[0]!.message).toContain(message);
    });
  }

  it('a dependency on itself names the index of the entry', () => {
    const problems = problemsAfter(({ modules }) => (modules.get('vehicle-state').dependsOn.modules = ['vehicle-state']));
    expect(problems.map((p) => p.path)).toEqual(['modules[vehicle-state].dependsOn.modules[0]']);
  });

  it('a cycle is reported at the dependency of its alphabetically first module on the next', () => {
    const problems = problemsAfter(({ modules }) => {
      modules.get('vehicle-telemetry').dependsOn.modules.push('vehicle-access');
    });
    const access = catalogSources.flatMap((s) => s.modules).find((m) => m.name === 'vehicle-access')!;
    expect(problems.map((p) => p.path)).toEqual([`modules[vehicle-access].dependsOn.modules[${access.dependsOn!.modules!.indexOf('vehicle-telemetry')}]`]);
  });

  it('a longer cycle is reported once, starting from its first module', () => {
    const problems = problemsAfter(({ modules }) => {
      modules.get('vehicle-state').dependsOn.modules = ['vehicle-track-service'];
      modules.get('vehicle-track-service').dependsOn.modules = ['vehicle-alarm-service'];
      modules.get('vehicle-alarm-service').dependsOn.modules = ['vehicle-state'];
    });
    expect(problems.map((p) => p.message.split(':')[0])).toEqual(['dependency cycle vehicle-alarm-service → vehicle-state → vehicle-track-service → vehicle-alarm-service']);
    expect(problems[0]!.path).toBe('modules[vehicle-alarm-service].dependsOn.modules[0]');
  });

  it('an HTTP module may serve on the management port; another route host is not a collision', () => {
    expect(problemsAfter(({ modules }) => {
      modules.get('vehicle-registry').port.number = 8081;
      modules.get('map-console-web').routes.push({ host: 'maps', path: '/vehicle' });
    })).toEqual([]);
  });
});

describe('release rules (infra/schema/catalog.ts validateReleases, releases.ts)', () => {
  const cases: [string, (b: Broken) => void, string, string, string][] = [
    ['a module without a tag', (b) => (b.releases = { test: withoutEntry('test', 'vehicle-access') }), 'environments/releases/test.yaml', 'modules.vehicle-access', "module 'vehicle-access' has no image tag in environment 'test'"],
    ['a moving tag', (b) => (b.releases = { test: { ...entries('test'), 'vehicle-access': 'Latest' } }), 'environments/releases/test.yaml', 'modules.vehicle-access', "image tag 'Latest' of module 'vehicle-access' is a moving tag; use an immutable tag"],
    ['a tag for an unknown module', (b) => (b.releases = { test: { ...entries('test'), 'no-such-module': '1.0.0-abcdef1' } }), 'environments/releases/test.yaml', 'modules.no-such-module', "release tag for unknown module 'no-such-module'"],
  ];
  for (const [rule, mutate, file, path, message] of cases) {
    it(`rejects ${rule}`, () => expectOnly(problemsAfter(mutate), file, path, message));
  }
  it('accepts the real release tags: validateReleases throws nothing, not even an empty InputError', () => {
    // The loader and problemsAfter collect an InputError's problems, so only a direct call sees an empty one.
    for (const name of ['test', 'prod'] as const) expect(() => validateReleases(ENVS[name], CATALOG, FILES[name].releases)).not.toThrow();
  });

  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  it('promotion: a prod digest test never recorded is an error', () => {
    expect(validatePromotion({ a: { tag: '1.0.0-aaaaaaa', digest: digest('b') } }, [{ a: { tag: '1.0.0-aaaaaaa', digest: digest('a') } }])).toEqual([
      { module: 'a', severity: 'error', message: expect.stringContaining("was never recorded in test's release file for that tag") },
    ]);
  });
  it('promotion: a digest test recorded for another tag is an error', () => {
    expect(validatePromotion({ a: { tag: '1.0.1-aaaaaaa', digest: digest('a') } }, [{ a: { tag: '1.0.0-aaaaaaa', digest: digest('a') } }]).map((p) => p.severity)).toEqual(['error']);
  });
  it('promotion: a prod entry without a digest once test recorded one is an error naming it', () => {
    expect(validatePromotion({ a: { tag: '1.0.0-aaaaaaa' } }, [{ a: { tag: '1.0.0-aaaaaaa' } }, { a: { tag: '1.0.0-aaaaaaa', digest: digest('c') } }])).toEqual([
      { module: 'a', severity: 'error', message: expect.stringMatching(/^'1\.0\.0-aaaaaaa' has no digest, but test's pipeline recorded sha256:c{12}.* for it: promote the digest$/) },
    ]);
  });
  it('promotion: a prod entry without a digest test never recorded is a warning', () => {
    expect(validatePromotion({ a: { tag: '1.0.0-aaaaaaa' } }, [{ a: { tag: '1.0.0-aaaaaaa' } }])).toEqual([
      { module: 'a', severity: 'warning', message: expect.stringContaining('is deployed by tag') },
    ]);
  });
  it('promotion: a digest any earlier version of test recorded is accepted', () => {
    expect(validatePromotion({ a: { tag: '1.0.0-aaaaaaa', digest: digest('d') } }, [{ a: { tag: '1.0.0-aaaaaaa', digest: digest('e') } }, { a: { tag: '1.0.0-aaaaaaa', digest: digest('d') } }])).toEqual([]);
  });
});

function entries(env: 'test' | 'prod'): Record<string, unknown> {
  return structuredClone(RELEASES[env]) as Record<string, unknown>;
}

function withoutEntry(env: 'test' | 'prod', module: string): Record<string, unknown> {
  const all = entries(env);
  delete all[module];
  return all;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
