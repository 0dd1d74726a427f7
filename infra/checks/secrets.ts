import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from '../model/errors.js';
import { secretsIn } from '../model/secrets.js';
import type { KubeObject } from '../model/types.js';
import { finding, type CheckInput, type Finding } from './finding.js';
import { asArray, asObject, asString, containersOf, isBuiltInApiVersion, keyPath, podTemplates } from './kube.js';

/**
 * Rule family `secrets`: no secret value in plain text anywhere the platform writes. Secret values never enter
 * the pure core: where one belongs, the core writes a redaction marker (`<redacted:secret:NAME>`, core/secrets.ts)
 * that the Pulumi program fills from secret config.
 */

/** Words that, ending a name, make it a secret (`MYSQL_PASSWORD`, `gitlabToken`, `jwtSecret`). */
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'accesskey', 'credential', 'credentials']);
/** `key` is a secret only after one of these (`API_KEY`, `privateKey`), not in `CACHE_KEY` or a toleration's `key`. */
const SECRET_KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'encryption', 'client', 'master', 'ssh', 'tls']);
/** Keys of Secrets whose values are not secret (KubeSphere basic-auth credentials, TLS certificates). */
const PUBLIC_SECRET_KEYS = new Set(['username', 'user', 'ca.crt', 'tls.crt']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * Whether a field, variable or config key names a secret value. Names of references to secrets
 * (`existingSecret`, `secretName`, `passwordFile`, `credential_id`) are not secrets themselves.
 */
export function looksSecret(name: string): boolean {
  const parts = words(name);
  const last = parts[parts.length - 1];
  if (last === undefined || parts[0] === 'existing') return false;
  if (last === 'key') return parts.length >= 2 && SECRET_KEY_QUALIFIERS.has(parts[parts.length - 2]!);
  return SECRET_WORDS.has(last) || /(password|secret|token)$/.test(last);
}

function isRedacted(value: string): boolean {
  return secretsIn(value).length > 0;
}

function decodeBase64(value: string): string {
  const decoded = Buffer.from(value, 'base64');
  return decoded.toString('base64').replace(/=+$/, '') === value.replace(/=+$/, '') ? decoded.toString('utf8') : value;
}

export function checkSecrets(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  for (const obj of input.objects) {
    if (obj.kind === 'Secret') findings.push(...checkSecretObject(obj));
    else if (obj.kind === 'ConfigMap') findings.push(...checkConfigMap(obj));
    else if (!isBuiltInApiVersion(asString(obj.apiVersion) ?? '')) findings.push(...walkForSecrets(obj, obj.spec, 'spec'));
  }
  for (const template of podTemplates(input.objects)) {
    for (const { container, name, path } of containersOf(template)) {
      asArray(container.env).forEach((item, index) => {
        const variable = asObject(item) ?? {};
        const varName = asString(variable.name) ?? String(index);
        const value = asString(variable.value);
        if (value && looksSecret(varName)) {
          findings.push(
            finding(template.owner, 'secrets.env-literal', 'error', `${path}.env[${varName}].value`, `container '${name}' sets ${varName} to a literal value: the secret is readable by anyone who can read the ${template.owner.kind}`, 'use valueFrom.secretKeyRef to a Secret filled from secret config'),
          );
        }
      });
    }
  }
  for (const release of input.helmReleases ?? []) {
    const ref = `HelmRelease/${release.namespace}/${release.name}`;
    findings.push(...walkForSecrets(ref, release.values, 'values'));
  }
  return findings;
}

function checkSecretObject(secret: KubeObject): Finding[] {
  const findings: Finding[] = [];
  for (const field of ['data', 'stringData'] as const) {
    for (const [key, raw] of Object.entries(asObject(secret[field]) ?? {})) {
      const value = typeof raw === 'string' ? (field === 'data' ? decodeBase64(raw) : raw) : '';
      if (value === '' || PUBLIC_SECRET_KEYS.has(key) || isRedacted(value)) continue;
      findings.push(
        finding(secret, 'secrets.plain-text', 'error', keyPath(field, key), `Secret value '${key}' is plain text in the manifests`, 'write a redaction marker (secretMarker) and set the value with `pulumi config set --secret`'),
      );
    }
  }
  return findings;
}

const CONFIG_ASSIGNMENT = /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key))\b["']?\s*[:=]\s*["']?(\$\{[^}]*\}|\{\{[^}]*\}\}|[^\s"',}]+)/i;

/** Placeholders a config file may hold instead of a value: `${MYSQL_PASSWORD}`, `{{ .token }}`, `$TOKEN`, a redaction marker. */
function isPlaceholder(value: string): boolean {
  return /^\$\{.+\}$|^\{\{.+\}\}$|^\$[A-Z_]+$/.test(value) || isRedacted(value);
}

function checkConfigMap(configMap: KubeObject): Finding[] {
  const findings: Finding[] = [];
  for (const [key, raw] of Object.entries(asObject(configMap.data) ?? {})) {
    const value = asString(raw) ?? '';
    const path = keyPath('data', key);
    if (looksSecret(key) && value && !isPlaceholder(value)) {
      findings.push(finding(configMap, 'secrets.configmap', 'warning', path, `ConfigMap key '${key}' looks like a secret in plain text`, 'move the value to a Secret filled from secret config'));
      continue;
    }
    value.split('\n').forEach((line, i) => {
      const match = CONFIG_ASSIGNMENT.exec(line);
      if (match && !isPlaceholder(match[2]!) && looksSecret(match[1]!)) {
        findings.push(
          finding(configMap, 'secrets.configmap', 'warning', path, `line ${i + 1} of '${key}' sets ${match[1]} in plain text`, 'read the value from an environment variable backed by a Secret (e.g. ${MYSQL_PASSWORD})'),
        );
      }
    });
  }
  return findings;
}

/** Every string under a secret-looking key of a custom resource or Helm values must be a redaction marker. */
function walkForSecrets(owner: KubeObject | string, value: unknown, path: string): Finding[] {
  const map = asObject(value);
  if (Array.isArray(value)) return value.flatMap((item, i) => walkForSecrets(owner, item, `${path}[${i}]`));
  if (!map) return [];
  const findings: Finding[] = [];
  for (const [key, child] of Object.entries(map)) {
    const childPath = keyPath(path, key);
    if (typeof child === 'string' && child !== '' && looksSecret(key) && !isRedacted(child)) {
      findings.push(finding(owner, 'secrets.plain-text', 'error', childPath, `'${key}' is a secret in plain text`, 'write a redaction marker (secretMarker) and set the value with `pulumi config set --secret`'));
    } else findings.push(...walkForSecrets(owner, child, childPath));
  }
  return findings;
}

/**
 * Checks a stack config file `Pulumi.<stack>.yaml`: every `icv:` key that names a secret must hold a
 * `secure:` value (ciphertext the Pulumi CLI made), never plain text. `text` is the file's content, read by the
 * shell. Throws InputError on malformed YAML.
 */
export function checkStackConfig(file: string, text: string): Finding[] {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new InputError(doc.errors.map((e) => ({ file, path: e.linePos ? `line ${e.linePos[0].line}` : '', message: `YAML syntax error: ${e.message.split('\n')[0]}` })));
  }
  const config = asObject(asObject(doc.toJS())?.config) ?? {};
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(config)) {
    const [namespace, name] = key.includes(':') ? key.split(':', 2) : ['', key];
    if (namespace !== 'icv' || !name || !looksSecret(name)) continue;
    if (asObject(value)?.secure !== undefined) continue;
    findings.push(
      finding(basename(file), 'secrets.stack-config', 'error', `config['${key}']`, `'${key}' is a secret stored in plain text in ${basename(file)}`, `remove it and run: pulumi config set --secret ${key} --stack ${basename(file).replace(/^Pulumi\.|\.yaml$/g, '')}`),
    );
  }
  return findings;
}
