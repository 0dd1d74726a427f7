import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/**
 * Validators from the upstream CRDs (the in-repo copies of shared/reference/crds, byte-identical), by
 * `apiVersion/kind`. Structural schemas make the API server prune unknown fields silently, so every object schema
 * that does not preserve unknown fields is closed here: a misspelt field fails instead of vanishing.
 */
const CRD_FILES = [
  'devops.kubesphere.io_devopsprojects.yaml',
  'devops.kubesphere.io_pipelines.yaml',
  'tenant.kubesphere.io_workspacetemplates.yaml',
];

type Schema = Record<string, any>;

function close(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, close(v as Schema)]));
  if (schema.items && typeof schema.items === 'object') out.items = close(schema.items);
  if (schema.properties && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

export interface CrdValidator {
  readonly validate: ValidateFunction;
  readonly namespaced: boolean;
}

export function crdValidators(): Map<string, CrdValidator> {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, CrdValidator>();
  for (const file of CRD_FILES) {
    const crd = parse(readFileSync(new URL(`../../infra/checks/crds/${file}`, import.meta.url), 'utf8'));
    for (const version of crd.spec.versions) {
      validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, {
        validate: ajv.compile(close(version.schema.openAPIV3Schema)),
        namespaced: crd.spec.scope === 'Namespaced',
      });
    }
  }
  return validators;
}
