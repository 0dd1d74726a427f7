import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * Perception domain: cooperative perception in the cloud. Roadside camera and lidar detections are fused into
 * one list of traffic participants, from which events, traffic flow and collision risks are derived.
 */
export const perceptionModules: ModuleDeclaration[] = [
  {
    name: 'perception-fusion',
    domain: 'perception',
    tier: 'backend',
    description: 'Fuses camera and lidar detections from all roadside sensors into tracked traffic participants in map coordinates, per intersection and road segment.',
    source: { repository: 'icv/perception/perception-fusion', stack: 'python' },
    port: { number: 9090, protocol: 'grpc' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '750m', memory: '1024Mi' }, limits: { cpu: '2500m', memory: '2048Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['rsu-manager', 'hdmap-service'], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'INFO',
        FUSION_FRAME_RATE_HZ: '10',
        TRACKER: 'kalman-hungarian',
        MAX_TRACK_AGE_FRAMES: '15',
        OMP_NUM_THREADS: '2',
      },
    },
  },
  {
    name: 'event-detection',
    domain: 'perception',
    tier: 'backend',
    description: 'Detects traffic events from fused participants: stopped vehicle, wrong-way driving, pedestrian intrusion, congestion, dropped objects; publishes them as RSI.',
    source: { repository: 'icv/perception/event-detection', stack: 'python' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '400m', memory: '512Mi' }, limits: { cpu: '1200m', memory: '1024Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['perception-fusion', 'v2x-rsi-service', 'roadside-camera-ingest', 'data-ingest'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        LOG_LEVEL: 'INFO',
        EVENT_RULES_FILE: '/etc/event-detection/rules.yaml',
        EVENT_DEDUP_WINDOW_SECONDS: '60',
      },
      files: {
        'rules.yaml': `# A detection must persist this long before it becomes an event.
stopped-vehicle:
  minDwellSeconds: 30
  maxSpeedKmh: 3
wrong-way:
  minDistanceM: 20
pedestrian-intrusion:
  roadClasses: [expressway, urban-expressway]
  minDwellSeconds: 2
congestion:
  maxMeanSpeedKmh: 20
  minQueueLengthM: 150
dropped-object:
  minDwellSeconds: 10
`,
      },
    },
  },
  {
    name: 'traffic-flow-analysis',
    domain: 'perception',
    tier: 'backend',
    description: 'Lane-level traffic flow, mean speed, occupancy and queue length per approach, aggregated every minute into ClickHouse for signal tuning and the big screen.',
    source: { repository: 'icv/perception/traffic-flow-analysis', stack: 'python' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '300m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['perception-fusion', 'hdmap-service'], stateful: ['clickhouse', 'redis'] },
    config: {
      env: {
        LOG_LEVEL: 'INFO',
        AGGREGATION_WINDOW_SECONDS: '60',
        CLICKHOUSE_TABLE: 'traffic_flow_1m',
      },
    },
  },
  {
    name: 'risk-warning',
    domain: 'perception',
    tier: 'backend',
    description: 'Collision risk warning: predicts conflicts between connected vehicles and perceived participants (time to collision) and issues warnings through V2X RSI.',
    source: { repository: 'icv/perception/risk-warning', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '800m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['config-center', 'perception-fusion', 'vehicle-state', 'v2x-rsi-service'], stateful: ['redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        TTC_WARNING_SECONDS: '3.0',
        PREDICTION_HORIZON_SECONDS: '5',
      },
    },
  },
];
