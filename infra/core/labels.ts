/** Labels and annotations every construct shares, so selectors are written once. */

export const PART_OF = 'icv-platform';
/** KubeSphere workspace every application namespace joins. */
export const WORKSPACE = 'icv-platform';

export function appLabels(name: string, component: string, version?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'pulumi',
    ...(version === undefined ? {} : { 'app.kubernetes.io/version': version }),
  };
}

/** The labels a workload's Service, PDB, HPA and NetworkPolicies select it by. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF };
}

/** Annotation that declares an exception to a check rule, with its reason. */
export function exceptionAnnotation(ruleId: string): string {
  return `exceptions.icv.io/${ruleId}`;
}

/** Label Kubernetes sets on every namespace; network policies select namespaces by it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
