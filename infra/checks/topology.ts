import type { InputProblem } from '../model/errors.js';
import type { KubeObject } from '../model/types.js';
import { validateTopology } from '../schema/topology.js';
import { finding, type CheckInput, type Finding } from './finding.js';
import { asArray, asObject } from './kube.js';

/**
 * Rule family `topology`: the cluster plan's own rules (environment/topology.ts) as findings, and etcd quorum
 * of a KubeKey `Cluster` read from manifests when no environment is given (kk itself never checks it).
 */

const FIXES: Record<string, string> = {
  'topology.etcd-quorum': 'use an odd number of etcd members (add one on a worker), or acknowledge the even count with a reason',
  'topology.role-groups': 'list each host once, only hosts declared in cluster.hosts, with at least one control-plane, etcd and worker host',
  'topology.hosts': 'give every host a unique name and addresses inside cluster.network.hostCidr',
  'topology.network': 'choose pod, service and host CIDRs that do not overlap',
  topology: 'fix the environment declaration',
};

function ruleFor(path: string): string {
  if (path === 'cluster.roleGroups.etcd') return 'topology.etcd-quorum';
  if (path.startsWith('cluster.roleGroups')) return 'topology.role-groups';
  if (path.startsWith('cluster.hosts')) return 'topology.hosts';
  if (path.startsWith('cluster.network')) return 'topology.network';
  return 'topology';
}

export function checkTopology(input: CheckInput): Finding[] {
  const { env } = input;
  if (!env) return input.objects.filter((o) => o.kind === 'Cluster' && o.apiVersion === 'kubekey.kubesphere.io/v1alpha2').flatMap(checkEtcdQuorum);
  const object = `Environment/${env.name}`;
  const { problems, warnings } = validateTopology(env, input.envFile ?? object);
  const toFinding = (severity: 'error' | 'warning') => (p: InputProblem) => {
    const rule = ruleFor(p.path);
    return finding(object, rule, severity, p.path, p.message, FIXES[rule]!);
  };
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
      `${members} etcd members tolerate ${members / 2 - 1} failure(s), no more than ${members - 1} would (quorum is n/2+1)`,
      FIXES['topology.etcd-quorum']!,
    ),
  ];
}
