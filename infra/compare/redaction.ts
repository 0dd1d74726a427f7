import { isRecord } from '../model/json.js';

/** What a redacted value is replaced with. Markdown and JSON show this, never the value. */
export const HIDDEN = '<hidden>';

/** Keys whose value is a secret: `password`, `harborAdminPassword`, `gitlabToken`, `clientSecret`, `privateKey`… */
const SECRET_KEY = /(password|passwd|passphrase|token|secret|api[-_]?key|private[-_]?key|credentials?)$/i;
/** Keys named like a secret that hold a reference to one (a Secret volume source, `imagePullSecrets` items). */
const SECRET_REFERENCE_CONTAINER = /^secrets?$/i;
/** Environment variables whose `value` is a secret: `DB_PASSWORD`, `JWT_SECRET_KEY`, `GITLAB_TOKEN`. */
const SECRET_ENV_NAME = /(password|passwd|passphrase|secret|token|api_?key|private_?key|credential)/i;

/**
 * Whether `child`, found under `key` in `parent`, must never be shown: Secret `data`/`stringData`, keys that look
 * like secrets, and `value` of an environment variable named like one. `listField` is the field of the list
 * `parent` is an item of (`env`), if it is one.
 */
export function hidesChild(parent: unknown, key: string, child: unknown, listField?: string): boolean {
  if (!isRecord(parent)) return false;
  if (parent.kind === 'Secret' && (key === 'data' || key === 'stringData' || key === 'binaryData')) return true;
  if (SECRET_KEY.test(key) && !(SECRET_REFERENCE_CONTAINER.test(key) && typeof child === 'object' && child !== null)) return true;
  return listField === 'env' && key === 'value' && typeof parent.name === 'string' && SECRET_ENV_NAME.test(parent.name);
}

/** A copy of `value` with every secret-looking leaf replaced by HIDDEN. */
export function redact(value: unknown, listField?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item, listField));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = hidesChild(value, key, child, listField) ? hideLeaves(child) : redact(child, Array.isArray(child) ? key : undefined);
  }
  return out;
}

/** Keeps the shape of a hidden subtree (which keys a Secret has is not secret) and hides every leaf. */
function hideLeaves(value: unknown): unknown {
  if (isRecord(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, hideLeaves(value[k])]));
  return HIDDEN;
}

const SECRET_ASSIGNMENT = /\b([\w.-]*(?:password|passwd|passphrase|token|secret|api[-_]?key|private[-_]?key))(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;)]+)/gi;

/**
 * Redacts `key = value` and `key: value` pairs with a secret-looking key in a line of text (a Jenkinsfile);
 * references to variables (`$X`, `${X}`, `env.X`) and redaction markers stay visible.
 */
export function redactLine(line: string): string {
  return line.replace(SECRET_ASSIGNMENT, (whole, key: string, sep: string, value: string) => {
    const bare = value.replace(/^["']|["']$/g, '');
    if (/^\$|^env\.|^params\.|^<redacted:secret:/.test(bare) || bare === '') return whole;
    return `${key}${sep}${HIDDEN}`;
  });
}
