import { createHmac } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** bcrypt cost: the Go bcrypt default, what Helm's (sprig's) `htpasswd` uses. */
const COST = 10;

/**
 * An htpasswd line `user:$2b$10$…` for Harbor's registry (goharbor/harbor-helm v1.15.1
 * `registry.credentials.htpasswdString`), stable across runs: the bcrypt salt is derived from the password itself
 * (HMAC-SHA256, keyed by the password, over a fixed label and the user), so the same secret always gives the same
 * line and a new password gives a new salt. The salt stays secret with the password; the line is only ever a Pulumi
 * secret. distribution's htpasswd auth reads `$2b$` through golang.org/x/crypto/bcrypt.
 */
export function registryHtpasswd(user: string, password: string): string {
  const digest = createHmac('sha256', password).update(`icv-platform/harbor-registry-htpasswd/v1/${user}`).digest();
  const salt = `$2b$${COST}$${bcrypt.encodeBase64(digest.subarray(0, 16), 16)}`;
  return `${user}:${bcrypt.hashSync(password, salt)}`;
}
