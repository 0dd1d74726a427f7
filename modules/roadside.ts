import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * Roadside domain: roadside units (RSU), edge computing units (MEC), cameras, lidars and signal controllers
 * along the test roads, and the ingest of what they sense.
 */
export const roadsideModules: ModuleDeclaration[] = [
  {
    name: 'rsu-access',
    domain: 'roadside',
    tier: 'backend',
    description: 'Connection endpoint for roadside units: heartbeats, status reports and V2X message uplink, plus downlink of configuration and broadcast messages.',
    source: { repository: 'icv/roadside/rsu-access', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    // roadside units connect from the roadside private network
    external: { nodePort: 30901, sourceRanges: ['172.20.0.0/16'] },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '800m', memory: '512Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['rsu-manager', 'v2x-message-broker', 'data-ingest'], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        RSU_HEARTBEAT_TIMEOUT_SECONDS: '30',
        INGEST_DATASET: 'rsu_status',
      },
    },
  },
  {
    name: 'rsu-manager',
    domain: 'roadside',
    tier: 'backend',
    description: 'Inventory and configuration of roadside units, MEC nodes and their sensors: location, intersection, firmware version, calibration parameters.',
    source: { repository: 'icv/roadside/rsu-manager', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'permission-service', 'audit-log', 'rsu-access'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_roadside',
        JAVA_TOOL_OPTIONS: '-XX:MaxRAMPercentage=75',
      },
    },
  },
  {
    name: 'sensor-fusion-edge-sync',
    domain: 'roadside',
    tier: 'backend',
    description: 'Synchronises MEC edge nodes with the cloud: receives edge fusion results and pushes calibration and model parameters back to the edge.',
    source: { repository: 'icv/roadside/sensor-fusion-edge-sync', stack: 'go' },
    port: { number: 9090, protocol: 'grpc' },
    // edge compute nodes sync from the edge network
    external: { nodePort: 30903, sourceRanges: ['172.21.0.0/16'] },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '150m', memory: '128Mi' }, limits: { cpu: '600m', memory: '256Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['rsu-manager', 'perception-fusion'], stateful: [] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        EDGE_SYNC_INTERVAL_SECONDS: '10',
        CLOCK_SKEW_TOLERANCE_MS: '50',
      },
    },
  },
  {
    name: 'roadside-camera-ingest',
    domain: 'roadside',
    tier: 'backend',
    description: 'Ingests roadside camera streams registered over GB/T 28181: structured detections go to perception-fusion, event snapshots and clips to HDFS.',
    source: { repository: 'icv/roadside/roadside-camera-ingest', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '400m', memory: '512Mi' }, limits: { cpu: '1500m', memory: '1024Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['rsu-manager', 'perception-fusion', 'data-ingest'], stateful: ['hdfs'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        SNAPSHOT_HDFS_DIR: '/icv/roadside/camera/snapshots',
        CLIP_PRE_EVENT_SECONDS: '10',
        CLIP_POST_EVENT_SECONDS: '10',
      },
    },
  },
  {
    name: 'lidar-ingest',
    domain: 'roadside',
    tier: 'backend',
    description: 'Receives object lists from roadside lidars and sampled point-cloud frames: objects go to perception-fusion, sampled frames to HDFS.',
    source: { repository: 'icv/roadside/lidar-ingest', stack: 'go' },
    port: { number: 9090, protocol: 'grpc' },
    // roadside lidars stream point clouds from the roadside private network
    external: { nodePort: 30902, sourceRanges: ['172.20.0.0/16'] },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '400m', memory: '512Mi' }, limits: { cpu: '1500m', memory: '1024Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['perception-fusion', 'data-ingest'], stateful: ['hdfs'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        POINTCLOUD_SAMPLE_EVERY_N_FRAMES: '50',
        POINTCLOUD_HDFS_DIR: '/icv/roadside/lidar/frames',
      },
    },
  },
  {
    name: 'traffic-signal-adapter',
    domain: 'roadside',
    tier: 'backend',
    description: 'Adapters to traffic signal controllers (GB/T 20999): reads phase and countdown states for SPAT and keeps timing plans per intersection.',
    source: { repository: 'icv/roadside/traffic-signal-adapter', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '600m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'v2x-spat-map-service', 'data-ingest'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_signal',
        SIGNAL_POLL_INTERVAL_MS: '100',
        SIGNAL_PROTOCOL: 'gbt20999',
      },
    },
  },
];
