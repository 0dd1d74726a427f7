import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * Identity domain: who may do what. Single sign-on for operators and partners (OAuth2 / OIDC), the tenants
 * (OEMs, test-zone operators, research partners), role-based permissions with data scopes, and the audit trail.
 */
export const identityModules: ModuleDeclaration[] = [
  {
    name: 'identity-auth',
    domain: 'identity',
    tier: 'backend',
    description: 'OAuth2 / OpenID Connect provider: single sign-on for all consoles, client credentials for partner systems, token issuance and introspection.',
    source: { repository: 'icv/identity/identity-auth', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '800m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['config-center', 'tenant-manager', 'permission-service', 'audit-log'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_identity',
        ACCESS_TOKEN_TTL_SECONDS: '1800',
        REFRESH_TOKEN_TTL_SECONDS: '604800',
        LOGIN_MAX_FAILED_ATTEMPTS: '5',
      },
    },
  },
  {
    name: 'tenant-manager',
    domain: 'identity',
    tier: 'backend',
    description: 'Tenants of the platform (OEMs, test-zone operators, research partners) with their organisations, users, quotas and licensed test zones.',
    source: { repository: 'icv/identity/tenant-manager', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'audit-log'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_tenant',
      },
    },
  },
  {
    name: 'permission-service',
    domain: 'identity',
    tier: 'backend',
    description: 'Role-based access control with data scopes: roles, menus and API permissions, and which vehicles, RSUs and zones a user may see.',
    source: { repository: 'icv/identity/permission-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '600m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['config-center', 'tenant-manager'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_permission',
        PERMISSION_CACHE_TTL_SECONDS: '120',
      },
    },
  },
  {
    name: 'audit-log',
    domain: 'identity',
    tier: 'backend',
    description: 'Audit trail of logins, remote-driving takeovers, OTA releases, configuration changes and data exports, shipped through Logstash to Elasticsearch and searchable there.',
    source: { repository: 'icv/identity/audit-log', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: [], stateful: ['logstash', 'elasticsearch'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        AUDIT_INDEX_PATTERN: 'icv-audit-*',
        AUDIT_RETENTION_DAYS: '180',
      },
    },
  },
];
