import { SECRET_KEYS, secretsIn } from './secrets.js';

/**
 * What makes a name or a value a credential. Pure, shared by synth's own validation of the catalog (exit 2) and
 * the `secrets` rules of `npm run check`, so both agree on what a secret is.
 */

/** Words that, ending a name, make it a secret (`MYSQL_PASSWORD`, `gitlabToken`, `jwtSecret`). */
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'accesskey', 'credential', 'credentials']);
/** `key` is a secret only after one of these (`API_KEY`, `privateKey`), not in `CACHE_KEY` or a toleration's `key`. */
const SECRET_KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'encryption', 'client', 'master', 'ssh', 'tls']);

export function nameWords(name: string): string[] {
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
  const parts = nameWords(name);
  const last = parts[parts.length - 1];
  if (last === undefined || parts[0] === 'existing') return false;
  if (last === 'key') return parts.length >= 2 && SECRET_KEY_QUALIFIERS.has(parts[parts.length - 2]!);
  return SECRET_WORDS.has(last) || /(password|secret|token)$/.test(last);
}

const CONFIGURED = new Map(Object.keys(SECRET_KEYS).map((key) => [nameWords(key).join(''), key]));

/** The stack secret (`icv:<key>`, SECRET_KEYS) a name spells, in any case style: `TLS_PRIVATE_KEY` → `tlsPrivateKey`. */
export function configuredSecretNamed(name: string): string | undefined {
  return CONFIGURED.get(nameWords(name).join(''));
}

/** Shapes of values that are credentials whatever they are called. */
const CREDENTIAL_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, 'a URL with a password in it'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab access token'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/, 'a JSON Web Token'],
];

/**
 * Why a plain value is a credential, or undefined. A redaction marker counts too: secrets reach the cluster only
 * through Secret objects, so a marker in plain configuration would be a secret in a ConfigMap.
 */
export function credentialShape(value: string): string | undefined {
  if (secretsIn(value).length > 0) return `the secret marker of '${secretsIn(value)[0]}'`;
  return CREDENTIAL_SHAPES.find(([pattern]) => pattern.test(value))?.[1];
}
