import { describe, expect, it } from 'vitest';
import { diffTrees, type DiffReport } from '../../infra/preview/index.js';
import { loadDistTree } from '../../infra/cli/read-dist-tree.js';
import { configMap, deployment, ingress, pvc, secret, service, writeTree, type TreeSpec } from './fixtures.js';

function diff(before: TreeSpec, after: TreeSpec): DiffReport {
  return diffTrees(loadDistTree(writeTree(before)), loadDistTree(writeTree(after)), { from: 'before', to: 'after' });
}

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
    expect(change.replacement).toContain('spec.storageClassName is immutable on a PersistentVolumeClaim');
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
    expect(single([sts('1Gi')], [sts('2Gi')]).replacement).toContain('spec.volumeClaimTemplates is immutable on a StatefulSet');
    const job = (image: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'icv' }, spec: { template: { spec: { containers: [{ name: 'm', image }] } } } });
    const change = single([job('flyway:9')], [job('flyway:10')]);
    expect(change.status).toBe('replaced');
    expect(change.replacement).toEqual(['spec.template is immutable on a Job']);
    expect(change.flags).toEqual([]);
  });

  it('a Secret type change and a data change of an immutable ConfigMap are replacements', () => {
    expect(single([secret('pull', { a: 'eA==' })], [{ ...secret('pull', { a: 'eA==' }), type: 'kubernetes.io/dockerconfigjson' }]).status).toBe('replaced');
    const frozen = (level: string) => ({ ...configMap('frozen', { LEVEL: level }), immutable: true });
    expect(single([frozen('info')], [frozen('debug')]).replacement).toEqual(['the ConfigMap is immutable: its data can only change by re-creating it']);
  });

  it('an apiVersion or kind change of the same object is one replaced change, not a deletion and an addition', () => {
    const old = { ...ingress('portal', 'portal.icv.example.cn'), apiVersion: 'networking.k8s.io/v1beta1' };
    const change = single([old], [ingress('portal', 'portal.icv.example.cn')]);
    expect(change.status).toBe('replaced');
    expect(change.previous).toMatchObject({ apiVersion: 'networking.k8s.io/v1beta1', kind: 'Ingress' });
    expect(change.fields).toEqual([{ path: 'apiVersion', op: 'changed', old: 'networking.k8s.io/v1beta1', new: 'networking.k8s.io/v1' }]);

    const kindChange = single([deployment('cache')], [{ ...deployment('cache'), kind: 'StatefulSet' }]);
    expect(kindChange.replacement).toContain('kind Deployment → StatefulSet');
  });

  it('moving an object to another unit is a replacement (its Pulumi parent changes)', () => {
    const report = diff({ test: { 'manifests/module/a.yaml': [configMap('shared', { k: 'v' })] } }, { test: { 'manifests/module/b.yaml': [configMap('shared', { k: 'v' })] } });
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ status: 'replaced', unit: 'module/b', module: 'b', previousUnit: 'module/a', fields: [] });
  });
});
