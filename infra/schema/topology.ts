import type { InputProblem } from '../model/errors.js';
import { ROLE_GROUPS, type Environment } from './environment.js';

/** What topology validation found: problems stop the run (exit 2), warnings are printed. */
export interface TopologyReport {
  readonly problems: InputProblem[];
  readonly warnings: InputProblem[];
}

/**
 * Rules zod cannot express: uniqueness, references between fields, overlapping networks, etcd quorum.
 * Shared by the loader (exit 2) and `npm run check` (rule `topology`).
 */
export function validateTopology(env: Environment, file: string): TopologyReport {
  const problems: InputProblem[] = [];
  const warnings: InputProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ file, path, message });
  const { hosts, roleGroups, network } = env.cluster;

  const seenNames = new Map<string, number>();
  const seenAddresses = new Map<string, string>();
  hosts.forEach((host, i) => {
    const first = seenNames.get(host.name);
    if (first !== undefined) problem(`cluster.hosts[${i}].name`, `duplicate host name '${host.name}' (also cluster.hosts[${first}])`);
    else seenNames.set(host.name, i);
    for (const field of ['address', 'internalAddress'] as const) {
      const value = host[field];
      const owner = seenAddresses.get(value);
      if (owner !== undefined && owner !== host.name) {
        problem(`cluster.hosts[${i}].${field}`, `duplicate address '${value}' (also used by host '${owner}')`);
      } else seenAddresses.set(value, host.name);
      if (!cidrContains(network.hostCidr, value)) {
        problem(`cluster.hosts[${i}].${field}`, `address '${value}' is outside cluster.network.hostCidr '${network.hostCidr}'`);
      }
    }
  });

  for (const group of ROLE_GROUPS) {
    const members = roleGroups[group];
    members.forEach((name, i) => {
      if (!seenNames.has(name)) problem(`cluster.roleGroups.${group}[${i}]`, `names unknown host '${name}' (hosts: ${[...seenNames.keys()].join(', ')})`);
      if (members.indexOf(name) !== i) problem(`cluster.roleGroups.${group}[${i}]`, `lists host '${name}' twice`);
    });
  }
  if (roleGroups.controlPlane.length === 0) problem('cluster.roleGroups.controlPlane', 'no control-plane host: KubeKey needs at least one');
  if (roleGroups.worker.length === 0) problem('cluster.roleGroups.worker', 'no worker host: nothing could run the platform');
  if (roleGroups.etcd.length === 0) problem('cluster.roleGroups.etcd', 'no etcd member: KubeKey needs at least one with etcd.type kubekey');
  else if (roleGroups.etcd.length % 2 === 0) {
    const n = roleGroups.etcd.length;
    const message =
      `${n} etcd members tolerate ${n / 2 - 1} failure(s), no more than ${n - 1} would (quorum is n/2+1); ` +
      'use an odd number of members';
    if (env.cluster.evenEtcdAcknowledged) {
      warnings.push({ file, path: 'cluster.roleGroups.etcd', message: `${message} (acknowledged: ${env.cluster.evenEtcdAcknowledged.reason})` });
    } else {
      problem('cluster.roleGroups.etcd', `${message}, or set cluster.evenEtcdAcknowledged with a reason`);
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
      if (cidrsOverlap(a, b)) problem(pathA, `'${a}' overlaps ${pathB} '${b}'`);
    }
  }
  return { problems, warnings };
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function cidrRange(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(ip) / size) * size;
  return [start, start + size - 1];
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [start, end] = cidrRange(cidr);
  const value = ipToInt(ip);
  return value >= start && value <= end;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const [aStart, aEnd] = cidrRange(a);
  const [bStart, bEnd] = cidrRange(b);
  return aStart <= bEnd && bStart <= aEnd;
}
