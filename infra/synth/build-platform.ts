import type { Construct } from 'constructs';
import type { ModuleSpec } from '../schema/module.js';
import type { Environment } from '../schema/environment.js';
import { STATEFUL_SERVICES } from '../schema/environment.js';
import { KUBEKEY_CLUSTER_PATH, KubeKeyCluster } from './cluster/kubekey-cluster.js';
import { KUBESPHERE_CONFIGURATION_PATH, KubeSphereInstaller } from './cluster/kubesphere-installer.js';
import { devopsUnit } from './devops/devops-unit.js';
import { k8s } from 'cdk8s-plus-27';
import { INGRESS_CLASS, LOGGING_NAMESPACE, moduleNamespace, STATEFUL_NAMESPACE } from '../model/names.js';
import { appLabels } from '../model/names.js';
import { AppNamespace, PodSecurityLevel } from './workloads/app-namespace.js';
import { LogShipper } from './workloads/log-shipper.js';
import { ModuleWorkload } from './workloads/module-workload.js';
import { VmStatefulService } from './workloads/vm-stateful-service.js';
import { registryUnit } from './registry/registry-unit.js';
import { synthObjects } from './chart.js';
import type { Artifact, HelmReleaseSpec, Platform, Unit, UnitKind } from '../model/types.js';

/**
 * The pure core: a deterministic function of (environment, catalog). No clock, no randomness, no I/O.
 * Both inputs are already validated (the loaders did it).
 */
export function buildPlatform(env: Environment, catalog: readonly ModuleSpec[]): Platform {
  const units: Unit[] = [clusterUnit(env), sharedInfraUnit(env, catalog), registryUnit(env), devopsUnit(env, catalog)];
  const byName = new Map(catalog.map((m) => [m.name, m]));
  const dependents = new Map<string, ModuleSpec[]>();
  for (const module of catalog) {
    for (const dep of module.dependsOn.modules) dependents.set(dep, [...(dependents.get(dep) ?? []), module]);
  }
  for (const module of catalog) {
    units.push({
      id: `module/${module.name}`,
      kind: 'Module',
      objects: synthObjects((scope) => {
        new ModuleWorkload(scope, module.name, {
          module,
          env,
          dependencies: module.dependsOn.modules.map((d) => byName.get(d)!),
          dependents: dependents.get(module.name) ?? [],
        });
      }),
      artifacts: [],
      helmReleases: [],
    });
  }
  return { env: env.name, units };
}

function unit(id: string, kind: UnitKind, build: (scope: Construct) => void, artifacts: Artifact[] = [], helmReleases: HelmReleaseSpec[] = []): Unit {
  return { id, kind, objects: synthObjects(build), artifacts, helmReleases };
}

/**
 * The cluster: KubeKey's config, and the node labels as Node objects that Pulumi applies as patches (KubeKey sets
 * labels only at install time; later label changes in `environments/` reach the nodes through Pulumi).
 */
function clusterUnit(env: Environment): Unit {
  const kubekey = new KubeKeyCluster({ env });
  const kubesphere = new KubeSphereInstaller({ env });
  return {
    id: 'cluster',
    kind: 'Cluster',
    objects: env.cluster.hosts.map((host) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: host.name, labels: { ...host.labels } } })),
    artifacts: [
      { path: KUBEKEY_CLUSTER_PATH, content: kubekey.toYaml() },
      { path: KUBESPHERE_CONFIGURATION_PATH, content: kubesphere.toYaml() },
    ],
    helmReleases: [],
  };
}

/** Namespaces, their default-deny policies and pull secrets, the VM-hosted stateful services, the log shipper. */
function sharedInfraUnit(env: Environment, catalog: readonly ModuleSpec[]): Unit {
  const routed = new Set(catalog.filter((m) => m.routes.length > 0).map((m) => moduleNamespace(m.domain)));
  const domainNamespaces = [...new Set(catalog.map((m) => moduleNamespace(m.domain)))].sort();
  return unit('shared-infra', 'SharedInfra', (scope) => {
    for (const name of domainNamespaces) new AppNamespace(scope, name, { name, env, tls: routed.has(name) });
    new AppNamespace(scope, STATEFUL_NAMESPACE, { name: STATEFUL_NAMESPACE, env, runsPods: false });
    for (const service of STATEFUL_SERVICES) new VmStatefulService(scope, `stateful-${service}`, { service, env });
    new AppNamespace(scope, LOGGING_NAMESPACE, {
      name: LOGGING_NAMESPACE,
      env,
      podSecurity: PodSecurityLevel.PRIVILEGED,
      podSecurityReason: 'the log shipper mounts the node\'s /var/log (hostPath), which only the privileged level admits',
    });
    new LogShipper(scope, 'log-shipper', { env });
    // KubeSphere's gateway (ingress-nginx) serves class nginx but does not create the IngressClass object, without
    // which ingress-nginx ignores Ingresses that name their class (every route here, and Harbor's).
    new k8s.KubeIngressClass(scope, 'ingress-class', {
      metadata: { name: INGRESS_CLASS, labels: appLabels(INGRESS_CLASS, 'ingress-class') },
      spec: { controller: 'k8s.io/ingress-nginx' },
    });
  });
}
