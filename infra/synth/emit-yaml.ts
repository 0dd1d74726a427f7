import { DEFAULT_SCHEMA, dump, Type } from 'js-yaml';

/**
 * YAML text of one value, the way every YAML file of `dist/` is written: block style, no line folding, no anchors (a
 * value that appears twice is written twice), keys in the object's own order, and strings double-quoted wherever a
 * plain scalar would read back as another type under YAML 1.2 or YAML 1.1 (`"true"`, `"on"`, `"10"`, `"0777"`,
 * `"1_000"`, `"-XX:…"`). A key whose value is `undefined` is left out, as `JSON.stringify` does; a function throws.
 *
 * js-yaml's dumper (nodeca/js-yaml 4.3.2, `lib/dumper.js`) rather than `yaml`'s `stringify`: on our objects it costs
 * about a third of the CPU (issue 17, bench/README.md) and every object of both environments reads back equal
 * (test/synth/emit-yaml.test.ts).
 */
export function toYaml(value: unknown): string {
  return dump(value, DUMP_OPTIONS);
}

/**
 * Numbers that only YAML 1.1 resolves (digits with `_`, `0b…`, sexagesimal `1:30`), which js-yaml's schema leaves
 * plain: Kubernetes' Go readers (go-yaml v2 under sigs.k8s.io/yaml) would read them as numbers. Declared as an
 * implicit type that claims no JavaScript value, so the dumper only uses it to decide that such a string needs quotes.
 */
const YAML11_ONLY_NUMBER = new Type('tag:icv.local,2026:yaml-1.1-number', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && /^[-+]?(?:0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)$/.test(data),
});

const DUMP_OPTIONS = {
  schema: DEFAULT_SCHEMA.extend({ implicit: [YAML11_ONLY_NUMBER] }),
  noRefs: true,
  lineWidth: -1,
  quotingType: '"',
} as const;
