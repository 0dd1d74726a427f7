import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environments } from '../../environments/index.js';
import { catalogSources } from '../../modules/index.js';
import { environmentSchema } from '../../infra/schema/environment.js';
import { validateEnvironment } from '../../infra/schema/validate-environment.js';
import { shortDigest, validatePromotion } from '../../infra/schema/releases.js';
import { InputError, type InputProblem } from '../../infra/model/errors.js';
import { validateCatalog } from '../../infra/schema/catalog.js';
import { normalizeRoutePath } from '../../infra/schema/catalog-rules.js';
import { cutoverStage, migrationFieldProblems } from '../../infra/schema/cutover.js';
import { formatReleaseEntry, parseReleases } from '../../infra/schema/releases.js';

/**
 * The edges of the validation rules that validation-rules.test.ts does not reach by breaking the real inputs once:
 * how a declaration without a name is labelled, every way a route path is normalized, where a release file's problem
 * is reported, and the stage of a module no cutover lists.
 */

function catalogProblems(mutate: (sources: { file: string; modules: any[] }[]) => void): InputProblem[] {
  const sources = catalogSources.map((s) => ({ file: s.file, modules: structuredClone(s.modules) as any[] }));
  mutate(sources);
  try {
    validateCatalog(sources);
    return [];
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
}

function releaseProblems(text: string): string[] {
  try {
    parseReleases(text, 'environments/releases/test.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('a declaration the schema rejects is labelled by its name, or its index without one', () => {
  it('by its name', () => {
    const problems = catalogProblems((s) => s[0]!.modules.push({ ...structuredClone(s[0]!.modules[0]), name: 'extra-module', tier: 'middle' }));
    expect(problems.map((p) => `${p.file}: ${p.path}`)).toEqual([`${catalogSources[0]!.file}: modules[extra-module].tier`]);
  });
  it('by its index when the name is missing or empty', () => {
    const index = catalogSources[0]!.modules.length;
    const withoutName = catalogProblems((s) => s[0]!.modules.push({ ...structuredClone(s[0]!.modules[0]), name: undefined }));
    expect(withoutName.map((p) => p.path)).toEqual([`modules[${index}].name`]);
    const empty = catalogProblems((s) => s[0]!.modules.push({ ...structuredClone(s[0]!.modules[0]), name: '' }));
    expect(empty.map((p) => p.path)).toEqual([`modules[${index}].name`]);
  });
});

describe('route paths as a Prefix route matches them', () => {
  it('drops repeated slashes, "." elements and a trailing slash; keeps "/" itself', () => {
    expect(normalizeRoutePath('/vehicle')).toBe('/vehicle');
    expect(normalizeRoutePath('/vehicle/')).toBe('/vehicle');
    expect(normalizeRoutePath('//vehicle//track')).toBe('/vehicle/track');
    expect(normalizeRoutePath('/./vehicle/.')).toBe('/vehicle');
    expect(normalizeRoutePath('/')).toBe('/');
    expect(normalizeRoutePath('/..')).toBe('/..');
  });
  it('a route written with a "." element collides with the plain one', () => {
    const problems = catalogProblems((s) => s.flatMap((f) => f.modules).find((m) => m.name === 'map-console-web')!.routes.push({ host: 'console', path: '/./vehicle' }));
    expect(problems.map((p) => p.message)).toEqual(["route host 'console' path '/./vehicle' (the same path as '/vehicle' for a Prefix route) is already routed to module 'vehicle-console-web'"]);
  });
});

describe('release file problems are reported where the file has them', () => {
  it('a bad plain tag at the entry itself', () => {
    expect(releaseProblems('modules:\n  vehicle-access: "bad tag!"\n')).toEqual(['modules.vehicle-access: must be an image tag']);
  });
  it('a bad tag or digest of an entry with a digest at its field', () => {
    expect(releaseProblems('modules:\n  vehicle-access: { tag: "bad tag!", digest: sha256:0000 }\n')).toEqual([
      'modules.vehicle-access.tag: must be an image tag',
      "modules.vehicle-access.digest: must be a digest 'sha256:<64 lower-case hex>'",
    ]);
  });
  it('an entry of another shape names both forms', () => {
    expect(releaseProblems('modules:\n  vehicle-access: [1, 2]\n')).toEqual(["modules.vehicle-access: must be an image tag, or '{ tag: <tag>, digest: sha256:<64 hex> }'"]);
  });
  it('a file without modules', () => {
    expect(releaseProblems('releases: {}\n').length).toBeGreaterThan(0);
  });
  it('an entry is written back as the bare tag, or as a one-line map with its digest, and reads back the same', () => {
    const digest = `sha256:${'0a'.repeat(32)}`;
    expect(formatReleaseEntry({ tag: '1.4.2-3f9c2ab' })).toBe('1.4.2-3f9c2ab');
    expect(formatReleaseEntry({ tag: '1.4.2-3f9c2ab', digest })).toBe(`{ tag: 1.4.2-3f9c2ab, digest: ${digest} }`);
    expect(parseReleases(`modules:\n  a: ${formatReleaseEntry({ tag: '1.4.2-3f9c2ab', digest })}\n`, 'f.yaml')).toEqual({ a: { tag: '1.4.2-3f9c2ab', digest } });
  });
  it('an empty file is one problem at its root, not a crash', () => {
    expect(releaseProblems('')).toEqual([': Invalid input: expected object, received null']);
  });
});

describe('cutover stage of a module', () => {
  it('is kubernetes unless the environment lists it', () => {
    expect(cutoverStage({ cutover: {} }, 'portal-web')).toBe('kubernetes');
    expect(cutoverStage({ cutover: { 'portal-web': { stage: 'canary', weight: 5 } } }, 'portal-web')).toBe('canary');
    expect(cutoverStage({ cutover: { 'portal-web': { stage: 'legacy' } } }, 'vehicle-access')).toBe('kubernetes');
  });
});

describe('the order and wording the loader promises (mutation survivors of MUTATION.md)', () => {
  it('two dependency cycles are reported in the order of their module names', () => {
    const problems = catalogProblems((s) => {
      const byName = new Map(s.flatMap((f) => f.modules).map((m) => [m.name, m]));
      byName.get('vehicle-telemetry')!.dependsOn.modules.push('vehicle-access');
      byName.get('vehicle-track-service')!.dependsOn.modules = ['vehicle-alarm-service'];
      byName.get('vehicle-alarm-service')!.dependsOn.modules = ['vehicle-track-service'];
    });
    expect(problems.map((p) => p.message.split(':')[0])).toEqual([
      'dependency cycle vehicle-access → vehicle-telemetry → vehicle-access',
      'dependency cycle vehicle-alarm-service → vehicle-track-service → vehicle-alarm-service',
    ]);
  });
  it('the validated catalog is sorted by module name, whatever the files’ order', () => {
    const names = validateCatalog([...catalogSources].reverse()).map((m) => m.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });
  it('a declaration whose name is not a string is labelled by its index', () => {
    const index = catalogSources[0]!.modules.length;
    const problems = catalogProblems((s) => s[0]!.modules.push({ ...structuredClone(s[0]!.modules[0]), name: 42 }));
    expect(problems.map((p) => p.path)).toEqual([`modules[${index}].name`]);
  });
  it('a stateful service without an in-cluster profile names the file that holds the profiles', () => {
    const env = structuredClone(environments.test) as any;
    env.statefulServices.mysql.mode = 'cluster';
    const problems = migrationFieldProblems(environmentSchema.parse({ ...env, releases: {} }), 'environments/test.ts');
    expect(problems).toEqual([{ file: 'environments/test.ts', path: 'statefulServices.mysql.mode', message: "'mysql' has no in-cluster profile: only redis can run in the cluster so far (infra/synth/workloads/stateful/profiles.ts)" }]);
  });
  it('a prod entry without a digest lists every digest test recorded for its tag', () => {
    const d = (c: string) => `sha256:${c.repeat(64)}`;
    const [problem] = validatePromotion({ a: { tag: '1.0.0-aaaaaaa' } }, [{ a: { tag: '1.0.0-aaaaaaa', digest: d('a') } }, { a: { tag: '1.0.0-aaaaaaa', digest: d('b') } }]);
    expect(problem!.message).toBe(`'1.0.0-aaaaaaa' has no digest, but test's pipeline recorded ${shortDigest(d('a'))}, ${shortDigest(d('b'))} for it: promote the digest`);
  });
  it('validateEnvironment formats each warning as file: path: message', () => {
    const prod = structuredClone(environments.prod) as any;
    prod.cluster.roleGroups.etcd = ['kp-master01', 'kp-master02'];
    prod.cluster.evenEtcdAcknowledged = { reason: 'a third member joins in the next window' };
    const { warnings } = validateEnvironment(prod, parseReleases(readFileSync(join(import.meta.dirname, '../../environments/releases/prod.yaml'), 'utf8'), 'environments/releases/prod.yaml'), 'environments/prod.ts');
    expect(warnings).toEqual(['environments/prod.ts: cluster.roleGroups.etcd: 2 etcd members tolerate 0 failure(s), no more than 1 would (quorum is n/2+1); use an odd number of members (acknowledged: a third member joins in the next window)']);
  });
});
