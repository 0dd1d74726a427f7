import { k8s } from 'cdk8s-plus-27';
import type { Environment } from '../../schema/environment.js';
import { synthObjects } from '../chart.js';
import { appLabels, WORKSPACE } from '../../model/names.js';
import { secretMarker } from '../../model/secrets.js';
import type { Unit } from '../../model/types.js';
import { TLS_SECRET } from '../../model/names.js';
import { PodSecurityLevel } from '../workloads/app-namespace.js';
import { HARBOR_NAMESPACE, HarborRelease } from './harbor-release.js';

/**
 * Why Harbor's namespace enforces only the baseline Pod Security level: the chart's database runs an init container
 * as root that chowns its data volume, and its pods do not all set seccompProfile, runAsNonRoot and dropped
 * capabilities, so restricted would reject them. Baseline still refuses privileged pods, host namespaces and hostPath.
 */
const HARBOR_POD_SECURITY_REASON =
  'the Harbor chart\'s pods are not restricted-compliant (the database init container runs as root to chown its volume; ' +
  'not every pod sets seccompProfile, runAsNonRoot and drops capabilities)';

/**
 * The registry unit: Harbor's namespace (in the platform's KubeSphere workspace), the wildcard certificate its ingress
 * serves, and the Harbor Helm release. Projects and robot accounts inside Harbor are Pulumi dynamic resources, not
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
            'pod-security.kubernetes.io/enforce': PodSecurityLevel.BASELINE,
            'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
          },
          annotations: { 'icv.io/pod-security-reason': HARBOR_POD_SECURITY_REASON },
        },
      });
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
