import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/synth.js';
import { loadInputs } from '../../infra/cli/inputs.js';
import { captureOutput, declarationOf, tempDir } from '../support/inputs.js';
import { LEGACY, MODULE } from './scenarios.js';

/** Runs synth with prod's declaration changed by `mutate`: exit code, stderr, and whether anything was written. */
async function synthWithProd(mutate: (d: any) => void) {
  const prod = declarationOf('prod');
  mutate(prod);
  const out = tempDir();
  const { result, stderr } = await captureOutput(() => main(['--out', out], { declarations: { test: declarationOf('test'), prod } }));
  return { code: result, stderr, wrote: readdirSync(out).length > 0 };
}

const legacy = () => structuredClone(LEGACY.prod);

describe('cutover and stateful-mode validation: one line with file and field path, exit 2, nothing written', () => {
  const cases: [string, (d: any) => void, string, RegExp][] = [
    ['a weight on stage legacy', (d) => (d.cutover = { [MODULE]: { stage: 'legacy', weight: 20, legacy: legacy() } }), `cutover.${MODULE}.weight`, /only for stage 'canary', not 'legacy'/],
    ['a weight on stage kubernetes', (d) => (d.cutover = { [MODULE]: { stage: 'kubernetes', weight: 50 } }), `cutover.${MODULE}.weight`, /only for stage 'canary'/],
    ['a canary without a weight', (d) => (d.cutover = { [MODULE]: { stage: 'canary', legacy: legacy() } }), `cutover.${MODULE}.weight`, /needs 'weight'/],
    ['a weight of 0', (d) => (d.cutover = { [MODULE]: { stage: 'canary', weight: 0, legacy: legacy() } }), `cutover.${MODULE}.weight`, /must be 1 to 99/],
    ['a weight of 100', (d) => (d.cutover = { [MODULE]: { stage: 'canary', weight: 100, legacy: legacy() } }), `cutover.${MODULE}.weight`, /must be 1 to 99/],
    ['stage legacy without a legacy upstream', (d) => (d.cutover = { [MODULE]: { stage: 'legacy' } }), `cutover.${MODULE}.legacy`, /needs 'legacy'/],
    ['stage canary without a legacy upstream', (d) => (d.cutover = { [MODULE]: { stage: 'canary', weight: 20 } }), `cutover.${MODULE}.legacy`, /needs 'legacy'/],
    ['a legacy address inside the pod network', (d) => (d.cutover = { [MODULE]: { stage: 'legacy', legacy: { addresses: ['10.233.70.1'], port: 80 } } }), `cutover.${MODULE}.legacy.addresses[0]`, /inside cluster.network.podCidr/],
    ['an unknown stage', (d) => (d.cutover = { [MODULE]: { stage: 'blue-green' } }), `cutover.${MODULE}.stage`, /legacy|canary|kubernetes/],
    ['an unknown module', (d) => (d.cutover = { 'no-such-module': { stage: 'kubernetes' } }), 'cutover.no-such-module', /unknown module 'no-such-module'/],
    ['a module without a route', (d) => (d.cutover = { 'vehicle-access': { stage: 'legacy', legacy: legacy() } }), 'cutover.vehicle-access', /no public route/],
    ['a header outside canary', (d) => (d.cutover = { [MODULE]: { stage: 'legacy', header: 'X-Tester', legacy: legacy() } }), `cutover.${MODULE}.header`, /only for stage 'canary'/],
    ['mode cluster for a service without a profile', (d) => (d.statefulServices.mysql.mode = 'cluster'), 'statefulServices.mysql.mode', /no in-cluster profile/],
    ['a cluster section for a service without a profile', (d) => (d.statefulServices.clickhouse.cluster = { replicas: 1 }), 'statefulServices.clickhouse.cluster', /no in-cluster profile/],
    ['an unknown mode', (d) => (d.statefulServices.redis.mode = 'container'), 'statefulServices.redis.mode', /vm|cluster/],
  ];
  for (const [what, mutate, path, message] of cases) {
    it(`rejects ${what}`, async () => {
      const { code, stderr, wrote } = await synthWithProd(mutate);
      expect(code).toBe(2);
      expect(stderr).toContain(`environments/prod.ts: ${path}: `);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(wrote).toBe(false);
    });
  }

  it('accepts every valid stage and mode', () => {
    for (const mutate of [
      (d: any) => (d.cutover = { [MODULE]: { stage: 'legacy', legacy: legacy() } }),
      (d: any) => (d.cutover = { [MODULE]: { stage: 'canary', weight: 1, header: 'X-Tester', legacy: legacy() } }),
      (d: any) => (d.cutover = { [MODULE]: { stage: 'canary', weight: 99, legacy: legacy() } }),
      (d: any) => (d.cutover = { [MODULE]: { stage: 'kubernetes', legacy: legacy() } }),
      (d: any) => (d.statefulServices.redis.mode = 'cluster'),
      (d: any) => (d.statefulServices.redis.cluster = { replicas: 2, storage: '16Gi' }),
    ]) {
      const prod = declarationOf('prod');
      mutate(prod);
      expect(() => loadInputs(['prod'], { declarations: { prod } })).not.toThrow();
    }
  });
});
