import type { SecretKey } from './secrets.js';

/**
 * Names every construct agrees on. Kept in one place so a Service and its clients, a NetworkPolicy and its
 * peers, and a pod and its pull secret cannot drift apart.
 */

/**
 * The parts of an environment and a module that names are made from. Structural, so that this room imports nothing
 * of the schemas: an `Environment` and a `ModuleSpec` are both accepted as they are.
 */
export interface NamedEnvironment {
  readonly name: string;
  readonly domain: string;
  readonly registry: { readonly host: string; readonly project: string };
  readonly releases: Readonly<Record<string, string>>;
}
export interface NamedModule {
  readonly name: string;
  readonly domain: string;
  readonly image?: string | undefined;
  readonly port: { readonly protocol: string; readonly number: number };
}

export function moduleNamespace(domain: string): string {
  return `icv-${domain}`;
}

/** Namespace of the selector-less Services that front the VM-hosted stateful services. */
export const STATEFUL_NAMESPACE = 'icv-stateful';
/** Namespace of the log shipper: the one workload allowed to read the node's logs. */
export const LOGGING_NAMESPACE = 'icv-logging';
/** Image pull secret present in every application namespace. */
export const PULL_SECRET = 'harbor-pull';
/** Wildcard TLS certificate for `*.<domain>`, present in every namespace that has public routes. */
export const TLS_SECRET = 'icv-wildcard-tls';
/**
 * KubeSphere 3.4's cluster gateway (ingress-nginx) runs in this namespace; routed modules accept traffic from it.
 */
export const INGRESS_CONTROLLER_NAMESPACE = 'kubesphere-controls-system';
export const INGRESS_CLASS = 'nginx';
/** The address NodeLocal DNSCache listens on on every node (KubeKey's default; kubelet's cluster DNS). */
export const NODE_LOCAL_DNS = '169.254.25.10';
/** Non-root identity every pod runs as (kube-score asks for ≥ 10000). */
export const POD_UID = 10001;

/** Stable in-cluster DNS name of a VM-hosted stateful service. */
export function statefulHost(service: string): string {
  return `${service}.${STATEFUL_NAMESPACE}.svc.cluster.local`;
}

/** Stateful services whose clients authenticate; their credentials are Secrets from secret config. */
export const STATEFUL_CREDENTIALS = {
  mysql: { user: 'icv_app', secret: 'mysqlPassword' },
  redis: { user: 'default', secret: 'redisPassword' },
  clickhouse: { user: 'icv_app', secret: 'clickhousePassword' },
  elasticsearch: { user: 'elastic', secret: 'elasticsearchPassword' },
} as const satisfies Record<string, { user: string; secret: SecretKey }>;

/** Full image reference: always the environment's Harbor, always the module's immutable release tag. */
export function moduleImage(env: NamedEnvironment, module: Pick<NamedModule, 'name' | 'image'>): string {
  const tag = env.releases[module.name];
  if (tag === undefined) throw new Error(`module '${module.name}' has no release tag in environment '${env.name}'`);
  return `${env.registry.host}/${env.registry.project}/${module.image ?? module.name}:${tag}`;
}

/**
 * The official chart (goharbor/harbor-helm). Chart 1.15.1 ships Harbor v2.11.1 (the chart's release notes:
 * "v1.15.1 — Harbor OSS version: v2.11.1"; 1.14.x is Harbor 2.10.x). Upgrading Harbor means changing this pin.
 */
export const HARBOR_CHART = { repository: 'https://helm.goharbor.io', chart: 'harbor', version: '1.15.1' } as const;

/** Public host of a route. */
export function routeHost(env: Pick<NamedEnvironment, 'domain'>, subdomain: string): string {
  return `${subdomain}.${env.domain}`;
}

/** In-cluster address of a module's Service, e.g. `http://identity-auth.icv-identity.svc.cluster.local:8080`. */
export function moduleUrl(module: NamedModule): string {
  return `${module.port.protocol}://${module.name}.${moduleNamespace(module.domain)}.svc.cluster.local:${module.port.number}`;
}

// Labels and annotations every construct shares, so selectors are written once.

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
