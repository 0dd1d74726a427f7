import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * Dispatch domain: remote operation of autonomous test vehicles (remote driving from the cloud cockpit)
 * and the dispatch of fleet tasks such as robotaxi trips, shuttle runs and test-route assignments.
 */
export const dispatchModules: ModuleDeclaration[] = [
  {
    name: 'remote-driving-session',
    domain: 'dispatch',
    tier: 'backend',
    description: 'Remote driving sessions: takeover requests, operator-to-vehicle binding, control command relay with latency watchdog and minimum-risk stop on link loss.',
    source: { repository: 'icv/dispatch/remote-driving-session', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '800m', memory: '512Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['vehicle-access', 'vehicle-state', 'permission-service', 'audit-log'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        CONTROL_LATENCY_BUDGET_MS: '200',
        LINK_LOSS_MRM_AFTER_MS: '500',
        MYSQL_DATABASE: 'icv_remote_driving',
      },
    },
  },
  {
    name: 'dispatch-scheduler',
    domain: 'dispatch',
    tier: 'backend',
    description: 'Assigns fleet tasks to available vehicles by position, state of charge and licence, plans their routes and sends the dispatch orders to the vehicles.',
    source: { repository: 'icv/dispatch/dispatch-scheduler', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '600m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'fleet-tasking', 'vehicle-state', 'vehicle-access', 'route-planning', 'notification-service'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_dispatch',
        DISPATCH_ROUND_INTERVAL_SECONDS: '5',
        DISPATCH_MIN_SOC_PERCENT: '20',
      },
    },
  },
  {
    name: 'fleet-tasking',
    domain: 'dispatch',
    tier: 'backend',
    description: 'Fleet task definitions: robotaxi and shuttle orders, test-route missions and their stops, with task status and history.',
    source: { repository: 'icv/dispatch/fleet-tasking', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'vehicle-registry', 'permission-service'], stateful: ['mysql'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_fleet',
      },
    },
  },
  {
    name: 'route-planning',
    domain: 'dispatch',
    tier: 'backend',
    description: 'Lane-level route planning on the HD map road network, weighted by live traffic flow and closures, for dispatch orders and test missions.',
    source: { repository: 'icv/dispatch/route-planning', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '800m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['hdmap-service', 'traffic-flow-analysis'], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        ROUTING_ALGORITHM: 'contraction-hierarchies',
        TRAFFIC_WEIGHT_REFRESH_SECONDS: '60',
      },
    },
  },
];
