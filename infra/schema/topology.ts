import type { InputProblem } from '../model/errors.js';
import { ROLE_GROUPS, type Environment } from './environment.js';
import { cidrContains, cidrsOverlap } from '../model/cidr.js';

/** The topology rules; `npm run check` reports each problem under its rule. */
export type TopologyRule = 'topology.hosts' | 'topology.role-groups' | 'topology.etcd-quorum' | 'topology.network';

/** One problem of the cluster plan: the rule it breaks, and where (file and field path) and why. */
export interface TopologyProblem extends InputProblem {
  readonly rule: TopologyRule;
}

/** What topology validation found: problems stop the run (exit 2), warnings are printed. */
export interface TopologyReport {
  readonly problems: TopologyProblem[];
  readonly warnings: TopologyProblem[];
}

/** Why an even etcd membership is a risk: the one wording of the quorum rule. */
export function evenEtcdMessage(members: number): string {
  return `${members} etcd members tolerate ${members / 2 - 1} failure(s), no more than ${members - 1} would (quorum is n/2+1)`;
}

/**
 * Rules zod cannot express: uniqueness, references between fields, overlapping networks, etcd quorum.
 * Shared by the loader (exit 2) and `npm run check` (rule `topology`).
 */
export function validateTopology(env: Environment, file: string): TopologyReport {
  const problems: TopologyProblem[] = [];
  const warnings: TopologyProblem[] = [];
  const problem = (rule: TopologyRule, path: string, message: string) => problems.push({ rule, file, path, message });
  const { hosts, roleGroups, network } = env.cluster;

  const seenNames = new Map<string, number>();
  const seenAddresses = new Map<string, string>();
  hosts.forEach((host, i) => {
    const first = seenNames.get(host.name);
    if (first !== undefined) problem('topology.hosts', `cluster.hosts[${i}].name`, `duplicate host name '${host.name}' (also cluster.hosts[${first}])`);
    else seenNames.set(host.name, i);
    for (const field of ['address', 'internalAddress'] as const) {
      const value = host[field];
      const owner = seenAddresses.get(value);
      if (owner !== undefined && owner !== host.name) {
        problem('topology.hosts', `cluster.hosts[${i}].${field}`, `duplicate address '${value}' (also used by host '${owner}')`);
      } else seenAddresses.set(value, host.name);
      if (!cidrContains(network.hostCidr, value)) {
        problem('topology.hosts', `cluster.hosts[${i}].${field}`, `address '${value}' is outside cluster.network.hostCidr '${network.hostCidr}'`);
      }
    }
  });

  for (const group of ROLE_GROUPS) {
    const members = roleGroups[group];
    members.forEach((name, i) => {
      if (!seenNames.has(name)) problem('topology.role-groups', `cluster.roleGroups.${group}[${i}]`, `names unknown host '${name}' (hosts: ${[...seenNames.keys()].join(', ')})`);
      if (members.indexOf(name) !== i) problem('topology.role-groups', `cluster.roleGroups.${group}[${i}]`, `lists host '${name}' twice`);
    });
  }
  if (roleGroups.controlPlane.length === 0) problem('topology.role-groups', 'cluster.roleGroups.controlPlane', 'no control-plane host: KubeKey needs at least one');
  if (roleGroups.worker.length === 0) problem('topology.role-groups', 'cluster.roleGroups.worker', 'no worker host: nothing could run the platform');
  if (roleGroups.etcd.length === 0) problem('topology.etcd-quorum', 'cluster.roleGroups.etcd', 'no etcd member: KubeKey needs at least one with etcd.type kubekey');
  else if (roleGroups.etcd.length % 2 === 0) {
    const n = roleGroups.etcd.length;
    const message = `${evenEtcdMessage(n)}; use an odd number of members`;
    if (env.cluster.evenEtcdAcknowledged) {
      warnings.push({ rule: 'topology.etcd-quorum', file, path: 'cluster.roleGroups.etcd', message: `${message} (acknowledged: ${env.cluster.evenEtcdAcknowledged.reason})` });
    } else {
      problem('topology.etcd-quorum', 'cluster.roleGroups.etcd', `${message}, or set cluster.evenEtcdAcknowledged with a reason`);
    }
  }

  const networks = [
    ['cluster.network.podCidr', network.podCidr],
    ['cluster.network.serviceCidr', network.serviceCidr],
    ['cluster.network.hostCidr', network.hostCidr],
  ] as const;
  for (let i = 0; i < networks.length; i++) {
    for (let j = i + 1; j < networks.length; j++) {
      const [pathA, a] = networks[i]!;
      const [pathB, b] = networks[j]!;
      if (cidrsOverlap(a, b)) problem('topology.network', pathA, `'${a}' overlaps ${pathB} '${b}'`);
    }
  }
  return { problems, warnings };
}
