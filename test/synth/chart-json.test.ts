import { isDeepStrictEqual } from 'node:util';
import { ApiObject, App, Chart, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver, type IResolver } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { scaledSources } from '../../bench/scale-catalog.js';
import { ENVIRONMENT_NAMES, loadInputs } from '../../infra/cli/inputs.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import type { Environment } from '../../infra/schema/environment.js';
import { observingCharts } from '../../infra/synth/chart.js';
import { chartJson, handlesChart } from '../../infra/synth/chart-json.js';
import type { KubeObject, Platform } from '../../infra/model/types.js';
import { Pipeline } from '../../infra/synth/imports/devops.kubesphere.io.js';
import { withUndeclaredFeatures } from '../support/inputs.js';

/**
 * chartJson (infra/synth/chart-json.ts) is our copy of what cdk8s's `chart.toJson()` returns. It must return the
 * same objects, with the same key order (the YAML is written in that order), for every chart we synthesize, and
 * hand every chart it cannot prove equal to `chart.toJson()` itself.
 */

/** A platform and the charts synthObjects built for it, in the order of its units that have one (not the cluster's). */
function platformAndCharts(env: Environment, catalog: Parameters<typeof buildPlatform>[1]): { platform: Platform; charts: Chart[] } {
  const charts: Chart[] = [];
  const platform = observingCharts((chart) => charts.push(chart), () => buildPlatform(env, catalog));
  return { platform, charts };
}

/** The units' objects (what synthObjects returned) against cdk8s's own toJson of their charts, object by object. */
function compareUnits(platform: Platform, charts: readonly Chart[]): { objects: number; differing: string[] } {
  const units = platform.units.filter((u) => u.id !== 'cluster');
  expect(charts.length).toBe(units.length);
  const differing: string[] = [];
  let objects = 0;
  charts.forEach((chart, i) => {
    // Handled by the walk itself, not handed to chart.toJson(): else this would compare cdk8s with itself.
    expect(handlesChart(chart), units[i]!.id).toBe(true);
    const result = compare(chart, units[i]!.objects);
    objects += result.objects;
    differing.push(...result.differing.map((d) => `${units[i]!.id}: ${d}`));
  });
  return { objects, differing };
}

/** Objects against cdk8s's own toJson of their chart (chartJson's by default): the keys of those that differ. */
function compare(chart: Chart, ours = chartJson(chart) as readonly KubeObject[]): { objects: number; differing: string[] } {
  const cdk8s = chart.toJson() as unknown[];
  const differing: string[] = [];
  if (ours.length !== cdk8s.length) differing.push(`${ours.length} objects, cdk8s ${cdk8s.length}`);
  ours.forEach((object, i) => {
    // The key order, which the YAML is written in, and deep equality (undefined members too, which JSON drops).
    if (JSON.stringify(object) !== JSON.stringify(cdk8s[i]) || !isDeepStrictEqual(object, cdk8s[i])) differing.push(`${object.kind}/${object.metadata?.name}`);
  });
  return { objects: ours.length, differing };
}

// The catalog as declared. Scaled ten times (bench/scale-catalog.ts: the same constructs under other names) it was
// compared the same way when chartJson was written, and the ×10 synthesis before and after it was byte-identical
// (2,737 files); it is left out of npm test, where it cost ~15 s of CPU for no type or path the ×1 catalog lacks.
describe.each([1])('×%i catalog: chartJson returns what cdk8s returns, object by object', (factor) => {
  it.each(ENVIRONMENT_NAMES)('every chart of %s', (name) => {
    const { env, catalog } = loadInputs([name], scaledSources(factor))[0]!;
    const { platform, charts } = platformAndCharts(env, catalog);
    expect(charts.length).toBe(catalog.length + 3);
    const { objects, differing } = compareUnits(platform, charts);
    expect(differing).toEqual([]);
    expect(objects).toBeGreaterThan(factor * 550);
  });
});

/**
 * Every object and array reachable from `value` (each once), into `into`; false when one was there already. Skips
 * `apiObject` (metadata's link back to its construct, which is not a value).
 */
function collectObjects(value: unknown, into: Set<object>): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (into.has(value)) return false;
  into.add(value);
  let fresh = true;
  for (const [key, item] of Object.entries(value)) if (key !== 'apiObject') fresh = collectObjects(item, into) && fresh;
  return fresh;
}

/**
 * What the constructs' values could share with the objects: every object and array in each ApiObject's props and
 * metadata. The objects themselves: the count of objects and arrays reached twice (within one object or across the
 * platform) and of those that are the constructs' own.
 */
function sharing(platform: Platform, charts: readonly Chart[]): { reached: number; twice: number; constructs: number } {
  const inputs = new Set<object>();
  for (const chart of charts) {
    for (const construct of chart.node.findAll()) {
      if (!ApiObject.isApiObject(construct)) continue;
      collectObjects((construct as unknown as { props: unknown }).props, inputs);
      collectObjects(construct.metadata, inputs);
    }
  }
  const reached = new Set<object>();
  let twice = 0;
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (reached.has(value)) twice += 1;
    reached.add(value);
    for (const item of Object.values(value)) visit(item);
  };
  for (const unit of platform.units) for (const object of unit.objects) visit(object);
  return { reached: reached.size, twice, constructs: [...reached].filter((o) => inputs.has(o)).length };
}

// chartJson returns a value of the constructs where its copy would equal it (infra/synth/chart-json.ts `plain`); the
// generated converters copy every level they type, so the objects still share nothing with the constructs, nor with
// each other: every consumer (render, checks, the Pulumi program) gets a tree of its own, as with chart.toJson().
describe.each([1])('×%i catalog: the objects share no object or array with the constructs or with each other', (factor) => {
  it.each(ENVIRONMENT_NAMES)('%s', (name) => {
    const { env, catalog } = loadInputs([name], scaledSources(factor))[0]!;
    for (const changed of [env, withUndeclaredFeatures(env)]) {
      const { platform, charts } = platformAndCharts(changed, catalog);
      const { reached, twice, constructs } = sharing(platform, charts);
      expect({ twice, constructs }).toEqual({ twice: 0, constructs: 0 });
      expect(reached).toBeGreaterThan(factor * 10000);
    }
  });

  it('the check sees a value of a construct, and one object in two places', () => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }));
    const [object] = chartJson(chart) as KubeObject[];
    const props = (chart.node.findAll().find(ApiObject.isApiObject) as unknown as { props: { data: object } }).props;
    const unit = (objects: KubeObject[]) => ({ env: 'x', units: [{ id: 'u', objects }] }) as unknown as Platform;
    expect(sharing(unit([object!]), [chart])).toMatchObject({ twice: 0, constructs: 0 });
    expect(sharing(unit([{ ...object!, data: props.data } as KubeObject]), [chart])).toMatchObject({ constructs: 1 });
    expect(sharing(unit([object!, object!]), [chart]).twice).toBeGreaterThan(0);
  });
});

describe('environments with what the real ones do not declare yet: chartJson returns what cdk8s returns', () => {
  it.each(ENVIRONMENT_NAMES)('%s with a canary and a legacy cutover, redis in the cluster and a release by digest', (name) => {
    const { env, catalog } = loadInputs([name])[0]!;
    const changed = withUndeclaredFeatures(env);
    const { platform, charts } = platformAndCharts(changed, catalog);
    const kinds = new Set(platform.units.flatMap((u) => u.objects.map((o) => o.kind)));
    for (const kind of ['StatefulSet', 'PersistentVolumeClaim', 'EndpointSlice', 'Ingress']) expect(kinds).toContain(kind);
    expect(compareUnits(platform, charts).differing).toEqual([]);
  });
});

/** A chart in an App of its own, as synthObjects makes it. */
function chartOf(build: (chart: Chart) => void, app = new App()): Chart {
  const chart = new Chart(app, 'unit', { disableResourceNameHashes: true });
  build(chart);
  return chart;
}

describe('chartJson on values cdk8s treats specially', () => {
  it('the comparison sees a changed value, a reordered key and an undefined member', () => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v', l: 'w' } }));
    const [object] = chartJson(chart) as KubeObject[];
    const { data, ...rest } = object as KubeObject & { data: Record<string, string> };
    expect(compare(chart, [object!]).differing).toEqual([]);
    expect(compare(chart, [{ ...rest, data: { ...data, k: 'changed' } }]).differing).toEqual(['ConfigMap/a']);
    expect(compare(chart, [{ ...rest, data: { l: 'w', k: 'v' } }]).differing).toEqual(['ConfigMap/a']);
    expect(compare(chart, [{ ...rest, data, extra: undefined } as KubeObject]).differing).toEqual(['ConfigMap/a']);
  });

  it('drops null and undefined, and empty arrays and objects in metadata only, as cdk8s does', () => {
    const chart = chartOf((c) => {
      new k8s.KubeConfigMap(c, 'a', {
        metadata: { name: 'a', labels: {}, annotations: { z: 'last', a: 'first' }, finalizers: [], ownerReferences: [] },
        data: { b: 'x', a: undefined as unknown as string },
      });
      new k8s.KubeDeployment(c, 'b', {
        metadata: { name: 'b', namespace: undefined },
        spec: {
          selector: { matchLabels: {} },
          template: { metadata: {}, spec: { containers: [{ name: 'c', args: [], command: ['a', null as unknown as string, 'b'], env: [{ name: 'D', value: 'd' }, { name: 'E', value: undefined }], ports: [{ containerPort: 1, hostIp: null as unknown as string }] }] } },
          strategy: { rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        },
      });
      new k8s.KubeSecret(c, 'c', { metadata: {}, stringData: {} });
    });
    expect(handlesChart(chart)).toBe(true);
    expect(compare(chart)).toEqual({ objects: 3, differing: [] });
  });

  it("unwraps Quantity and IntOrString and renames fields as the Kubernetes types' converters do", () => {
    const chart = chartOf((c) => {
      new k8s.KubePersistentVolumeClaim(c, 'pvc', { metadata: { name: 'pvc' }, spec: { resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } } });
      new k8s.KubeService(c, 'svc', { metadata: { name: 'svc' }, spec: { clusterIp: 'None', ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] } });
    });
    expect(handlesChart(chart)).toBe(true);
    expect(JSON.stringify(chartJson(chart))).toContain('"clusterIP":"None"');
    expect(compare(chart)).toEqual({ objects: 2, differing: [] });
  });

  it('runs the generated converter of an imported type (snake_case fields)', () => {
    const chart = chartOf((c) => {
      new Pipeline(c, 'p', { metadata: { name: 'p' }, spec: { type: 'pipeline', pipeline: { name: 'p', disableConcurrent: true, discarder: { daysToKeep: '1', numToKeep: '2' } } } });
    });
    expect(handlesChart(chart)).toBe(true);
    expect(JSON.stringify(chartJson(chart))).toContain('"disable_concurrent":true');
    expect(compare(chart)).toEqual({ objects: 1, differing: [] });
  });

  it('sorts keys in UTF-16 code unit order, as cdk8s does, in objects of a few keys and of many', () => {
    // An object lists integer-like keys first, in numeric order, whatever order they were added in.
    const few = { b: '1', B: '2', _: '3', '10': '4', '9': '5', é: '6', a: '7' };
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String.fromCharCode(122 - i)}`, String(i)]));
    const chart = chartOf((c) => {
      new k8s.KubeConfigMap(c, 'few', { metadata: { name: 'few' }, data: few });
      new k8s.KubeConfigMap(c, 'many', { metadata: { name: 'many' }, data: many });
    });
    expect(handlesChart(chart)).toBe(true);
    const [a, b] = chartJson(chart) as { data: object }[];
    expect(Object.keys(a!.data)).toEqual(['9', '10', 'B', '_', 'a', 'b', 'é']);
    expect(Object.keys(b!.data)).toEqual(Object.keys(many).sort());
    expect(compare(chart)).toEqual({ objects: 2, differing: [] });
  });

  it("keeps the metadata options' other fields, the metadata's own winning, empty ones dropped, as cdk8s does", () => {
    const chart = chartOf((c) => {
      const options = { generateName: 'a-', resourceVersion: '7', uid: undefined, managedFields: [], labels: { from: 'options' } };
      new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a', ...options } }).metadata.addLabel('added', 'later');
      // An imported type's converter keeps metadata as it is, so the fields cdk8s's ObjectMeta drops show too.
      new Pipeline(c, 'p', { metadata: { name: 'p', ...options, extra: { deep: {} } } as never, spec: { type: 'pipeline' } }).metadata.addLabel('added', 'later');
    });
    expect(handlesChart(chart)).toBe(true);
    const [configMap, pipeline] = chartJson(chart) as { metadata: Record<string, unknown> }[];
    expect(configMap!.metadata).toEqual({ generateName: 'a-', labels: { added: 'later', from: 'options' }, name: 'a', resourceVersion: '7' });
    expect(Object.keys(pipeline!.metadata)).toEqual(['generateName', 'labels', 'name', 'resourceVersion']);
    expect(compare(chart)).toEqual({ objects: 2, differing: [] });
  });

  const handedOver: [string, (chart: Chart) => void][] = [
    ['a Lazy value', (c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: Lazy.any({ produce: () => 'late' }) as unknown as string } })],
    ['an implicit token, a resolve function', (c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: { resolve: () => 'token' } as unknown as string } })],
    ['a JSON patch', (c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }).addJsonPatch(JsonPatch.add('/data/x', 'y'))],
    ['a type outside the lists', (c) => new ApiObject(c, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } })],
    [
      'a dependency between objects',
      (c) => {
        const a = new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' } });
        new k8s.KubeConfigMap(c, 'b', { metadata: { name: 'b' } }).addDependency(a);
      },
    ],
    ['a chart inside the chart', (c) => new k8s.KubeConfigMap(new Chart(c, 'inner'), 'a', { metadata: { name: 'a' } })],
    ['an object of another prototype', (c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: Object.assign(Object.create({ inherited: 'no' }), { k: 'v' }) })],
  ];
  it.each(handedOver)('hands a chart with %s to cdk8s, and returns what it returns', (_what, build) => {
    const chart = chartOf(build);
    expect(handlesChart(chart)).toBe(false);
    expect(compare(chart).differing).toEqual([]);
  });

  it('keeps a key named resolve that holds no function, as cdk8s does', () => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { resolve: 'plain data' } }));
    expect(handlesChart(chart)).toBe(true);
    expect(compare(chart)).toEqual({ objects: 1, differing: [] });
  });

  it('hands every chart over while plain objects inherit a resolve function, which cdk8s would call on each', () => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }));
    const prototype = Object.prototype as { resolve?: unknown };
    try {
      Object.defineProperty(prototype, 'resolve', { value: () => undefined, configurable: true, enumerable: false, writable: true });
      expect(handlesChart(chart)).toBe(false);
    } finally {
      delete prototype.resolve;
    }
    expect(handlesChart(chart)).toBe(true);
  });

  it('hands over a chart whose App has its own resolvers', () => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }), new App({ resolvers: [{ resolve: () => undefined }] }));
    expect(handlesChart(chart)).toBe(false);
    expect(compare(chart).differing).toEqual([]);
  });

  it.each([
    ['a Map', { k: new Map() }],
    ['an object with an own constructor key', { k: { constructor: 'x' } }],
  ])('throws what cdk8s throws for a value it cannot render: %s', (_what, data) => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: data as unknown as Record<string, string> }));
    expect(handlesChart(chart)).toBe(false);
    expect(() => chart.toJson()).toThrow(/can't render non-simple object/);
    expect(() => chartJson(chart)).toThrow(/can't render non-simple object/);
  });

  it('hands a chart to cdk8s when CDK8S_DISABLE_SORT is set, and returns its unsorted keys', () => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { z: '1', a: '2' } }));
    const previous = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = 'true';
    try {
      expect(handlesChart(chart)).toBe(false);
      expect(compare(chart).differing).toEqual([]);
      expect(Object.keys((chartJson(chart)[0] as { data: object }).data)).toEqual(['z', 'a']);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = previous;
    }
    expect(handlesChart(chart)).toBe(true);
  });

  it('hands a chart to cdk8s when its App holds another chart', () => {
    const app = new App();
    new Chart(app, 'other', { disableResourceNameHashes: true });
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }), app);
    expect(handlesChart(chart)).toBe(false);
    expect(compare(chart).differing).toEqual([]);
  });

  it.each([
    ['the App', (chart: Chart) => App.of(chart)],
    ['the chart', (chart: Chart) => chart],
    ['an object of the chart', (chart: Chart) => chart.node.findChild('a')],
  ])('hands a chart to cdk8s when a validation of %s fails, and throws what it throws', (_what, target) => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }));
    target(chart).node.addValidation({ validate: () => ['declared invalid by the test'] });
    expect(handlesChart(chart)).toBe(false);
  });

  // cdk8s puts an App's own resolvers before its three built-in ones (cdk8s 2.70.106 lib/app.js), so each list
  // below ends with the built-in three: copies of them, or others, in the slots chartJson inspects.
  const custom = () => ({ resolve: () => undefined });
  it.each([
    ['copies of the built-in three before them', () => [new LazyResolver(), new ImplicitTokenResolver(), new NumberStringUnionResolver()]],
    ['its own first resolver', () => [custom(), new ImplicitTokenResolver(), new NumberStringUnionResolver()]],
    ['its own first two resolvers', () => [custom(), custom(), new NumberStringUnionResolver()]],
    ['one resolver of its own', () => [custom()]],
  ])('hands a chart to cdk8s when its App resolves with %s', (_what, resolvers) => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }), new App({ resolvers: resolvers() as IResolver[] }));
    expect(handlesChart(chart)).toBe(false);
    expect(compare(chart).differing).toEqual([]);
  });

  it('hands a chart to cdk8s when an array carries its own resolve function', () => {
    const args = Object.assign(['x'], { resolve: () => ['resolved'] });
    const chart = chartOf((c) => new k8s.KubeDeployment(c, 'a', { metadata: { name: 'a' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', args }] } } } }));
    expect(handlesChart(chart)).toBe(false);
    expect(compare(chart).differing).toEqual([]);
  });

  it('keeps non-empty arrays in metadata, as cdk8s does', () => {
    const chart = chartOf((c) =>
      new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a', finalizers: ['icv.io/keep'], ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1' }] } }),
    );
    expect(handlesChart(chart)).toBe(true);
    const [object] = chartJson(chart) as { metadata: { finalizers?: string[] } }[];
    expect(object!.metadata.finalizers).toEqual(['icv.io/keep']);
    expect(compare(chart)).toEqual({ objects: 1, differing: [] });
  });

  it('hands a chart to cdk8s when a value is an instance of another class with a value, as IntOrString has', () => {
    class Boxed {
      readonly value = 'boxed';
    }
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: new Boxed() as unknown as string } }));
    expect(handlesChart(chart)).toBe(false);
    expect(compare(chart).differing).toEqual([]);
  });

  it('hands a chart to cdk8s when a value is a function', () => {
    const chart = chartOf((c) => new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: (() => 'f') as unknown as string } }));
    expect(handlesChart(chart)).toBe(false);
  });
});
