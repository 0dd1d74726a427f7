import { describe, expect, it } from 'vitest';
import { built, find, objectsOf } from '../support/platforms.js';

const prod = built.find((b) => b.env.name === 'prod')!;
const test = built.find((b) => b.env.name === 'test')!;
const unitObjects = (b: typeof prod, module: string) => b.platform.units.find((u) => u.id === `module/${module}`)!.objects;

// A review aid only, one snapshot per construct of a module: what each default guards is asserted by name in
// test/defaults/safe-defaults.test.ts and below, so a snapshot update cannot hide a broken default.
describe('one snapshot per module construct, as a review aid', () => {
  const pick = (b: typeof prod, module: string, kinds: string[], name?: string) =>
    unitObjects(b, module).filter((o) => kinds.includes(o.kind) && (name === undefined || o.metadata.name === name));
  it.each([
    ['ModuleDeployment: ServiceAccount, ConfigMap, credentials and Deployment (vehicle-access, prod)', () => pick(prod, 'vehicle-access', ['ServiceAccount', 'ConfigMap', 'Secret', 'Deployment'])],
    ['ModuleService (portal-web, prod)', () => pick(prod, 'portal-web', ['Service'])],
    ['ModuleExternalExposure: the NodePort Service (vehicle-access, prod)', () => pick(prod, 'vehicle-access', ['Service'], 'vehicle-access-external')],
    ['ModuleScaling: autoscaler and disruption budget (vehicle-access, prod)', () => pick(prod, 'vehicle-access', ['HorizontalPodAutoscaler', 'PodDisruptionBudget'])],
    ['ModuleNetworkPolicy with the internet egress exception (hdmap-service, test)', () => pick(test, 'hdmap-service', ['NetworkPolicy'])],
    ['ModuleIngress (portal-web, prod)', () => pick(prod, 'portal-web', ['Ingress'])],
  ])('%s', (_name, objects) => {
    expect(objects()).toMatchSnapshot();
  });
});

describe.each(built)('every module of $env.name', ({ platform, catalog, env }) => {
  it('has its ServiceAccount, ConfigMap, Deployment, Service, PDB and NetworkPolicy, with stable names', () => {
    for (const module of catalog) {
      const ns = `icv-${module.domain}`;
      for (const kind of ['ServiceAccount', 'Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy']) {
        expect(find(platform, kind, module.name, ns).metadata.labels['app.kubernetes.io/name']).toBe(module.name);
      }
      find(platform, 'ConfigMap', `${module.name}-config`, ns);
      const hpa = objectsOf(platform).find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === module.name);
      expect(hpa !== undefined).toBe(!('replicas' in module.scaling));
      const ingress = objectsOf(platform).find((o) => o.kind === 'Ingress' && o.metadata.name === module.name);
      expect(ingress !== undefined).toBe(module.routes.length > 0);
    }
  });

  // Every module declares 2 or more, so the floor (1 and 2 here) never lifts one: a floor above the declarations is
  // tested in test/defaults/safe-defaults.test.ts (a stretched prod with floor 5).
  it(`runs each module's declared replicas, never fewer than the floor of ${env.sizing.replicaFloor}`, () => {
    for (const module of catalog) {
      const deployment = find(platform, 'Deployment', module.name);
      const hpa: any = objectsOf(platform).find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === module.name);
      const declared = 'replicas' in module.scaling ? module.scaling.replicas : module.scaling.min;
      const replicas = 'replicas' in module.scaling ? deployment.spec.replicas : hpa.spec.minReplicas;
      expect([module.name, replicas]).toEqual([module.name, declared >= env.sizing.replicaFloor ? declared : env.sizing.replicaFloor]);
      if (env.production) expect(replicas).toBeGreaterThanOrEqual(2);
    }
  });

  it('pulls each image from its own Harbor with the release tag of this environment, and its digest once recorded', () => {
    for (const module of catalog) {
      const container = find(platform, 'Deployment', module.name).spec.template.spec.containers[0];
      const release = env.releases[module.name]!;
      expect(container.image).toBe(`${env.registry.host}/icv/${module.image ?? module.name}:${release.tag}${release.digest ? `@${release.digest}` : ''}`);
      expect(container.imagePullPolicy).toBe('IfNotPresent');
    }
  });

  it('gives routed modules Ingress rules on the environment\'s domain with TLS', () => {
    for (const module of catalog.filter((m) => m.routes.length > 0)) {
      const ingress = find(platform, 'Ingress', module.name);
      const paths = ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => `${r.host}${p.path}`));
      expect(paths).toEqual(module.routes.map((r) => `${r.host}.${env.domain}${r.path}`));
      expect(ingress.spec.tls[0].hosts).toEqual(ingress.spec.rules.map((r: any) => r.host));
    }
  });

  it('puts the pull secret and a default-deny policy in every application namespace, joined to the workspace', () => {
    const podNamespaces = new Set(objectsOf(platform).filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind)).map((o) => o.metadata.namespace));
    const namespaces = objectsOf(platform).filter((o) => o.kind === 'Namespace' && podNamespaces.has(o.metadata.name));
    expect(namespaces.length).toBe(podNamespaces.size);
    expect(namespaces.map((n) => n.metadata.name)).toEqual(expect.arrayContaining([...new Set(catalog.map((m) => `icv-${m.domain}`))]));
    for (const ns of namespaces) {
      expect(ns.metadata.labels!['kubesphere.io/workspace']).toBe('icv-platform');
      const pull = find(platform, 'Secret', 'harbor-pull', ns.metadata.name);
      expect(pull.type).toBe('kubernetes.io/dockerconfigjson');
      expect(JSON.parse(pull.stringData['.dockerconfigjson'])).toEqual({
        auths: { [env.registry.host]: { username: 'robot$icv+pull', password: '<redacted:secret:harborPullRobot>' } },
      });
      expect(find(platform, 'NetworkPolicy', 'default-deny', ns.metadata.name).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });

  it('fronts each VM-hosted stateful service with a selector-less Service and an EndpointSlice of its VM addresses', () => {
    for (const [service, { addresses, port }] of Object.entries(env.statefulServices)) {
      const svc = find(platform, 'Service', service, 'icv-stateful');
      expect(svc.spec.selector).toBeUndefined();
      expect(svc.spec.ports[0].port).toBe(port);
      const slice = find(platform, 'EndpointSlice', `${service}-vms`, 'icv-stateful');
      expect(slice.metadata.labels['kubernetes.io/service-name']).toBe(service);
      expect(slice.endpoints.map((e: any) => e.addresses[0])).toEqual(addresses);
    }
  });

  it('keeps stateful credentials out of the manifests: Secrets hold redaction markers only', () => {
    for (const secret of objectsOf(platform).filter((o) => o.kind === 'Secret') as any[]) {
      expect(secret.data).toBeUndefined();
      // A credential's user name is an identifier, not a secret; every other value is a marker.
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
        if (key !== 'username') expect(value).toMatch(/<redacted:secret:[A-Za-z]+>/);
      }
    }
  });
});
