import type { Environment } from '../schema/environment.js';
import type { KubeSphereOutcome } from './ks-installer.js';

/** Index names are ks-<prefix>-log-<date>, apart from the Logstash indices of the seed's ELK stack. */
export const KUBESPHERE_LOG_PREFIX = 'icv';

/**
 * The KubeSphere this project declares for an environment, in the terms of the install-time rule set
 * (`infra/install-time/`): DevOps, logging and metrics-server on, fluent-bit shipping to the environment's own
 * Elasticsearch under our prefix, the console searching that prefix, and no in-cluster OpenSearch.
 */
export function declaredKubeSphere(env: Environment): KubeSphereOutcome {
  const elasticsearch = env.statefulServices.elasticsearch;
  const indexPrefix = `ks-${KUBESPHERE_LOG_PREFIX}-log`;
  return {
    devops: true,
    logging: true,
    metricsServer: true,
    inClusterOpenSearch: false,
    elasticsearchOutput: { host: elasticsearch.addresses[0]!, port: String(elasticsearch.port), indexPrefix },
    openSearchOutput: false,
    consoleIndexPrefix: indexPrefix,
  };
}

