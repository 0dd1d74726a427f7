import { App, Chart } from 'cdk8s';
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
  const chart = new Chart(new App(), 'unit', { disableResourceNameHashes: true });
  build(chart);
  chartObserver?.(chart);
  return chartJson(chart) as KubeObject[];
}

let chartObserver: ((chart: Chart) => void) | undefined;

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
