import type { KubeObject } from '../model/types.js';
import { evenEtcdMessage, validateTopology, type TopologyProblem, type TopologyRule } from '../schema/topology.js';
import { finding, type CheckInput, type Finding } from './finding.js';
import { asArray, asObject } from './kube.js';

/**
 * Rule family `topology`: the cluster plan's own rules (schema/topology.ts) as findings, and etcd quorum
 * of a KubeKey `Cluster` read from manifests when no environment is given (kk itself never checks it).
 */

const FIXES: Readonly<Record<TopologyRule, string>> = {
  'topology.etcd-quorum': 'use an odd number of etcd members (add one on a worker), or acknowledge the even count with a reason',
  'topology.role-groups': 'list each host once, only hosts declared in cluster.hosts, with at least one control-plane, etcd and worker host',
  'topology.hosts': 'give every host a unique name and addresses inside cluster.network.hostCidr',
  'topology.network': 'choose pod, service and host CIDRs that do not overlap',
};

export function checkTopology(input: CheckInput): Finding[] {
  const { env } = input;
  if (!env) return input.objects.filter((o) => o.kind === 'Cluster' && o.apiVersion === 'kubekey.kubesphere.io/v1alpha2').flatMap(checkEtcdQuorum);
  const object = `Environment/${env.name}`;
  const { problems, warnings } = validateTopology(env, input.envFile ?? object);
  const toFinding = (severity: 'error' | 'warning') => (p: TopologyProblem) => finding(object, p.rule, severity, p.path, p.message, FIXES[p.rule]);
  return [...problems.map(toFinding('error')), ...warnings.map(toFinding('warning'))];
}

function checkEtcdQuorum(cluster: KubeObject): Finding[] {
  const members = asArray(asObject(asObject(asObject(cluster.spec)?.roleGroups))?.etcd).length;
  if (members === 0 || members % 2 === 1) return [];
  return [
    finding(
      cluster,
      'topology.etcd-quorum',
      'error',
      'spec.roleGroups.etcd',
      evenEtcdMessage(members),
      FIXES['topology.etcd-quorum'],
    ),
  ];
}
