import type { ModuleDeclaration } from '../infra/schema/module.js';

/** Map domain: the HD map of the test zones, its tiles, RTK positioning corrections and map matching. */
export const mapModules: ModuleDeclaration[] = [
  {
    name: 'hdmap-service',
    domain: 'map',
    tier: 'backend',
    description: 'HD map versions of the test zones: road network, lanes, intersections and signal groups, imported from the map vendor and served to V2X, perception and planning.',
    source: { repository: 'icv/map/hdmap-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '800m', memory: '1024Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'audit-log'], stateful: ['mysql', 'hdfs'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_hdmap',
        HDMAP_FORMAT: 'opendrive-1.6',
        HDMAP_HDFS_DIR: '/icv/map/hdmap',
        VENDOR_SYNC_CRON: '0 0 3 * * *',
      },
    },
    exceptions: [
      { rule: 'network-egress-internet', reason: 'downloads incremental HD map releases from the map vendor\'s update service, which is only reachable over the internet' },
    ],
  },
  {
    name: 'hdmap-tile-server',
    domain: 'map',
    tier: 'backend',
    description: 'Serves vector map tiles of the HD map for the consoles and the big screen, rendered from the current map version and cached in Redis.',
    source: { repository: 'icv/map/hdmap-tile-server', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '150m', memory: '256Mi' }, limits: { cpu: '600m', memory: '512Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['hdmap-service'], stateful: ['hdfs', 'redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        TILE_FORMAT: 'mvt',
        TILE_MAX_ZOOM: '20',
        TILE_CACHE_TTL_SECONDS: '86400',
      },
    },
  },
  {
    name: 'positioning-rtk-service',
    domain: 'map',
    tier: 'backend',
    description: 'NTRIP caster for RTK differential corrections from the zone\'s reference stations, giving test vehicles and RSUs centimetre-level positioning.',
    source: { repository: 'icv/map/positioning-rtk-service', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    // RTK correction clients in vehicles, over the private APN
    external: { nodePort: 30904, sourceRanges: ['100.64.0.0/10'] },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '400m', memory: '256Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: [], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        NTRIP_VERSION: '2.0',
        RTCM_VERSION: '3.3',
        MOUNTPOINTS: 'ICV_ZONE_A,ICV_ZONE_B',
      },
    },
  },
  {
    name: 'map-matching',
    domain: 'map',
    tier: 'backend',
    description: 'Snaps GNSS positions and trajectories to roads and lanes of the HD map (hidden Markov model matching) for tracks, flow analysis and geofences.',
    source: { repository: 'icv/map/map-matching', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '800m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['hdmap-service'], stateful: [] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        MATCH_SEARCH_RADIUS_M: '15',
        MATCH_LANE_LEVEL: 'true',
      },
    },
  },
  {
    name: 'geofence-service',
    domain: 'map',
    tier: 'backend',
    description: 'Geofences of licensed test roads and restricted areas; raises an alert when an autonomous vehicle leaves its permitted area.',
    source: { repository: 'icv/map/geofence-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'vehicle-state', 'notification-service'], stateful: ['mysql', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_geofence',
        GEOFENCE_CHECK_INTERVAL_MS: '1000',
      },
    },
  },
];
