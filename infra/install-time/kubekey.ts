import { parseDocument } from 'yaml';

/**
 * What KubeKey does with the file `kk create cluster -f FILE [--with-kubesphere VERSION]` reads, before
 * ks-installer sees it. Read from kubesphere/kubekey at tags v3.0.13 and v3.1.12 (identical in what is encoded here;
 * v3.1.12 only switched yaml.v2 to yaml.v3). Re-read these functions when KubeKey is bumped:
 *
 * - `cmd/kk/pkg/common/loader.go`, `FileLoader.Load`: every document of kind `ClusterConfiguration` (or
 *   `ConfigMap`) sets `spec.kubeSphere.enabled` and `spec.kubeSphere.configurations = "---\n" + document`, its
 *   version taken from `metadata.labels.version` (a missing label is the error "Unknown version"). Then, when
 *   `--with-kubesphere` is set (`KubeSphereEnable`), `defaultKSConfig` overwrites `configurations` with kk's
 *   built-in template of that version: the file's ClusterConfiguration is discarded.
 * - `cmd/kk/pkg/kubesphere/tasks.go`, `Setup.Execute`: kk edits `/etc/kubernetes/addons/kubesphere.yaml` (the
 *   installer manifest with the configuration appended by `AddInstallerConfig`) line by line with `sed`, see
 *   `kkSetupLineEdits`.
 */

/** The parts of the `kk` command line that decide which ClusterConfiguration reaches ks-installer. */
export interface KkInvocation {
  /** `-f` / `--filename`. */
  readonly file?: string;
  /** `--with-kubesphere [VERSION]`: set (possibly to '' for kk's default version) when the flag is given. */
  readonly withKubeSphere?: string;
}

/** Parses `kk create cluster …` arguments (the subset that matters here; other flags are ignored). */
export function parseKkCommand(command: string): KkInvocation {
  const args = command.trim().split(/\s+/);
  let file: string | undefined;
  let withKubeSphere: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '-f' || flag === '--filename') file = inline ?? args[++i];
    else if (flag === '--with-kubesphere') {
      // cobra's optional-value flag: kk treats a following non-flag word as the version.
      const next = args[i + 1];
      withKubeSphere = inline ?? (next !== undefined && !next.startsWith('-') ? (i++, next) : '');
    }
  }
  return { ...(file === undefined ? {} : { file }), ...(withKubeSphere === undefined ? {} : { withKubeSphere }) };
}

/**
 * kk's built-in v3.4.1 template (`cmd/kk/pkg/version/kubesphere/templates/cc_v341.go`, kubekey v3.0.13 and
 * v3.1.12), reduced to the keys this project declares. It has `terminal`, so ks-installer keeps it as is.
 */
export const KK_BUILTIN_V341_SPEC = {
  common: {
    es: { enabled: false, elkPrefix: 'logstash', basicAuth: { enabled: false }, externalElasticsearchHost: '', externalElasticsearchPort: '' },
    opensearch: { enabled: true, opensearchPrefix: 'whizard', externalOpensearchHost: '', externalOpensearchPort: '' },
  },
  devops: { enabled: false, jenkinsCpuReq: 0.5, jenkinsCpuLim: 1 },
  logging: { enabled: false },
  metrics_server: { enabled: false },
  terminal: { timeout: 600 },
} as const;

export interface KkResult {
  /** Where the configuration ks-installer receives comes from. */
  readonly source: 'file' | 'kk-builtin-template' | 'none';
  /** The configuration document text after kk's line edits (source `file`), as ks-installer will read it. */
  readonly text?: string;
  /** The configuration as ks-installer receives it. */
  readonly config?: Record<string, unknown>;
  /** Why, in one line each: what kk did. */
  readonly notes: readonly string[];
}

/** What `Setup.Execute` needs from the Cluster document. */
export interface KkClusterFacts {
  /** Internal addresses of the etcd role group (etcd type `kubekey`). */
  readonly etcdAddresses: readonly string[];
  /** `spec.kubernetes.containerManager`. */
  readonly containerManager: string;
  /** `spec.registry.privateRegistry`, '' when unset. */
  readonly privateRegistry: string;
  /** `spec.registry.namespaceOverride`, '' when unset. */
  readonly namespaceOverride: string;
}

/** One `sed` edit of `Setup.Execute` (kubesphere/kubekey v3.1.12 `cmd/kk/pkg/kubesphere/tasks.go`). */
export interface LineEdit {
  /** The substring a line must contain (sed address `/…/`). */
  readonly match: string;
  /** `delete`: `sed '/match/d'`; `value`: `sed '/match/s/\:.*\/\: value/g'` (everything after the first colon). */
  readonly action: 'delete' | 'value';
  readonly value?: string;
}

/** The line edits kk applies, in order, for the given cluster (KKZONE unset; etcd type kubekey). */
export function kkSetupLineEdits(facts: KkClusterFacts): LineEdit[] {
  return [
    { match: 'endpointIps', action: 'value', value: facts.etcdAddresses.join(',') },
    facts.privateRegistry ? { match: 'local_registry', action: 'value', value: facts.privateRegistry } : { match: 'local_registry', action: 'delete' },
    facts.namespaceOverride ? { match: 'namespace_override', action: 'value', value: facts.namespaceOverride } : { match: 'namespace_override', action: 'delete' },
    // KKZONE=cn (or the Aliyun mirror as privateRegistry) would set it to `cn`; this project runs kk without it.
    { match: 'zone', action: 'delete' },
    ...(['docker', 'containerd', 'crio'].includes(facts.containerManager) ? [{ match: 'containerruntime', action: 'value' as const, value: facts.containerManager }] : []),
  ];
}

/** Applies sed-style line edits to a text. */
export function applyLineEdits(text: string, edits: readonly LineEdit[]): string {
  let lines = text.split('\n');
  for (const edit of edits) {
    lines =
      edit.action === 'delete'
        ? lines.filter((line) => !line.includes(edit.match))
        : lines.map((line) => (line.includes(edit.match) && line.includes(':') ? `${line.slice(0, line.indexOf(':'))}: ${edit.value ?? ''}` : line));
  }
  return lines.join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the Cluster document's facts kk's `Setup` uses. */
export function kkClusterFacts(cluster: Record<string, unknown>): KkClusterFacts {
  const spec = isRecord(cluster.spec) ? cluster.spec : {};
  const hosts = Array.isArray(spec.hosts) ? spec.hosts.filter(isRecord) : [];
  const roleGroups = isRecord(spec.roleGroups) ? spec.roleGroups : {};
  const etcd = Array.isArray(roleGroups.etcd) ? roleGroups.etcd.map(String) : [];
  const address = (name: string) => {
    const host = hosts.find((h) => h.name === name);
    return String(host?.internalAddress ?? host?.address ?? name);
  };
  const kubernetes = isRecord(spec.kubernetes) ? spec.kubernetes : {};
  const registry = isRecord(spec.registry) ? spec.registry : {};
  return {
    etcdAddresses: etcd.map(address),
    containerManager: String(kubernetes.containerManager ?? 'docker'),
    privateRegistry: String(registry.privateRegistry ?? ''),
    namespaceOverride: String(registry.namespaceOverride ?? ''),
  };
}

/**
 * The ClusterConfiguration ks-installer receives when `kk` runs with `invocation` on the multi-document file `fileText`.
 */
export function kkHandOff(fileText: string, invocation: KkInvocation): KkResult {
  const chunks = splitYamlStream(fileText);
  const objects = chunks.map((chunk) => parseDocument(chunk).toJS() as unknown);
  const cluster = objects.find((o): o is Record<string, unknown> => isRecord(o) && o.kind === 'Cluster');
  const index = objects.findIndex((o) => isRecord(o) && (o.kind === 'ClusterConfiguration' || o.kind === 'ConfigMap'));
  const notes: string[] = [];
  if (invocation.withKubeSphere !== undefined) {
    notes.push(
      `--with-kubesphere ${invocation.withKubeSphere || '(default)'} makes kk replace ${index >= 0 ? "the file's ClusterConfiguration" : 'the configuration'} with its built-in template (kubekey cmd/kk/pkg/common/loader.go defaultKSConfig)`,
    );
    return { source: 'kk-builtin-template', config: { kind: 'ClusterConfiguration', spec: structuredClone(KK_BUILTIN_V341_SPEC) as unknown as Record<string, unknown> }, notes };
  }
  if (index < 0) return { source: 'none', notes: ['the file has no ClusterConfiguration and --with-kubesphere is not given: kk installs no KubeSphere'] };
  const edits = cluster ? kkSetupLineEdits(kkClusterFacts(cluster)) : [];
  const text = applyLineEdits(chunks[index]!, edits);
  const parsed = parseDocument(text).toJS() as unknown;
  notes.push(`kk hands the file's ClusterConfiguration to ks-installer after its line edits (${edits.map((e) => `${e.match}: ${e.action}`).join(', ')})`);
  return { source: 'file', text, config: isRecord(parsed) ? parsed : {}, notes };
}

/**
 * Splits a YAML stream the way k8s.io/apimachinery `pkg/util/yaml` `YAMLReader.Read` does (kk reads the file with
 * it): a line starting with `---` followed by nothing or a comment ends a document; each chunk keeps its comments.
 */
export function splitYamlStream(text: string): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (/^---\s*(#.*)?$/.test(line)) {
      if (current.some((l) => l.trim() !== '')) chunks.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.some((l) => l.trim() !== '')) chunks.push(current.join('\n'));
  return chunks;
}
