import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KUBEKEY_CLUSTER_PATH } from '../../infra/synth/cluster/kubekey-cluster.js';
import { declaredKubeSphere, KUBESPHERE_CONFIGURATION_PATH, KubeSphereInstaller } from '../../infra/synth/cluster/kubesphere-installer.js';
import { checkInstallTime, installTimeFindings } from '../../infra/checks/install-time.js';
import {
  applyLineEdits,
  evaluateInstall,
  generateNewClusterConfiguration,
  kkCreateClusterCommand,
  kkHandOff,
  kkInputFile,
  parseKkCommand,
  playbookOutcome,
} from '../../infra/install-time/index.js';
import { KS_INSTALLER_CLUSTER_CONFIGURATION as UPSTREAM } from '../../infra/install-time/upstream/ks-installer-v3.4.1-cluster-configuration.js';
import { built } from '../support/platforms.js';

const artifact = (platform: (typeof built)[number]['platform'], path: string) => platform.units.flatMap((u) => u.artifacts).find((a) => a.path === path)!.content;

describe('vendored upstream ClusterConfiguration', () => {
  it('is byte-identical to kubesphere/ks-installer v3.4.1 deploy/cluster-configuration.yaml (git blob id)', () => {
    const bytes = Buffer.from(UPSTREAM.text, 'utf8');
    const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    expect(blob).toBe(UPSTREAM.blob);
    expect(UPSTREAM).toMatchObject({ repository: 'kubesphere/ks-installer', tag: 'v3.4.1', path: 'deploy/cluster-configuration.yaml' });
  });

  it('passes ks-installer unchanged (it has every key the migration looks for), with devops, logging and metrics-server off', () => {
    const upstream = parse(UPSTREAM.text);
    const first = generateNewClusterConfiguration(upstream, undefined);
    expect(first.writesBack).toBe(false);
    expect(playbookOutcome(first.spec)).toMatchObject({ devops: false, logging: false, metricsServer: false });
  });
});

describe('kk (kubesphere/kubekey v3.0.13, v3.1.12)', () => {
  it('parses the flags that decide the hand-off', () => {
    expect(parseKkCommand('kk create cluster -f a.yaml --with-kubesphere v3.4.1')).toEqual({ file: 'a.yaml', withKubeSphere: 'v3.4.1' });
    expect(parseKkCommand('kk create cluster --with-kubesphere -f a.yaml')).toEqual({ file: 'a.yaml', withKubeSphere: '' });
    expect(parseKkCommand('kk create cluster --filename=a.yaml')).toEqual({ file: 'a.yaml' });
  });

  it("applies Setup's sed edits line by line: deletes every line containing 'zone', rewrites endpointIps", () => {
    const text = 'a:\n  endpointIps: localhost # c\n  timezone: UTC\n  local_registry: ""\n';
    expect(applyLineEdits(text, [{ match: 'endpointIps', action: 'value', value: '10.0.0.1,10.0.0.2' }, { match: 'zone', action: 'delete' }, { match: 'local_registry', action: 'delete' }])).toBe(
      'a:\n  endpointIps: 10.0.0.1,10.0.0.2\n',
    );
  });

  it('hands ks-installer its built-in template when --with-kubesphere is given, discarding the file', () => {
    const file = kkInputFile(stringify({ kind: 'Cluster', metadata: { name: 'x' } }), stringify({ kind: 'ClusterConfiguration', metadata: { labels: { version: 'v3.4.1' } }, spec: { devops: { enabled: true } } }));
    expect(kkHandOff(file, parseKkCommand('kk create cluster -f f --with-kubesphere v3.4.1')).source).toBe('kk-builtin-template');
    expect(kkHandOff(file, parseKkCommand('kk create cluster -f f')).config).toMatchObject({ spec: { devops: { enabled: true } } });
  });
});

describe('ks-installer v3.4.1 generate_new_cluster_configuration', () => {
  const cc = (spec: Record<string, unknown>) => ({ metadata: { labels: { version: 'v3.4.1' } }, spec });

  it('writes back, with es disabled and OpenSearch enabled, a CC without terminal (the trimmed CC of before)', () => {
    const result = generateNewClusterConfiguration(cc({ common: { es: { enabled: true, externalElasticsearchHost: 'h', externalElasticsearchPort: 9200 }, opensearch: { enabled: false } }, logging: { enabled: true } }), undefined);
    expect(result.writesBack).toBe(true);
    expect(result.upgradeReasons).toContain('no terminal');
    expect(result.spec).toMatchObject({ common: { es: { enabled: false }, opensearch: { enabled: true, opensearchPrefix: 'whizard' } }, terminal: { timeout: 600 } });
  });

  it('drops its in-memory edits when no upgrade condition holds: the playbooks read the CC as applied', () => {
    const result = generateNewClusterConfiguration(cc({ common: { es: { enabled: true } }, terminal: { timeout: 600 } }), undefined);
    expect(result.writesBack).toBe(false);
    expect(result.spec).toEqual({ common: { es: { enabled: true } }, terminal: { timeout: 600 } });
  });

  it('writes back on a version change (status.core.version differs from the label)', () => {
    expect(generateNewClusterConfiguration(cc({ terminal: {} }), { core: { version: 'v3.4.0' } }).upgradeReasons).toEqual(['status.core.version differs from metadata.labels.version']);
  });

  it("points the console's log search at ks-<opensearchPrefix>-logging whenever opensearchPrefix exists", () => {
    const spec = { logging: { enabled: true }, common: { es: { enabled: true, elkPrefix: 'icv' }, opensearch: { enabled: false, opensearchPrefix: 'whizard' } } };
    expect(playbookOutcome(spec).consoleIndexPrefix).toBe('ks-whizard-logging');
  });
});

describe.each(built)('install-time outcome of $env.name', ({ env, platform }) => {
  const file = kkInputFile(artifact(platform, KUBEKEY_CLUSTER_PATH), artifact(platform, KUBESPHERE_CONFIGURATION_PATH));
  const command = kkCreateClusterCommand(env.name);

  it('is exactly the declared KubeSphere: devops, logging, metrics-server, es to our Elasticsearch with our prefix, no OpenSearch', () => {
    const evaluation = evaluateInstall(file, command);
    expect(evaluation.kk.source).toBe('file');
    expect(evaluation.runs.map((r) => r.migration.writesBack)).toEqual([false, false]);
    expect(evaluation.outcome).toEqual(declaredKubeSphere(env));
    expect(evaluation.outcome).toEqual({
      devops: true,
      logging: true,
      metricsServer: true,
      inClusterOpenSearch: false,
      elasticsearchOutput: { host: env.statefulServices.elasticsearch.addresses[0], port: '9200', indexPrefix: 'ks-icv-log' },
      openSearchOutput: false,
      consoleIndexPrefix: 'ks-icv-log',
    });
  });

  it('reaches ks-installer with the etcd members kk writes into it', () => {
    const kk = evaluateInstall(file, command).kk;
    const etcd = env.cluster.roleGroups.etcd.map((n) => env.cluster.hosts.find((h) => h.name === n)!.internalAddress).join(',');
    expect(kk.config).toMatchObject({ spec: { etcd: { endpointIps: etcd } } });
    expect(kk.text).not.toContain('local_registry');
  });

  it('passes the install-time check rule', () => {
    expect(checkInstallTime({ objects: [], env, artifacts: platform.units.flatMap((u) => u.artifacts) })).toEqual([]);
  });

  it("flags the old README command (--with-kubesphere v3.4.1): kk discards our configuration, devops, logging and metrics-server off", () => {
    const old = `kk create cluster -f cluster-${env.name}.yaml --with-kubesphere v3.4.1`;
    const findings = installTimeFindings(evaluateInstall(file, old), declaredKubeSphere(env), old);
    expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual(expect.arrayContaining(['install-time.kk-hand-off ', 'install-time.outcome devops', 'install-time.outcome logging', 'install-time.outcome metricsServer', 'install-time.outcome elasticsearchOutput.host']));
  });

  // opensearch-install.yaml deploys no in-cluster OpenSearch while externalElasticsearchHost is set, so the rewrite
  // leaves fluent-bit shipping only to an OpenSearch Service that does not exist.
  it('flags the trimmed ClusterConfiguration of before (no terminal: ks-installer rewrites es off, OpenSearch on)', () => {
    const trimmed = parse(artifact(platform, KUBESPHERE_CONFIGURATION_PATH));
    delete trimmed.spec.terminal;
    const findings = installTimeFindings(evaluateInstall(kkInputFile(artifact(platform, KUBEKEY_CLUSTER_PATH), stringify(trimmed)), command), declaredKubeSphere(env), command);
    expect(findings.map((f) => `${f.rule} ${f.path}`)).toEqual(expect.arrayContaining(['install-time.installer-rewrite spec', 'install-time.outcome elasticsearchOutput.host', 'install-time.outcome openSearchOutput', 'install-time.outcome consoleIndexPrefix']));
  });

  it('flags an opensearchPrefix left in the file: the console would search an index nothing writes', () => {
    const withPrefix = parse(artifact(platform, KUBESPHERE_CONFIGURATION_PATH));
    withPrefix.spec.common.opensearch.opensearchPrefix = 'whizard';
    const findings = installTimeFindings(evaluateInstall(kkInputFile(artifact(platform, KUBEKEY_CLUSTER_PATH), stringify(withPrefix)), command), declaredKubeSphere(env), command);
    expect(findings.map((f) => f.path)).toEqual(['consoleIndexPrefix']);
  });
});

describe('KubeSphereInstaller', () => {
  it('starts from the upstream file: every upstream key is kept', () => {
    const env = built[0]!.env;
    const config = new KubeSphereInstaller({ env }).config as { spec: Record<string, unknown> };
    expect(Object.keys(config.spec)).toEqual(Object.keys(parse(UPSTREAM.text).spec));
  });
});
