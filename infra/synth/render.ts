import type { KubeObject, Platform, Unit } from '../model/types.js';
import { toYaml } from './emit-yaml.js';

/** Multi-document YAML of a list of objects, byte-stable for the same input. */
export function toMultiDocYaml(objects: readonly KubeObject[]): string {
  return objects.map(toYaml).join('---\n');
}

/** Manifest file of a unit, relative to `dist/<env>/`: `manifests/module/vehicle-access.yaml`. */
export function manifestPath(unit: Unit): string {
  return `manifests/${unit.id}.yaml`;
}

/**
 * Every file of one environment's `dist/<env>/`, as path → content, in a fixed order.
 * Pure: the CLI writes it, tests read it without touching the disk.
 */
export function renderPlatform(platform: Platform): Map<string, string> {
  const files = new Map<string, string>();
  const add = (path: string, content: string) => {
    if (files.has(path)) throw new Error(`two units write '${path}' in environment '${platform.env}'`);
    files.set(path, content);
  };
  for (const unit of platform.units) {
    if (unit.objects.length > 0) add(manifestPath(unit), toMultiDocYaml(unit.objects));
    for (const release of unit.helmReleases) {
      add(`helm/${release.name}.values.yaml`, `# Helm values of release '${release.name}' (chart ${release.chart} ${release.version}); secrets redacted.\n${toYaml(release.values)}`);
    }
    for (const artifact of unit.artifacts) add(artifact.path, artifact.content);
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
