import * as pulumi from '@pulumi/pulumi';
import { objectRef } from '../checks/finding.js';
import { fillSecrets, secretsIn, type SecretName } from '../model/secrets.js';
import type { KubeObject } from '../model/types.js';

/** Where a secret's value comes from at apply time: stack config, or a resource that produces it (a Harbor robot). */
export type SecretSource = (name: SecretName) => pulumi.Output<string>;

/**
 * `text` with every redaction marker replaced by its secret, as a Pulumi secret; `text` itself when it has none.
 * Inside a JSON document (the `.dockerconfigjson` of a pull secret) the value is JSON-escaped, so a secret with a
 * quote or a backslash cannot break the document.
 */
export function fillMarkers(text: string, source: SecretSource): pulumi.Input<string> {
  const names = [...new Set(secretsIn(text))];
  if (names.length === 0) return text;
  const json = isJsonDocument(text);
  return pulumi.secret(
    pulumi.all(names.map(source)).apply((values) =>
      fillSecrets(text, (name) => {
        const value = values[names.indexOf(name)] ?? '';
        return json ? JSON.stringify(value).slice(1, -1) : value;
      }),
    ),
  );
}

/** A copy of a JSON value (Helm values) with every string's markers filled; the strings that had one become secrets. */
export function fillMarkersDeep(value: unknown, source: SecretSource): unknown {
  if (typeof value === 'string') return fillMarkers(value, source);
  if (Array.isArray(value)) return value.map((item) => fillMarkersDeep(item, source));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fillMarkersDeep(child, source)]));
  }
  return value;
}

/**
 * The inputs of an object's resource: the object itself, with the markers in a Secret's `stringData` filled and
 * the whole `stringData` registered as a Pulumi secret (encrypted in the state, shown as [secret] in previews).
 *
 * Markers anywhere else are refused: a value placed in a ConfigMap, an annotation or a pod spec would be stored
 * and shown in plain text, so secrets reach the cluster only through Secret objects.
 */
export function resolveObjectSecrets(obj: KubeObject, source: SecretSource): Record<string, unknown> {
  const stringData = obj.kind === 'Secret' ? (obj.stringData as Record<string, string> | undefined) : undefined;
  const outside = secretsIn(JSON.stringify(stringData === undefined ? obj : { ...obj, stringData: undefined }));
  if (outside.length > 0) {
    throw new Error(
      `${objectRef(obj)} holds the secret marker for '${outside[0]}' outside a Secret's stringData: ` +
        'reference the secret through a Secret (secretKeyRef, a mounted Secret volume) instead of embedding it',
    );
  }
  if (stringData === undefined) return { ...obj };
  const filled = Object.fromEntries(Object.entries(stringData).map(([key, text]) => [key, fillMarkers(text, source)]));
  return { ...obj, stringData: pulumi.secret(filled) };
}

function isJsonDocument(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}
