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
