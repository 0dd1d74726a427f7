import { describe, expect, it } from 'vitest';
import { diffTrees, type Change, type DiffReport } from '../../infra/preview/index.js';
import { loadDistTree } from '../../infra/cli/read-dist-tree.js';
import { configMap, deployment, ingress, namespace, networkPolicy, pvc, secret, service, writeTree, type TreeSpec } from './fixtures.js';

const gatewayOnly = [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vehicle-gateway' } } }], ports: [{ port: 8080 }] }];

function platform(overrides: Partial<Record<'shared' | 'access' | 'map' | 'registry', object[]>> = {}): TreeSpec[string] {
  return {
    'manifests/shared-infra.yaml': overrides.shared ?? [namespace('icv-vehicle')],
    'manifests/module/vehicle-access.yaml': overrides.access ?? [
      deployment('vehicle-access'),
      service('vehicle-access'),
      networkPolicy('vehicle-access', gatewayOnly),
      configMap('vehicle-access-config', { LOG_LEVEL: 'info' }),
      secret('vehicle-access-db', { password: 'b2xkLXBhc3N3b3Jk' }),
    ],
    'manifests/module/map-service.yaml': overrides.map ?? [deployment('map-service'), configMap('map-service-legacy', { MODE: 'v1' })],
    'manifests/registry.yaml': overrides.registry ?? [pvc('harbor-registry', '100Gi')],
  };
}

function diff(before: TreeSpec, after: TreeSpec): DiffReport {
  return diffTrees(loadDistTree(writeTree(before)), loadDistTree(writeTree(after)), { from: 'before', to: 'after' });
}

function find(report: DiffReport, env: string, title: RegExp): Change {
  const change = report.changes.find((c) => c.env === env && c.target.type === 'object' && title.test(`${c.target.kind} ${c.target.name}`));
  if (!change) throw new Error(`no change ${title} in ${env}: ${report.changes.map((c) => JSON.stringify(c.target)).join('\n')}`);
  return change;
}

describe('risk flags: one change of each class', () => {
  const before = { test: platform(), prod: platform() };
  const after = {
    test: platform({
      shared: [namespace('icv-vehicle', { 'icv/tier': 'core' })],
      access: [
        deployment('vehicle-access', { image: 'harbor.icv.local/icv/vehicle-access:1.3.0' }),
        service('vehicle-access'),
        networkPolicy('vehicle-access', [{ ...gatewayOnly[0], from: [...gatewayOnly[0]!.from, { namespaceSelector: {} }] }]),
        configMap('vehicle-access-config', { LOG_LEVEL: 'info' }),
        secret('vehicle-access-db', { password: 'bmV3LXBhc3N3b3Jk' }),
        ingress('vehicle-access', 'vehicle.icv.example.cn'),
      ],
      map: [deployment('map-service', { selector: { 'app.kubernetes.io/name': 'map-service', track: 'stable' } })],
      registry: [pvc('harbor-registry', '200Gi')],
    }),
    prod: platform({
      access: [...(platform()['manifests/module/vehicle-access.yaml'] as object[]).slice(0, 3), configMap('vehicle-access-config', { LOG_LEVEL: 'debug' }), secret('vehicle-access-db', { password: 'b2xkLXBhc3N3b3Jk' })],
    }),
  };
  const report = diff(before, after);

  it('counts added, changed, replaced, deleted and flagged per environment', () => {
    expect(report.environments).toEqual([
      { env: 'prod', added: 0, changed: 1, replaced: 0, deleted: 0, flagged: 1, unchanged: 8 },
      { env: 'test', added: 1, changed: 5, replaced: 1, deleted: 1, flagged: 7, unchanged: 2 },
    ]);
  });

  it('flags a changed image tag, naming the container and the tag', () => {
    const change = find(report, 'test', /^Deployment vehicle-access$/);
    expect(change.flags).toEqual(['image']);
    expect(change.reasons[0]!.reason).toMatch(/container app .*tag 1\.2\.0 → 1\.3\.0/);
  });

  it('flags a selector change as a replacement', () => {
    const change = find(report, 'test', /^Deployment map-service$/);
    expect(change.status).toBe('replaced');
    expect(change.flags).toEqual(['replacement']);
    expect(change.reasons.map((r) => r.reason)).toContain('spec.selector is immutable on a Deployment');
  });

  it('flags a deletion', () => {
    const change = find(report, 'test', /^ConfigMap map-service-legacy$/);
    expect(change.status).toBe('deleted');
    expect(change.flags).toEqual(['deleted']);
  });

  it('flags a Namespace and a Harbor volume claim as protected, and lets the claim grow without replacement', () => {
    expect(find(report, 'test', /^Namespace icv-vehicle$/).flags).toEqual(['protected']);
    const claim = find(report, 'test', /^PersistentVolumeClaim harbor-registry$/);
    expect(claim.status).toBe('changed');
    expect(claim.flags).toEqual(['protected']);
  });

  it('flags a NetworkPolicy peer that opens ingress to all namespaces', () => {
    const change = find(report, 'test', /^NetworkPolicy vehicle-access$/);
    expect(change.flags).toEqual(['network-widened']);
    expect(change.reasons[0]!.reason).toContain('all pods in all namespaces');
  });

  it('flags a new Ingress as a public route with its host', () => {
    const change = find(report, 'test', /^Ingress vehicle-access$/);
    expect(change.status).toBe('added');
    expect(change.flags).toEqual(['public-route']);
    expect(change.reasons[0]!.reason).toContain('vehicle.icv.example.cn/');
  });

  it('flags every change in prod', () => {
    const change = find(report, 'prod', /^ConfigMap vehicle-access-config$/);
    expect(change.flags).toEqual(['prod']);
    expect(change.fields).toEqual([{ path: 'data.LOG_LEVEL', op: 'changed', old: 'info', new: 'debug' }]);
  });

  it('reports a changed Secret without flags and without its values', () => {
    const change = find(report, 'test', /^Secret vehicle-access-db$/);
    expect(change.flags).toEqual([]);
    expect(change.fields).toEqual([{ path: 'data.password', op: 'changed', hidden: true }]);
  });
});

describe('replacement rules', () => {
  const one = (objects: object[]) => ({ test: { 'manifests/module/m.yaml': objects } });
  const single = (before: object[], after: object[]) => {
    const report = diff(one(before), one(after));
    expect(report.changes).toHaveLength(1);
    return report.changes[0]!;
  };

  it('shrinking a claim or changing its storage class is a replacement', () => {
    expect(single([pvc('data', '10Gi')], [pvc('data', '5Gi')]).status).toBe('replaced');
    const change = single([pvc('data', '10Gi')], [pvc('data', '10Gi', 'ceph-rbd')]);
    expect(change.reasons.map((r) => r.reason)).toContain('spec.storageClassName is immutable on a PersistentVolumeClaim');
    expect(single([pvc('data', '10Gi')], [pvc('data', '10240Mi')]).status).toBe('changed');
  });

  it('Service clusterIP and ExternalName type changes are replacements; a port change is not', () => {
    expect(single([service('s', { clusterIP: '10.233.0.10' })], [service('s', { clusterIP: '10.233.0.11' })]).status).toBe('replaced');
    expect(single([service('s')], [service('s', { type: 'ExternalName', externalName: 'mysql.icv.local' })]).status).toBe('replaced');
    expect(single([service('s')], [service('s', { ports: [{ name: 'http', port: 8080 }] })]).status).toBe('changed');
  });

  it('StatefulSet volumeClaimTemplates and Job templates are immutable', () => {
    const sts = (size: string) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'redis', namespace: 'data' },
      spec: { serviceName: 'redis', selector: { matchLabels: { app: 'redis' } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }] },
    });
    expect(single([sts('1Gi')], [sts('2Gi')]).reasons.map((r) => r.reason)).toContain('spec.volumeClaimTemplates is immutable on a StatefulSet');
    const job = (image: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'icv' }, spec: { template: { spec: { containers: [{ name: 'm', image }] } } } });
    const change = single([job('flyway:9')], [job('flyway:10')]);
    expect(change.flags).toEqual(['replacement', 'image']);
  });

  it('a Secret type change and a data change of an immutable ConfigMap are replacements', () => {
    expect(single([secret('pull', { a: 'eA==' })], [{ ...secret('pull', { a: 'eA==' }), type: 'kubernetes.io/dockerconfigjson' }]).status).toBe('replaced');
    const frozen = (level: string) => ({ ...configMap('frozen', { LEVEL: level }), immutable: true });
    expect(single([frozen('info')], [frozen('debug')]).reasons.map((r) => r.reason)).toEqual(['the ConfigMap is immutable: its data can only change by re-creating it']);
  });

  it('an apiVersion or kind change of the same object is one replaced change, not a deletion and an addition', () => {
    const old = { ...ingress('portal', 'portal.icv.example.cn'), apiVersion: 'networking.k8s.io/v1beta1' };
    const change = single([old], [ingress('portal', 'portal.icv.example.cn')]);
    expect(change.status).toBe('replaced');
    expect(change.previous).toMatchObject({ apiVersion: 'networking.k8s.io/v1beta1', kind: 'Ingress' });
    expect(change.fields).toEqual([{ path: 'apiVersion', op: 'changed', old: 'networking.k8s.io/v1beta1', new: 'networking.k8s.io/v1' }]);

    const kindChange = single([deployment('cache')], [{ ...deployment('cache'), kind: 'StatefulSet' }]);
    expect(kindChange.reasons.map((r) => r.reason)).toContain('kind Deployment → StatefulSet');
  });

  it('moving an object to another unit is a replacement (its Pulumi parent changes)', () => {
    const report = diff({ test: { 'manifests/module/a.yaml': [configMap('shared', { k: 'v' })] } }, { test: { 'manifests/module/b.yaml': [configMap('shared', { k: 'v' })] } });
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ status: 'replaced', unit: 'module/b', module: 'b', previousUnit: 'module/a', fields: [] });
  });
});

describe('protected objects and artifacts', () => {
  it('flags objects in namespace harbor, named harbor*, DevOpsProjects, WorkspaceTemplates and the Harbor Helm values', () => {
    const project = (alias: string) => ({ apiVersion: 'devops.kubesphere.io/v1alpha3', kind: 'DevOpsProject', metadata: { name: 'icv-devops', labels: { 'kubesphere.io/alias-name': alias } }, spec: {} });
    const workspace = (manager: string) => ({ apiVersion: 'tenant.kubesphere.io/v1alpha2', kind: 'WorkspaceTemplate', metadata: { name: 'icv' }, spec: { template: { spec: { manager } } } });
    const before = {
      test: {
        'manifests/devops.yaml': [project('ICV'), workspace('admin'), configMap('harbor-ca', { 'ca.crt': 'a' }, 'kube-system'), configMap('core', { a: '1' }, 'harbor')],
        'helm/harbor.values.yaml': 'externalURL: https://harbor.icv.local\nharborAdminPassword: <redacted:secret:harborAdminPassword>\n',
      },
    };
    const after = {
      test: {
        'manifests/devops.yaml': [project('ICV platform'), workspace('architect'), configMap('harbor-ca', { 'ca.crt': 'b' }, 'kube-system'), configMap('core', { a: '2' }, 'harbor')],
        'helm/harbor.values.yaml': 'externalURL: https://harbor.icv.example.cn\nharborAdminPassword: <redacted:secret:harborAdminPassword>\n',
      },
    };
    const report = diff(before, after);
    expect(report.changes.map((c) => [c.target.type === 'object' ? c.target.kind : c.target.file, c.flags])).toEqual([
      ['ConfigMap', ['protected']],
      ['ConfigMap', ['protected']],
      ['DevOpsProject', ['protected']],
      ['WorkspaceTemplate', ['protected']],
      ['helm/harbor.values.yaml', ['protected']],
    ]);
    expect(report.changes[4]).toMatchObject({ unit: 'helm/harbor', fields: [{ path: 'externalURL', op: 'changed' }] });
  });
});
