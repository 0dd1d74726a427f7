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
 * The YAML 1.1 booleans that js-yaml's compatibility mode quotes (4.3.2 `lib/dumper.js`, `DEPRECATED_BOOLEANS_SYNTAX`).
 */
const YAML11_BOOLEANS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/** js-yaml's compatibility mode's sexagesimal numbers (4.3.2 `lib/dumper.js`, `DEPRECATED_BASE60_SYNTAX`). */
const YAML11_BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;

/**
 * Numbers that only YAML 1.1 resolves and js-yaml's compatibility mode leaves plain (digits with `_`, `0b…`,
 * sexagesimal `1:30` with a leading digit).
 */
const YAML11_NUMBER = /^[-+]?(?:0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)$/;

/**
 * Whether a string reads as another type under YAML 1.1 only (what Kubernetes' Go readers, go-yaml v2 under
 * sigs.k8s.io/yaml, resolve): js-yaml's compatibility set, YAML11_BOOLEANS and YAML11_BASE60, and YAML11_NUMBER.
 *
 * One check instead of two, for speed (issue 17): js-yaml's dumper asks an implicit type's `resolve` only about a string
 * it would otherwise write plain, single-line (`chooseScalarStyle` → `testImplicitResolving`), while its compatibility
 * check (`writeScalar`, skipped with `noCompatMode`) ran a list lookup and a regular expression on every string and
 * key it writes. A compatibility match it wrote as `"…"` unescaped; here it comes out of `chooseScalarStyle` as double
 * quoted, escaped, which is the same text: those strings hold only letters, digits and `-+_:.`. Every one of them
 * starts with a digit, a sign, `_`, `y`, `n` or `o` in either case, so the first character rules out almost every
 * string without a regular expression.
 */
function isYaml11Only(data: string): boolean {
  const first = data.charCodeAt(0);
  if (first <= 0x39 /* 9 */) return (first >= 0x30 /* 0 */ || first === 0x2b /* + */ || first === 0x2d /* - */) && (YAML11_NUMBER.test(data) || YAML11_BASE60.test(data));
  if (first === 0x5f /* _ */) return YAML11_BASE60.test(data);
  const lower = first | 0x20;
  return (lower === 0x79 /* y */ || lower === 0x6e /* n */ || lower === 0x6f /* o */) && YAML11_BOOLEANS.has(data);
}

/**
 * Declared as an implicit type that claims no JavaScript value, so the dumper only uses it to decide that such a
 * string needs quotes. `resolve` is called with strings only (the dumper's scalars; nothing loads with this schema).
 */
const YAML11_ONLY = new Type('tag:icv.local,2026:yaml-1.1-only', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && isYaml11Only(data),
});

/** js-yaml's options for every YAML file of `dist/`; exported for the test that turning compatibility mode off changes no byte. */
export const DUMP_OPTIONS = {
  schema: DEFAULT_SCHEMA.extend({ implicit: [YAML11_ONLY] }),
  noRefs: true,
  noCompatMode: true,
  lineWidth: -1,
  quotingType: '"',
} as const;
