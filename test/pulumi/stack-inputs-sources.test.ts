import { describe, expect, it } from 'vitest';
import { scaledSources } from '../../bench/scale-catalog.js';
import { stackInputs } from '../../infra/pulumi/stack-config.js';

describe('stackInputs with sources (what npm run e2e:scaled passes platformProgram)', () => {
  it("validates the given catalog and release tags in place of the repository's", () => {
    const real = stackInputs('test');
    const doubled = stackInputs('test', scaledSources(2));
    expect(doubled.catalog).toHaveLength(2 * real.catalog.length);
    expect(doubled.catalog.map((m) => m.name)).toContain(`${real.catalog[0]!.name}-x2`);
    expect(doubled.env.name).toBe('test');
  });
});
