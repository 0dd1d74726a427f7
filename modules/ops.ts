import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * Ops domain: running the platform itself. Business metrics and alerting, log search over the ELK stack,
 * centralised configuration for the Spring Boot services, and outbound notifications.
 */
export const opsModules: ModuleDeclaration[] = [
  {
    name: 'config-center',
    domain: 'ops',
    tier: 'backend',
    description: 'Configuration centre for the Spring Boot services: namespaced, versioned properties with gray release and change push to subscribed instances.',
    source: { repository: 'icv/ops/config-center', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '600m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['audit-log'], stateful: ['mysql'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_config',
        CONFIG_LONG_POLL_TIMEOUT_SECONDS: '30',
      },
      files: {
        'application.yaml': `server:
  shutdown: graceful
spring:
  lifecycle:
    timeout-per-shutdown-phase: 20s
management:
  endpoint:
    health:
      probes:
        enabled: true
  endpoints:
    web:
      exposure:
        include: health,info,prometheus
config-center:
  namespaces: [application, vehicle, roadside, v2x, map, perception, dispatch, ota, data, identity, gateway, ops]
  history-retention-days: 90
`,
      },
    },
  },
  {
    name: 'ops-alerting',
    domain: 'ops',
    tier: 'backend',
    description: 'Alert rules on platform KPIs (online vehicle and RSU rates, message latency, ingest lag) with silencing, escalation and on-call notification.',
    source: { repository: 'icv/ops/ops-alerting', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'ops-metrics-api', 'notification-service'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_alerting',
        RULE_EVALUATION_INTERVAL_SECONDS: '30',
      },
    },
  },
  {
    name: 'ops-metrics-api',
    domain: 'ops',
    tier: 'backend',
    description: 'Platform KPIs for the ops console and the big screen: online vehicles and RSUs, message rates, end-to-end latency, ingest lag, from ClickHouse and Redis.',
    source: { repository: 'icv/ops/ops-metrics-api', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '400m', memory: '256Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: [], stateful: ['clickhouse', 'redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        KPI_REFRESH_SECONDS: '10',
      },
    },
  },
  {
    name: 'ops-log-query',
    domain: 'ops',
    tier: 'backend',
    description: 'Log search for developers and operators over the Elasticsearch indices that Logstash fills, scoped by namespace and module, with trace-id lookup.',
    source: { repository: 'icv/ops/ops-log-query', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'permission-service'], stateful: ['elasticsearch'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        LOG_INDEX_PATTERN: 'icv-logs-*',
        LOG_QUERY_MAX_HOURS: '72',
      },
    },
  },
  {
    name: 'notification-service',
    domain: 'ops',
    tier: 'backend',
    description: 'Outbound notifications for alarms, alerts and approvals: SMS, e-mail and WeCom / DingTalk group robots, with templates and delivery records.',
    source: { repository: 'icv/ops/notification-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_notification',
        NOTIFY_CHANNELS: 'sms,email,wecom,dingtalk',
        NOTIFY_RATE_LIMIT_PER_MINUTE: '60',
      },
    },
    exceptions: [
      { rule: 'network-egress-internet', reason: 'delivers SMS, e-mail and WeCom / DingTalk robot messages through the providers\' public APIs' },
    ],
  },
];
