import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Script } from 'node:vm';
import { ApiObject, type Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { build, transformSync, type BuildFailure } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleOptions, EXPECTED_FILTERS, rewriteConverters } from '../../infra/cli/bundle-options.mjs';
import { ENVIRONMENT_NAMES, loadInputs } from '../../infra/cli/inputs.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { observingCharts } from '../../infra/synth/chart.js';
import * as devops from '../../infra/synth/imports/devops.kubesphere.io.js';
import * as tenant from '../../infra/synth/imports/tenant.kubesphere.io.js';
import { tempDir } from '../support/inputs.js';

/**
 * Every bundle loads the generated converters (cdk8s-plus-27's k8s.js, infra/synth/imports/*.ts) with their
 * quadratic filter of undefined members rewritten into linear helpers, and each converter of the usual shape
 * building its result directly instead of through the literal of every field (infra/cli/bundle-options.mjs,
 * rewriteConverters). The rewritten modules, loaded here beside the generated ones, must return the same JSON for
 * every object of both environments and for the edge cases the filter has: same own keys in the same order (the
 * YAML is written in it), same values, same prototypes; and read their input as the generated ones do (same reads,
 * same order, each once). And the rewrite must happen in the bundles and fail loudly where the generated code is
 * not what it was written for.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S_FILE = 'node_modules/cdk8s-plus-27/lib/imports/k8s.js';
const DEVOPS_FILE = 'infra/synth/imports/devops.kubesphere.io.ts';
const TENANT_FILE = 'infra/synth/imports/tenant.kubesphere.io.ts';

type Converters = Record<string, unknown>;

/** A converter file rewritten as the bundle's plugin rewrites it, loaded as a CommonJS module from its own place. */
function loadRewritten(file: string): Converters {
  const path = join(ROOT, file);
  const { code } = rewriteConverters(readFileSync(path, 'utf8'), file, EXPECTED_FILTERS[file]!);
  const js = file.endsWith('.ts') ? transformSync(code, { loader: 'ts', format: 'cjs', target: 'node20' }).code : code;
  const module = { exports: {} as Converters };
  const wrapped = new Script(`(function (exports, require, module, __filename, __dirname) { ${js}\n})`, { filename: `${path}.rewritten.js` });
  (wrapped.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  return module.exports;
}

const MODULES = [
  { file: K8S_FILE, generated: k8s as unknown as Converters, rewritten: loadRewritten(K8S_FILE) },
  { file: DEVOPS_FILE, generated: devops as unknown as Converters, rewritten: loadRewritten(DEVOPS_FILE) },
  { file: TENANT_FILE, generated: tenant as unknown as Converters, rewritten: loadRewritten(TENANT_FILE) },
];

type Converter = (props: unknown) => unknown;

/** A converter of every module, generated and rewritten. */
function converter(module: (typeof MODULES)[number], name: string): { generated: Converter; rewritten: Converter } {
  const generated = module.generated[name];
  const rewritten = module.rewritten[name];
  if (typeof generated !== 'function' || typeof rewritten !== 'function') throw new Error(`${module.file}: no ${name}`);
  return { generated: generated as Converter, rewritten: rewritten as Converter };
}

/** The converter of each generated class (its `toJson()` is `{ ...GVK, ...toJson_<Class>Props(super.toJson()) }`). */
const BY_CLASS = new Map<unknown, { name: string; generated: Converter; rewritten: Converter }>(
  MODULES.flatMap((module) =>
    Object.entries(module.generated)
      .filter(([name, value]) => typeof value === 'function' && 'GVK' in value && typeof module.generated[`toJson_${name}Props`] === 'function')
      .map(([name, value]) => [value, { name: `${module.file} toJson_${name}Props`, ...converter(module, `toJson_${name}Props`) }] as const),
  ),
);

/** JSON with undefined members and elements kept in place, so that key order and undefined values both show. */
const UNDEFINED = '\u0000undefined';
const exact = (value: unknown): string | undefined => JSON.stringify(value, (_, v: unknown) => (v === undefined ? UNDEFINED : v));

/** The outcome of a call: its value, or the error it threw (its class and message). */
function outcome(convert: Converter, props: unknown): { value?: unknown; error?: string } {
  try {
    return { value: convert(props) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
  }
}

/** Expects the generated and the rewritten converter to return the same (key order, undefined members, prototypes). */
function expectSame(convert: { generated: Converter; rewritten: Converter }, props: unknown, label = ''): unknown {
  const generated = outcome(convert.generated, props);
  const rewritten = outcome(convert.rewritten, props);
  expect(rewritten.error, label).toBe(generated.error);
  expect(exact(rewritten.value), label).toBe(exact(generated.value));
  expect(isDeepStrictEqual(rewritten.value, generated.value), label).toBe(true);
  return rewritten.value;
}

describe('the rewritten converters are linear', () => {
  it('hold none of the quadratic filters, and build their results directly', () => {
    for (const { file, rewritten } of MODULES) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      const { code } = rewriteConverters(source, file, EXPECTED_FILTERS[file]!);
      expect(code, file).not.toContain('{ ...r, [i[0]]:');
      expect(code, file).toContain('if (__icvValue !== undefined) result.');
      // Line for line: every converter starts on its generated line (stack traces), the helpers come after them all.
      const starts = (text: string): string[] => text.split('\n').flatMap((line, i) => (/function toJson_\w+\(/.test(line) ? [`${i + 1}: ${line}`] : []));
      expect(starts(code), file).toEqual(starts(source));
      expect(starts(code).length, file).toBeGreaterThanOrEqual(EXPECTED_FILTERS[file]!.members);
      expect(code.indexOf('\nfunction __icvDefinedEntries(o)'), file).toBeGreaterThan(code.lastIndexOf('return result;'));
      // What this file loads is the rewritten code, not the generated one (else every comparison below is vacuous).
      const props = Object.entries(rewritten).find(([name]) => /^toJson_\w+Props$/.test(name))![1] as () => unknown;
      expect(String(props), file).toMatch(/if \(__icvValue !== (?:undefined|void 0)\) result\./);
      expect(String(props), file).not.toContain('__icvDefinedEntries(result)');
    }
    // The one converter of k8s.js whose keys are no identifiers keeps its literal and the linear filter.
    const schemaProps = String(MODULES[0]!.rewritten.toJson_JsonSchemaProps);
    expect(schemaProps).toContain("'x-kubernetes-list-type': obj.xKubernetesListType,");
    expect(schemaProps).toContain('return __icvDefinedEntries(result);');
  });

  it('the generated files hold exactly the filters and direct results counted in EXPECTED_FILTERS', () => {
    for (const { file } of MODULES) {
      const { members, maps, direct } = rewriteConverters(readFileSync(join(ROOT, file), 'utf8'), file, { members: 0, maps: 0, direct: 0 });
      expect({ members, maps, direct }, file).toEqual(EXPECTED_FILTERS[file]);
    }
  });
});

describe.each(ENVIRONMENT_NAMES)('%s ×1: every object converts to the same JSON, rewritten', (name) => {
  it('every object of every chart, through its type converter, generated and rewritten', () => {
    const { env, catalog } = loadInputs([name])[0]!;
    const charts: Chart[] = [];
    observingCharts((chart) => charts.push(chart), () => buildPlatform(env, catalog));
    const objects = charts.flatMap((chart) => chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)));
    const types = new Set<string>();
    for (const object of objects) {
      const convert = BY_CLASS.get(object.constructor);
      expect(convert, `${object.kind}/${object.name}: a type without a generated converter`).toBeDefined();
      types.add(convert!.name);
      // What the class's toJson() hands its converter: cdk8s's resolved JSON of the object.
      const resolved = ApiObject.prototype.toJson.call(object);
      expectSame(convert!, resolved, `${object.kind}/${object.name}`);
    }
    expect(objects.length).toBeGreaterThan(500);
    expect([...types].some((t) => t.startsWith(DEVOPS_FILE))).toBe(true);
    expect([...types].some((t) => t.startsWith(TENANT_FILE))).toBe(true);
  });
});

describe('edge cases of the filter: the same result, generated and rewritten', () => {
  const [k8sModule, , tenantModule] = MODULES as [(typeof MODULES)[number], (typeof MODULES)[number], (typeof MODULES)[number]];
  const objectMeta = converter(k8sModule, 'toJson_ObjectMeta');
  const resources = converter(k8sModule, 'toJson_ResourceRequirements');
  const deployment = converter(k8sModule, 'toJson_KubeDeploymentProps');
  const schema = converter(k8sModule, 'toJson_JsonSchemaProps');
  const clusterSelector = converter(tenantModule, 'toJson_WorkspaceTemplateSpecPlacementClusterSelector');

  /** A map with `__proto__` as an own key (as JSON.parse makes it), integer-like keys after a string, an undefined value and a null. */
  const labels = (): Record<string, unknown> => Object.assign(JSON.parse('{"b": "1", "__proto__": "x", "2": "two", "1": "one"}') as Record<string, unknown>, { gone: undefined, none: null });

  it('a map with a __proto__ key keeps it as an own key and Object.prototype as its prototype', () => {
    const meta = expectSame(objectMeta, { name: 'a', labels: labels(), annotations: labels() }) as { labels: Record<string, unknown> };
    expect(Object.keys(meta.labels)).toEqual(['1', '2', 'b', '__proto__', 'none']);
    expect(Object.hasOwn(meta.labels, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(meta.labels)).toBe(Object.prototype);
    expectSame(clusterSelector, { matchLabels: labels(), matchExpressions: [] });
  });

  it('undefined and null members, empty objects and maps, no object at all', () => {
    expectSame(objectMeta, { name: undefined, namespace: null, labels: {}, annotations: { a: undefined } });
    expectSame(objectMeta, {});
    expectSame(objectMeta, undefined);
    expectSame(deployment, {});
    expectSame(deployment, { metadata: {}, spec: undefined });
    // A null map: Object.entries(null) throws the same TypeError in both.
    expectSame(objectMeta, { labels: null });
    expectSame(clusterSelector, { matchLabels: {} });
  });

  it('a map that is not a plain object: inherited, non-enumerable, symbol and accessor keys, a string, an array', () => {
    const inherited = Object.assign(Object.create({ inherited: 'from the prototype' }) as Record<string, unknown>, { own: 'x' });
    Object.defineProperty(inherited, 'hidden', { value: 'not enumerable', enumerable: false });
    Object.defineProperty(inherited, 'computed', { get: () => 'by a getter', enumerable: true });
    Object.defineProperty(inherited, 'nothing', { get: () => undefined, enumerable: true });
    (inherited as Record<symbol, unknown>)[Symbol('s')] = 'a symbol';
    const meta = expectSame(objectMeta, { labels: inherited }) as { labels: Record<string, unknown> };
    expect(Object.keys(meta.labels)).toEqual(['own', 'computed']);
    expectSame(objectMeta, { labels: 'ab', annotations: ['x', undefined, 'z'] });
    expectSame(objectMeta, { labels: 42, annotations: true });
    expectSame(clusterSelector, { matchLabels: new Map([['a', 'b']]) });
  });

  it('a map whose value converts: only defined values are converted, a value converting to undefined is kept', () => {
    const limits = { cpu: { value: '500m' }, memory: undefined, raw: 'not a Quantity', zero: { value: 0 } };
    const result = expectSame(resources, { limits, requests: {} }) as { limits: Record<string, unknown> };
    expect(Object.keys(result.limits)).toEqual(['cpu', 'raw', 'zero']);
    expect(result.limits.raw).toBeUndefined();
  });

  it('nested maps, arrays of arrays and converted elements', () => {
    expectSame(schema, {
      type: 'object',
      required: ['a', 'b'],
      enum: [[1, [2, undefined]], null, { x: undefined }],
      default: { y: undefined, z: [undefined] },
      properties: { a: { type: 'array', items: { type: 'string' }, properties: { deep: { nullable: true } } }, b: undefined, ['__proto__']: { type: 'number' } },
      definitions: { empty: {}, none: undefined },
      allOf: [{ not: { type: 'string' } }, {}],
    });
    expectSame(deployment, {
      metadata: { name: 'd', labels: labels() },
      spec: {
        selector: { matchLabels: labels() },
        template: {
          spec: {
            containers: [
              { name: 'c', args: ['a', undefined], env: [{ name: 'E', value: undefined }, { name: 'F', value: '' }], ports: [], resources: { limits: { cpu: { value: '1' } } } },
            ],
            nodeSelector: { 'kubernetes.io/os': 'linux', skip: undefined },
            tolerations: [{}],
          },
        },
      },
    });
  });
});

/**
 * `value` behind proxies that log every property read (its path from `path`) at every depth, array elements and
 * methods included, into `log`; `getters` replace the reads of top-level fields (a getter may mutate or throw).
 */
function recording(value: unknown, log: string[], path = 'obj', getters: Record<string, () => unknown> = {}): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const name = `${path}.${String(key)}`;
      log.push(name);
      const read = path === 'obj' && typeof key === 'string' && Object.hasOwn(getters, key) ? getters[key]!() : Reflect.get(target, key, receiver);
      return recording(read, log, name);
    },
  });
}

/** The fields a generated converter reads from `obj`, in its literal's order (one `obj.<field>` per line). */
function literalReads(file: string, name: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const body = new RegExp(`function ${name}\\(obj[^\\n]*\\n[\\s\\S]*?const result = \\{\\n([\\s\\S]*?)\\n\\s*\\};`).exec(source)![1]!;
  return body.split('\n').map((line) => `obj.${/\bobj\.(\w+)/.exec(line)![1]}`);
}

describe('the direct results evaluate every field as the literal did', () => {
  const [k8sModule, devopsModule] = MODULES as [(typeof MODULES)[number], (typeof MODULES)[number]];
  const podSpec = converter(k8sModule, 'toJson_PodSpec');
  const deployment = converter(k8sModule, 'toJson_KubeDeploymentProps');

  /** The converter run on `props` behind the recording proxy: its outcome and the reads it made. */
  function reads(convert: Converter, props: unknown, getters?: Record<string, () => unknown>): { outcome: ReturnType<typeof outcome>; log: string[] } {
    const log: string[] = [];
    return { outcome: outcome(convert, recording(props, log, 'obj', getters)), log };
  }

  const spec = (): Record<string, unknown> => ({
    containers: [{ name: 'c', image: 'i', env: [{ name: 'E', value: 'v' }, { name: 'F' }], resources: { limits: { cpu: { value: '1' } } } }],
    hostIpc: false,
    nodeSelector: { a: 'b', gone: undefined },
    overhead: { cpu: { value: '10m' } },
    restartPolicy: 'Always',
    volumes: [{ name: 'v', emptyDir: {} }],
  });

  it('each field of PodSpec read once, in the literal order, nested converters read in the same order', () => {
    const generated = reads(podSpec.generated, spec());
    const rewritten = reads(podSpec.rewritten, spec());
    expect(rewritten.log).toEqual(generated.log);
    expect(exact(rewritten.outcome.value)).toBe(exact(generated.outcome.value));
    const top = (log: string[]): string[] => log.filter((read) => /^obj\.\w+$/.test(read));
    const fields = literalReads(K8S_FILE, 'toJson_PodSpec');
    expect(fields.length).toBeGreaterThan(30);
    // Every field read exactly once, in order (`obj.x === undefined ? … : f(obj.x)` reads a map twice, as generated).
    const once = (log: string[]): string[] => top(log).filter((read, i, all) => all.indexOf(read) === i);
    expect(once(rewritten.log)).toEqual(fields);
    expect(top(rewritten.log).filter((read) => read !== 'obj.nodeSelector' && read !== 'obj.overhead')).toEqual(fields.filter((f) => f !== 'obj.nodeSelector' && f !== 'obj.overhead'));
    // Nested converters ran in between: the first container's fields are read after obj.containers, before obj.dnsConfig.
    const at = (read: string): number => rewritten.log.indexOf(read);
    expect(at('obj.containers.0.name')).toBeGreaterThan(at('obj.containers'));
    expect(at('obj.containers.0.name')).toBeLessThan(at('obj.dnsConfig'));
  });

  it('a getter that changes a later field, or throws, acts at the same point as in the literal', () => {
    const mutating = (): Record<string, () => unknown> => {
      const props = spec();
      return {
        containers: () => {
          props.restartPolicy = 'Never';
          return props.containers;
        },
        restartPolicy: () => props.restartPolicy,
      };
    };
    const generated = reads(podSpec.generated, spec(), mutating());
    const rewritten = reads(podSpec.rewritten, spec(), mutating());
    expect(rewritten.log).toEqual(generated.log);
    expect((rewritten.outcome.value as { restartPolicy: string }).restartPolicy).toBe('Never');
    expect(exact(rewritten.outcome.value)).toBe(exact(generated.outcome.value));
    let calls = 0;
    const throwing = (): Record<string, () => unknown> => ({
      hostname: () => {
        calls += 1;
        throw new RangeError('hostname read');
      },
    });
    const failedGenerated = reads(podSpec.generated, spec(), throwing());
    const failedRewritten = reads(podSpec.rewritten, spec(), throwing());
    expect(failedRewritten.outcome.error).toBe('RangeError: hostname read');
    expect(failedRewritten.outcome).toEqual(failedGenerated.outcome);
    expect(failedRewritten.log).toEqual(failedGenerated.log);
    expect(failedRewritten.log.at(-1)).toBe('obj.hostname');
    expect(calls).toBe(2);
  });

  it('a whole deployment and a devops object read their input as generated', () => {
    const props = (): unknown => ({ metadata: { name: 'd', labels: { a: 'b' } }, spec: { replicas: 2, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: spec() } } });
    const generated = reads(deployment.generated, props());
    const rewritten = reads(deployment.rewritten, props());
    expect(rewritten.log).toEqual(generated.log);
    expect(rewritten.log.length).toBeGreaterThan(100);
    expect(exact(rewritten.outcome.value)).toBe(exact(generated.outcome.value));
    const pipeline = converter(devopsModule, 'toJson_PipelineProps');
    const pipelineProps = (): unknown => ({ metadata: { name: 'p' }, spec: { type: 'pipeline', pipeline: { name: 'p', jenkinsfile: 'node {}', discarder: { days: '7' } } } });
    const a = reads(pipeline.generated, pipelineProps());
    const b = reads(pipeline.rewritten, pipelineProps());
    expect(b.log).toEqual(a.log);
    expect(exact(b.outcome.value)).toBe(exact(a.outcome.value));
  });

  it('every converter of every file, given no field or every field undefined, returns an empty plain object', () => {
    let checked = 0;
    for (const module of MODULES) {
      for (const name of Object.keys(module.rewritten).filter((n) => /^toJson_\w+$/.test(n))) {
        const convert = converter(module, name);
        // Every read answers undefined: every field's expression gives undefined (maps and arrays none either).
        const undefinedFields = new Proxy({}, { get: () => undefined });
        for (const props of [{}, undefinedFields]) {
          const value = expectSame(convert, props, `${module.file} ${name}`);
          expect(Object.getPrototypeOf(value), name).toBe(Object.prototype);
          expect(Reflect.ownKeys(value as object), name).toEqual([]);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(EXPECTED_FILTERS[K8S_FILE]!.members + EXPECTED_FILTERS[DEVOPS_FILE]!.members);
  });
});

describe('the direct results: only the shape json2jsii generates, anything else left as the literal', () => {
  /** A converter as json2jsii generates it, with `fields` as the lines of its literal. */
  const generated = (fields: string[]): string =>
    [
      'function toJson_X(obj) {',
      '    if (obj === undefined) {',
      '        return undefined;',
      '    }',
      '    const result = {',
      ...fields.map((field) => `        ${field}`),
      '    };',
      '    // filter undefined values',
      '    return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});',
      '}',
      'exports.toJson_X = toJson_X;',
    ].join('\n');
  const NONE = { members: 0, maps: 0, direct: 0 };
  const load = (code: string, f: (x: unknown) => unknown): Converter => {
    const module = { exports: {} as Converters };
    new Function('exports', 'f', code)(module.exports, f);
    return module.exports.toJson_X as Converter;
  };

  it('a literal of the known shape is built directly, same keys, order, values and reads', () => {
    const fields = ["'b': obj.b,", "'a': f(obj.a),", "'default': obj.dflt?.map(y => f(y)),", "'$ref': ((obj.r) === undefined) ? undefined : (Object.entries(obj.r).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})),", "'z': obj.z,"];
    const source = generated(fields);
    const { code, members, maps, direct } = rewriteConverters(source, 'x.js', NONE);
    expect({ members, maps, direct }).toEqual({ members: 1, maps: 1, direct: 1 });
    expect(code).not.toContain('const result = {\n');
    expect(code.split('\n').indexOf('exports.toJson_X = toJson_X;')).toBe(source.split('\n').indexOf('exports.toJson_X = toJson_X;'));
    const calls: unknown[] = [];
    const f = (x: unknown): unknown => (calls.push(x), x === 'skip' ? undefined : x);
    const convert = { generated: load(source, f), rewritten: load(code, f) };
    for (const props of [{ a: 1, b: 2, z: 3, dflt: [4, 'skip'], r: { k: 'v', u: undefined } }, { a: 'skip', z: null }, {}]) {
      expectSame(convert, props);
      calls.length = 0;
      convert.generated(props);
      const generatedCalls = [...calls];
      calls.length = 0;
      convert.rewritten(props);
      expect(calls).toEqual(generatedCalls);
    }
    expect(Object.keys(convert.rewritten({ z: 1, a: 2, b: 3 }) as object)).toEqual(['b', 'a', 'z']);
  });

  it.each([
    ['a string', ["'a': obj.a ?? 'x',"]],
    ['a spread', ["'a': { ...obj.a },"]],
    ['two fields on a line', ["'a': obj.a, 'b': obj.b,"]],
    ['unbalanced brackets', ["'a': f(obj.a,", "'b': obj.b),"]],
    ['a closing bracket first', ["'a': obj.a)(,"]],
    ['the result named', ["'a': result.b,"]],
    ['a comment', ["'a': obj.a, // the a"]],
    ['a division or regular expression', ["'a': obj.a / 2,"]],
    ['a key that is no identifier', ["'x-a': obj.xa,"]],
    ['a __proto__ key (in a literal, the prototype)', ["'__proto__': obj.p,"]],
    ['a repeated key (first place, last value)', ["'a': obj.a,", "'b': obj.b,", "'a': obj.c,"]],
    ['a line of another shape', ['a: obj.a,']],
  ])('%s: left as the literal and the linear filter', (_, fields) => {
    const { code, members, direct } = rewriteConverters(generated(fields), 'x.js', NONE);
    expect({ members, direct }).toEqual({ members: 1, direct: 0 });
    expect(code).toContain(`    const result = {\n${fields.map((field) => `        ${field}\n`).join('')}    };\n    // filter undefined values\n    return __icvDefinedEntries(result);`);
  });

  it('a source that already names the value local is refused', () => {
    expect(() => rewriteConverters(`${generated(["'a': obj.a,"])}\nconst __icvValue = 1;`, 'x.js', NONE)).toThrow(/^x\.js: already holds the helpers/);
  });
});

describe('the bundles hold the rewrite, and it fails loudly on code it was not written for', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('the synth bundle builds the results directly and holds none of the quadratic filters', async () => {
    const result = await build({ ...bundleOptions(join(ROOT, 'infra/cli/synth.ts'), ROOT, 'cjs'), write: false, outfile: join(ROOT, 'build/test-synth.cjs'), logLevel: 'silent' });
    const bundle = result.outputFiles[0]!.text;
    expect(bundle).not.toMatch(/\.reduce\(\(r, i\) =>/);
    expect(bundle).not.toContain('{ ...r, [i[0]]:');
    const direct = bundle.match(/let __icvValue\d*;/g) ?? [];
    const expected = Object.values(EXPECTED_FILTERS).reduce((sum, counts) => sum + counts.direct, 0);
    expect(direct.length).toBeGreaterThanOrEqual(expected);
    // The one literal left (toJson_JsonSchemaProps) goes through the linear helper.
    expect(bundle).toMatch(/return __icvDefinedEntries\d*\(result\);/);
  }, 60_000);

  it('a converter file with fewer filters than counted fails with one line naming it and the counts', () => {
    const source = readFileSync(join(ROOT, K8S_FILE), 'utf8');
    const filter = 'Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})';
    // As a newer json2jsii might write it: the filter gone.
    const changed = source.split(filter).join('result');
    expect(() => rewriteConverters(changed, K8S_FILE, EXPECTED_FILTERS[K8S_FILE]!)).toThrow(
      /^node_modules\/cdk8s-plus-27\/lib\/imports\/k8s\.js: 0 member filters, 34 map conversions and 0 direct results of the generated converters rewritten, expected at least 422, 34 and 421: the generated code changed[^\n]*$/,
    );
    // One literal of a shape the direct results do not know: the converter keeps it, and the file has one fewer.
    const literal = "        'dnsPolicy': obj.dnsPolicy,\n";
    expect(source.split(literal).length).toBe(2);
    expect(() => rewriteConverters(source.replace(literal, "        'dnsPolicy': obj.dnsPolicy ?? 'ClusterFirst',\n"), K8S_FILE, EXPECTED_FILTERS[K8S_FILE]!)).toThrow(
      /^node_modules\/cdk8s-plus-27\/lib\/imports\/k8s\.js: 422 member filters, 34 map conversions and 420 direct results of the generated converters rewritten, expected at least 422, 34 and 421: [^\n]*$/,
    );
    // A shape of the filter the rewrite does not know (a map of maps) is refused with its line, never left quadratic.
    const nested = `${source}\nconst m = Object.entries(obj.m).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: Object.entries(i[1]).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {}) }), {});\n`;
    expect(() => rewriteConverters(nested, K8S_FILE, EXPECTED_FILTERS[K8S_FILE]!)).toThrow(/^node_modules\/cdk8s-plus-27\/lib\/imports\/k8s\.js:\d+: a filter of undefined members of a shape the converters' rewrite does not know/);
  });

  it('the bundle of a project whose imports hold no generated converter fails, naming the file', async () => {
    const project = tempDir('icv-linear-converters-');
    made.push(project);
    mkdirSync(join(project, 'infra/synth/imports'), { recursive: true });
    writeFileSync(join(project, 'infra/synth/imports/plain.ts'), 'export const x: number = 1;\n');
    writeFileSync(join(project, 'entry.ts'), "import { x } from './infra/synth/imports/plain.js';\nconsole.log(x);\n");
    const failure = await build({ ...bundleOptions(join(project, 'entry.ts'), project), write: false, outfile: join(project, 'out.mjs'), logLevel: 'silent' }).then(
      () => undefined,
      (error: unknown) => error as BuildFailure,
    );
    expect(failure?.errors.map((e) => e.text)).toEqual([
      'infra/synth/imports/plain.ts: 0 member filters, 0 map conversions and 0 direct results of the generated converters rewritten, expected at least 1, 0 and 1: the generated code changed (a cdk8s-plus-27 update or a new cdk8s import?); update EXPECTED_FILTERS or the rewrite in infra/cli/bundle-options.mjs',
    ]);
  });
});
