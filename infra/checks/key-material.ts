import { finding, type CheckInput, type Finding } from './finding.js';
import { asArray, asObject, asString, containersOf, keyPath, podTemplates } from './kube.js';

/**
 * Rule `secrets.key-material`: key material recognised by its shape, whatever the name it is stored under
 * (`secrets.configmap` and `secrets.env-literal` judge by name, and miss `CERT: -----BEGIN PRIVATE KEY-----` or
 * `OSS_ID: LTAI…`). Looked for in ConfigMap values and container env values.
 */

/** Shapes of key material, each with what it is. Access key ids are matched as whole words. */
const KEY_SHAPES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'a PEM private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { what: 'a PuTTY private key', pattern: /PuTTY-User-Key-File-\d:/ },
  { what: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/ },
  { what: 'an Alibaba Cloud AccessKey id', pattern: /\bLTAI[0-9A-Za-z]{12,20}\b/ },
  { what: 'a Tencent Cloud SecretId', pattern: /\bAKID[0-9A-Za-z]{32}\b/ },
  { what: 'a Google Cloud service account key', pattern: /"type"\s*:\s*"service_account"[\s\S]*"private_key"/ },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'a GitLab personal access token', pattern: /\bglpat-[0-9A-Za-z_-]{20}\b/ },
];

/** What key material a value holds, if any. */
export function keyMaterialIn(value: string): string | undefined {
  return KEY_SHAPES.find(({ pattern }) => pattern.test(value))?.what;
}

export function checkKeyMaterial(input: CheckInput): Finding[] {
  const rule = 'secrets.key-material';
  const fix = 'move it to a Secret filled from secret config (a redaction marker in the manifests) and rotate the key: it has been in plain text';
  const findings: Finding[] = [];
  for (const configMap of input.objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const field of ['data', 'binaryData'] as const) {
      for (const [key, raw] of Object.entries(asObject(configMap[field]) ?? {})) {
        const value = asString(raw) ?? '';
        const text = field === 'binaryData' ? Buffer.from(value, 'base64').toString('utf8') : value;
        const what = keyMaterialIn(text);
        if (what) findings.push(finding(configMap, rule, 'error', keyPath(field, key), `ConfigMap key '${key}' holds ${what}`, fix));
      }
    }
  }
  for (const template of podTemplates(input.objects)) {
    for (const { container, name, path } of containersOf(template)) {
      asArray(container.env).forEach((item, index) => {
        const variable = asObject(item) ?? {};
        const what = keyMaterialIn(asString(variable.value) ?? '');
        const varName = asString(variable.name) ?? String(index);
        if (what) findings.push(finding(template.owner, rule, 'error', `${path}.env[${varName}].value`, `container '${name}' sets ${varName} to ${what}`, fix));
      });
    }
  }
  return findings;
}
