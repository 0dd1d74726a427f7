import { CUTOVER_STAGE_ANNOTATION, CUTOVER_WEIGHT_ANNOTATION } from '../model/names.js';
import { isRecord, valueAt } from '../model/json.js';
import type { DistObject } from './dist-tree.js';

/**
 * A module's cutover as a reviewer reads it: the stage of each public route and the share Kubernetes serves, taken from
 * the module's primary Ingress (named after the module; synth annotates it with the stage and weight, and an Ingress
 * without them is on `kubernetes`). A stage change becomes one line per route:
 * `route console.icv.example.cn/vehicle: legacy 100% → canary 20%`.
 */

export type RouteStageName = 'legacy' | 'canary' | 'kubernetes';

export interface RouteStage {
  readonly stage: RouteStageName;
  /** Percent of requests the Deployment serves. */
  readonly kubernetesWeight: number;
}

/** The stage a primary Ingress is on. */
export function ingressStage(ingress: unknown): RouteStage {
  const annotations = valueAt(ingress, ['metadata', 'annotations']);
  const stage = isRecord(annotations) ? annotations[CUTOVER_STAGE_ANNOTATION] : undefined;
  if (stage === 'legacy' || stage === 'canary') {
    const weight = Number(isRecord(annotations) ? annotations[CUTOVER_WEIGHT_ANNOTATION] : 0);
    return { stage, kubernetesWeight: stage === 'legacy' ? 0 : Number.isFinite(weight) ? weight : 0 };
  }
  return { stage: 'kubernetes', kubernetesWeight: 100 };
}

/** `legacy 100%`, `canary 20%`, `kubernetes 100%`: the stage and the share of whoever the stage is named after. */
export function describeStage(stage: RouteStage): string {
  if (stage.stage === 'legacy') return 'legacy 100%';
  return `${stage.stage} ${stage.kubernetesWeight}%`;
}

/**
 * The stage change of a primary Ingress, one line per route; none when the stage and weight stay, or for an Ingress
 * that appears or goes on stage kubernetes (a new or removed module, which the object changes describe).
 */
export function cutoverLines(before: unknown, after: unknown): string[] {
  const stageA = before === undefined ? undefined : ingressStage(before);
  const stageB = after === undefined ? undefined : ingressStage(after);
  if (stageA && stageB && stageA.stage === stageB.stage && stageA.kubernetesWeight === stageB.kubernetesWeight) return [];
  if ((stageA ?? stageB)!.stage === 'kubernetes' && (!stageA || !stageB)) return [];
  const from = stageA === undefined ? '(no route)' : describeStage(stageA);
  const to = stageB === undefined ? '(no route)' : describeStage(stageB);
  return ingressRoutes(after ?? before).map((route) => `route ${route}: ${from} → ${to}`);
}

/** Whether an object is a module's primary Ingress: the Ingress named after the module in its unit. */
export function isPrimaryIngress(object: DistObject): boolean {
  return object.kind === 'Ingress' && object.module !== undefined && object.name === object.module;
}

/** Why a change to a primary Ingress is a jump straight from `legacy` to `kubernetes`, if it is one. */
export function skippedCanary(before: unknown, after: unknown): string | undefined {
  if (before === undefined || after === undefined) return undefined;
  const a = ingressStage(before);
  const b = ingressStage(after);
  if (a.stage !== 'legacy' || b.stage !== 'kubernetes') return undefined;
  return `${ingressRoutes(after).join(', ')}: legacy 100% → kubernetes 100% with no canary stage in between`;
}

function ingressRoutes(ingress: unknown): string[] {
  const routes: string[] = [];
  const rules = valueAt(ingress, ['spec', 'rules']);
  for (const rule of Array.isArray(rules) ? rules : []) {
    const host = isRecord(rule) && typeof rule.host === 'string' ? rule.host : '*';
    const paths = valueAt(rule, ['http', 'paths']);
    for (const path of Array.isArray(paths) ? paths : []) routes.push(`${host}${isRecord(path) && typeof path.path === 'string' ? path.path : '/'}`);
  }
  return routes;
}
