import { diffValues, objectRisks, type DistObject, type FlagReason, type RiskOptions } from '../../infra/preview/index.js';

/** Small objects for the risk rules' in-process tests (risk-flag-rules, risk-flag-edges, risk-flag-boundaries). */
export type Body = Record<string, any>;

export const ns = 'icv-vehicle';
export const meta = (name: string, extra: Body = {}) => ({ name, namespace: ns, ...extra });

/** An object as the diff reads it from a synthesized tree: its key, file and unit (a module's, by default). */
export function distObject(body: Body, unit = 'module/vehicle-access'): DistObject {
  const namespace = body.metadata?.namespace as string | undefined;
  return {
    key: `${body.apiVersion}/${body.kind}/${namespace ?? ''}/${body.metadata.name}`,
    apiVersion: body.apiVersion,
    kind: body.kind,
    ...(namespace !== undefined && { namespace }),
    name: body.metadata.name,
    file: `manifests/${unit}.yaml`,
    line: 1,
    unit,
    module: unit.startsWith('module/') ? unit.slice('module/'.length) : undefined,
    body,
  } as DistObject;
}

/** The reasons a change from `before` to `after` raises (either may be missing: an addition, a deletion). */
export function risks(before: Body | undefined, after: Body | undefined, options: RiskOptions = {}, units: [string?, string?] = []): FlagReason[] {
  return objectRisks({
    env: 'prod',
    ...(before && { before: distObject(before, units[0]) }),
    ...(after && { after: distObject(after, units[1] ?? units[0]) }),
    changes: diffValues(before ?? {}, after ?? {}),
  }, options);
}
