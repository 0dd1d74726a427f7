import type { ModuleDeclaration } from '../infra/schema/module.js';

/**
 * Data domain: ingest and analytics on the VM-hosted ClickHouse, HDFS and Flink clusters. There is no message
 * queue: producers call data-ingest, which batches into ClickHouse tables and HDFS files.
 */
export const dataModules: ModuleDeclaration[] = [
  {
    name: 'data-ingest',
    domain: 'data',
    tier: 'backend',
    description: 'Single write path into the data lake: batches telemetry, V2X and roadside records into ClickHouse tables and raw files into HDFS, without a Kafka cluster.',
    source: { repository: 'icv/data/data-ingest', stack: 'go' },
    port: { number: 9090, protocol: 'grpc' },
    health: { readiness: '/healthz/ready', liveness: '/healthz/live' },
    resources: { requests: { cpu: '400m', memory: '768Mi' }, limits: { cpu: '1500m', memory: '1536Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: [], stateful: ['clickhouse', 'hdfs'] },
    config: {
      env: {
        LOG_LEVEL: 'info',
        SINKS_FILE: '/etc/data-ingest/sinks.yaml',
      },
      files: {
        'sinks.yaml': `# Where each dataset lands; batches flush at whichever limit comes first.
vehicle_telemetry:
  clickhouse: { table: ods_vehicle_telemetry, batchRows: 20000, flushSeconds: 2 }
  hdfs: { dir: /icv/ods/vehicle_telemetry, format: parquet, rollMinutes: 10 }
v2x_bsm:
  clickhouse: { table: ods_v2x_bsm, batchRows: 20000, flushSeconds: 2 }
rsu_status:
  clickhouse: { table: ods_rsu_status, batchRows: 5000, flushSeconds: 5 }
signal_phase:
  clickhouse: { table: ods_signal_phase, batchRows: 10000, flushSeconds: 2 }
roadside_objects:
  clickhouse: { table: ods_roadside_objects, batchRows: 50000, flushSeconds: 1 }
  hdfs: { dir: /icv/ods/roadside_objects, format: parquet, rollMinutes: 10 }
traffic_events:
  clickhouse: { table: ods_traffic_events, batchRows: 1000, flushSeconds: 5 }
`,
      },
    },
  },
  {
    name: 'flink-job-manager-api',
    domain: 'data',
    tier: 'backend',
    description: 'Submits, savepoints and monitors the streaming and batch jobs on the VM-hosted Flink cluster through its REST API; job jars are kept on HDFS.',
    source: { repository: 'icv/data/flink-job-manager-api', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'audit-log'], stateful: ['flink', 'hdfs', 'mysql'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_flink_jobs',
        FLINK_JAR_HDFS_DIR: '/icv/flink/jars',
        FLINK_SAVEPOINT_HDFS_DIR: '/icv/flink/savepoints',
      },
    },
  },
  {
    name: 'clickhouse-query-api',
    domain: 'data',
    tier: 'backend',
    description: 'Parameterised, tenant-scoped analytical queries over ClickHouse (trips, mileage, takeovers, message statistics) with result caching.',
    source: { repository: 'icv/data/clickhouse-query-api', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '800m', memory: '768Mi' } },
    scaling: { min: 2, max: 3, targetCpu: 70 },
    dependsOn: { modules: ['config-center', 'permission-service'], stateful: ['clickhouse', 'redis'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        QUERY_TIMEOUT_SECONDS: '30',
        QUERY_MAX_ROWS: '100000',
        RESULT_CACHE_TTL_SECONDS: '300',
      },
    },
  },
  {
    name: 'report-service',
    domain: 'data',
    tier: 'backend',
    description: 'Generates road-test reports (mileage, disengagements, scenario coverage) and operations reports as PDF and Excel, on schedule or on demand.',
    source: { repository: 'icv/data/report-service', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '512Mi' }, limits: { cpu: '800m', memory: '1024Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'clickhouse-query-api', 'scenario-library', 'vehicle-registry'], stateful: ['mysql', 'hdfs'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_report',
        REPORT_HDFS_DIR: '/icv/reports',
        REPORT_FONT: 'NotoSansCJKsc',
      },
    },
  },
  {
    name: 'data-export',
    domain: 'data',
    tier: 'backend',
    description: 'Dataset export for research partners: approved requests extract trajectories, perception and V2X records to CSV or Parquet on HDFS, desensitised.',
    source: { repository: 'icv/data/data-export', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '800m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'clickhouse-query-api', 'permission-service', 'audit-log'], stateful: ['mysql', 'hdfs'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_data_export',
        EXPORT_HDFS_DIR: '/icv/exports',
        EXPORT_DESENSITISE_PLATES: 'true',
      },
    },
  },
  {
    name: 'scenario-library',
    domain: 'data',
    tier: 'backend',
    description: 'Test scenario library: scenarios extracted from road data and authored in OpenSCENARIO, tagged and searchable, with their source recordings on HDFS.',
    source: { repository: 'icv/data/scenario-library', stack: 'java' },
    port: { number: 8080, protocol: 'http' },
    health: { readiness: '/actuator/health/readiness', liveness: '/actuator/health/liveness' },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '500m', memory: '768Mi' } },
    scaling: { replicas: 2 },
    dependsOn: { modules: ['config-center', 'permission-service'], stateful: ['mysql', 'hdfs', 'elasticsearch'] },
    config: {
      env: {
        SPRING_PROFILES_ACTIVE: 'k8s',
        SERVER_PORT: '8080',
        LOG_LEVEL: 'INFO',
        MYSQL_DATABASE: 'icv_scenario',
        SCENARIO_INDEX: 'icv-scenarios',
        SCENARIO_FORMAT: 'openscenario-1.1',
      },
    },
  },
];
