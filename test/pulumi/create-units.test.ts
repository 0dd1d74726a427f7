import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import type { Unit } from '../../infra/model/types.js';
import { createUnits } from '../../infra/pulumi/platform-stack.js';

const units = ['cluster', 'shared-infra', 'module/a', 'module/b'].map((id) => ({ id }) as Unit);
const macrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('PlatformStack creates its units', () => {
  it('none before the cluster check passed, then one per macrotask, in the core order', async () => {
    let pass!: (r: pulumi.Resource) => void;
    const created: string[] = [];
    const ready = createUnits(new Promise((resolve) => (pass = resolve)), units, (unit) => created.push(unit.id));
    await macrotask();
    await macrotask();
    expect(created).toEqual([]);
    pass({} as pulumi.Resource);
    const seen: number[] = [];
    while (created.length < units.length) {
      await macrotask();
      seen.push(created.length);
    }
    await ready;
    expect(created).toEqual(units.map((u) => u.id));
    // Never two units in the same macrotask: each unit's registrations are sent before the next unit exists.
    expect(seen.every((n, i) => n - (i === 0 ? 0 : seen[i - 1]!) <= 1), `units created per macrotask: ${seen}`).toBe(true);
  });

  it('none at all when the check fails (the resources already waiting on it report the failure)', async () => {
    const created: string[] = [];
    const failure = new Error('the cluster reached is not the stack cluster');
    await expect(createUnits(Promise.reject(failure), units, (unit) => created.push(unit.id))).resolves.toBeUndefined();
    expect(created).toEqual([]);
  });
});
