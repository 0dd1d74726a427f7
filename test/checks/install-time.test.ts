import { stringify, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkInstallTime, installTimeFindings } from '../../infra/checks/index.js';
import { declaredKubeSphere, KUBEKEY_CLUSTER_FILE, KUBESPHERE_CONFIGURATION_FILE, type InstallEvaluation } from '../../infra/install-time/index.js';
import { KubeKeyCluster } from '../../infra/synth/cluster/kubekey-cluster.js';
import { KubeSphereInstaller } from '../../infra/synth/cluster/kubesphere-installer.js';
import { fixtureEnv } from './fixtures.js';

/** `checkInstallTime` on the artifacts the constructs write for the fixture environment (the rules themselves: every-rule.test.ts). */

const OBJECT = 'ClusterConfiguration/kubesphere-system/ks-installer';

function artifacts(change: (configuration: any) => void = () => {}) {
  const env = fixtureEnv();
  const configuration = parse(new KubeSphereInstaller({ env }).toYaml());
  change(configuration);
  return [
    { path: KUBEKEY_CLUSTER_FILE, content: new KubeKeyCluster({ env }).toYaml() },
    { path: KUBESPHERE_CONFIGURATION_FILE, content: stringify(configuration) },
  ];
}

describe('install-time checks on the written artifacts', () => {
  it('pass on what the constructs write, and run only with the environment and both files', () => {
    expect(checkInstallTime({ objects: [], env: fixtureEnv(), artifacts: artifacts() })).toEqual([]);
    const broken = artifacts((c) => (c.spec.common.opensearch.opensearchPrefix = 'whizard'));
    expect(checkInstallTime({ objects: [], artifacts: broken })).toEqual([]);
    expect(checkInstallTime({ objects: [], env: fixtureEnv(), artifacts: broken.slice(0, 1) })).toEqual([]);
    expect(checkInstallTime({ objects: [], env: fixtureEnv(), artifacts: broken.slice(1) })).toEqual([]);
    expect(checkInstallTime({ objects: [], env: fixtureEnv() })).toEqual([]);
  });

  it('a changed outcome and a rewrite, each with its message and fix', () => {
    const outcome = checkInstallTime({ objects: [], env: fixtureEnv(), artifacts: artifacts((c) => (c.spec.common.opensearch.opensearchPrefix = 'whizard')) });
    expect(outcome.map((f) => [f.rule, f.object, f.path, f.fix])).toEqual([['install-time.outcome', OBJECT, 'consoleIndexPrefix', 'change the ClusterConfiguration until the install-time rule set gives the declared value']]);
    expect(outcome[0]!.message).toBe('the installed KubeSphere has consoleIndexPrefix = "ks-whizard-logging", declared "ks-icv-log"');
    const rewrite = checkInstallTime({ objects: [], env: fixtureEnv(), artifacts: artifacts((c) => delete c.spec.terminal) }).find((f) => f.rule === 'install-time.installer-rewrite')!;
    expect(rewrite).toMatchObject({ object: OBJECT, path: 'spec', fix: 'start from the full upstream deploy/cluster-configuration.yaml so that every key the migration looks for is present' });
    expect(rewrite.message).toMatch(/^ks-installer v3\.4\.1 generate_new_cluster_configuration rewrites the ClusterConfiguration \(.+\), forcing common\.es\.enabled=false and common\.opensearch\.enabled=true$/);
  });

  it("each of kk's notes and each of the installer's upgrade reasons is listed, '; ' and ', ' between them", () => {
    const declared = declaredKubeSphere(fixtureEnv());
    const evaluation: InstallEvaluation = {
      kk: { source: 'kk-builtin-template', notes: ['--with-kubesphere given', 'the file has no ClusterConfiguration'] },
      runs: [{ migration: { writesBack: true, upgradeReasons: ['no spec.terminal', 'no spec.gatekeeper'], spec: {} }, outcome: declared }],
      outcome: declared,
    };
    expect(installTimeFindings(evaluation, declared, 'kk create cluster').map((f) => [f.rule, f.path, f.message])).toEqual([
      ['install-time.kk-hand-off', '', '`kk create cluster`: --with-kubesphere given; the file has no ClusterConfiguration'],
      ['install-time.installer-rewrite', 'spec', 'ks-installer v3.4.1 generate_new_cluster_configuration rewrites the ClusterConfiguration (no spec.terminal, no spec.gatekeeper), forcing common.es.enabled=false and common.opensearch.enabled=true'],
    ]);
  });
});
