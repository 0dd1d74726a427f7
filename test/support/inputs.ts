import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { vi } from 'vitest';
import { environments } from '../../environments/index.js';
import type { Environment } from '../../infra/schema/environment.js';

/** A deep copy of a real environment declaration, for a test to break one field of. */
export function declarationOf(name: keyof typeof environments): any {
  return structuredClone(environments[name]);
}

/**
 * A loaded environment with what the real ones do not declare yet: a canary and a legacy cutover, Redis in the
 * cluster, a release by digest (for tests that must see every kind and path the constructs can make).
 */
export function withUndeclaredFeatures(env: Environment): Environment {
  const changed = structuredClone(env) as Environment & { cutover: Record<string, unknown>; statefulServices: Record<string, unknown>; releases: Record<string, unknown> };
  changed.cutover = {
    'portal-web': { stage: 'canary', weight: 10, header: 'X-Try-K8s', legacy: { addresses: ['192.168.30.5', '192.168.30.6'], port: 80 } },
    'api-gateway': { stage: 'legacy', legacy: { addresses: ['192.168.30.7'], port: 8080 } },
  };
  changed.statefulServices.redis = { ...env.statefulServices.redis, mode: 'cluster', cluster: { replicas: 1 } };
  changed.releases['vehicle-state'] = { ...env.releases['vehicle-state']!, digest: `sha256:${'ab'.repeat(32)}` };
  return changed;
}

export function tempDir(prefix = 'icv-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every file under `dir`, path → content, sorted. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Captures what a command writes to stdout and stderr while `run` executes. */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const result = await run();
    return { result, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
