import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * Vehicle domain: connected test and demonstration vehicles. On-board units keep long-lived connections to
 * vehicle-access; their telemetry fans out to the latest-state cache, alarms and the data lake.
 */
export const vehicleModules: ModuleDeclaration[] = [
  {
    name: 'vehicle-access',
    domain: 'vehicle',
    tier: 'backend',
    description: 'Access gateway that holds the long-lived TCP connections of on-board units (GB/T 32960 and MQTT framing), authenticates them and relays uplink frames and downlink commands.',
    source: { repository: 'icv/vehicle/vehicle-access', stack: 'go' },
    port: { number: 9000, protocol: 'tcp' },
    // on-board units connect over the carriers' private APN
    external: { nodePort: 30900, sourceRanges: ['100.64.0.0/10'] },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '400m', memory: '384Mi' }, limits: { cpu: '1500m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 65 },
    dependsOn: { modules: ['vehicle-registry', 'vehicle-telemetry'], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        ACCESS_PROTOCOLS: 'gbt32960,mqtt',
        HEARTBEAT_TIMEOUT_SECONDS: '90',
        MAX_CONNECTIONS_PER_POD: '5000',
        CONNECTION_ROUTE_KEY_PREFIX: 'vehicle:conn:',
      },
    },
  },
  {
    name: 'vehicle-telemetry',
    domain: 'vehicle',
    tier: 'backend',
    description: 'Decodes telemetry frames (position, speed, CAN signals, ADS status) from vehicle-access and fans them out to the state cache, alarm rules and data ingest.',
    source: { repository: 'icv/vehicle/vehicle-telemetry', stack: 'go' },
    port: { number: 9090, protocol: 'grpc' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '300m', memory: '384Mi' }, limits: { cpu: '1200m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['vehicle-state', 'vehicle-alarm-service', 'data-ingest'], stateful: [] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        TELEMETRY_BATCH_SIZE: '500',
        TELEMETRY_FLUSH_INTERVAL_MS: '200',
        INGEST_DATASET: 'vehicle_telemetry',
      },
    },
  },
  {
    name: 'vehicle-registry',
    domain: 'vehicle',
    tier: 'backend',
    description: 'Register of vehicles and their on-board units: VIN, plate, OBU serial and certificate fingerprint, owning tenant and test licence.',
    source: { repository: 'icv/vehicle/vehicle-registry', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['config-center', 'permission-service', 'tenant-manager', 'audit-log'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_vehicle',
        JAVA_TOOL_OPTIONS: '-XX:MaxRAMPercentage=75',
      },
    },
  },
  {
    name: 'vehicle-state',
    domain: 'vehicle',
    tier: 'backend',
    description: 'Latest state of every online vehicle (position, heading, speed, driving mode) kept in Redis and served to dispatch, V2X and live views.',
    source: { repository: 'icv/vehicle/vehicle-state', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '800m', memory: '512Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: [], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        STATE_TTL_SECONDS: '300',
        OFFLINE_AFTER_SECONDS: '60',
      },
    },
  },
  {
    name: 'vehicle-track-service',
    domain: 'vehicle',
    tier: 'backend',
    description: 'Historical trajectories and trip playback for vehicles, queried from ClickHouse and snapped to lanes by map-matching.',
    source: { repository: 'icv/vehicle/vehicle-track-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '512Mi' }, limits: { cpu: '600m', memory: '1024Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'map-matching'], stateful: ['clickhouse', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        TRACK_MAX_QUERY_HOURS: '24',
        TRACK_DOWNSAMPLE_MS: '1000',
      },
    },
  },
  {
    name: 'vehicle-alarm-service',
    domain: 'vehicle',
    tier: 'backend',
    description: 'Vehicle fault and alarm handling: evaluates GB/T 32960 alarm levels and takeover events, records them and notifies the safety officer on duty.',
    source: { repository: 'icv/vehicle/vehicle-alarm-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'vehicle-registry', 'notification-service'], stateful: ['mysql'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_vehicle_alarm',
        ALARM_NOTIFY_MIN_LEVEL: '2',
      },
    },
  },
];
