import { ApiObject, type Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_NAMES, loadInputs } from '../../infra/cli/inputs.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { constructingOnly, observingCharts, synthObjects } from '../../infra/synth/chart.js';

/**
 * The bench's `construct` kind (bench/measure.ts) measures `buildPlatform` under chart.ts's `constructingOnly`: every
 * construct created, nothing serialized. It is a floor only if it does all the construct work a synth does and none
 * of the serialization: the same charts with the same API objects, the same artifacts, no objects returned.
 */

/** The kind and name of every API object a chart holds, in tree order. */
const apiObjects = (chart: Chart) => chart.node.findAll().filter(ApiObject.isApiObject).map((o) => `${o.kind}/${o.name}`);

describe.each(ENVIRONMENT_NAMES)('constructingOnly over buildPlatform (%s)', (name) => {
  const { env, catalog } = loadInputs([name])[0]!;
  const observe = (build: () => ReturnType<typeof buildPlatform>) => {
    const charts: string[][] = [];
    const platform = observingCharts((chart) => charts.push(apiObjects(chart)), build);
    return { platform, charts };
  };
  const full = observe(() => buildPlatform(env, catalog));
  const constructed = observe(() => constructingOnly(() => buildPlatform(env, catalog)));

  it('creates the same charts with the same API objects as a synth', () => {
    expect(constructed.charts.length).toBe(full.charts.length);
    expect(constructed.charts).toEqual(full.charts);
    // Every object a synth serializes was created as a construct (the cluster's Node objects are plain data).
    const serialized = full.platform.units.filter((u) => u.id !== 'cluster').reduce((n, u) => n + u.objects.length, 0);
    expect(constructed.charts.flat().length).toBe(serialized);
  });

  it('serializes nothing: every chart unit comes back without objects, the units and artifacts as in a synth', () => {
    expect(constructed.platform.units.map((u) => u.id)).toEqual(full.platform.units.map((u) => u.id));
    for (const unit of constructed.platform.units.filter((u) => u.id !== 'cluster')) expect(unit.objects, unit.id).toEqual([]);
    expect(constructed.platform.units.map((u) => u.artifacts)).toEqual(full.platform.units.map((u) => u.artifacts));
  });
});

describe('constructingOnly', () => {
  const build = () => synthObjects((scope) => new ApiObject(scope, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } }));

  it('serializes again once it returns, and after it throws', () => {
    expect(constructingOnly(build)).toEqual([]);
    expect(build()).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } }]);
    expect(() =>
      constructingOnly(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(build()).toHaveLength(1);
  });

  it('nests: an inner run leaves the outer one constructing only', () => {
    expect(constructingOnly(() => [constructingOnly(build), build()])).toEqual([[], []]);
  });
});
