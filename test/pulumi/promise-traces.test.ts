import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as pulumi from '@pulumi/pulumi';
import type { Unit } from '../../infra/model/types.js';
import { createUnits } from '../../infra/pulumi/platform-stack.js';
import { withoutPromiseTraces } from '../../infra/pulumi/promise-traces.js';

describe('withoutPromiseTraces', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('runs its function with no stack frames captured, then restores the limit', () => {
    const before = Error.stackTraceLimit;
    const seen = withoutPromiseTraces(() => ({ limit: Error.stackTraceLimit, stack: new Error('x').stack }));
    expect(seen).toEqual({ limit: 0, stack: 'Error: x' });
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('restores the limit when the function throws, and the error keeps its message', () => {
    const before = Error.stackTraceLimit;
    expect(() => withoutPromiseTraces(() => { throw new Error("'name' (\"Bad\") must be lower-case"); })).toThrow("'name' (\"Bad\") must be lower-case");
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('changes nothing with PULUMI_DEBUG_PROMISE_LEAKS set, the SDK switch that prints the traces', () => {
    vi.stubEnv('PULUMI_DEBUG_PROMISE_LEAKS', '1');
    const before = Error.stackTraceLimit;
    expect(withoutPromiseTraces(() => Error.stackTraceLimit)).toBe(before);
  });

  it('is where PlatformStack creates each unit', async () => {
    const limits: number[] = [];
    await createUnits(Promise.resolve({} as pulumi.Resource), [{ id: 'cluster' }, { id: 'module/a' }] as Unit[], () => limits.push(Error.stackTraceLimit));
    expect(limits).toEqual([0, 0]);
  });
});
