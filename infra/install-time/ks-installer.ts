/**
 * What ks-installer does with the ClusterConfiguration kk applies, read from kubesphere/ks-installer tag v3.4.1
 * (commit cdd3d677f2bbdcd8c97186bf569cbc9c1deda82d). Re-read these files when KubeSphere is bumped:
 *
 * - `controller/installRunner.py`, `generate_new_cluster_configuration`: runs first on every event of the CC. It
 *   edits the CC's spec in memory; only when one of its "upgrade" conditions holds does it write the edited CC back
 *   (delete + create, then exit; the create event runs the installer again on the written CC). Otherwise the edits
 *   are dropped: `generateConfig` re-reads the CC from the API server and the playbooks see it unchanged.
 * - `roles/common/tasks/common-install.yaml`: in-cluster OpenSearch is installed when logging (or events,
 *   auditing, servicemesh) is on and `common.opensearch.enabled`; `escurator-install.yaml` and
 *   `opensearch-install.yaml` record `status.es` / `status.opensearch` only for in-cluster stores (no external host).
 * - `roles/ks-logging/tasks/main.yaml` with `templates/custom-output-elasticsearch-logging.yaml.j2` and
 *   `custom-output-opensearch-logging.yaml.j2`: fluent-bit gets an `es` Output to `externalElasticsearchHost:Port`
 *   with `logstashPrefix: ks-<elkPrefix>-log` when `common.es.enabled`, and an OpenSearch Output when
 *   `common.opensearch.enabled`.
 * - `roles/ks-core/config/templates/kubesphere-config.yaml.j2`: the console's log search reads
 *   `logging.indexPrefix`: `ks-<opensearchPrefix>-logging` whenever `common.opensearch.opensearchPrefix` is defined
 *   (even with OpenSearch disabled), else `ks-<elkPrefix>-log`; its host is the external Elasticsearch when
 *   `externalElasticsearchHost` and `…Port` are set.
 */

type Obj = Record<string, unknown>;

function isRecord(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(parent: Obj, key: string): Obj | undefined {
  const value = parent[key];
  return isRecord(value) ? value : undefined;
}

/** Python truthiness of a YAML value, as the installer's `if x:` and Ansible's `when: x` read it. */
function truthy(value: unknown): boolean {
  if (typeof value === 'string') return value !== '' && value.toLowerCase() !== 'false';
  return Boolean(value);
}

/** The `status` of the CC as the installer finds it. */
export interface ClusterConfigurationStatus {
  readonly es?: { readonly status?: string };
  readonly opensearch?: { readonly status?: string };
  readonly redis?: { readonly status?: string };
  readonly openldap?: { readonly status?: string };
  readonly core?: { readonly version?: string };
  readonly clusterId?: string;
}

export interface MigrationResult {
  /** Whether `generate_new_cluster_configuration` writes its edited spec back. */
  readonly writesBack: boolean;
  /** The conditions that set `upgrade_flag`, as the installer's source names them. */
  readonly upgradeReasons: readonly string[];
  /** The spec the playbooks read next (the edited one when written back, else the original). */
  readonly spec: Obj;
}

const enabled = (status: ClusterConfigurationStatus | undefined, key: 'es' | 'opensearch' | 'redis' | 'openldap') => status?.[key]?.status === 'enabled';

/**
 * `generate_new_cluster_configuration` of installRunner.py v3.4.1 over a CC (`metadata.labels.version`, `spec`) and
 * its status: what it edits in memory, whether it writes the result back, and the spec the playbooks then read.
 */
export function generateNewClusterConfiguration(cc: Obj, status: ClusterConfigurationStatus | undefined): MigrationResult {
  const original = isRecord(cc.spec) ? cc.spec : {};
  const spec = structuredClone(original);
  const reasons: string[] = [];
  const common = child(spec, 'common');
  if (common) {
    delete common.mysqlVolumeSize;
    delete common.etcdVolumeSize;
    common.redis = { enabled: enabled(status, 'redis') };
    common.openldap = { enabled: enabled(status, 'openldap') };
    const es = child(common, 'es') ?? {};
    common.es = es;
    // `status.es` is recorded only for an in-cluster Elasticsearch: with an external host this always disables es
    // and enables OpenSearch, in memory.
    if (enabled(status, 'es')) {
      es.enabled = true;
      common.opensearch = { ...(child(common, 'opensearch') ?? {}), enabled: false };
    } else {
      es.enabled = false;
      common.opensearch = { ...(child(common, 'opensearch') ?? {}), enabled: true };
    }
    es.master ??= { volumeSize: '4Gi' };
    es.data ??= { volumeSize: '20Gi' };
    if (es.externalElasticsearchHost === undefined && es.externalElasticsearchUrl !== undefined) es.externalElasticsearchHost = es.externalElasticsearchUrl;
    const opensearch = child(common, 'opensearch')!;
    opensearch.master ??= { volumeSize: '4Gi' };
    opensearch.data ??= { volumeSize: '20Gi' };
    opensearch.opensearchPrefix ??= 'whizard';
    opensearch.logMaxAge ??= '7';
    opensearch.basicAuth ??= { enabled: true, username: 'admin', password: 'admin' };
    if (opensearch.externalOpensearchHost === undefined && opensearch.externalOpensearchUrl !== undefined) opensearch.externalOpensearchHost = opensearch.externalOpensearchUrl;
    if (spec.console !== undefined) {
      common.core = { ...(child(common, 'core') ?? {}), console: spec.console };
      delete spec.console;
    }
  }
  const logging = child(spec, 'logging');
  if (logging && 'logsidecarReplicas' in logging) {
    reasons.push('logging.logsidecarReplicas');
    spec.logging = { enabled: truthy(logging.enabled), logsidecar: { enabled: truthy(logging.enabled), replicas: 2 } };
  }
  const events = child(spec, 'events');
  if (events && !('ruler' in events)) {
    reasons.push('events without ruler');
    events.ruler = { enabled: true, replicas: 2 };
  }
  if ('notification' in spec) {
    reasons.push('notification');
    delete spec.notification;
  }
  const openpitrix = child(spec, 'openpitrix');
  if (openpitrix && !('store' in openpitrix)) {
    reasons.push('openpitrix without store');
    spec.openpitrix = { store: { enabled: truthy(openpitrix.enabled) } };
  }
  if ('networkpolicy' in spec) {
    reasons.push('networkpolicy');
    spec.network = { networkpolicy: { enabled: truthy(child(spec, 'networkpolicy')?.enabled) }, ippool: { type: 'none' }, topology: { type: 'none' } };
    delete spec.networkpolicy;
  }
  if (!('terminal' in spec)) {
    reasons.push('no terminal');
    spec.terminal = { timeout: 600 };
  }
  const servicemesh = child(spec, 'servicemesh');
  if (servicemesh && !('istio' in servicemesh)) {
    reasons.push('servicemesh without istio');
    servicemesh.istio = { components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }], cni: { enabled: false } } };
  }
  if ('kubeedge' in spec) {
    reasons.push('kubeedge');
    const kubeedge = child(spec, 'kubeedge') ?? {};
    if ('enabled' in kubeedge) spec.edgeruntime = { enabled: kubeedge.enabled, kubeedge: { ...kubeedge, 'iptables-manager': { enabled: true, mode: 'external' } } };
    delete spec.kubeedge;
  }
  const devops = child(spec, 'devops');
  if (devops && truthy(devops.enabled)) {
    if (!('jenkinsCpuReq' in devops)) {
      reasons.push('devops without jenkinsCpuReq');
      devops.jenkinsCpuReq = 0.5;
    }
    if (!('jenkinsCpuLim' in devops)) {
      reasons.push('devops without jenkinsCpuLim');
      devops.jenkinsCpuLim = 4;
    }
  }
  if (status?.core !== undefined) {
    const labels = isRecord(cc.metadata) && isRecord(cc.metadata.labels) ? cc.metadata.labels : {};
    if (status.core.version === undefined || status.core.version !== labels.version) reasons.push('status.core.version differs from metadata.labels.version');
  }
  const writesBack = reasons.length > 0;
  return { writesBack, upgradeReasons: reasons, spec: writesBack ? spec : structuredClone(original) };
}

/** What KubeSphere ends up running and where its logs go, as the v3.4.1 playbooks read a spec. */
export interface KubeSphereOutcome {
  readonly devops: boolean;
  readonly logging: boolean;
  readonly metricsServer: boolean;
  /** An in-cluster OpenSearch is installed (roles/common/tasks/common-install.yaml, opensearch-install.yaml). */
  readonly inClusterOpenSearch: boolean;
  /** fluent-bit's Elasticsearch Output (host:port and index prefix), when there is one. */
  readonly elasticsearchOutput?: { readonly host: string; readonly port: string; readonly indexPrefix: string };
  /** fluent-bit also ships to OpenSearch. */
  readonly openSearchOutput: boolean;
  /** The index prefix the console's log search queries (kubesphere-config `logging.indexPrefix`). */
  readonly consoleIndexPrefix?: string;
}

/** The playbooks' reading of a spec (roles/common, roles/ks-logging, roles/ks-core/config at v3.4.1). */
export function playbookOutcome(spec: Obj): KubeSphereOutcome {
  const common = child(spec, 'common') ?? {};
  const es = child(common, 'es');
  const opensearch = child(common, 'opensearch');
  const on = (key: string) => truthy(child(spec, key)?.enabled);
  const logging = on('logging');
  const anyLogStore = logging || on('events') || on('auditing') || on('servicemesh');
  const esEnabled = truthy(es?.enabled);
  const osEnabled = truthy(opensearch?.enabled);
  const externalOs = truthy(opensearch?.externalOpensearchHost) && truthy(opensearch?.externalOpensearchPort);
  const externalEs = truthy(es?.externalElasticsearchHost) && truthy(es?.externalElasticsearchPort);
  return {
    devops: on('devops'),
    logging,
    metricsServer: on('metrics_server'),
    inClusterOpenSearch: anyLogStore && osEnabled && !externalOs && !externalEs,
    ...(logging && esEnabled
      ? {
          elasticsearchOutput: {
            host: externalEs ? String(es?.externalElasticsearchHost) : 'elasticsearch-logging-data.kubesphere-logging-system.svc',
            port: externalEs ? String(es?.externalElasticsearchPort) : '9200',
            indexPrefix: `ks-${String(es?.elkPrefix)}-log`,
          },
        }
      : {}),
    openSearchOutput: logging && osEnabled,
    ...(logging ? { consoleIndexPrefix: opensearch?.opensearchPrefix !== undefined ? `ks-${String(opensearch.opensearchPrefix)}-logging` : `ks-${String(es?.elkPrefix)}-log` } : {}),
  };
}

export interface InstallerRun {
  readonly migration: MigrationResult;
  readonly outcome: KubeSphereOutcome;
}

/**
 * The installer's runs on a fresh cluster: the first run (no status) and, when it wrote the CC back, the run its
 * create event triggers; then a later run once ks-core has recorded `status.core.version` (any edit of the CC
 * triggers one). Returns each run, in order; the last one is what stays installed.
 */
export function installerRuns(cc: Obj): InstallerRun[] {
  const runs: InstallerRun[] = [];
  const labels = isRecord(cc.metadata) && isRecord(cc.metadata.labels) ? cc.metadata.labels : {};
  let current: Obj = cc;
  const statuses: (ClusterConfigurationStatus | undefined)[] = [undefined, { core: { version: String(labels.version ?? '') } }];
  for (const status of statuses) {
    let migration = generateNewClusterConfiguration(current, status);
    runs.push({ migration, outcome: playbookOutcome(migration.spec) });
    // A write-back exits and the create event starts the installer again on the written CC (status reset).
    for (let guard = 0; migration.writesBack && guard < 3; guard++) {
      current = { ...current, spec: migration.spec };
      // create_cluster_configuration keeps only status.clusterId.
      migration = generateNewClusterConfiguration(current, undefined);
      runs.push({ migration, outcome: playbookOutcome(migration.spec) });
    }
    current = { ...current, spec: migration.spec };
  }
  return runs;
}
