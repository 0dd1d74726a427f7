import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../model/types.js';
import { finding, objectRef, type CheckInput, type Finding } from './finding.js';
import {
  asArray,
  asLabels,
  asObject,
  containersOf,
  HOSTNAME_KEY,
  labelMapMatches,
  LONG_RUNNING_KINDS,
  namespaceOf,
  podTemplate,
  REPLICATED_KINDS,
  replicaRange,
  scaledValue,
  selectorMatches,
  type PodTemplate,
} from './kube.js';

/**
 * Rule family `reliability` (kube-score's CRITICAL checks and the platform's replica rules): resources,
 * probes, selectors, disruption budgets that allow drains, spreading, replicas in production, HPA bounds.
 */

export function checkReliability(input: CheckInput): Finding[] {
  const { objects } = input;
  const findings: Finding[] = [];
  for (const obj of objects) {
    const template = podTemplate(obj);
    if (template) {
      findings.push(...checkResources(template), ...checkProbes(template, objects), ...checkSelector(template));
      if (REPLICATED_KINDS.has(obj.kind)) findings.push(...checkReplicas(template, input));
    }
    if (obj.kind === 'HorizontalPodAutoscaler') findings.push(...checkAutoscaler(obj, objects));
  }
  return findings;
}

function checkResources(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const { container, name, path } of containersOf(template)) {
    const resources = asObject(container.resources) ?? {};
    for (const resource of ['cpu', 'memory'] as const) {
      if (asObject(resources.limits)?.[resource] === undefined) {
        findings.push(
          finding(template.owner, 'reliability.limits', 'error', `${path}.resources.limits.${resource}`, `container '${name}' has no ${resource} limit`, `set resources.limits.${resource}`),
        );
      }
      if (asObject(resources.requests)?.[resource] === undefined) {
        findings.push(
          finding(template.owner, 'reliability.requests', 'warning', `${path}.resources.requests.${resource}`, `container '${name}' has no ${resource} request; the scheduler cannot place it by size`, `set resources.requests.${resource}`),
        );
      }
    }
  }
  return findings;
}

const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const;

function checkProbes(template: PodTemplate, objects: readonly KubeObject[]): Finding[] {
  if (!LONG_RUNNING_KINDS.has(template.owner.kind)) return [];
  const findings: Finding[] = [];
  const targeted = objects.some(
    (o) => o.kind === 'Service' && namespaceOf(o) === namespaceOf(template.owner) && labelMapMatches(asLabels(asObject(o.spec)?.selector), template.labels),
  );
  for (const { container, name, path, init } of containersOf(template)) {
    if (init) continue;
    const readiness = asObject(container.readinessProbe);
    const liveness = asObject(container.livenessProbe);
    if (!readiness) {
      findings.push(
        finding(
          template.owner,
          'reliability.readiness-probe',
          targeted ? 'error' : 'warning',
          `${path}.readinessProbe`,
          targeted ? `container '${name}' has no readiness probe, yet a Service sends it traffic` : `container '${name}' has no readiness probe`,
          'add a readinessProbe on an endpoint that reports whether the container can serve',
        ),
      );
    }
    if (!liveness) {
      findings.push(finding(template.owner, 'reliability.liveness-probe', 'warning', `${path}.livenessProbe`, `container '${name}' has no liveness probe`, 'add a livenessProbe on an endpoint that fails only when a restart helps'));
    }
    if (readiness && liveness && isDeepStrictEqual(probeHandler(readiness), probeHandler(liveness))) {
      findings.push(
        finding(template.owner, 'reliability.probes-identical', 'error', `${path}.livenessProbe`, `container '${name}' uses the same check for readiness and liveness: an overload would restart it instead of shedding traffic`, 'point liveness at a different endpoint than readiness'),
      );
    }
  }
  return findings;
}

function probeHandler(probe: Record<string, unknown>): unknown {
  return PROBE_HANDLERS.map((h) => probe[h]);
}

function checkSelector(template: PodTemplate): Finding[] {
  const { owner } = template;
  if (owner.kind === 'Pod' || owner.kind === 'CronJob') return [];
  const selector = asObject(owner.spec)?.selector;
  if (selector === undefined && owner.kind === 'Job') return [];
  if (selectorMatches(selector, template.labels)) return [];
  return [finding(owner, 'reliability.selector-labels', 'error', 'spec.selector', `spec.selector does not select the pod template's labels`, 'make spec.selector.matchLabels a subset of spec.template.metadata.labels')];
}

/** Disruption budgets that select a workload's pods. */
function budgetsFor(template: PodTemplate, objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter(
    (o) => o.kind === 'PodDisruptionBudget' && namespaceOf(o) === namespaceOf(template.owner) && selectorMatches(asObject(o.spec)?.selector, template.labels),
  );
}

function checkReplicas(template: PodTemplate, input: CheckInput): Finding[] {
  const { owner } = template;
  const { objects, env } = input;
  const findings: Finding[] = [];
  const range = replicaRange(owner, objects);
  const scaler = range.autoscaler ? `${objectRef(range.autoscaler)} minReplicas` : 'spec.replicas';

  if (env?.production && range.min < 2) {
    findings.push(
      finding(owner, 'reliability.min-replicas', 'error', 'spec.replicas', `${range.min} replica(s) (${scaler}) in production environment '${env.name}': one pod lost is an outage`, 'run at least 2 replicas in production'),
    );
  }

  const budgets = budgetsFor(template, objects);
  if (range.min >= 2 && budgets.length === 0) {
    findings.push(
      finding(owner, 'reliability.pdb', 'error', 'spec.selector', `${range.min} replicas but no PodDisruptionBudget selects its pods: a node drain may evict them all at once`, 'add a PodDisruptionBudget with maxUnavailable: 1 selecting these pods'),
    );
  }
  for (const budget of budgets) findings.push(...checkBudget(budget, range.min, range.autoscaler));

  if (range.max >= 2 && !spreadsAcrossHosts(template)) {
    findings.push(
      finding(owner, 'reliability.spread', 'warning', `${template.path}.topologySpreadConstraints`, `up to ${range.max} replicas with nothing spreading them across nodes: one node down may take them all`, `add a topologySpreadConstraint or podAntiAffinity on ${HOSTNAME_KEY}`),
    );
  }
  return findings;
}

/** A budget that allows no eviction at the workload's lowest replica count blocks every node drain. */
function checkBudget(budget: KubeObject, replicas: number, autoscaler: KubeObject | undefined): Finding[] {
  const spec = asObject(budget.spec) ?? {};
  if (spec.minAvailable === undefined && spec.maxUnavailable === undefined) {
    return [finding(budget, 'reliability.pdb', 'error', 'spec', 'sets neither minAvailable nor maxUnavailable', 'set maxUnavailable: 1')];
  }
  const field = spec.maxUnavailable !== undefined ? 'maxUnavailable' : 'minAvailable';
  const resolved = scaledValue(spec[field], replicas);
  if (resolved === undefined) return [];
  const allowed = field === 'maxUnavailable' ? resolved : replicas - resolved;
  if (allowed > 0) return [];
  if (autoscaler && field === 'minAvailable') {
    return [finding(autoscaler, 'reliability.hpa', 'error', 'spec.minReplicas', `minReplicas ${replicas} is not greater than ${objectRef(budget)} minAvailable ${String(spec.minAvailable)}: node drains would block`, `raise minReplicas above ${resolved} or lower the budget's minAvailable`)];
  }
  const message = `${field} ${String(spec[field])} with ${replicas} replica(s) allows no eviction: node drains would block`;
  return [finding(budget, 'reliability.pdb', 'error', `spec.${field}`, message, 'use maxUnavailable: 1')];
}

function spreadsAcrossHosts(template: PodTemplate): boolean {
  const spec = template.spec;
  if (asArray(spec.topologySpreadConstraints).some((c) => asObject(c)?.topologyKey === HOSTNAME_KEY)) return true;
  const antiAffinity = asObject(asObject(spec.affinity)?.podAntiAffinity) ?? {};
  const required = asArray(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution).map(asObject);
  const preferred = asArray(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution).map((p) => asObject(asObject(p)?.podAffinityTerm));
  return [...required, ...preferred].some((term) => term?.topologyKey === HOSTNAME_KEY);
}

function checkAutoscaler(hpa: KubeObject, objects: readonly KubeObject[]): Finding[] {
  const spec = asObject(hpa.spec) ?? {};
  const findings: Finding[] = [];
  const ref = asObject(spec.scaleTargetRef) ?? {};
  const target = objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && namespaceOf(o) === namespaceOf(hpa));
  if (!target) {
    findings.push(
      finding(hpa, 'reliability.hpa', 'error', 'spec.scaleTargetRef', `scales ${String(ref.kind)} '${String(ref.name)}', which does not exist in namespace '${namespaceOf(hpa)}'`, 'point scaleTargetRef at the workload it scales'),
    );
  } else if (asObject(target.spec)?.replicas !== undefined) {
    findings.push(
      finding(hpa, 'reliability.hpa', 'warning', 'spec.scaleTargetRef', `its target ${objectRef(target)} also sets spec.replicas: every apply resets what the autoscaler chose`, 'remove spec.replicas from the autoscaled workload'),
    );
  }
  const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
  const max = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : undefined;
  if (max !== undefined && max < min) {
    findings.push(finding(hpa, 'reliability.hpa', 'error', 'spec.maxReplicas', `maxReplicas ${max} is below minReplicas ${min}`, `set maxReplicas to ${min} or more`));
  }
  return findings;
}
