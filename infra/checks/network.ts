import type { KubeObject } from '../model/types.js';
import { cidrContains, isIPv4Cidr } from '../model/cidr.js';
import { exceptionReason, finding, type CheckInput, type Finding } from './finding.js';
import {
  asArray,
  asLabels,
  asObject,
  asString,
  containersOf,
  labelMapMatches,
  namespaceOf,
  podTemplates,
  selectorMatches,
  type PodTemplate,
} from './kube.js';

/**
 * Rule family `network`: every pod is isolated by a NetworkPolicy (ingress and egress), every policy selects
 * pods, every Service reaches something, every Ingress reaches a Service port, and no pod may reach the
 * internet without a declared exception.
 */

export function checkNetwork(input: CheckInput): Finding[] {
  const { objects } = input;
  const pods = podTemplates(objects);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  return [
    ...pods.flatMap((pod) => checkPolicyCoverage(pod, policies)),
    ...policies.flatMap((policy) => [...checkPolicySelectsPods(policy, pods), ...checkInternetEgress(policy, pods)]),
    ...objects.filter((o) => o.kind === 'Service').flatMap((service) => checkService(service, pods, objects)),
    ...objects.filter((o) => o.kind === 'Ingress').flatMap((ingress) => checkIngress(ingress, objects)),
  ];
}

function podsSelectedBy(policy: KubeObject, pods: readonly PodTemplate[]): PodTemplate[] {
  const selector = asObject(policy.spec)?.podSelector;
  return pods.filter((pod) => namespaceOf(pod.owner) === namespaceOf(policy) && selectorMatches(selector, pod.labels));
}

/** Directions a policy isolates: `policyTypes`, or by default Ingress plus Egress when it has egress rules. */
function policyTypes(policy: KubeObject): string[] {
  const spec = asObject(policy.spec) ?? {};
  const declared = asArray(spec.policyTypes).filter((t): t is string => typeof t === 'string');
  if (declared.length > 0) return declared;
  return spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

function checkPolicyCoverage(pod: PodTemplate, policies: readonly KubeObject[]): Finding[] {
  const covering = policies.filter((p) => podsSelectedBy(p, [pod]).length > 0);
  const covered = new Set(covering.flatMap(policyTypes));
  const missing = ['Ingress', 'Egress'].filter((t) => !covered.has(t));
  if (missing.length === 0) return [];
  return [
    finding(
      pod.owner,
      'network.policy-coverage',
      'error',
      pod.path.replace(/\.spec$/, '.metadata.labels'),
      `no NetworkPolicy in namespace '${namespaceOf(pod.owner)}' isolates its pods for ${missing.join(' and ')}: they accept or open any connection`,
      `add a NetworkPolicy selecting these pods with policyTypes ${missing.join(', ')} (a default-deny plus allow rules)`,
    ),
  ];
}

function checkPolicySelectsPods(policy: KubeObject, pods: readonly PodTemplate[]): Finding[] {
  if (podsSelectedBy(policy, pods).length > 0) return [];
  const selector = asObject(asObject(policy.spec)?.podSelector);
  const selectsAll = selector !== undefined && Object.keys(asLabels(selector.matchLabels)).length === 0 && asArray(selector.matchExpressions).length === 0;
  if (selectsAll) {
    return [finding(policy, 'network.policy-selects-pods', 'warning', 'spec.podSelector', `selects every pod of namespace '${namespaceOf(policy)}', which runs none`, 'remove the policy or the empty namespace')];
  }
  return [finding(policy, 'network.policy-selects-pods', 'error', 'spec.podSelector', `selects no pod in namespace '${namespaceOf(policy)}': it protects nothing`, 'make spec.podSelector match the labels of the pods it is meant for')];
}

/** Address ranges that are not the internet. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10'];

function isPrivateCidr(cidr: string): boolean {
  return isIPv4Cidr(cidr) && PRIVATE_RANGES.some((range) => cidrContains(range, cidr));
}

/**
 * Egress that reaches the internet: a rule without destinations, or an ipBlock beyond private ranges.
 * The exception is declared on the workloads the policy selects (`network-egress-internet` in the catalog),
 * so it counts only when every selected workload declares it.
 */
function checkInternetEgress(policy: KubeObject, pods: readonly PodTemplate[]): Finding[] {
  if (!policyTypes(policy).includes('Egress')) return [];
  const rule = 'network.egress-internet';
  const selected = podsSelectedBy(policy, pods);
  const reasons = selected.map((pod) => exceptionReason(pod.owner, rule));
  const reason = reasons.length > 0 && reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
  const findings: Finding[] = [];
  const report = (path: string, what: string) => {
    const base = finding(policy, rule, 'error', path, `allows egress to ${what}`, 'allow egress only to named peers (modules, VM addresses); declare the network-egress-internet exception with a reason if it is needed');
    findings.push(reason === undefined ? base : { ...base, reason });
  };
  asArray(asObject(policy.spec)?.egress).forEach((item, i) => {
    const to = asArray(asObject(item)?.to);
    if (to.length === 0) report(`spec.egress[${i}].to`, 'any destination, the internet included');
    to.forEach((peer, j) => {
      const cidr = asString(asObject(asObject(peer)?.ipBlock)?.cidr);
      if (cidr !== undefined && !isPrivateCidr(cidr)) report(`spec.egress[${i}].to[${j}].ipBlock.cidr`, `'${cidr}', which includes the internet`);
    });
  });
  return findings;
}

function checkService(service: KubeObject, pods: readonly PodTemplate[], objects: readonly KubeObject[]): Finding[] {
  const spec = asObject(service.spec) ?? {};
  if (spec.type === 'ExternalName') return [];
  const selector = asLabels(spec.selector);
  const ports = asArray(spec.ports).map((p) => asObject(p) ?? {});
  if (Object.keys(selector).length === 0) return checkSelectorlessService(service, ports, objects);

  const selected = pods.filter((pod) => namespaceOf(pod.owner) === namespaceOf(service) && labelMapMatches(selector, pod.labels));
  if (selected.length === 0) {
    return [finding(service, 'network.service-selects-pods', 'error', 'spec.selector', `selector ${JSON.stringify(selector)} matches no pod in namespace '${namespaceOf(service)}'`, "make spec.selector match the workload's pod template labels")];
  }
  const findings: Finding[] = [];
  ports.forEach((port, i) => {
    const target = port.targetPort;
    if (typeof target !== 'string') return;
    const unnamed = selected.filter((pod) => !containersOf(pod).some(({ container }) => asArray(container.ports).some((p) => asObject(p)?.name === target)));
    if (unnamed.length > 0) {
      findings.push(
        finding(service, 'network.service-target-port', 'error', `spec.ports[${i}].targetPort`, `targetPort '${target}' names no container port of ${unnamed.map((p) => `${p.owner.kind}/${p.owner.metadata?.name}`).join(', ')}`, 'name the container port the same as targetPort'),
      );
    }
  });
  return findings;
}

/** A Service without a selector routes only to the endpoints someone declares for it. */
function checkSelectorlessService(service: KubeObject, ports: readonly Record<string, unknown>[], objects: readonly KubeObject[]): Finding[] {
  const name = service.metadata?.name;
  const slices = objects.filter(
    (o) => o.kind === 'EndpointSlice' && namespaceOf(o) === namespaceOf(service) && asLabels(o.metadata?.labels)['kubernetes.io/service-name'] === name,
  );
  const endpoints = objects.filter((o) => o.kind === 'Endpoints' && namespaceOf(o) === namespaceOf(service) && o.metadata?.name === name);
  if (slices.length === 0 && endpoints.length === 0) {
    return [finding(service, 'network.service-endpoints', 'error', 'spec.selector', 'has no selector and no EndpointSlice or Endpoints: it routes nowhere', `add an EndpointSlice labelled kubernetes.io/service-name: ${String(name)}, or a selector`)];
  }
  const endpointPortNames = new Set([
    ...slices.flatMap((s) => asArray(s.ports).map((p) => asString(asObject(p)?.name) ?? '')),
    ...endpoints.flatMap((e) => asArray(e.subsets).flatMap((s) => asArray(asObject(s)?.ports).map((p) => asString(asObject(p)?.name) ?? ''))),
  ]);
  const findings: Finding[] = [];
  ports.forEach((port, i) => {
    const portName = asString(port.name) ?? '';
    if (!endpointPortNames.has(portName)) {
      findings.push(
        finding(service, 'network.service-endpoints', 'error', `spec.ports[${i}].name`, `port '${portName}' has no endpoint port of the same name: kube-proxy would not route it`, 'name the EndpointSlice port like the Service port'),
      );
    }
  });
  return findings;
}

function checkIngress(ingress: KubeObject, objects: readonly KubeObject[]): Finding[] {
  const spec = asObject(ingress.spec) ?? {};
  const backends: { path: string; backend: Record<string, unknown> }[] = [];
  const defaultBackend = asObject(asObject(spec.defaultBackend)?.service);
  if (defaultBackend) backends.push({ path: 'spec.defaultBackend.service', backend: defaultBackend });
  asArray(spec.rules).forEach((rule, i) => {
    asArray(asObject(asObject(rule)?.http)?.paths).forEach((p, j) => {
      const backend = asObject(asObject(asObject(p)?.backend)?.service);
      if (backend) backends.push({ path: `spec.rules[${i}].http.paths[${j}].backend.service`, backend });
    });
  });

  const findings: Finding[] = [];
  for (const { path, backend } of backends) {
    const name = asString(backend.name);
    const service = objects.find((o) => o.kind === 'Service' && namespaceOf(o) === namespaceOf(ingress) && o.metadata?.name === name);
    if (!service) {
      findings.push(finding(ingress, 'network.ingress-backend', 'error', `${path}.name`, `routes to Service '${String(name)}', which does not exist in namespace '${namespaceOf(ingress)}'`, 'route to an existing Service of the same namespace'));
      continue;
    }
    const port = asObject(backend.port) ?? {};
    const servicePorts = asArray(asObject(service.spec)?.ports).map((p) => asObject(p) ?? {});
    const field = port.name !== undefined ? 'name' : 'number';
    const wanted = port[field];
    if (!servicePorts.some((p) => p[field === 'name' ? 'name' : 'port'] === wanted)) {
      const exposed = servicePorts.map((p) => `${String(p.name ?? '')}:${String(p.port)}`).join(', ');
      findings.push(
        finding(ingress, 'network.ingress-backend', 'error', `${path}.port.${field}`, `Service '${String(name)}' exposes no port ${String(wanted)} (it exposes ${exposed || 'none'})`, 'route to a port the Service exposes'),
      );
    }
  }
  return findings;
}
