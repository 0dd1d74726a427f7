import {
  compareOutcome,
  declaredKubeSphere,
  evaluateInstall,
  kkCreateClusterCommand,
  kkInputFile,
  KUBEKEY_CLUSTER_FILE,
  KUBESPHERE_CONFIGURATION_FILE,
  type InstallEvaluation,
  type KubeSphereOutcome,
} from '../install-time/index.js';
import { finding, type CheckInput, type Finding } from './finding.js';

/**
 * Rule family `install-time`: the KubeKey and ks-installer files, run through what kk and ks-installer do with them
 * (the cited rule set in `infra/install-time/`) for the README's `kk` command, give exactly the declared KubeSphere.
 *
 * - `install-time.kk-hand-off`: kk hands ks-installer the file's ClusterConfiguration (not its built-in template).
 * - `install-time.installer-rewrite`: ks-installer's `generate_new_cluster_configuration` never writes it back.
 * - `install-time.outcome`: devops, logging, metrics-server, the log store, fluent-bit's outputs and the console's
 *   index prefix are the declared ones.
 */

const OBJECT = 'ClusterConfiguration/kubesphere-system/ks-installer';

/** The findings for one evaluation against the declared KubeSphere. */
export function installTimeFindings(evaluation: InstallEvaluation, declared: KubeSphereOutcome, command: string): Finding[] {
  const findings: Finding[] = [];
  if (evaluation.kk.source !== 'file') {
    findings.push(
      finding(OBJECT, 'install-time.kk-hand-off', 'error', '', `\`${command}\`: ${evaluation.kk.notes.join('; ')}`, 'run kk without --with-kubesphere, with the ClusterConfiguration as a document of the -f file'),
    );
  }
  for (const run of evaluation.runs.filter((r) => r.migration.writesBack)) {
    findings.push(
      finding(
        OBJECT,
        'install-time.installer-rewrite',
        'error',
        'spec',
        `ks-installer v3.4.1 generate_new_cluster_configuration rewrites the ClusterConfiguration (${run.migration.upgradeReasons.join(', ')}), forcing common.es.enabled=false and common.opensearch.enabled=true`,
        'start from the full upstream deploy/cluster-configuration.yaml so that every key the migration looks for is present',
      ),
    );
  }
  for (const d of compareOutcome(declared, evaluation.outcome)) {
    findings.push(
      finding(OBJECT, 'install-time.outcome', 'error', d.field, `the installed KubeSphere has ${d.field} = ${JSON.stringify(d.actual)}, declared ${JSON.stringify(d.declared)}`, 'change the ClusterConfiguration until the install-time rule set gives the declared value'),
    );
  }
  return findings;
}

export function checkInstallTime(input: CheckInput): Finding[] {
  const env = input.env;
  const cluster = input.artifacts?.find((a) => a.path === KUBEKEY_CLUSTER_FILE);
  const configuration = input.artifacts?.find((a) => a.path === KUBESPHERE_CONFIGURATION_FILE);
  if (!env || !cluster || !configuration) return [];
  const command = kkCreateClusterCommand(env.name);
  return installTimeFindings(evaluateInstall(kkInputFile(cluster.content, configuration.content), command), declaredKubeSphere(env), command);
}
