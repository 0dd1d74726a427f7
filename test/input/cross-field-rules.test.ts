import { beforeAll, describe, expect, it } from 'vitest';
import { main as check } from '../../infra/cli/check.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { InputError } from '../../infra/model/errors.js';
import { loadInputs } from '../../infra/cli/inputs.js';
import type { Platform } from '../../infra/model/types.js';
import { checkParity } from '../../infra/parity/index.js';
import { main as synth } from '../../infra/cli/synth.js';
import type { InputSources } from '../../infra/cli/inputs.js';
import { environments } from '../../environments/index.js';
import { PARITY, PARITY_DECLARATIONS } from '../../environments/parity.js';
import { catalogSources } from '../../modules/index.js';
import { captureOutput, readTree, tempDir } from '../support/inputs.js';
import { hasStackTrace, repositoryFingerprint } from '../support/no-write.js';

/**
 * One test per cross-field rule: the real inputs with one bad value. Each must exit 2 with one line naming the file
 * and the field path, print no stack trace, and leave the repository, its dist/ and an existing --out tree as they were.
 */

type Modules = Map<string, any>;
interface Inputs {
  readonly envs: { test: any; prod: any };
  readonly modules: Modules;
  readonly sources: { file: string; modules: any[] }[];
}

function brokenInputs(mutate: (inputs: Inputs) => void): InputSources {
  const sources = catalogSources.map((s) => ({ file: s.file, modules: structuredClone(s.modules) as any[] }));
  const modules: Modules = new Map(sources.flatMap((s) => s.modules.map((m) => [m.name, m] as const)));
  const envs = { test: structuredClone(environments.test) as any, prod: structuredClone(environments.prod) as any };
  mutate({ envs, modules, sources });
  return { declarations: envs, catalog: sources };
}

let out: string;
let before: Map<string, string>;
let repository: string;
beforeAll(async () => {
  out = tempDir('icv-rules-');
  expect((await captureOutput(() => synth(['--out', out]))).result).toBe(0);
  before = readTree(out);
  repository = repositoryFingerprint();
});

async function expectRejected(sources: InputSources, where: RegExp, command = synth, argv = ['--out', out]) {
  const { result, stderr } = await captureOutput(() => command(argv, sources));
  expect(stderr).toMatch(where);
  expect(result).toBe(2);
  expect(hasStackTrace(stderr)).toBe(false);
  for (const line of stderr.trim().split('\n').slice(0, -1)) expect(line).toMatch(/^error: \S+: \S+: /);
  expect(readTree(out)).toEqual(before);
  expect(repositoryFingerprint()).toBe(repository);
}

const rules: [string, (inputs: Inputs) => void, RegExp][] = [
  // resources
  ['a CPU limit below its request', ({ modules }) => (modules.get('vehicle-access').resources.limits.cpu = '100m'),
    /^error: modules\/vehicle\.ts: modules\[vehicle-access\]\.resources\.limits\.cpu: 'resources\.limits\.cpu' \(100m\) is below 'resources\.requests\.cpu' \(\d+m\)/m],
  ['a memory limit below its request', ({ modules }) => (modules.get('rsu-manager').resources.limits.memory = '256Mi'),
    /^error: modules\/roadside\.ts: modules\[rsu-manager\]\.resources\.limits\.memory: .*is below 'resources\.requests\.memory' \(384Mi\)/m],
  // scaling
  ['an autoscaler minimum above its maximum', ({ modules }) => Object.assign(modules.get('data-ingest').scaling, { min: 5, max: 3 }),
    /^error: modules\/data\.ts: modules\[data-ingest\]\.scaling\.max: 'scaling\.max' \(3\) is below 'scaling\.min' \(5\): raise max to at least 5/m],
  // network values
  ['a pod CIDR with host bits set', ({ envs }) => (envs.prod.cluster.network.podCidr = '10.233.64.1/18'),
    /^error: environments\/prod\.ts: cluster\.network\.podCidr: '10\.233\.64\.1\/18' has host bits set: the network is '10\.233\.64\.0\/18'/m],
  ['a NodePort source range that is not a CIDR', ({ modules }) => (modules.get('rsu-access').external.sourceRanges = ['172.20.0.0/40']),
    /^error: modules\/roadside\.ts: modules\[rsu-access\]\.external\.sourceRanges\[0\]: must be an IPv4 CIDR/m],
  ['a NodePort source range with host bits set', ({ modules }) => (modules.get('rsu-access').external.sourceRanges = ['172.20.5.0/16']),
    /^error: modules\/roadside\.ts: modules\[rsu-access\]\.external\.sourceRanges\[0\]: '172\.20\.5\.0\/16' has host bits set: the network is '172\.20\.0\.0\/16'/m],
  ['a VM address inside the pod network', ({ envs }) => (envs.test.statefulServices.redis.addresses = ['10.233.70.9']),
    /^error: environments\/test\.ts: statefulServices\.redis\.addresses\[0\]: '10\.233\.70\.9' is inside cluster\.network\.podCidr/m],
  ['a VM address inside the service network', ({ envs }) => (envs.prod.statefulServices.mysql.addresses = ['10.233.0.10']),
    /^error: environments\/prod\.ts: statefulServices\.mysql\.addresses\[0\]: '10\.233\.0\.10' is inside cluster\.network\.serviceCidr/m],
  ['a VM address equal to a node', ({ envs }) => (envs.prod.statefulServices.clickhouse.addresses[1] = '192.168.16.110'),
    /^error: environments\/prod\.ts: statefulServices\.clickhouse\.addresses\[1\]: '192\.168\.16\.110' is the address of node 'kp-node02'/m],
  ['a VM address listed twice', ({ envs }) => (envs.prod.statefulServices.elasticsearch.addresses[2] = '192.168.16.231'),
    /^error: environments\/prod\.ts: statefulServices\.elasticsearch\.addresses\[2\]: '192\.168\.16\.231' is listed twice/m],
  // routes
  ['two routes that collide once the trailing slash is normalized', ({ modules }) => modules.get('map-console-web').routes.push({ host: 'console', path: '/vehicle/' }),
    /^error: modules\/frontend\.ts: modules\[map-console-web\]\.routes\[1\]\.path: route host 'console' path '\/vehicle\/' \(the same path as '\/vehicle' for a Prefix route\) is already routed to module 'vehicle-console-web'/m],
  ['two routes that collide once repeated slashes are normalized', ({ modules }) => modules.get('map-console-web').routes.push({ host: 'console', path: '//vehicle' }),
    /^error: modules\/frontend\.ts: modules\[map-console-web\]\.routes\[1\]\.path: .*already routed to module 'vehicle-console-web'/m],
  // dependencies
  ['a dependency cycle', ({ modules }) => modules.get('vehicle-telemetry').dependsOn.modules.push('vehicle-access'),
    /^error: modules\/vehicle\.ts: modules\[vehicle-access\]\.dependsOn\.modules\[\d+\]: dependency cycle vehicle-access → vehicle-telemetry → vehicle-access/m],
  ['an acknowledged cycle that loses its acknowledgement', ({ modules }) => (modules.get('rsu-manager').exceptions = []),
    /^error: modules\/roadside\.ts: modules\[rsu-access\]\.dependsOn\.modules\[0\]: dependency cycle rsu-access → rsu-manager → rsu-access/m],
  // environment identity
  ["prod's file declaring name 'test'", ({ envs }) => (envs.prod.name = 'test'),
    /^error: environments\/prod\.ts: name: is 'test', but this file declares environment 'prod' \(its file and its Pulumi stack\): set name: 'prod'/m],
  ["prod's file declaring name 'production'", ({ envs }) => (envs.prod.name = 'production'),
    /^error: environments\/prod\.ts: name: is 'production', but this file declares environment 'prod'/m],
  // secrets
  ['a literal password in config.env', ({ modules }) => (modules.get('vehicle-access').config.env.DB_PASSWORD = 'hunter2-hunter2'),
    /^error: modules\/vehicle\.ts: modules\[vehicle-access\]\.config\.env\.DB_PASSWORD: 'DB_PASSWORD' names a credential and is set to a literal/m],
  ['a configured stack secret set as a literal', ({ modules }) => (modules.get('vehicle-access').config.env.HARBOR_ADMIN_PASSWORD = 'Harbor12345'),
    /^error: modules\/vehicle\.ts: modules\[vehicle-access\]\.config\.env\.HARBOR_ADMIN_PASSWORD: 'HARBOR_ADMIN_PASSWORD' is the stack secret 'harborAdminPassword' set as a literal/m],
  ['a credential by its value: a URL with a password', ({ modules }) => (modules.get('vehicle-access').config.env.UPSTREAM_URL = 'mqtt://vehicle:s3cret@broker:1883'),
    /^error: modules\/vehicle\.ts: modules\[vehicle-access\]\.config\.env\.UPSTREAM_URL: the value of 'UPSTREAM_URL' is a URL with a password in it/m],
  ['a private key in config.files', ({ modules }) => ((modules.get('vehicle-access').config.files ??= {})['client.pem'] = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n'),
    /^error: modules\/vehicle\.ts: modules\[vehicle-access\]\.config\.files\.client\.pem: holds a PEM private key/m],
];

describe('cross-field rules: exit 2, file and field path, no trace, nothing written', () => {
  for (const [rule, mutate, where] of rules) {
    it(`rejects ${rule}`, async () => {
      await expectRejected(brokenInputs(mutate), where);
    });
  }

  it('accepts the real inputs, whose one cycle is acknowledged with a reason', async () => {
    const { result } = await captureOutput(() => synth(['--out', tempDir()]));
    expect(result).toBe(0);
  });
});

describe('parity declarations: exit 2, naming the entry and field', () => {
  const parityCases: [string, (d: any[]) => void, RegExp][] = [
    ['a duplicated id', (d) => d.push({ ...structuredClone(d[0]) }),
      new RegExp(`^environments/parity\\.ts: PARITY_DECLARATIONS\\[${PARITY_DECLARATIONS.length}\\]\\.id: 'release-tags' is declared twice \\(also PARITY_DECLARATIONS\\[0\\]\\)`, 'm')],
    ['an unparsable path', (d) => (d[6].where[0].paths[0] = 'spec..replicas'),
      /^environments\/parity\.ts: PARITY_DECLARATIONS\[6\]\.where\[0\]\.paths\[0\]: path pattern 'spec\.\.replicas' cannot be read/m],
    ['a stale path', (d) => (d[6].where[0].paths[0] = 'spec.replicaCount'),
      /^environments\/parity\.ts: PARITY_DECLARATIONS\[6\]\.where\[0\]\.paths\[0\]: 'spec\.replicaCount' names no field .*stale/m],
    ['a stale kind', (d) => (d[4].where[0].kinds = ['Endpoints']),
      /^environments\/parity\.ts: PARITY_DECLARATIONS\[4\]\.where\[0\]\.kinds\[0\]: no object of kind 'Endpoints' exists in test or prod: the declaration is stale/m],
    ['a stale artifact', (d) => (d[1].where[0].artifacts = ['kubekey/config.yaml']),
      /^environments\/parity\.ts: PARITY_DECLARATIONS\[1\]\.where\[0\]\.artifacts\[0\]: no artifact matches 'kubekey\/config\.yaml'/m],
  ];
  const [test, prod] = loadInputs(['test', 'prod']).map(({ env, catalog }) => buildPlatform(env, catalog)) as [Platform, Platform];
  for (const [rule, mutate, where] of parityCases) {
    it(`rejects ${rule}`, () => {
      const parity = structuredClone(PARITY_DECLARATIONS) as any[];
      mutate(parity);
      let error: unknown;
      try {
        checkParity(test, prod, { ...PARITY, declarations: parity });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(where);
    });
  }

  it('npm run check exits 2 on a stale declaration, one line, nothing written', async () => {
    const parity = structuredClone(PARITY_DECLARATIONS) as any[];
    parity[6].where[0].paths[0] = 'spec.replicaCount';
    await expectRejected({ parity }, /^error: environments\/parity\.ts: PARITY_DECLARATIONS\[6\]\.where\[0\]\.paths\[0\]: 'spec\.replicaCount' names no field/m, check, []);
  });
});
