import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kustomizeTree } from '../../bench/kustomize-overlays.js';
import { readReleases, scaleCatalog, scaledSources } from '../../bench/scale-catalog.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { loadInputs } from '../../infra/cli/inputs.js';
import { ENVIRONMENT_NAMES } from '../../infra/cli/inputs.js';
import { catalogSources } from '../../modules/index.js';

// The bench's inputs must be right for its figures to mean anything; its timings are not tested here.

const realModules = catalogSources.reduce((n, s) => n + s.modules.length, 0);

describe('the ×10 catalog', () => {
  const inputs = loadInputs(ENVIRONMENT_NAMES, scaledSources(10));

  it('passes validation in every environment with ten times the modules', () => {
    expect(inputs.map((i) => i.env.name)).toEqual([...ENVIRONMENT_NAMES]);
    for (const { catalog } of inputs) expect(catalog).toHaveLength(10 * realModules);
  });

  it('keeps each copy\'s dependencies inside the copy', () => {
    const catalog = inputs[0]!.catalog;
    const copies = catalog.filter((m) => m.name.endsWith('-x7'));
    expect(copies).toHaveLength(realModules);
    const deps = copies.flatMap((m) => m.dependsOn.modules);
    expect(deps.length).toBeGreaterThan(0);
    for (const dep of deps) expect(dep).toMatch(/-x7$/);
  });

  it('gives each copy its original\'s release tag in every environment', () => {
    const real = readReleases();
    for (const { env } of inputs) {
      for (const [name, tag] of Object.entries(real[env.name]!)) expect(env.releases[`${name}-x10`]).toEqual(tag);
    }
  });

  it('rejects a factor that is not a whole number of at least 1', () => {
    expect(() => scaleCatalog(0)).toThrow("'factor' (0) must be a whole number of at least 1");
  });
});

describe('the kustomize tree: a base and an overlay per unit', () => {
  const inputs = loadInputs(ENVIRONMENT_NAMES);
  const platforms = inputs.map(({ env, catalog }) => buildPlatform(env, catalog));
  const files = kustomizeTree(platforms.map((platform, i) => ({ platform, domain: inputs[i]!.env.domain })));
  type Kustomization = { kind: string; resources: string[]; images?: { name: string; newName: string; newTag: string }[]; replicas?: unknown[]; patches?: { patch: string }[] };
  const kustomization = (path: string) => parse(files.get(path)!) as Kustomization;

  it('are well-formed YAML, every file', () => {
    for (const [path, content] of files) {
      const docs = parseAllDocuments(content);
      const errors = (Array.isArray(docs) ? docs : [docs]).flatMap((d) => d.errors.map((e) => `${path}: ${e.message}`));
      expect(errors).toEqual([]);
    }
  });

  it('list, per environment, the overlay of every unit it runs, and each overlay only files that exist', () => {
    for (const platform of platforms) {
      const env = kustomization(`envs/${platform.env}/kustomization.yaml`);
      const units = platform.units.filter((u) => u.objects.length > 0).map((u) => `../../units/${u.id}/overlays/${platform.env}`);
      expect(env.resources).toEqual(units);
      for (const unit of platform.units.filter((u) => u.objects.length > 0)) {
        const dir = `units/${unit.id}/overlays/${platform.env}`;
        const overlay = kustomization(`${dir}/kustomization.yaml`);
        expect(overlay.kind).toBe('Kustomization');
        for (const resource of overlay.resources) expect(files.has(resource === '../../base' ? `units/${unit.id}/base/kustomization.yaml` : `${dir}/${resource}`)).toBe(true);
        for (const { patch } of overlay.patches ?? []) expect(() => parse(patch)).not.toThrow();
      }
    }
  });

  it('normalize the base and re-tag images per environment in the unit\'s own overlay', () => {
    expect(files.get('units/module/vehicle-access/base/objects.yaml')).toContain('image: icv/vehicle-access\n');
    const prod = inputs.find((i) => i.env.name === 'prod')!.env;
    const overlay = kustomization('units/module/vehicle-access/overlays/prod/kustomization.yaml');
    expect(overlay.images).toEqual([{ name: 'icv/vehicle-access', newName: `${prod.registry.host}/icv/vehicle-access`, newTag: prod.releases['vehicle-access']!.tag }]);
  });
});
