import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dump } from 'js-yaml';
import { DUMP_OPTIONS, toYaml } from '../../infra/synth/emit-yaml.js';
import { manifestPath, renderPlatform } from '../../infra/synth/render.js';
import { built } from '../support/platforms.js';

/**
 * The emitter's contract (issue 17): whatever library writes dist/, every object reads back equal to the object it
 * was written from, under YAML 1.2 (our readers: the `yaml` package's core schema) and under YAML 1.1 (what
 * Kubernetes' Go YAML readers resolve: `on`, `yes`, `0777`, `1_000` are not strings there), documents in the
 * unit's order.
 */

const VERSIONS = ['1.2', '1.1'] as const;

/** Each document of a multi-document text, read under the given YAML version; a parse error fails the test. */
function readDocuments(text: string, version: (typeof VERSIONS)[number]): unknown[] {
  return parseAllDocuments(text, { version }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
    return doc.toJS({ maxAliasCount: 0 });
  });
}

describe.each(built.map((b) => [b.env.name, b] as const))('%s: dist/ reads back equal to the objects', (_name, { platform }) => {
  const files = renderPlatform(platform);

  it.each(VERSIONS)('every object of every manifest file, in order, under YAML %s', (version) => {
    const units = platform.units.filter((u) => u.objects.length > 0);
    expect(units.length).toBeGreaterThan(60);
    let objects = 0;
    for (const unit of units) {
      const documents = readDocuments(files.get(manifestPath(unit))!, version);
      expect(documents.length, unit.id).toBe(unit.objects.length);
      unit.objects.forEach((object, i) => {
        // isDeepStrictEqual first: expect().toEqual on 1,300 objects costs seconds; the message names the object.
        if (!isDeepStrictEqual(documents[i], object)) expect(documents[i], `${unit.id}: ${object.kind}/${object.metadata.name}`).toStrictEqual(object);
      });
      objects += unit.objects.length;
    }
    expect(objects).toBe(platform.units.reduce((n, u) => n + u.objects.length, 0));
  });

  it.each(VERSIONS)('the Helm values and the KubeKey config, under YAML %s', (version) => {
    const releases = platform.units.flatMap((u) => u.helmReleases);
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases) {
      expect(parse(files.get(`helm/${release.name}.values.yaml`)!, { version })).toStrictEqual(release.values);
    }
    const cluster = parse(files.get('kubekey/cluster.yaml')!, { version }) as { kind: string; spec: { hosts: unknown[] } };
    expect(cluster.kind).toBe('Cluster');
    expect(cluster.spec.hosts.length).toBeGreaterThan(0);
  });
});

describe('toYaml', () => {
  // js-yaml's compatibility mode (4.3.2 lib/dumper.js, writeScalar) quotes the YAML 1.1 booleans and sexagesimal numbers
  // with a list and a regular expression on every scalar; DUMP_OPTIONS turns it off and quotes them through the schema.
  const withCompatibilityMode = (value: unknown) => dump(value, { ...DUMP_OPTIONS, noCompatMode: false });
  const YAML11_LOOKALIKES = [
    'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF',
    'yES', 'oN', 'nO', 'yess', 'only', 'none', 'y-', 'Offset', 'onion', '_', 'o', 'O',
    '1:30', '+1:30', '-1:30', '_1:2', '1_0:3', '1:2:3.4_5', '190:20:30', '1:', ':1', '1::2', '1:a', '12', '_12',
    '1_000', '0b101', '0b', '1e3', '0x1F', '+', '-', '-XX:MaxRAMPercentage=75',
  ];

  it('writes every string as js-yaml with its compatibility mode would, keys and values', () => {
    const value = { strings: YAML11_LOOKALIKES, keys: Object.fromEntries(YAML11_LOOKALIKES.map((s) => [s, s])) };
    expect(toYaml(value)).toBe(withCompatibilityMode(value));
    for (const version of VERSIONS) expect(parse(toYaml(value), { version }), version).toStrictEqual(value);
  });

  it.each(built.map((b) => [b.env.name, b.platform] as const))('%s: every object as js-yaml with its compatibility mode would', (_name, platform) => {
    const objects = platform.units.flatMap((u) => u.objects);
    expect(objects.length).toBeGreaterThan(600);
    for (const object of objects) if (toYaml(object) !== withCompatibilityMode(object)) expect(toYaml(object), `${object.kind}/${object.metadata.name}`).toBe(withCompatibilityMode(object));
  });

  it('quotes every string a YAML 1.1 or 1.2 reader would take for another type, and reads back equal', () => {
    const value = {
      strings: ['true', 'on', 'yes', 'no', 'off', 'y', 'null', '~', '', '10', '0777', '1_000', '0b101', '1:30', '190:20:30', '_1:2', 'Y', 'NO', 'Off', '1_0.5', '1e3', '.inf', '0x1F', '2026-12-02', '-XX:MaxRAMPercentage=75', '{"auths":{}}', '- a', 'a: b', '#c', '*x', '&y', '!z', '@w', '`v', '%u'],
      multiline: 'line one\nline two\n',
      numbers: [0, 1.5, -3, 1e21],
      flags: [true, false, null],
      nested: { list: [{ a: 1 }, []], empty: {} },
    };
    const text = toYaml(value);
    for (const version of VERSIONS) expect(parse(text, { version }), version).toStrictEqual(value);
    expect(text).toContain('multiline: |\n  line one\n  line two\n');
  });

  it('writes a value that appears twice in full both times (no anchors) and folds no long line', () => {
    const shared = { name: 'x'.repeat(200) };
    const text = toYaml({ a: shared, b: shared });
    expect(text).not.toMatch(/[&*]ref/);
    expect(text.split('\n').filter((l) => l.includes('x'.repeat(200)))).toHaveLength(2);
  });

  it('is byte-stable: the same value gives the same text', () => {
    const object = built[0]!.platform.units[0]!.objects[0]!;
    expect(toYaml(structuredClone(object))).toBe(toYaml(object));
  });

  it('leaves out a key whose value is undefined, as JSON.stringify does, and refuses a function', () => {
    expect(toYaml({ a: undefined, b: 1 })).toBe('b: 1\n');
    expect(() => toYaml({ f: () => 1 })).toThrow();
  });
});
