import type { ModuleDeclaration } from '../infra/schema/module.js';

/** OTA domain: over-the-air software and firmware updates for on-board units and roadside units. */
export const otaModules: ModuleDeclaration[] = [
  {
    name: 'ota-campaign',
    domain: 'ota',
    tier: 'backend',
    description: 'OTA update campaigns: target vehicles or RSUs by model and version, staged rollout waves, approval, and per-device upgrade status.',
    source: { repository: 'icv/ota/ota-campaign', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'ota-package-repo', 'vehicle-registry', 'rsu-manager', 'permission-service', 'audit-log', 'notification-service'], stateful: ['mysql'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_ota',
        CAMPAIGN_FIRST_WAVE_PERCENT: '5',
        CAMPAIGN_REQUIRE_APPROVAL: 'true',
      },
    },
  },
  {
    name: 'ota-package-repo',
    domain: 'ota',
    tier: 'backend',
    description: 'Repository of signed firmware and software packages (full and differential) on HDFS, with version metadata, hashes and signature records.',
    source: { repository: 'icv/ota/ota-package-repo', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '600m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'audit-log'], stateful: ['mysql', 'hdfs'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_ota_package',
        PACKAGE_HDFS_DIR: '/icv/ota/packages',
        PACKAGE_MAX_SIZE_MB: '4096',
      },
    },
  },
  {
    name: 'ota-device-agent-api',
    domain: 'ota',
    tier: 'backend',
    description: 'API the OTA agents on vehicles and RSUs poll: pending updates, resumable package download and upgrade progress reports.',
    source: { repository: 'icv/ota/ota-device-agent-api', stack: 'go' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '150m', memory: '128Mi' }, limits: { cpu: '600m', memory: '256Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['ota-campaign', 'ota-package-repo'], stateful: ['redis'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        AGENT_POLL_INTERVAL_SECONDS: '300',
        DOWNLOAD_CHUNK_SIZE_KB: '1024',
      },
    },
  },
];
