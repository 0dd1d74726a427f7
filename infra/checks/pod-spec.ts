import type { KubeObject } from '../model/types.js';
import { finding, objectRef, type CheckInput, type Finding } from './finding.js';
import { asArray, asObject, asString, containersOf, LONG_RUNNING_KINDS, namespaceOf, podTemplates, REPLICATED_KINDS, scaledValue, selectorMatches, type PodTemplate } from './kube.js';

/**
 * Rule family `reliability`, the pod-spec rules the API server accepts but that break at run time, or that look
 * right to the other rules and are not: liveness probes that test a dependency, Jobs that would restart forever
 * (or be rejected), spread constraints the scheduler refuses, anti-affinity terms that do not select their own
 * pods, containers without an image, and disruption budgets that block every drain.
 */

export function checkPodSpecs(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  for (const template of podTemplates(input.objects)) {
    findings.push(...checkLivenessTarget(template), ...checkJobRestartPolicy(template), ...checkSpreadConstraints(template), ...checkAntiAffinity(template), ...checkImages(template));
  }
  const replicated = podTemplates(input.objects).filter((t) => REPLICATED_KINDS.has(t.owner.kind));
  for (const budget of input.objects.filter((o) => o.kind === 'PodDisruptionBudget')) findings.push(...checkBudgetAlone(budget, replicated));
  return findings;
}

const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/**
 * What in an exec probe's command reaches past the container: a URL or a host flag naming another host, or a
 * sub-command known to test a remote end (`filebeat test output`, `curl` of a remote URL, `redis-cli -h db`).
 */
function remoteTarget(command: readonly string[]): string | undefined {
  const line = command.join(' ');
  const url = /\b(?:https?|tcp|grpc|redis|mysql|postgres(?:ql)?|amqp|mqtt):\/\/([^/:\s'"]+)/i.exec(line);
  if (url && !LOCAL_HOSTS.has(url[1]!.toLowerCase())) return `the URL host '${url[1]}'`;
  const hostFlag = /(?:^|\s)(?:-h|--host|-H|--hostname|--server)[=\s]+([^\s'"]+)/.exec(line);
  if (hostFlag && !LOCAL_HOSTS.has(hostFlag[1]!.toLowerCase())) return `the host '${hostFlag[1]}'`;
  const subcommand = /\b(test\s+output|check\s+(?:connection|dependencies|upstream)|ping\s+(?:upstream|remote))\b/i.exec(line);
  if (subcommand) return `'${subcommand[1]}'`;
  return undefined;
}

/**
 * A liveness probe restarts the container when it fails: it must test the process, never a dependency (a
 * restart cannot fix a database or a Logstash outage; it turns one outage into restarts on every node). The
 * same check for readiness and liveness is `reliability.probes-identical`.
 */
function checkLivenessTarget(template: PodTemplate): Finding[] {
  if (!LONG_RUNNING_KINDS.has(template.owner.kind)) return [];
  const findings: Finding[] = [];
  for (const { container, name, path, init } of containersOf(template)) {
    const liveness = asObject(container.livenessProbe);
    if (init || !liveness) continue;
    const report = (field: string, what: string) =>
      findings.push(
        finding(template.owner, 'reliability.liveness-dependency', 'error', `${path}.livenessProbe.${field}`, `container '${name}''s liveness probe calls ${what}: when that dependency fails, every replica restarts and the outage stays`, 'make liveness test only the process itself (a local endpoint or socket); test dependencies in readiness'),
      );
    const httpHost = asString(asObject(liveness.httpGet)?.host);
    if (httpHost !== undefined && !LOCAL_HOSTS.has(httpHost.toLowerCase())) report('httpGet.host', `the host '${httpHost}'`);
    const tcpHost = asString(asObject(liveness.tcpSocket)?.host);
    if (tcpHost !== undefined && !LOCAL_HOSTS.has(tcpHost.toLowerCase())) report('tcpSocket.host', `the host '${tcpHost}'`);
    const command = asArray(asObject(liveness.exec)?.command).filter((c): c is string => typeof c === 'string');
    const remote = remoteTarget(command);
    if (remote !== undefined) report('exec.command', remote);
  }
  return findings;
}

const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];

/** A Job's pods must say how to restart: the API rejects `Always` (the default when unset) for Jobs and CronJobs. */
function checkJobRestartPolicy(template: PodTemplate): Finding[] {
  if (template.owner.kind !== 'Job' && template.owner.kind !== 'CronJob') return [];
  const policy = template.spec.restartPolicy;
  if (typeof policy === 'string' && JOB_RESTART_POLICIES.includes(policy)) return [];
  const what = policy === undefined ? 'is unset (it defaults to Always, which the API rejects for Jobs)' : `is '${String(policy)}'`;
  return [finding(template.owner, 'reliability.job-restart-policy', 'error', `${template.path}.restartPolicy`, `restartPolicy ${what}`, 'set restartPolicy to OnFailure or Never')];
}

/** `topologySpreadConstraints` the API server or the scheduler rejects, or that do not select the pods they spread. */
function checkSpreadConstraints(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  asArray(template.spec.topologySpreadConstraints).forEach((item, i) => {
    const c = asObject(item) ?? {};
    const path = `${template.path}.topologySpreadConstraints[${i}]`;
    const report = (field: string, message: string, fix: string) => findings.push(finding(template.owner, 'reliability.spread-constraint', 'error', `${path}${field}`, message, fix));
    if (typeof c.maxSkew !== 'number' || !Number.isInteger(c.maxSkew) || c.maxSkew < 1) report('.maxSkew', `maxSkew ${JSON.stringify(c.maxSkew)} is not a whole number of at least 1: the API rejects the pod`, 'set maxSkew: 1');
    if (c.minDomains !== undefined) {
      if (typeof c.minDomains !== 'number' || !Number.isInteger(c.minDomains) || c.minDomains < 1) report('.minDomains', `minDomains ${JSON.stringify(c.minDomains)} is not a whole number of at least 1`, 'set minDomains to the number of nodes (or zones) to spread over');
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') report('.minDomains', `minDomains needs whenUnsatisfiable: DoNotSchedule (it is ${JSON.stringify(c.whenUnsatisfiable)})`, 'set whenUnsatisfiable: DoNotSchedule or remove minDomains');
    }
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(String(c.whenUnsatisfiable))) report('.whenUnsatisfiable', `whenUnsatisfiable ${JSON.stringify(c.whenUnsatisfiable)} is neither DoNotSchedule nor ScheduleAnyway`, 'set whenUnsatisfiable: ScheduleAnyway or DoNotSchedule');
    if (typeof c.topologyKey !== 'string' || c.topologyKey === '') report('.topologyKey', 'has no topologyKey', 'set topologyKey: kubernetes.io/hostname');
    if (!selectorMatches(c.labelSelector, template.labels)) report('.labelSelector', "labelSelector does not select the pod's own labels: the constraint counts other pods and spreads nothing", 'use the workload selector as labelSelector');
  });
  return findings;
}

/** Anti-affinity terms count as spreading only when they select the pods that carry them. */
function checkAntiAffinity(template: PodTemplate): Finding[] {
  const antiAffinity = asObject(asObject(template.spec.affinity)?.podAntiAffinity) ?? {};
  const base = `${template.path}.affinity.podAntiAffinity`;
  const terms = [
    ...asArray(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution).map((t, i) => ({ term: asObject(t), path: `${base}.requiredDuringSchedulingIgnoredDuringExecution[${i}]` })),
    ...asArray(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution).map((t, i) => ({ term: asObject(asObject(t)?.podAffinityTerm), path: `${base}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm` })),
  ];
  return terms
    .filter(({ term }) => term !== undefined && term.namespaceSelector === undefined && asArray(term.namespaces).every((n) => n === namespaceOf(template.owner)))
    .filter(({ term }) => !selectorMatches(term!.labelSelector, template.labels))
    .map(({ path }) =>
      finding(template.owner, 'reliability.anti-affinity-selector', 'error', `${path}.labelSelector`, "the anti-affinity term's labelSelector does not select the pod's own labels: it keeps replicas apart from nothing", 'use the workload selector as the labelSelector'),
    );
}

function checkImages(template: PodTemplate): Finding[] {
  return containersOf(template)
    .filter(({ container }) => !asString(container.image)?.trim())
    .map(({ name, path }) => finding(template.owner, 'reliability.container-image', 'error', `${path}.image`, `container '${name}' has no image: the pod can never start`, 'set image to the release image in the environment\'s Harbor'));
}

/**
 * A budget that allows no disruption at any replica count blocks every drain, whatever it selects. Budgets of the
 * workloads in the objects are judged at their replica count by `reliability.pdb`; this catches the rest (a
 * chart's pods, a DaemonSet, a budget whose workload is elsewhere).
 */
function checkBudgetAlone(budget: KubeObject, replicated: readonly PodTemplate[]): Finding[] {
  const spec = asObject(budget.spec) ?? {};
  if (replicated.some((t) => namespaceOf(t.owner) === namespaceOf(budget) && selectorMatches(spec.selector, t.labels))) return [];
  if (spec.maxUnavailable === undefined) return [];
  if (scaledValue(spec.maxUnavailable, 1_000_000) !== 0) return [];
  return [finding(budget, 'reliability.pdb-blocks-drain', 'error', 'spec.maxUnavailable', `maxUnavailable ${JSON.stringify(spec.maxUnavailable)} allows no eviction: every node drain waits forever on ${objectRef(budget)}`, 'use maxUnavailable: 1')];
}
