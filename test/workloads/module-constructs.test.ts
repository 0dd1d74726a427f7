import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../infra/cli/inputs.js';
import type { KubeObject } from '../../infra/model/types.js';
import { synthObjects } from '../../infra/synth/chart.js';
import { ModuleDeployment, type ModuleDeploymentProps } from '../../infra/synth/workloads/module/deployment.js';
import { ModuleExternalExposure } from '../../infra/synth/workloads/module/external-exposure.js';
import { moduleIdentity } from '../../infra/synth/workloads/module/identity.js';
import { ModuleIngress } from '../../infra/synth/workloads/module/ingress.js';
import { ModuleScaling } from '../../infra/synth/workloads/module/scaling.js';
import { ModuleService } from '../../infra/synth/workloads/module/service.js';
import type { Construct } from 'constructs';

const { env, catalog } = loadInputs(['test'])[0]!;
const moduleNamed = (name: string) => catalog.find((m) => m.name === name)!;
const vehicleAccess = moduleNamed('vehicle-access');
const identity = moduleIdentity('vehicle-access', 'icv-vehicle', 'backend');
const SELECTOR = { 'app.kubernetes.io/name': 'vehicle-access', 'app.kubernetes.io/part-of': 'icv-platform' };

function deploymentIn(scope: Construct, overrides: Partial<ModuleDeploymentProps> = {}): ModuleDeployment {
  return new ModuleDeployment(scope, 'deployment', { identity, module: vehicleAccess, env, image: 'harbor.test/icv/vehicle-access:1.0.0', dependencies: [], ...overrides });
}
const ofKind = (objects: readonly KubeObject[], kind: string) => objects.filter((o) => o.kind === kind) as any[];

describe('ModuleDeployment', () => {
  it('owns the selector and creates the pod, its ServiceAccount, ConfigMap and credentials Secret in that order', () => {
    let deployment: ModuleDeployment | undefined;
    const objects = synthObjects((scope) => (deployment = deploymentIn(scope)));
    expect(deployment!.selector).toEqual(SELECTOR);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/vehicle-access',
      'ConfigMap/vehicle-access-config',
      ...(vehicleAccess.dependsOn.stateful.some((s) => ['mysql', 'redis', 'clickhouse', 'elasticsearch'].includes(s)) ? ['Secret/vehicle-access-credentials'] : []),
      'Deployment/vehicle-access',
    ]);
    const [pod] = ofKind(objects, 'Deployment');
    expect(pod.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(pod.spec.template.metadata.labels).toMatchObject(SELECTOR);
  });

  it('sets replicas only when given, and honours the read-only-root and spread exceptions', () => {
    const fixed = ofKind(synthObjects((scope) => deploymentIn(scope, { replicas: 3 })), 'Deployment')[0];
    expect(fixed.spec.replicas).toBe(3);
    const loose = ofKind(synthObjects((scope) => deploymentIn(scope, { readOnlyRootFilesystem: false, spread: false })), 'Deployment')[0];
    expect(loose.spec.replicas).toBeUndefined();
    expect(loose.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(loose.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });
});

describe('ModuleService and ModuleExternalExposure', () => {
  it('select the Deployment\'s pods and target its named port', () => {
    const objects = synthObjects((scope) => {
      const deployment = deploymentIn(scope);
      new ModuleService(scope, 'service', { identity, deployment, port: { number: 9000, protocol: 'tcp' } });
      new ModuleExternalExposure(scope, 'external', { identity, deployment, port: 9000, nodePort: 30900 });
    });
    const [service, external] = ofKind(objects, 'Service');
    expect(service.metadata.name).toBe('vehicle-access');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: SELECTOR, ports: [{ name: vehicleAccess.port.protocol, port: 9000, targetPort: vehicleAccess.port.protocol, appProtocol: 'tcp' }] });
    expect(external.metadata.name).toBe('vehicle-access-external');
    expect(external.spec).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Cluster', selector: SELECTOR, ports: [{ nodePort: 30900, port: 9000 }] });
  });
});

describe('ModuleScaling', () => {
  it('adds an autoscaler on the Deployment only when it scales, and always a disruption budget on its pods', () => {
    const scaled = synthObjects((scope) => new ModuleScaling(scope, 'scaling', { identity, deployment: deploymentIn(scope), autoscale: { minReplicas: 2, maxReplicas: 6, targetCpu: 70 } }));
    expect(ofKind(scaled, 'HorizontalPodAutoscaler')[0].spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'vehicle-access' }, minReplicas: 2, maxReplicas: 6 });
    expect(ofKind(scaled, 'PodDisruptionBudget')[0].spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR } });
    const fixed = synthObjects((scope) => new ModuleScaling(scope, 'scaling', { identity, deployment: deploymentIn(scope) }));
    expect(ofKind(fixed, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(fixed, 'PodDisruptionBudget')).toHaveLength(1);
  });

  it('scales the apps/v1 Deployment on the CPU utilization the module targets, between its bounds', () => {
    const scaled = synthObjects((scope) => new ModuleScaling(scope, 'scaling', { identity, deployment: deploymentIn(scope), autoscale: { minReplicas: 3, maxReplicas: 7, targetCpu: 65 } }));
    expect(ofKind(scaled, 'HorizontalPodAutoscaler')[0].spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'vehicle-access' },
      minReplicas: 3,
      maxReplicas: 7,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } }],
    });
  });
});

describe('ModuleIngress', () => {
  it('routes each host to the Service by name and named port, one Prefix path per route, with the wildcard TLS secret', () => {
    const objects = synthObjects((scope) => {
      const service = new ModuleService(scope, 'service', { identity, deployment: deploymentIn(scope), port: { number: 8080, protocol: 'http' } });
      new ModuleIngress(scope, 'ingress', {
        identity,
        service,
        routes: [
          { host: 'a.test.example', path: '/' },
          { host: 'b.test.example', path: '/api' },
          { host: 'a.test.example', path: '/ws' },
        ],
      });
    });
    const [ingress] = ofKind(objects, 'Ingress');
    expect(ingress.spec.tls).toEqual([{ hosts: ['a.test.example', 'b.test.example'], secretName: 'icv-wildcard-tls' }]);
    expect(ingress.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => p.path)])).toEqual([
      ['a.test.example', ['/', '/ws']],
      ['b.test.example', ['/api']],
    ]);
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'vehicle-access', port: { name: vehicleAccess.port.protocol } } });
  });
});
