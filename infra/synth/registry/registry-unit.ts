import { k8s } from 'cdk8s-plus-27';
import type { Environment } from '../../schema/environment.js';
import { synthObjects } from '../chart.js';
import { appLabels, WORKSPACE } from '../../model/names.js';
import { secretMarker } from '../../model/secrets.js';
import type { Unit } from '../../model/types.js';
import { TLS_SECRET } from '../../model/names.js';
import { PodSecurityLevel } from '../workloads/app-namespace.js';
import { HARBOR_NAMESPACE, HarborRelease } from './harbor-release.js';
import { HarborNetworkPolicy } from './harbor-network-policy.js';
import { harborObjectName, harborPodSelector, type HarborComponent } from '../../model/harbor-chart.js';

/** The chart components that keep no state in their pod: each runs the replica floor behind a disruption budget. */
export const HARBOR_STATELESS: readonly HarborComponent[] = ['core', 'portal', 'registry', 'jobservice'];

/**
 * The registry unit: Harbor's namespace (in the platform's KubeSphere workspace, at the restricted Pod Security
 * level), the wildcard certificate its ingress serves, the NetworkPolicies that fence the chart's pods, the
 * disruption budgets of its stateless components, and the Harbor Helm release. Projects and robot accounts inside Harbor are Pulumi dynamic resources, not
 * Kubernetes objects, so they are not part of this unit.
 */
export function registryUnit(env: Environment): Unit {
  const harbor = new HarborRelease({ env });
  const labels = appLabels(HARBOR_NAMESPACE, 'registry');
  return {
    id: 'registry',
    kind: 'Registry',
    objects: synthObjects((scope) => {
      new k8s.KubeNamespace(scope, 'namespace', {
        metadata: {
          name: HARBOR_NAMESPACE,
          labels: {
            ...labels,
            'kubesphere.io/workspace': WORKSPACE,
            // Chart 1.15.1 renders every container with the restricted profile's fields (infra/model/harbor-chart.ts).
            'pod-security.kubernetes.io/enforce': PodSecurityLevel.RESTRICTED,
            'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
          },
        },
      });
      new HarborNetworkPolicy(scope, 'network', {
        namespace: HARBOR_NAMESPACE,
        releaseName: harbor.releaseName,
        components: harbor.components,
        objectStore: env.statefulServices.objectstore,
        labels,
      });
      for (const component of HARBOR_STATELESS) {
        new k8s.KubePodDisruptionBudget(scope, `pdb-${component}`, {
          metadata: { name: harborObjectName(harbor.releaseName, component), namespace: HARBOR_NAMESPACE, labels },
          spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: harborPodSelector(harbor.releaseName, component) } },
        });
      }
      new k8s.KubeSecret(scope, 'tls', {
        metadata: { name: TLS_SECRET, namespace: HARBOR_NAMESPACE, labels },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': secretMarker('tlsCertificate'), 'tls.key': secretMarker('tlsPrivateKey') },
      });
    }),
    artifacts: [],
    helmReleases: [harbor.spec],
  };
}
