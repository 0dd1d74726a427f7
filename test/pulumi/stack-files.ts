import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SECRET_KEYS, type SecretKey } from '../../infra/model/secrets.js';

/** What the Pulumi CLI would hand a stack's program, read from the files; no vitest here, so child processes use it too. */

/** The config of a stack as the CLI passes it: Pulumi.yaml's project values, then Pulumi.<stack>.yaml on top. */
export function stackConfigFromFiles(stack: string, root = process.cwd()): Record<string, string> {
  const project = parse(readFileSync(`${root}/Pulumi.yaml`, 'utf8')) as { name: string; config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const set = (key: string, value: unknown) => {
    if (typeof value === 'object' && value !== null && 'secure' in value) {
      throw new Error(`${key} is a secure value: only the Pulumi CLI can decrypt it; tests supply secrets themselves`);
    }
    config[key.includes(':') ? key : `${project.name}:${key}`] = typeof value === 'string' ? value : JSON.stringify(value);
  };
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const value = typeof declaration === 'object' && declaration !== null ? ((declaration as Record<string, unknown>).value ?? (declaration as Record<string, unknown>).default) : declaration;
    if (value !== undefined) set(key, value);
  }
  // A stack without its file (one that was never configured) has no stack config, as with the CLI.
  const path = `${root}/Pulumi.${stack}.yaml`;
  const stackFile = existsSync(path) ? (parse(readFileSync(path, 'utf8')) as { config?: Record<string, unknown> } | null) : null;
  for (const [key, value] of Object.entries(stackFile?.config ?? {})) set(key, value);
  return config;
}

/** A recognisable test value for each secret of a stack. */
export function testSecrets(stack: string): Record<`icv:${SecretKey}`, string> {
  return Object.fromEntries(Object.keys(SECRET_KEYS).map((key) => [`icv:${key}`, `test-secret-${key}-${stack}-9f2c`])) as Record<`icv:${SecretKey}`, string>;
}
