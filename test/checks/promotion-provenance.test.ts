import { describe, expect, it } from 'vitest';
import { checkPromotion, checkProvenance, checkTopology } from '../../infra/checks/index.js';
import { builtRepositories } from '../../infra/checks/provenance.js';
import { mirrorReference, type MirrorImage } from '../../infra/model/mirrors.js';
import { container, DEPLOYMENT, fixtureEnv, moduleObjects, REGISTRY, CONTAINER } from './fixtures.js';

/**
 * `parity.promotion`, `supply-chain.provenance` and the topology findings of the checks, in-process on small
 * inputs (test/checks/promotion.test.ts and provenance.test.ts assert them through the CLI and the real platforms).
 */

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('parity.promotion', () => {
  const check = (releases: Record<string, { tag: string; digest?: string }>, history: Record<string, { tag: string; digest?: string }>[]) =>
    checkPromotion({ file: 'environments/releases/prod.yaml', releases, source: { name: 'staging', history } });

  it('an unrecorded digest is an error at the module, naming the source environment', () => {
    expect(check({ a: { tag: '1.0.0', digest: digest('b') } }, [{ a: { tag: '1.0.0', digest: digest('a') } }])).toEqual([
      {
        rule: 'parity.promotion',
        object: 'environments/releases/prod.yaml',
        severity: 'error',
        path: 'modules.a',
        message: expect.stringContaining("was never recorded in staging's release file for that tag"),
        fix: "promote the module again: its pipeline copies the digest staging's release file holds and writes it here",
      },
    ]);
    expect(check({ a: { tag: '1.0.0', digest: digest('a') } }, [{ a: { tag: '1.0.0' } }, { a: { tag: '1.0.0', digest: digest('a') } }]), 'found in the history').toEqual([]);
  });

  it('modules deployed by tag before digests were recorded: one warning for the file, listing five and counting the rest', () => {
    const byTag = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((m) => [m, { tag: '1.0.0' }]));
    const [warning, ...rest] = check(byTag, [byTag]);
    expect(rest).toEqual([]);
    expect(warning).toEqual({
      rule: 'parity.promotion',
      object: 'environments/releases/prod.yaml',
      severity: 'warning',
      path: 'modules',
      message: "7 module(s) are deployed by tag, without a digest: staging's release file never recorded one for their tags (released before digests were recorded): a, b, c, d, e, … (2 more)",
      fix: "run each module's staging pipeline (it records the digest it pushes), then its promotion",
    });
    const five = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((m) => [m, { tag: '1.0.0' }]));
    expect(check(five, [five])[0]!.message).toMatch(/: a, b, c, d, e$/);
    expect(check({}, [])).toEqual([]);
  });
});

describe('supply-chain.provenance', () => {
  const pipeline = (image: string) => ({
    apiVersion: 'devops.kubesphere.io/v1alpha3',
    kind: 'Pipeline',
    metadata: { name: 'p', namespace: 'icv-devops' },
    spec: { pipeline: { name: 'p', jenkinsfile: `pipeline {\n  environment {\n    IMAGE = '${image}'\n  }\n}\n` } },
  });
  const BUILT = `${REGISTRY}/icv/ops/demo`;
  const mirror: MirrorImage = { name: 'busybox', upstream: 'docker.io/library/busybox:1.36.1', digest: digest('e'), reason: 'init' };
  const run = (image: string, objects: any[] = [pipeline(BUILT)], env = fixtureEnv()) => {
    const module = moduleObjects();
    container(module).image = image;
    return checkProvenance({ objects: [...module, ...objects], env, mirrors: [mirror] }).map((f) => [f.rule, f.object, f.path, f.message, f.fix]);
  };

  it('an image built by a pipeline passes, by tag or digest; another one is an error with the message and fix', () => {
    expect(run(`${BUILT}:1.0.0`)).toEqual([]);
    expect(run(`${BUILT}@${digest('a')}`)).toEqual([]);
    expect(run(`${BUILT}:1.0.0@${digest('a')}`)).toEqual([]);
    expect(run(`${REGISTRY}/icv/ops/other:1.0.0`)).toEqual([
      [
        'supply-chain.provenance',
        DEPLOYMENT,
        `${CONTAINER}.image`,
        `container 'demo' image '${REGISTRY}/icv/ops/other:1.0.0' is neither built by a pipeline of the platform nor declared as a mirror`,
        `declare it in modules/mirrors.ts (upstream reference and digest) and reference it through its registry's proxy-cache project, ${REGISTRY}/mirror-<registry>/<repository>@<digest>`,
      ],
    ]);
  });

  it('a declared mirror passes only by its exact reference', () => {
    const reference = mirrorReference(REGISTRY, mirror);
    expect(run(reference)).toEqual([]);
    expect(run(reference.replace(/@.*$/, ':1.36.1'))).toHaveLength(1);
  });

  it('not checked without the platform\'s Pipelines or without an environment', () => {
    expect(run(`${REGISTRY}/icv/ops/other:1.0.0`, [])).toEqual([]);
    expect(run(`${REGISTRY}/icv/ops/other:1.0.0`, [{ ...pipeline(BUILT), spec: { pipeline: { jenkinsfile: 'no image line' } } }])).toEqual([]);
    const module = moduleObjects();
    container(module).image = 'x/y:1';
    expect(checkProvenance({ objects: [...module, pipeline(BUILT)] })).toEqual([]);
  });

  it('builtRepositories reads only Pipelines, only the line that starts with IMAGE, and skips a Pipeline without a Jenkinsfile', () => {
    const jenkinsfile = (text: string) => ({ ...pipeline(BUILT), spec: { pipeline: { name: 'p', jenkinsfile: text } } });
    expect([...builtRepositories([jenkinsfile("pipeline {\n  environment {\n    BASE_IMAGE = 'r/base'\n    IMAGE = 'r/app'\n  }\n}\n")])]).toEqual(['r/app']);
    expect([...builtRepositories([{ ...pipeline('r/app'), kind: 'ConfigMap' }])]).toEqual([]);
    const bare = [{ ...pipeline(BUILT), spec: undefined }, { ...pipeline(BUILT), spec: {} }, { ...pipeline(BUILT), spec: { pipeline: { name: 'p' } } }];
    expect([...builtRepositories([...bare, pipeline(BUILT)])]).toEqual([BUILT]);
  });

  it('a container without an image is not judged; a built repository on a registry with a port passes by tag', () => {
    const module = moduleObjects();
    delete container(module).image;
    expect(checkProvenance({ objects: [...module, pipeline(BUILT)], env: fixtureEnv(), mirrors: [] })).toEqual([]);
    expect(run('registry.local:5000/icv/ops/demo:1.0.0', [pipeline('registry.local:5000/icv/ops/demo')])).toEqual([]);
  });
});

describe('topology findings', () => {
  const cluster = (etcd: string[]) => ({ apiVersion: 'kubekey.kubesphere.io/v1alpha2', kind: 'Cluster', metadata: { name: 'seed' }, spec: { roleGroups: { etcd } } });

  it('without an environment: an even etcd count of a KubeKey Cluster is an error, an odd or empty one passes, other kinds are not read', () => {
    expect(checkTopology({ objects: [cluster(['a', 'b'])] }).map((f) => [f.rule, f.object, f.path, f.message, f.fix])).toEqual([
      ['topology.etcd-quorum', 'Cluster/seed', 'spec.roleGroups.etcd', '2 etcd members tolerate 0 failure(s), no more than 1 would (quorum is n/2+1)', 'use an odd number of etcd members (add one on a worker), or acknowledge the even count with a reason'],
    ]);
    expect(checkTopology({ objects: [cluster(['a', 'b', 'c'])] })).toEqual([]);
    expect(checkTopology({ objects: [cluster([])] })).toEqual([]);
    expect(checkTopology({ objects: [{ ...cluster(['a', 'b']), apiVersion: 'kubekey.kubesphere.io/v1alpha1' }] })).toEqual([]);
    expect(checkTopology({ objects: [{ ...cluster(['a', 'b']), kind: 'Other' }] })).toEqual([]);
  });

  it('with an environment: its problems as errors and warnings on the environment, each with its rule\'s fix', () => {
    const env = structuredClone(fixtureEnv()) as any;
    env.cluster.roleGroups.worker = ['w1', 'w1'];
    env.cluster.network.serviceCidr = env.cluster.network.podCidr;
    const rows = checkTopology({ objects: [], env, envFile: 'environments/fixture.ts' }).map((f) => [f.rule, f.severity, f.object, f.fix]);
    expect(rows).toContainEqual(['topology.role-groups', 'error', 'Environment/fixture-test', 'list each host once, only hosts declared in cluster.hosts, with at least one control-plane, etcd and worker host']);
    expect(rows).toContainEqual(['topology.network', 'error', 'Environment/fixture-test', 'choose pod, service and host CIDRs that do not overlap']);
    const duplicate = structuredClone(fixtureEnv()) as any;
    duplicate.cluster.hosts[2].address = duplicate.cluster.hosts[1].address;
    expect(checkTopology({ objects: [], env: duplicate }).map((f) => f.fix)).toContain('give every host a unique name and addresses inside cluster.network.hostCidr');
    const vm = structuredClone(fixtureEnv()) as any;
    vm.statefulServices.mysql.addresses = ['10.10.0.11'];
    expect(checkTopology({ objects: [], env: vm }).map((f) => f.fix)).toContain('give each VM-hosted service the addresses of its own VMs: outside the pod and service CIDRs, none of them a node');
    expect(checkTopology({ objects: [], env: fixtureEnv() })).toEqual([]);
  });
});
