import type { InputProblem } from '../model/errors.js';
import { cidrContains } from '../model/cidr.js';
import { STATEFUL_SERVICES, type Environment } from './environment.js';

/**
 * Cross-field rules of the environment's addresses: a VM that hosts a stateful service is reached through a
 * selector-less Service whose EndpointSlice and egress policy name its address, so the address must be a real host
 * outside the cluster's own networks. Inside the pod or service CIDR the packets would be routed to a pod or a
 * ClusterIP instead; equal to a node, the "VM" would be a Kubernetes node running the platform's pods.
 */
export function networkProblems(env: Environment, file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const { network, hosts } = env.cluster;
  const nodeOf = new Map<string, string>();
  for (const host of hosts) for (const address of [host.address, host.internalAddress]) nodeOf.set(address, host.name);
  const clusterNetworks = [
    ['cluster.network.podCidr', network.podCidr],
    ['cluster.network.serviceCidr', network.serviceCidr],
  ] as const;

  for (const service of STATEFUL_SERVICES) {
    const { addresses } = env.statefulServices[service];
    addresses.forEach((address, i) => {
      const path = `statefulServices.${service}.addresses[${i}]`;
      const node = nodeOf.get(address);
      if (node !== undefined) {
        problems.push({ file, path, message: `'${address}' is the address of node '${node}' (cluster.hosts): give the VM's own address` });
      }
      for (const [networkPath, cidr] of clusterNetworks) {
        if (cidrContains(cidr, address)) {
          problems.push({ file, path, message: `'${address}' is inside ${networkPath} '${cidr}': traffic to it would stay in the cluster; give the VM's address` });
        }
      }
      const first = addresses.indexOf(address);
      if (first !== i) problems.push({ file, path, message: `'${address}' is listed twice (also statefulServices.${service}.addresses[${first}])` });
    });
  }
  return problems;
}
