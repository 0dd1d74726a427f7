/**
 * The install steps the README gives, as data, so that the rule set checks the command people actually run
 * (test/install-time/readme.test.ts keeps the README's install block equal to these).
 */

/** Where the platform writes the KubeKey Cluster config and the installer's ClusterConfiguration under `dist/<env>/`. */
export const KUBEKEY_CLUSTER_FILE = 'kubekey/cluster.yaml';
export const KUBESPHERE_CONFIGURATION_FILE = 'kubekey/cluster-configuration.yaml';

/** The file `kk` reads: the Cluster document, then the ClusterConfiguration, as the README's `cat` builds it. */
export function kkInputFile(clusterYaml: string, clusterConfigurationYaml: string): string {
  return `${clusterYaml.endsWith('\n') ? clusterYaml : `${clusterYaml}\n`}---\n${clusterConfigurationYaml}`;
}

/** Name of the combined file for an environment. */
export const kkInputFileName = (env: string): string => `cluster-${env}.yaml`;

/**
 * The `kk` command line. No `--with-kubesphere`: with it, kk replaces the file's ClusterConfiguration with its
 * built-in template (kubesphere/kubekey v3.0.13 and v3.1.12 `cmd/kk/pkg/common/loader.go`, `defaultKSConfig`);
 * without it, a ClusterConfiguration in the file enables KubeSphere at its `metadata.labels.version`.
 */
export const kkCreateClusterCommand = (env: string): string => `kk create cluster -f ${kkInputFileName(env)}`;
