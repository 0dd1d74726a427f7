import { k8s } from 'cdk8s-plus-27';
import { POD_UID } from '../../model/names.js';

/**
 * The restricted-profile security settings every pod gets (Pod Security Standards "restricted" plus
 * kube-score's UID ≥ 10000). A workload that needs less gets it through an explicit, annotated exception.
 */
export function restrictedPodSecurity(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: POD_UID,
    runAsGroup: POD_UID,
    fsGroup: POD_UID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The restricted container security context; `readOnlyRootFilesystem` is false only for a declared exception. */
export function restrictedContainerSecurity(readOnlyRootFilesystem: boolean): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    runAsUser: POD_UID,
    runAsGroup: POD_UID,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Spread replicas across worker hosts; ScheduleAnyway so a worker down never blocks a rollout. */
export function spreadAcrossHosts(selector: Record<string, string>): Pick<k8s.PodSpec, 'topologySpreadConstraints' | 'affinity'> {
  return {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
        ],
      },
    },
  };
}

export function quantity(value: string): k8s.Quantity {
  return k8s.Quantity.fromString(value);
}
