import type { z } from 'zod';
import { configuredSecretNamed, credentialShape, looksSecret } from '../model/secret-names.js';
import type { ModuleSpec } from './module.js';

/**
 * Rules of one module across its fields (zod `superRefine` on the module schema), each reported at the field that
 * would have to change, with what would be right. Rules across modules (names, routes, dependencies) are in
 * `catalog-rules.ts`.
 */
export function refineModule(module: ModuleSpec, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  // A limit below its request is rejected by the API server when the Deployment's pods are created, long after synth.
  for (const resource of ['cpu', 'memory'] as const) {
    const request = module.resources.requests[resource];
    const limit = module.resources.limits[resource];
    if (quantity(limit) < quantity(request)) {
      issue(['resources', 'limits', resource], `'resources.limits.${resource}' (${limit}) is below 'resources.requests.${resource}' (${request}): a limit must be at least its request`);
    }
  }

  // The autoscaler refuses minReplicas above maxReplicas; the workload would silently run the minimum.
  if ('min' in module.scaling && module.scaling.min > module.scaling.max) {
    issue(['scaling', 'max'], `'scaling.max' (${module.scaling.max}) is below 'scaling.min' (${module.scaling.min}): raise max to at least ${module.scaling.min}`);
  }

  // Plain configuration lands in a ConfigMap and in dist/: a credential there is readable by anyone who reads either.
  for (const [name, value] of Object.entries(module.config.env)) {
    const why = value === '' ? undefined : secretReason(name, value);
    if (why) issue(['config', 'env', name], `${why}: plain configuration is stored in a ConfigMap and dist/; read it from a Secret (dependsOn.stateful credentials, or a secret in infra/model/secrets.ts)`);
  }
  for (const [name, content] of Object.entries(module.config.files)) {
    const shape = credentialShape(content);
    if (shape) issue(['config', 'files', name], `holds ${shape}: mounted files come from a ConfigMap and are written to dist/; keep credentials in Secrets`);
  }
}

function secretReason(name: string, value: string): string | undefined {
  const configured = configuredSecretNamed(name);
  if (configured) return `'${name}' is the stack secret '${configured}' set as a literal`;
  if (looksSecret(name)) return `'${name}' names a credential and is set to a literal`;
  const shape = credentialShape(value);
  return shape ? `the value of '${name}' is ${shape}` : undefined;
}

/** Millicores or mebibytes as a number: the schema allows only `<n>m` and `<n>Mi`. */
function quantity(value: string): number {
  return Number.parseInt(value, 10);
}
