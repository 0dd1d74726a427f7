import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../model/errors.js';
import { distEnvFromFiles, type DistEnv, type DistTree } from '../preview/dist-tree.js';

/** The folders `synth` writes in `dist/<env>/`; a directory holding none of them is not an environment. */
const ENV_FOLDERS = ['manifests', 'helm', 'kubekey', 'pipelines'];

/**
 * Reads a tree written by `synth` (`<dir>/<env>/…`), every environment or only `envs`.
 * A malformed YAML file or a manifest document that is not a Kubernetes object is an InputError naming the file
 * and the line.
 */
export function loadDistTree(dir: string, envs?: readonly string[]): DistTree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw InputError.single(dir, '', 'is not a directory (expected a tree written by `npm run synth`, holding <env>/manifests/…)');
  }
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.includes('.'))
    .map((e) => e.name)
    .filter((name) => ENV_FOLDERS.some((f) => existsSync(join(dir, name, f))))
    .filter((name) => !envs || envs.includes(name))
    .sort();
  return { root: dir, envs: new Map(names.map((env) => [env, loadEnv(dir, env)])) };
}

function loadEnv(root: string, env: string): DistEnv {
  const envDir = join(root, env);
  return distEnvFromFiles(root, env, listFiles(envDir).map((file) => [file, readFileSync(join(envDir, file), 'utf8')] as const));
}

/** Files under `dir`, relative with forward slashes, in name order. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}
