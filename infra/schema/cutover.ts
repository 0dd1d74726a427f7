import type { InputProblem } from '../model/errors.js';
import { cidrContains } from '../model/cidr.js';
import { hasInClusterProfile, IN_CLUSTER_SERVICES, STATEFUL_SERVICES, type CutoverStage, type Environment } from './environment.js';

/**
 * The migration rules zod cannot express: how a module's cutover fields go together, which modules may have one (the
 * catalog decides), and which stateful services may run in the cluster. Each problem names the environment file and
 * the field path (`cutover.vehicle-portal.weight`).
 */

/** The stage of a module in an environment: `kubernetes` unless the environment lists it. */
export function cutoverStage(env: Pick<Environment, 'cutover'>, module: string): CutoverStage {
  return env.cutover[module]?.stage ?? 'kubernetes';
}

/** Rules within the environment: a weight only with `canary`, a legacy upstream for `legacy` and `canary`, profiles. */
export function migrationFieldProblems(env: Environment, file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ file, path, message });
  const { podCidr, serviceCidr } = env.cluster.network;
  for (const [module, cutover] of Object.entries(env.cutover)) {
    const at = (field: string) => `cutover.${module}.${field}`;
    if (cutover.weight !== undefined && cutover.stage !== 'canary') {
      problem(at('weight'), `'weight' (${cutover.weight}) is only for stage 'canary', not '${cutover.stage}': remove it`);
    }
    if (cutover.stage === 'canary' && cutover.weight === undefined) {
      problem(at('weight'), "stage 'canary' needs 'weight': the percent of requests (1-99) that go to Kubernetes");
    }
    if (cutover.header !== undefined && cutover.stage !== 'canary') {
      problem(at('header'), `'header' (${cutover.header}) is only for stage 'canary', not '${cutover.stage}': remove it`);
    }
    if ((cutover.stage === 'legacy' || cutover.stage === 'canary') && cutover.legacy === undefined) {
      problem(at('legacy'), `stage '${cutover.stage}' needs 'legacy': the addresses and port of the deployment outside the cluster`);
    }
    cutover.legacy?.addresses.forEach((address, i) => {
      for (const [name, range] of [['podCidr', podCidr], ['serviceCidr', serviceCidr]] as const) {
        if (cidrContains(range, address)) problem(at(`legacy.addresses[${i}]`), `'${address}' is inside cluster.network.${name} '${range}': a legacy upstream runs outside the cluster`);
      }
    });
  }
  for (const service of STATEFUL_SERVICES) {
    const declared = env.statefulServices[service];
    if (hasInClusterProfile(service)) continue;
    const known = `only ${IN_CLUSTER_SERVICES.join(', ')} can run in the cluster so far (infra/synth/workloads/stateful/profiles.ts)`;
    if (declared.mode === 'cluster') problem(`statefulServices.${service}.mode`, `'${service}' has no in-cluster profile: ${known}`);
    if (declared.cluster !== undefined) problem(`statefulServices.${service}.cluster`, `'${service}' has no in-cluster profile: ${known}`);
  }
  return problems;
}

/** The catalog's side of a cutover: the module exists, and has a public route to split. */
export interface CutoverModule {
  readonly name: string;
  readonly routes: readonly unknown[];
}

/** Rules against the catalog: every listed module exists and is routed. */
export function cutoverCatalogProblems(env: Pick<Environment, 'cutover'>, catalog: readonly CutoverModule[], file: string): InputProblem[] {
  const byName = new Map(catalog.map((m) => [m.name, m]));
  const problems: InputProblem[] = [];
  for (const module of Object.keys(env.cutover)) {
    const spec = byName.get(module);
    if (!spec) problems.push({ file, path: `cutover.${module}`, message: `names unknown module '${module}'` });
    else if (spec.routes.length === 0) {
      problems.push({ file, path: `cutover.${module}`, message: `module '${module}' has no public route: only routed modules (routes in modules/) can be cut over` });
    }
  }
  return problems;
}
