import { describe, expect, it } from 'vitest';
import { runChecks } from '../../infra/checks/index.js';
import { fixtureEnv, moduleObjects } from './fixtures.js';

describe('the fixture module', () => {
  it('passes every rule in test and prod, fixed or autoscaled: the rules have no false positives on the constructs\' shape', () => {
    for (const production of [false, true]) {
      const env = fixtureEnv({ production });
      expect(runChecks({ objects: moduleObjects(), env })).toEqual([]);
      expect(runChecks({ objects: moduleObjects({ autoscale: { min: 2, max: 5 } }), env })).toEqual([]);
    }
  });
});
