import type { Construct } from 'constructs';
import type { ModuleSpec } from '../schema/module.js';
import type { Environment } from '../schema/environment.js';
import { hasInClusterProfile, STATEFUL_SERVICES, type InClusterService } from '../schema/environment.js';
import { KUBEKEY_CLUSTER_PATH, KubeKeyCluster } from './cluster/kubekey-cluster.js';
import { KUBESPHERE_CONFIGURATION_PATH, KubeSphereInstaller } from './cluster/kubesphere-installer.js';
import { devopsUnit } from './devops/devops-unit.js';
import { k8s } from 'cdk8s-plus-27';
import { INGRESS_CLASS, moduleNamespace, STATEFUL_NAMESPACE } from '../model/names.js';
import { appLabels } from '../model/names.js';
import { AppNamespace } from './workloads/app-namespace.js';
import { ModuleWorkload } from './workloads/module-workload.js';
import { VmStatefulService } from './workloads/vm-stateful-service.js';
import { InClusterFront, InClusterStatefulService } from './workloads/stateful/in-cluster-stateful-service.js';
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
    for (const dep of module.dependsOn.modules) {
      const list = dependents.get(dep);
      if (list === undefined) dependents.set(dep, [module]);
      else list.push(module);
    }
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

/**
 * The stateful services whose StatefulSet exists: those in mode `cluster`, and those that declare a `cluster` section
 * while back (or not yet) on `vm`, so that their volumes and data survive the switch.
 */
export function inClusterServices(env: Environment): InClusterService[] {
  return STATEFUL_SERVICES.filter(hasInClusterProfile).filter((s) => env.statefulServices[s].mode === 'cluster' || env.statefulServices[s].cluster !== undefined);
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

/** Namespaces, their default-deny policies and pull secrets, the VM-hosted stateful services, the IngressClass. */
function sharedInfraUnit(env: Environment, catalog: readonly ModuleSpec[]): Unit {
  const routed = new Set(catalog.filter((m) => m.routes.length > 0).map((m) => moduleNamespace(m.domain)));
  const domainNamespaces = [...new Set(catalog.map((m) => moduleNamespace(m.domain)))].sort();
  return unit('shared-infra', 'SharedInfra', (scope) => {
    for (const name of domainNamespaces) new AppNamespace(scope, name, { name, env, tls: routed.has(name) });
    const inCluster = inClusterServices(env);
    new AppNamespace(scope, STATEFUL_NAMESPACE, { name: STATEFUL_NAMESPACE, env, runsPods: inCluster.length > 0 });
    for (const service of STATEFUL_SERVICES) {
      if (env.statefulServices[service].mode === 'cluster' && hasInClusterProfile(service)) new InClusterFront(scope, `stateful-${service}`, { service, env });
      else new VmStatefulService(scope, `stateful-${service}`, { service, env });
    }
    for (const service of inCluster) {
      const clients = catalog.filter((m) => m.dependsOn.stateful.includes(service));
      new InClusterStatefulService(scope, `stateful-${service}-cluster`, { service, env, clients });
    }
    // Container logs reach the environment's Elasticsearch through KubeSphere's own fluent-bit (ClusterConfiguration
    // `logging`), whose index the console's log search reads; no second shipper runs here.
    // KubeSphere's gateway (ingress-nginx) serves class nginx but does not create the IngressClass object, without
    // which ingress-nginx ignores Ingresses that name their class (every route here, and Harbor's).
    new k8s.KubeIngressClass(scope, 'ingress-class', {
      metadata: { name: INGRESS_CLASS, labels: appLabels(INGRESS_CLASS, 'ingress-class') },
      spec: { controller: 'k8s.io/ingress-nginx' },
    });
  });
}
