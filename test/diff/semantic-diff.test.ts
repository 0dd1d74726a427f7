import { describe, expect, it } from 'vitest';
import { InputError } from '../../infra/model/errors.js';
import { diffTrees, diffValues, networkPolicyWidening, renderJson, renderMarkdown, type DiffReport } from '../../infra/preview/index.js';
import { loadDistTree } from '../../infra/cli/read-dist-tree.js';
import { configMap, deployment, networkPolicy, secret, service, writeTree, type TreeSpec } from './fixtures.js';

function diff(before: TreeSpec, after: TreeSpec): DiffReport {
  return diffTrees(loadDistTree(writeTree(before)), loadDistTree(writeTree(after)), { from: 'before', to: 'after' });
}

const jenkinsfile = (tag: string) => `pipeline {\n  agent { label 'podman' }\n  stages {\n    stage('build') {\n      steps { sh 'podman build -t harbor.icv.local/icv/vehicle-access:${tag} .' }\n    }\n  }\n}\n`;

describe('loading a dist tree', () => {
  it('keys objects by env, apiVersion/kind, namespace and name, with their file and unit', () => {
    const root = writeTree({
      prod: {
        'manifests/module/vehicle-access.yaml': [deployment('vehicle-access'), service('vehicle-access')],
        'manifests/cluster.yaml': [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'icv-vehicle' } }],
        'helm/harbor.values.yaml': 'expose:\n  type: ingress\n',
        'kubekey/cluster.yaml': 'apiVersion: kubekey.kubesphere.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: icv\n---\napiVersion: installer.kubesphere.io/v1alpha1\nkind: ClusterConfiguration\nmetadata:\n  name: ks-installer\n',
        'pipelines/vehicle-access.Jenkinsfile': jenkinsfile('1.0.0'),
      },
      test: { 'manifests/cluster.yaml': [] },
    });
    const tree = loadDistTree(root);
    expect([...tree.envs.keys()]).toEqual(['prod', 'test']);
    const prod = tree.envs.get('prod')!;
    expect(prod.objects.get('apps/v1/Deployment/icv-vehicle/vehicle-access')).toMatchObject({ file: 'manifests/module/vehicle-access.yaml', unit: 'module/vehicle-access', module: 'vehicle-access', line: 1 });
    expect(prod.objects.get('v1/Namespace//icv-vehicle')).toMatchObject({ unit: 'cluster' });
    expect(prod.objects.get('v1/Service/icv-vehicle/vehicle-access')!.line).toBeGreaterThan(1);
    expect([...prod.artifacts.values()].map((a) => [a.file, a.kind, a.format, a.unit])).toEqual([
      ['helm/harbor.values.yaml', 'helm-values', 'yaml', 'helm/harbor'],
      ['kubekey/cluster.yaml', 'kubekey', 'yaml', 'cluster'],
      ['pipelines/vehicle-access.Jenkinsfile', 'jenkinsfile', 'text', 'module/vehicle-access'],
    ]);
    expect([...loadDistTree(root, ['test']).envs.keys()]).toEqual(['test']);
  });

  it('rejects malformed YAML with the file and the line', () => {
    const root = writeTree({ test: { 'manifests/module/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [a,\n  b: c\n' } });
    expect(() => loadDistTree(root)).toThrow(InputError);
    expect(() => loadDistTree(root)).toThrow(/test\/manifests\/module\/broken\.yaml: line \d+: malformed YAML/);
  });

  it('rejects a manifest document that is not a Kubernetes object, and a duplicate object', () => {
    expect(() => loadDistTree(writeTree({ test: { 'manifests/a.yaml': 'apiVersion: v1\nkind: ConfigMap\n---\nfoo: bar\n' } }))).toThrow(/a\.yaml: line 1: document is not a Kubernetes object/);
    const twice = writeTree({ test: { 'manifests/a.yaml': [configMap('x', {})], 'manifests/b.yaml': [configMap('x', {})] } });
    expect(() => loadDistTree(twice)).toThrow(/b\.yaml: line 1: duplicate object ConfigMap 'x' \(also in manifests\/a\.yaml line 1\)/);
  });
});

describe('semantic diff', () => {
  it('finds nothing between identical trees', () => {
    const spec = { test: { 'manifests/module/m.yaml': [deployment('m'), service('m')], 'pipelines/m.Jenkinsfile': jenkinsfile('1') } };
    const report = diff(spec, spec);
    expect(report.changes).toEqual([]);
    expect(report.environments).toEqual([{ env: 'test', added: 0, changed: 0, replaced: 0, deleted: 0, flagged: 0, unchanged: 3 }]);
    expect(renderMarkdown(report)).toContain('No changes');
  });

  it('ignores reordered containers, env, ports and volumes, and map key order', () => {
    const containers = deployment('m').spec.template.spec.containers as { name: string; ports?: object[]; env?: object[] }[];
    const reordered = [{ ...containers[1]! }, { ...containers[0]!, env: [...containers[0]!.env!].reverse(), ports: [...containers[0]!.ports!].reverse() }];
    const keysReversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const report = diff(
      { test: { 'manifests/m.yaml': [deployment('m'), service('m', { ports: [{ port: 80 }, { port: 443 }] })] } },
      { test: { 'manifests/m.yaml': [keysReversed(deployment('m', { containers: reordered })), service('m', { ports: [{ port: 443 }, { port: 80 }] })] } },
    );
    expect(report.changes).toEqual([]);
  });

  it('names list items by natural key and compares plain lists by position', () => {
    const before = { spec: { containers: [{ name: 'app', args: ['--a', '--b'], env: [{ name: 'A', value: '1' }] }], ports: [{ port: 80 }] } };
    const after = { spec: { containers: [{ name: 'app', args: ['--b', '--a'], env: [{ name: 'A', value: '2' }, { name: 'B', value: 'x' }] }], ports: [{ port: 80, protocol: 'UDP' }] } };
    expect(diffValues(before, after).map((c) => c.change)).toEqual([
      { path: 'spec.containers[name=app].args[0]', op: 'changed', old: '--a', new: '--b' },
      { path: 'spec.containers[name=app].args[1]', op: 'changed', old: '--b', new: '--a' },
      { path: 'spec.containers[name=app].env[name=A].value', op: 'changed', old: '1', new: '2' },
      { path: 'spec.containers[name=app].env[name=B]', op: 'added', new: { name: 'B', value: 'x' } },
      { path: 'spec.ports[port=80/TCP]', op: 'removed', old: { port: 80 } },
      { path: 'spec.ports[port=80/UDP]', op: 'added', new: { port: 80, protocol: 'UDP' } },
    ]);
    expect(diffValues({ metadata: { labels: { 'app.kubernetes.io/name': 'a' } } }, { metadata: { labels: { 'app.kubernetes.io/name': 'b' } } })[0]!.change.path).toBe(
      'metadata.labels["app.kubernetes.io/name"]',
    );
  });

  it('diffs text artifacts by line', () => {
    const report = diff({ test: { 'pipelines/m.Jenkinsfile': jenkinsfile('1.0.0') } }, { test: { 'pipelines/m.Jenkinsfile': jenkinsfile('1.1.0') } });
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]!.hunks).toEqual([
      {
        oldStart: 2,
        oldLines: 7,
        newStart: 2,
        newLines: 7,
        lines: [
          "   agent { label 'podman' }",
          '   stages {',
          "     stage('build') {",
          "-      steps { sh 'podman build -t harbor.icv.local/icv/vehicle-access:1.0.0 .' }",
          "+      steps { sh 'podman build -t harbor.icv.local/icv/vehicle-access:1.1.0 .' }",
          '     }',
          '   }',
          ' }',
        ],
      },
    ]);
  });

  it('reports environments present in one tree only as added or deleted wholesale', () => {
    const report = diff({ test: { 'manifests/m.yaml': [configMap('a', {})] } }, { test: { 'manifests/m.yaml': [configMap('a', {})] }, staging: { 'manifests/m.yaml': [configMap('a', {})] } });
    expect(report.environments.map((e) => [e.env, e.added])).toEqual([
      ['staging', 1],
      ['test', 0],
    ]);
  });

  it('rejects an --env that neither tree has', () => {
    const tree = loadDistTree(writeTree({ test: { 'manifests/m.yaml': [configMap('a', {})] } }));
    expect(() => diffTrees(tree, tree, { from: 'a', to: 'b', envs: ['staging'] })).toThrow(/unknown environment\(s\) 'staging' \(the trees hold: test\)/);
  });
});

describe('secrets never appear in the report', () => {
  const values = ['b2xkLXBhc3N3b3Jk', 'bmV3LXBhc3N3b3Jk', 'plain-old-secret', 'plain-new-secret', 'env-old-pass', 'env-new-pass', 'cm-old-token', 'cm-new-token', 'harbor-old-admin', 'harbor-new-admin', 'fresh-secret-value', 'gone-secret-value'];
  const withEnv = (password: string) => {
    const d = deployment('m');
    (d.spec.template.spec.containers[0] as { env: object[] }).env.push({ name: 'DB_PASSWORD', value: password });
    return d;
  };
  const report = diff(
    {
      test: {
        'manifests/m.yaml': [secret('db', { password: values[0]! }, { url: values[2]! }), withEnv(values[4]!), configMap('app', { GITLAB_TOKEN: values[6]! }), secret('gone', { key: values[11]! })],
        'helm/harbor.values.yaml': `harborAdminPassword: ${values[8]}\n`,
        'pipelines/m.Jenkinsfile': `def password = '${values[8]}'\n`,
      },
    },
    {
      test: {
        'manifests/m.yaml': [secret('db', { password: values[1]! }, { url: values[3]! }), withEnv(values[5]!), configMap('app', { GITLAB_TOKEN: values[7]! }), secret('fresh', { key: values[10]! })],
        'helm/harbor.values.yaml': `harborAdminPassword: ${values[9]}\n`,
        'pipelines/m.Jenkinsfile': `def password = '${values[9]}'\n`,
      },
    },
  );

  it('shows that they changed', () => {
    const fields = report.changes.flatMap((c) => c.fields);
    expect(fields).toEqual(
      expect.arrayContaining([
        { path: 'data.password', op: 'changed', hidden: true },
        { path: 'stringData.url', op: 'changed', hidden: true },
        { path: 'spec.template.spec.containers[name=app].env[name=DB_PASSWORD].value', op: 'changed', hidden: true },
        { path: 'data.GITLAB_TOKEN', op: 'changed', hidden: true },
        { path: 'harborAdminPassword', op: 'changed', hidden: true },
      ]),
    );
    expect(report.changes.find((c) => c.target.type === 'object' && c.target.name === 'fresh')!.body).toMatchObject({ data: { key: '<hidden>' } });
  });

  it('keeps every value out of the JSON and the markdown', () => {
    const outputs = [renderJson(report), renderMarkdown(report)];
    for (const output of outputs) for (const value of values) expect(output).not.toContain(value);
    expect(outputs[1]).toContain('`data.password`: changed (value hidden)');
  });
});

describe('network policy widening', () => {
  const peer = (labels: Record<string, string>) => ({ podSelector: { matchLabels: labels } });
  const policy = (ingress: object[]) => networkPolicy('m', ingress);

  it('does not flag narrowing: a peer gaining a label, a rule gaining a port list, a rule removed', () => {
    const before = policy([{ from: [peer({ app: 'gw' })] }, { from: [peer({ app: 'ops' })] }]);
    expect(networkPolicyWidening(before, policy([{ from: [peer({ app: 'gw', tier: 'edge' })], ports: [{ port: 8080 }] }]))).toEqual([]);
  });

  it('flags a new peer, a peer losing a label, a rule losing its ports, a rule with no peers, and lifting a direction', () => {
    const before = policy([{ from: [peer({ app: 'gw', tier: 'edge' })], ports: [{ port: 8080 }] }]);
    expect(networkPolicyWidening(before, policy([{ from: [peer({ app: 'gw' })], ports: [{ port: 8080 }] }]))).toHaveLength(1);
    expect(networkPolicyWidening(before, policy([{ from: [peer({ app: 'gw', tier: 'edge' })] }]))[0]).toContain('on any port');
    expect(networkPolicyWidening(before, policy([{}]))[0]).toContain('anywhere (rule without peers)');
    expect(networkPolicyWidening(before, policy([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]))[0]).toContain('0.0.0.0/0');
    const egressBefore = { ...before, spec: { ...before.spec, policyTypes: ['Ingress', 'Egress'], egress: [] } };
    expect(networkPolicyWidening(egressBefore, before)).toEqual(['no longer restricts egress (policyTypes)']);
  });

  it('flags a new policy only when it allows something, and any deleted policy', () => {
    expect(networkPolicyWidening(undefined, policy([]))).toEqual([]);
    expect(networkPolicyWidening(undefined, policy([{ from: [peer({ app: 'gw' })] }]))).toHaveLength(1);
    expect(networkPolicyWidening(policy([]), undefined)[0]).toContain('lift the isolation');
  });
});
