import { App, Chart, type AppProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { KubeObject } from '../model/types.js';
import { chartJson } from './chart-json.js';

/**
 * Synthesizes the constructs `build` adds to a fresh chart and returns its objects as plain JSON: what
 * `chart.toJson()` returns, through chartJson (chart-json.ts), which computes it in one walk per object.
 * One App per unit keeps synthesis linear in the number of modules (an App walks its whole tree for each
 * chart it holds, so one App for sixty charts is superlinear: see shared/reference/README.md).
 */
export function synthObjects(build: (scope: Construct) => void): KubeObject[] {
  const chart = new Chart(new App(APP_PROPS), 'unit', { disableResourceNameHashes: true });
  build(chart);
  chartObserver?.(chart);
  return constructing ? [] : (chartJson(chart) as KubeObject[]);
}

/**
 * The App's defaults, given so that it reads no environment variable (CDK8S_OUTDIR, CDK8S_RECORD_CONSTRUCT_METADATA:
 * a microsecond or two per unit): nothing here calls `app.synth()`, which is all they would change.
 */
const APP_PROPS: AppProps = { outdir: 'dist', recordConstructMetadata: false };

let chartObserver: ((chart: Chart) => void) | undefined;
let constructing = false;

/**
 * For tests (test/synth/chart-json.test.ts compares chartJson with cdk8s on every chart): runs `run`, handing
 * `observer` each chart synthObjects builds meanwhile, before it is serialized.
 */
export function observingCharts<T>(observer: (chart: Chart) => void, run: () => T): T {
  const previous = chartObserver;
  chartObserver = observer;
  try {
    return run();
  } finally {
    chartObserver = previous;
  }
}

/**
 * The bench's measurement hook (bench/measure.ts `construct`, the floor of the construct layer): runs `run` with
 * every chart synthObjects builds meanwhile built (every construct created, the observer of observingCharts called)
 * and never serialized: synthObjects returns no objects, so chartJson and cdk8s-plus's converters do not run.
 * Nothing but the bench calls it; what it returns has units without objects.
 */
export function constructingOnly<T>(run: () => T): T {
  const previous = constructing;
  constructing = true;
  try {
    return run();
  } finally {
    constructing = previous;
  }
}
