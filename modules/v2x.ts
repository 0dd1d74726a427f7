import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * V2X domain: the cloud side of C-V2X messaging. Messages follow the Chinese application-layer standard
 * (T/CSAE 53, YD/T 3709): BSM from vehicles, SPAT and MAP for intersections, RSI and RSM from the roadside.
 */
export const v2xModules: ModuleDeclaration[] = [
  {
    name: 'v2x-message-broker',
    domain: 'v2x',
    tier: 'backend',
    description: 'Routes V2X messages between RSUs, vehicles and cloud services by message type and geographic cell, on Redis streams instead of a Kafka cluster.',
    source: { repository: 'icv/v2x/v2x-message-broker', stack: 'go' },
    port: { number: 9090, protocol: 'grpc' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '300m', memory: '384Mi' }, limits: { cpu: '1200m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 65 },
    dependsOn: { modules: [], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        STREAM_PREFIX: 'v2x:',
        STREAM_MAX_LEN: '100000',
        GEO_CELL_LEVEL: '14',
      },
    },
  },
  {
    name: 'v2x-codec-service',
    domain: 'v2x',
    tier: 'backend',
    description: 'ASN.1 UPER encoding and decoding of V2X messages (T/CSAE 53-2020 and the day-two extensions) for the other V2X services.',
    source: { repository: 'icv/v2x/v2x-codec-service', stack: 'go' },
    port: { number: 9090, protocol: 'grpc' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '800m', memory: '256Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: [], stateful: [] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        ASN1_SCHEMA_VERSION: 'csae53-2020',
      },
    },
  },
  {
    name: 'v2x-bsm-service',
    domain: 'v2x',
    tier: 'backend',
    description: 'Processes Basic Safety Messages relayed by RSUs: updates vehicle state for V2X-only vehicles and archives BSM for analysis.',
    source: { repository: 'icv/v2x/v2x-bsm-service', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '800m', memory: '512Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['v2x-message-broker', 'v2x-codec-service', 'vehicle-state', 'data-ingest'], stateful: [] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        BSM_STREAM: 'v2x:bsm',
        INGEST_DATASET: 'v2x_bsm',
      },
    },
  },
  {
    name: 'v2x-spat-map-service',
    domain: 'v2x',
    tier: 'backend',
    description: 'Builds SPAT messages from signal phase states and MAP messages from HD map intersection geometry, and publishes them per intersection.',
    source: { repository: 'icv/v2x/v2x-spat-map-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '600m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'v2x-message-broker', 'v2x-codec-service', 'hdmap-service'], stateful: ['redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        SPAT_PUBLISH_INTERVAL_MS: '100',
        MAP_PUBLISH_INTERVAL_MS: '1000',
      },
    },
  },
  {
    name: 'v2x-rsi-service',
    domain: 'v2x',
    tier: 'backend',
    description: 'Road Side Information: turns detected traffic events, road works and traffic signs into RSI messages with their reference paths and validity.',
    source: { repository: 'icv/v2x/v2x-rsi-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'v2x-message-broker', 'v2x-codec-service', 'hdmap-service'], stateful: ['mysql'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_v2x',
        RSI_DEFAULT_VALIDITY_SECONDS: '600',
      },
    },
  },
  {
    name: 'v2x-rsm-service',
    domain: 'v2x',
    tier: 'backend',
    description: 'Road Safety Messages: publishes the traffic participants seen by roadside perception (vehicles, pedestrians, cyclists) to nearby RSUs.',
    source: { repository: 'icv/v2x/v2x-rsm-service', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '800m', memory: '512Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['perception-fusion', 'v2x-message-broker', 'v2x-codec-service'], stateful: [] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        RSM_PUBLISH_INTERVAL_MS: '100',
        RSM_MAX_PARTICIPANTS: '64',
      },
    },
  },
];
