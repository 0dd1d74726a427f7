import { describe, expect, it } from 'vitest';
import { checkSchema, customResourceValidators } from '../../infra/checks/index.js';
import { DEPLOYMENT, expectFinding, get, moduleObjects } from './fixtures.js';
import { readCustomResourceDefinitions } from '../../infra/cli/crds.js';

const CRDS = readCustomResourceDefinitions();

const pipeline = (spec: Record<string, unknown>, namespace: string | null = 'icv-devops') => ({
  apiVersion: 'devops.kubesphere.io/v1alpha3',
  kind: 'Pipeline',
  metadata: { name: 'vehicle-access', ...(namespace ? { namespace } : {}) },
  spec,
});

const kubekeyCluster = (spec: Record<string, unknown>) => ({ apiVersion: 'kubekey.kubesphere.io/v1alpha2', kind: 'Cluster', metadata: { name: 'prod' }, spec });

const rows = (objects: any[], crds: readonly unknown[] = []) => checkSchema({ objects, customResourceDefinitions: crds }).map((f) => [f.rule, f.severity, f.path, f.message, f.fix]);
const fieldRows = (objects: any[], crds: readonly unknown[] = []) => rows(objects, crds).map((r) => [r[0], r[2], r[3]]);

describe('schema', () => {
  it('built-in kinds validate with kubernetes-models: a mistyped field is an error at its path', () => {
    const objects = moduleObjects();
    get(objects, 'Deployment').spec.replicas = 'two';
    const finding = expectFinding(checkSchema({ customResourceDefinitions: CRDS, objects }), 'schema', DEPLOYMENT, 'spec.replicas');
    expect(finding.message).toContain('must be integer');
  });

  it('the fixture module, the platform\'s shape of a module, is valid', () => {
    expect(checkSchema({ customResourceDefinitions: CRDS, objects: moduleObjects({ autoscale: { min: 2, max: 4 } }) })).toEqual([]);
  });

  it('every object needs a name', () => {
    const findings = checkSchema({ customResourceDefinitions: CRDS, objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'x' } } as never] });
    expectFinding(findings, 'schema', 'ConfigMap/x/<unnamed>', 'metadata.name');
  });

  it('unknown-kind: a built-in kind or version the platform does not validate, and an unknown custom resource, are warnings', () => {
    const findings = checkSchema({
      objects: [
        { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'old', namespace: 'x' } },
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      ],
    });
    expect(expectFinding(findings, 'schema.unknown-kind', 'PodDisruptionBudget/x/old', 'apiVersion').message).toContain('built-in kind');
    expect(expectFinding(findings, 'schema.unknown-kind', 'Widget/w', 'apiVersion').severity).toBe('warning');
  });

  it('KubeSphere custom resources validate against their CRDs: required and misspelt fields', () => {
    const missingType = checkSchema({ customResourceDefinitions: CRDS, objects: [pipeline({ pipeline: { name: 'vehicle-access' } })] });
    expect(expectFinding(missingType, 'schema', 'Pipeline/icv-devops/vehicle-access', 'spec').message).toContain("'type'");
    const misspelt = checkSchema({ customResourceDefinitions: CRDS, objects: [pipeline({ type: 'pipeline', pipeline: { name: 'x', jenkinsFile: 'node {}' } })] });
    expect(expectFinding(misspelt, 'schema', 'Pipeline/icv-devops/vehicle-access', 'spec.pipeline.jenkinsFile').message).toContain('not a field');
  });

  it('custom resources: scope is checked (Pipeline is namespaced, DevOpsProject cluster-scoped)', () => {
    expectFinding(checkSchema({ customResourceDefinitions: CRDS, objects: [pipeline({ type: 'pipeline' }, null)] }), 'schema', 'Pipeline/vehicle-access', 'metadata.namespace');
    const project = { apiVersion: 'devops.kubesphere.io/v1alpha3', kind: 'DevOpsProject', metadata: { name: 'icv-devops', namespace: 'x' }, spec: {} };
    expectFinding(checkSchema({ customResourceDefinitions: CRDS, objects: [project] }), 'schema', 'DevOpsProject/x/icv-devops', 'metadata.namespace');
  });

  it('valid KubeSphere objects pass, and the CRD validators are compiled once', () => {
    const objects = [
      { apiVersion: 'devops.kubesphere.io/v1alpha3', kind: 'DevOpsProject', metadata: { name: 'icv-devops' }, spec: {} },
      { apiVersion: 'tenant.kubesphere.io/v1alpha2', kind: 'WorkspaceTemplate', metadata: { name: 'icv-platform' }, spec: { placement: {}, template: { spec: { manager: 'admin' } } } },
      pipeline({ type: 'pipeline', pipeline: { name: 'vehicle-access', jenkinsfile: 'pipeline {}', discarder: { days_to_keep: '7', num_to_keep: '10' } } }),
    ];
    expect(checkSchema({ customResourceDefinitions: CRDS, objects })).toEqual([]);
    expect(customResourceValidators(CRDS)).toBe(customResourceValidators(CRDS));
  });

  it('unknown-field: KubeKey Cluster and ks-installer ClusterConfiguration accept only the fields their installers know', () => {
    const cluster = kubekeyCluster({ hosts: [{ name: 'n1', address: '10.0.0.1' }], roleGroups: { etcd: ['n1'], 'control-plane': ['n1'], worker: ['n1'] }, kubernetes: { version: 'v1.26.15', containerManger: 'containerd' } });
    const config = { apiVersion: 'installer.kubesphere.io/v1alpha1', kind: 'ClusterConfiguration', metadata: { name: 'ks-installer', namespace: 'kubesphere-system' }, spec: { devops: { enabled: true, jenkinsMemory: '4Gi' }, common: { es: { enabled: false } } } };
    const findings = checkSchema({ customResourceDefinitions: CRDS, objects: [cluster, config] });
    expect(expectFinding(findings, 'schema.unknown-field', 'Cluster/prod', 'spec.kubernetes.containerManger').fix).toBe("did you mean 'containerManager'?");
    expectFinding(findings, 'schema.unknown-field', 'ClusterConfiguration/kubesphere-system/ks-installer', 'spec.devops.jenkinsMemory');
    expect(findings).toHaveLength(2);
  });

  it('kubekey: what kk would reject (haproxy with an address, role groups naming unknown hosts)', () => {
    const cluster = kubekeyCluster({
      hosts: [{ name: 'n1' }, { name: 'n2' }],
      roleGroups: { etcd: ['n1'], 'control-plane': ['n1', 'n2'], worker: ['n3'] },
      controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '10.0.0.9', domain: 'lb.local', port: 6443 },
    });
    const findings = checkSchema({ customResourceDefinitions: CRDS, objects: [cluster] });
    expectFinding(findings, 'schema.kubekey', 'Cluster/prod', 'spec.controlPlaneEndpoint.address');
    expectFinding(findings, 'schema.kubekey', 'Cluster/prod', 'spec.roleGroups.worker[0]');
  });
});

describe('schema: messages, fixes and the edges of each rule', () => {

  it('an object without apiVersion or kind, or without a name', () => {
    expect(rows([{ kind: 'ConfigMap', metadata: { name: 'c' } }])).toEqual([['schema', 'error', 'apiVersion', 'object has no apiVersion or kind', 'set apiVersion and kind']]);
    expect(rows([{ apiVersion: 'v1', metadata: { name: 'c' } }])).toEqual([['schema', 'error', 'kind', 'object has no apiVersion or kind', 'set apiVersion and kind']]);
    expect(rows([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }])).toEqual([['schema', 'error', 'metadata.name', 'object has no metadata.name', 'give the object a name']]);
  });

  it('unknown kinds: built-in and custom named apart, with the key', () => {
    expect(rows([{ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'd' } }])).toEqual([
      ['schema.unknown-kind', 'warning', 'apiVersion', "built-in kind 'apps/v1beta1/Deployment' is not one this platform validates; it was not schema-checked", 'use a supported apiVersion/kind, or add its schema to infra/checks/schema.ts'],
    ]);
    expect(rows([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])[0]![3]).toBe("custom resource kind 'example.com/v1/Widget' is not one this platform validates; it was not schema-checked");
  });

  it('built-in validation: the field path of a nested item, an unknown field, and the fix naming the kind', () => {
    const objects = moduleObjects();
    get(objects, 'Deployment').spec.template.spec.containers[0].ports[0].containerPort = 'http';
    const [row] = rows(objects.filter((o) => o.kind === 'Deployment'));
    expect(row!.slice(0, 3)).toEqual(['schema', 'error', 'spec.template.spec.containers[0].ports[0].containerPort']);
    expect(row![3]).toMatch(/^spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort must be integer/);
    expect(row![4]).toBe('fix the field to match the apps/v1 Deployment schema');
  });

  it('custom resources: a misspelt field is an error at its path; scope in both directions', () => {
    const fields = rows([pipeline({ type: 'pipeline', pipeline: { name: 'p', jenkinsfile: 'x', jenkinsFile: 'y' } })], CRDS);
    expect(fields.map((r) => [r[0], r[2], r[3]])).toEqual([['schema', 'spec.pipeline.jenkinsFile', 'spec.pipeline.jenkinsFile is not a field of this kind']]);
    expect(rows([pipeline({ type: 'pipeline', pipeline: { name: 'p', jenkinsfile: 'x' } }, null)], CRDS)).toEqual([
      ['schema', 'error', 'metadata.namespace', 'Pipeline is namespaced but has no metadata.namespace', 'set metadata.namespace'],
    ]);
    const project = { apiVersion: 'devops.kubesphere.io/v1alpha3', kind: 'DevOpsProject', metadata: { name: 'icv', namespace: 'x' }, spec: {} };
    expect(rows([project], CRDS).filter((r) => r[2] === 'metadata.namespace')).toEqual([['schema', 'error', 'metadata.namespace', 'DevOpsProject is cluster-scoped and cannot have a namespace', 'remove metadata.namespace']]);
  });

  it('installer configs: an unknown field names the closest known one, or lists them; a non-object where a mapping belongs', () => {
    const cluster = (spec: Record<string, unknown>) => rows([kubekeyCluster({ hosts: [{ name: 'n1', address: '10.0.0.1' }], roleGroups: { etcd: ['n1'], 'control-plane': ['n1'], worker: ['n1'] }, controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '' }, ...spec })]);
    expect(cluster({})).toEqual([]);
    expect(cluster({ hosts: [{ name: 'n1', address: '10.0.0.1', adress: 'x' }] })).toEqual([
      ['schema.unknown-field', 'error', 'spec.hosts[0].adress', "'adress' is not a field Cluster knows here; the installer would ignore it", "did you mean 'address'?"],
    ]);
    const [far] = cluster({ controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '', zzzzzz: 1 } });
    expect(far).toEqual(['schema.unknown-field', 'error', 'spec.controlPlaneEndpoint.zzzzzz', "'zzzzzz' is not a field Cluster knows here; the installer would ignore it", 'remove it (known here: internalLoadbalancer, domain, externalDNS, address, port, kubevip)']);
    expect(cluster({ roleGroups: 'n1' })).toContainEqual(['schema', 'error', 'spec.roleGroups', 'spec.roleGroups must be an object', 'use a mapping here']);
    expect(cluster({ hosts: [{ name: 'n1', address: '10.0.0.1', labels: { any: 'thing' } }] })).toEqual([]);
    expect(cluster({ hosts: [{ name: 'n1', address: '10.0.0.1', Name: 'x' }] })[0]![4], 'case-insensitive').toBe("did you mean 'name'?");
  });

  it('kubekey: role groups naming unknown hosts, ranges allowed; no control plane; etcd type and members', () => {
    const base = { hosts: [{ name: 'n1' }, { name: 'n2' }], controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '' } };
    const kk = (spec: Record<string, unknown>) => rows([kubekeyCluster({ ...base, ...spec })]).filter((r) => r[0] === 'schema.kubekey').map((r) => [r[1], r[2], r[3], r[4]]);
    expect(kk({ roleGroups: { etcd: ['n1'], 'control-plane': ['n1'], worker: ['n3', 'node[1:10]'] } })).toEqual([
      ['error', 'spec.roleGroups.worker[0]', "role group 'worker' names 'n3', which is not in spec.hosts", 'list only hosts declared in spec.hosts'],
    ]);
    expect(kk({ roleGroups: { etcd: ['n1'], worker: ['n1'] } })).toEqual([['error', 'spec.roleGroups', 'no control-plane (or master) host: kk exits', 'add the control-plane hosts to spec.roleGroups.control-plane']]);
    expect(kk({ roleGroups: { etcd: ['n1'], master: ['n1'], worker: ['n1'] } })).toEqual([]);
    expect(kk({ roleGroups: { 'control-plane': ['n1'], worker: ['n1'] } })).toEqual([['error', 'spec.roleGroups.etcd', 'no etcd host while etcd.type is kubekey: kk exits', 'list the etcd members in spec.roleGroups.etcd']]);
    expect(kk({ roleGroups: { 'control-plane': ['n1'], worker: ['n1'] }, etcd: { type: 'external' } })).toEqual([]);
    expect(kk({ roleGroups: { etcd: ['n1'], 'control-plane': ['n1'], worker: ['n1'] }, etcd: { type: 'etcdadm' } })).toEqual([['error', 'spec.etcd.type', "etcd type 'etcdadm' is not kubekey, kubeadm or external", 'use etcd.type kubekey']]);
    expect(kk({ roleGroups: { 'control-plane': ['n1'], worker: ['n1'] }, etcd: { type: 'kubeadm' } })).toEqual([]);
  });

  it('kubekey: the control-plane endpoint, the container manager, and insecure registries with containerd', () => {
    const roleGroups = { etcd: ['n1'], 'control-plane': ['n1', 'n2'], worker: ['n1'] };
    const kk = (spec: Record<string, unknown>) => rows([kubekeyCluster({ hosts: [{ name: 'n1' }, { name: 'n2' }], roleGroups, ...spec })]).filter((r) => r[0] === 'schema.kubekey').map((r) => [r[1], r[2], r[3], r[4]]);
    expect(kk({ controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '10.0.0.9' } })).toEqual([
      ['error', 'spec.controlPlaneEndpoint.address', "internalLoadbalancer haproxy needs an empty address, not '10.0.0.9'", 'set controlPlaneEndpoint.address to ""'],
    ]);
    expect(kk({ controlPlaneEndpoint: { address: '' } })).toEqual([
      ['error', 'spec.controlPlaneEndpoint', '2 control-plane hosts but no load balancer: the API endpoint would be one host', 'set internalLoadbalancer: haproxy (or an external load balancer address)'],
    ]);
    expect(kk({ controlPlaneEndpoint: { address: '10.0.0.9' } })).toEqual([]);
    expect(kk({ controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '' }, kubernetes: { containerManager: 'rkt' } })).toEqual([
      ['error', 'spec.kubernetes.containerManager', "container manager 'rkt' is not docker, containerd, crio or isula", 'use containerManager: containerd'],
    ]);
    for (const manager of ['docker', 'crio', 'isula']) expect(kk({ controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '' }, kubernetes: { containerManager: manager }, registry: { insecureRegistries: ['h'] } }), manager).toEqual([]);
    expect(kk({ controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '' }, kubernetes: { containerManager: 'containerd' }, registry: { insecureRegistries: ['h'] } })).toEqual([
      ['warning', 'spec.registry.insecureRegistries', 'with containerd, insecureRegistries is only rendered as an http mirror endpoint (kubekey#2133)', 'trust the registry with registry.auths.<host>.certsPath or skipTLSVerify instead'],
    ]);
    expect(kk({ controlPlaneEndpoint: { internalLoadbalancer: 'haproxy', address: '' }, kubernetes: { containerManager: 'containerd' }, registry: { insecureRegistries: [] } })).toEqual([]);
  });
});

// From the mutation run of infra/checks/schema.ts (MUTATION.md, "Checks"): each case breaks one thing its survivors showed.

/**
 * A CustomResourceDefinition literal, as `infra/checks/crds/` holds them parsed. Each call is a new list, so
 * `customResourceValidators` compiles it inside the test that uses it (it caches by list).
 */
const crd = (openAPIV3Schema: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }], ...spec },
});
/** The root of a CRD's schema, as controller-gen writes it: apiVersion, kind, metadata and a spec. */
const root = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec },
  ...extra,
});
const widget = (spec?: unknown, metadata: Record<string, unknown> = { name: 'w', namespace: 'x' }) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata, ...(spec === undefined ? {} : { spec }) });

const HAPROXY = { internalLoadbalancer: 'haproxy', address: '' };
const clusterRows = (spec: Record<string, unknown>) =>
  rows([kubekeyCluster({ hosts: [{ name: 'n1', address: '10.0.0.1' }], roleGroups: { etcd: ['n1'], 'control-plane': ['n1'], worker: ['n1'] }, controlPlaneEndpoint: HAPROXY, ...spec })]);

describe('schema: objects and values the rules must read without crashing', () => {
  it('an object without metadata is one finding at metadata.name; a namespaced custom resource without metadata also at metadata.namespace', () => {
    expect(rows([{ apiVersion: 'v1', kind: 'ConfigMap' }])).toEqual([['schema', 'error', 'metadata.name', 'object has no metadata.name', 'give the object a name']]);
    const pipeline = { apiVersion: 'devops.kubesphere.io/v1alpha3', kind: 'Pipeline', spec: { type: 'pipeline' } };
    expect(fieldRows([pipeline], CRDS)).toEqual([
      ['schema', 'metadata.name', 'object has no metadata.name'],
      ['schema', 'metadata.namespace', 'Pipeline is namespaced but has no metadata.namespace'],
    ]);
  });

  it('a failure of a built-in kind\'s model that is not a validation error is thrown as it is, not read as findings', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } };
    Object.defineProperty(object, 'data', { enumerable: true, get: () => { throw new Error('unreadable data'); } });
    expect(() => checkSchema({ objects: [object] })).toThrow('unreadable data');
  });
});

describe('schema: the path and message of a built-in kind\'s error', () => {
  it('int-or-string: the two alternatives are one message at the field, " or " between them, without the oneOf summary', () => {
    const objects = moduleObjects();
    get(objects, 'Deployment').spec.strategy.rollingUpdate.maxUnavailable = true;
    expect(fieldRows(objects.filter((o) => o.kind === 'Deployment'))).toEqual([
      ['schema', 'spec.strategy.rollingUpdate.maxUnavailable', 'spec.strategy.rollingUpdate.maxUnavailable must be string or must be integer'],
    ]);
  });

  it('a key holding "/" or "~" (JSON pointer ~1 and ~0) is named as written', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' }, data: { 'app/config': 1, 'a~b': 2 } };
    expect(fieldRows([configMap]).map((r) => r[1])).toEqual(['data.app/config', 'data.a~b']);
  });

  it('a list index is [n] (two digits too); a key that only starts or ends with a digit is .key', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: { finalizers: [...Array.from({ length: 10 }, () => 'kubernetes'), 5] } };
    expect(fieldRows([namespace]).map((r) => r[1])).toEqual(['spec.finalizers[10]']);
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' }, data: { v1: 1, '1a': 2 } };
    expect(fieldRows([configMap]).map((r) => r[1])).toEqual(['data.v1', 'data.1a']);
  });
});

describe('schema: validators compiled from CustomResourceDefinitions', () => {
  it('every version of a CRD validates under its own apiVersion, namespaced or cluster-scoped as its scope says', () => {
    const versions = ['v1', 'v2'].map((name) => ({ name, schema: { openAPIV3Schema: root({ type: 'object' }) } }));
    const validators = customResourceValidators([
      crd({}, { versions }),
      crd({}, { group: 'ops.example.com', names: { kind: 'Gadget' }, scope: 'Cluster', versions: versions.slice(0, 1) }),
    ]);
    expect([...validators].map(([key, v]) => [key, v.namespaced])).toEqual([
      ['example.com/v1/Widget', true],
      ['example.com/v2/Widget', true],
      ['ops.example.com/v1/Gadget', false],
    ]);
  });

  it('definitions without spec or names.kind, versions that are no mapping or have no schema, are skipped without a crash', () => {
    const schema = { openAPIV3Schema: root({ type: 'object' }) };
    const validators = customResourceValidators([
      null,
      'widgets.example.com',
      { kind: 'CustomResourceDefinition' },
      { spec: { group: 'example.com', versions: [{ name: 'v1', schema }] } },
      crd({}, { versions: ['v1', { name: 'v2' }, { name: 'v3', schema: {} }, { name: 'v4', schema }] }),
    ]);
    expect([...validators.keys()]).toEqual(['example.com/v4/Widget']);
  });

  it('a misspelt field is an error at every depth (nested objects, list items, map values); preserve-unknown-fields and an object without properties stay open', () => {
    const name = { type: 'object', properties: { name: { type: 'string' } } };
    const crds = [
      crd(
        root({
          type: 'object',
          properties: {
            size: { type: 'integer' },
            nested: name,
            list: { type: 'array', items: name },
            byName: { type: 'object', additionalProperties: { type: 'object', properties: { port: { type: 'integer' } } } },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
            free: { type: 'object' },
          },
        }),
      ),
    ];
    const valid = { size: 1, nested: { name: 'a' }, list: [{ name: 'a' }], byName: { a: { port: 80 } }, labels: { a: 'b' }, open: { known: 'k', extra: 1 }, free: { anything: [1] } };
    expect(rows([widget(valid)], crds)).toEqual([]);
    const misspelt = { ...valid, size: 'one', nested: { nmae: 'a' }, list: [{ name: 'a' }, { nmae: 'b' }], byName: { a: { prot: 80 } }, labels: { a: 1 } };
    expect(fieldRows([widget(misspelt)], crds)).toEqual([
      ['schema', 'spec.size', 'spec.size must be integer'],
      ['schema', 'spec.nested.nmae', 'spec.nested.nmae is not a field of this kind'],
      ['schema', 'spec.list[1].nmae', 'spec.list[1].nmae is not a field of this kind'],
      ['schema', 'spec.byName.a.prot', 'spec.byName.a.prot is not a field of this kind'],
      ['schema', 'spec.labels.a', 'spec.labels.a must be string'],
    ]);
    expect(fieldRows([{ ...widget(valid), status: {} }], crds), 'the root is closed too').toEqual([['schema', 'status', 'status is not a field of this kind']]);
  });

  it('properties beside additionalProperties: true stay open (the only additionalProperties the API server allows there); a not schema is not closed', () => {
    const crds = [
      crd(
        root({
          type: 'object',
          properties: {
            flagged: { type: 'object', additionalProperties: true, properties: { known: { type: 'string' } } },
            mode: { type: 'object', properties: { legacy: { type: 'boolean' }, name: { type: 'string' } }, not: { properties: { legacy: { enum: [true] } }, required: ['legacy'] } },
          },
        }),
      ),
    ];
    expect(rows([widget({ flagged: { known: 'k', extra: 1 }, mode: { name: 'a' } })], crds)).toEqual([]);
    expect(fieldRows([widget({ mode: { legacy: true, name: 'a' } })], crds), 'legacy: true with another field is still what not forbids').toEqual([['schema', 'spec.mode', 'spec.mode must NOT be valid']]);
  });

  it('anyOf alternatives (controller-gen\'s int-or-string) are one message; a message two alternatives share is said once; an error at the root is (root)', () => {
    const crds = [
      crd(
        root(
          {
            type: 'object',
            properties: {
              port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
              mode: { oneOf: [{ type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' }] },
            },
          },
          { required: ['spec'] },
        ),
      ),
    ];
    expect(fieldRows([widget({ port: true, mode: 1 })], crds)).toEqual([
      ['schema', 'spec.port', 'spec.port must be integer or must be string'],
      ['schema', 'spec.mode', 'spec.mode must be string'],
    ]);
    expect(rows([widget()], crds)).toEqual([['schema', 'error', '', "(root) must have required property 'spec'", 'fix the field to match the example.com/v1 Widget schema']]);
  });
});

describe('schema: installer configs, the edges of each check', () => {
  it('a field left empty (null in YAML) or undefined (an optional value not set) is no finding', () => {
    expect(clusterRows({ network: null, registry: undefined, kubernetes: { version: 'v1.26.15', kubeletArgs: null } })).toEqual([]);
  });

  it('did you mean: within two edits; of several close names the closest; of equally close ones the first listed', () => {
    const fix = (spec: Record<string, unknown>) => clusterRows(spec).map((r) => [r[2], r[4]]);
    expect(fix({ kubernetes: { contanerManger: 'containerd' } }), 'two letters dropped').toEqual([['spec.kubernetes.contanerManger', "did you mean 'containerManager'?"]]);
    expect(fix({ kubernetes: { cntanerManger: 'containerd' } })[0]![1], 'three edits').toMatch(/^remove it \(known here: type, version, /);
    expect(fix({ etcd: { type: 'external', external: { crFile: 'a', crtFile: 'b' } } })).toEqual([
      ['spec.etcd.external.crFile', "did you mean 'caFile'?"],
      ['spec.etcd.external.crtFile', "did you mean 'certFile'?"],
    ]);
    expect(fix({ hosts: [{ name: 'n1', address: '10.0.0.1', labe: 'x' }] }), "'labe' is two edits from both name and labels").toEqual([['spec.hosts[0].labe', "did you mean 'name'?"]]);
  });

  it('kubekey: a host that is no mapping, a role-group member that is no string, a host range with a two-digit start', () => {
    const findings = rows([kubekeyCluster({ hosts: ['n1', { name: 'n2' }], roleGroups: { etcd: ['n2'], 'control-plane': ['n2'], worker: [7, 'node[10:20]'] }, controlPlaneEndpoint: HAPROXY })]);
    expect(findings.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['schema', 'spec.hosts[0]', 'spec.hosts[0] must be an object'],
      ['schema.kubekey', 'spec.roleGroups.worker[0]', "role group 'worker' names '', which is not in spec.hosts"],
    ]);
  });

  it('kubekey: haproxy without an address passes; two control-plane hosts with neither a load balancer nor an address are one finding', () => {
    const kk = (endpoint: Record<string, unknown>) =>
      rows([kubekeyCluster({ hosts: [{ name: 'n1' }, { name: 'n2' }], roleGroups: { etcd: ['n1'], 'control-plane': ['n1', 'n2'], worker: ['n1'] }, controlPlaneEndpoint: endpoint })]).map((r) => r[2]);
    expect(kk({ internalLoadbalancer: 'haproxy' })).toEqual([]);
    expect(kk({ domain: 'lb.local' })).toEqual(['spec.controlPlaneEndpoint']);
  });
});
