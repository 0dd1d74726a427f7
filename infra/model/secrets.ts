/**
 * Secret values never enter the pure core. Where an object needs one, the core writes a visible redaction
 * marker naming the secret; `dist/` keeps the marker, and the Pulumi program replaces it with the secret
 * config value (or a Harbor robot's secret), registered as a Pulumi secret.
 */

/** Every secret a stack needs, as `icv:<key>` config set with `pulumi config set --secret`. */
export const SECRET_KEYS = {
  harborAdminPassword: 'Harbor admin password (Helm value harborAdminPassword, and the dynamic provider\'s credentials)',
  harborSecretKey: 'Harbor\'s encryption key for stored credentials: exactly 16 characters (Helm value secretKey)',
  harborDatabasePassword: 'Password of Harbor\'s internal PostgreSQL (Helm value database.internal.password)',
  harborRegistryPassword: 'Password core uses towards Harbor\'s registry component (Helm value registry.credentials.password)',
  mysqlPassword: 'Password of the platform\'s MySQL account on the VM-hosted MySQL',
  redisPassword: 'Password of the VM-hosted Redis (requirepass)',
  clickhousePassword: 'Password of the platform\'s ClickHouse user',
  elasticsearchPassword: 'Password of the elastic user the log shipper writes with',
  gitlabToken: 'GitLab access token used by pipelines (checkout, release merge requests)',
  tlsCertificate: 'PEM certificate chain of the wildcard certificate for *.<domain> (public routes)',
  tlsPrivateKey: 'PEM private key of the wildcard certificate for *.<domain>',
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

/** Secrets produced at apply time by other resources rather than set by a user. */
export const DERIVED_SECRETS = {
  harborPullRobot: 'Harbor robot account (pull) secret: feeds every namespace\'s image pull secret',
  harborPushRobot: 'Harbor robot account (push) secret: feeds the pipelines\' Harbor credential',
} as const;
export type DerivedSecret = keyof typeof DERIVED_SECRETS;

export type SecretName = SecretKey | DerivedSecret;

const MARKER = /<redacted:secret:([A-Za-z0-9]+)>/g;

/** The marker written where a secret value belongs. */
export function secretMarker(name: SecretName): string {
  return `<redacted:secret:${name}>`;
}

/** Secret names referenced by markers in a string. */
export function secretsIn(text: string): SecretName[] {
  return [...text.matchAll(MARKER)].map((m) => m[1] as SecretName);
}

/** Replaces every marker in `text` using `lookup`. */
export function fillSecrets(text: string, lookup: (name: SecretName) => string): string {
  return text.replace(MARKER, (_, name: string) => lookup(name as SecretName));
}
