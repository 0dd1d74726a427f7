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
      for (const [name, tag] of Object.entries(real[env.name]!)) expect(env.releases[`${name}-x10`]).toBe(tag);
    }
  });

  it('rejects a factor that is not a whole number of at least 1', () => {
    expect(() => scaleCatalog(0)).toThrow("'factor' (0) must be a whole number of at least 1");
  });
});

describe('the kustomize base and overlays', () => {
  const inputs = loadInputs(ENVIRONMENT_NAMES);
  const files = kustomizeTree(inputs.map(({ env, catalog }) => ({ platform: buildPlatform(env, catalog), domain: env.domain })));

  it('are well-formed YAML, every file', () => {
    for (const [path, content] of files) {
      const docs = parseAllDocuments(content);
      const errors = (Array.isArray(docs) ? docs : [docs]).flatMap((d) => d.errors.map((e) => `${path}: ${e.message}`));
      expect(errors).toEqual([]);
    }
  });

  it('list only resources that exist, and one overlay per environment on top of the base', () => {
    const base = parse(files.get('base/kustomization.yaml')!) as { kind: string; resources: string[] };
    expect(base.kind).toBe('Kustomization');
    for (const resource of base.resources) expect(files.has(`base/${resource}`)).toBe(true);
    for (const env of ENVIRONMENT_NAMES) {
      const overlay = parse(files.get(`overlays/${env}/kustomization.yaml`)!) as { resources: string[]; images: unknown[]; replicas: unknown[]; patches: { patch: string }[] };
      expect(overlay.resources[0]).toBe('../../base');
      expect(overlay.images.length).toBeGreaterThan(0);
      expect(overlay.replicas.length).toBeGreaterThan(0);
      for (const { patch } of overlay.patches) expect(() => parse(patch)).not.toThrow();
    }
  });

  it('normalize the base and re-tag images per environment', () => {
    expect(files.get('base/module/vehicle-access.yaml')).toContain('image: icv/vehicle-access\n');
    const prod = inputs.find((i) => i.env.name === 'prod')!.env;
    const overlay = parse(files.get('overlays/prod/kustomization.yaml')!) as { images: { name: string; newName: string; newTag: string }[] };
    expect(overlay.images).toContainEqual({ name: 'icv/vehicle-access', newName: `${prod.registry.host}/icv/vehicle-access`, newTag: prod.releases['vehicle-access'] });
  });
});
