import type * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { RegistrationWaves } from '../../infra/pulumi/registration-waves.js';

const resource = { urn: 'kube-system' } as unknown as pulumi.Resource;

describe('RegistrationWaves', () => {
  it('hands the same check to each wave of `size` resources, a new one to the next wave', () => {
    const waves = new RegistrationWaves(Promise.resolve(resource), 3);
    const handed = Array.from({ length: 7 }, () => waves.next());
    expect(new Set(handed.slice(0, 3)).size).toBe(1);
    expect(new Set(handed.slice(3, 6)).size).toBe(1);
    expect(handed[3]).not.toBe(handed[0]);
    expect(handed[6]).not.toBe(handed[3]);
  });

  it('resolves every wave to the check resource, each only after the previous wave and all its microtasks ran', async () => {
    let verify!: (r: pulumi.Resource) => void;
    const waves = new RegistrationWaves(new Promise<pulumi.Resource>((resolve) => (verify = resolve)), 2);
    const events: string[] = [];
    const done = Array.from({ length: 6 }, (_, i) =>
      waves.next().then(async (r) => {
        expect(r).toBe(resource);
        // A registration's chain of awaits (serialize, send, answer) must run to its end before the next wave
        // starts, however long it is: the first wave's chains are the longest, so one shared Promise would finish
        // the last wave first.
        for (let step = 0; step < 60 - 30 * Math.floor(i / 2); step += 1) await Promise.resolve();
        events.push(`wave ${Math.floor(i / 2)} done`);
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    verify(resource);
    await Promise.all(done);
    expect(events).toEqual(['wave 0 done', 'wave 0 done', 'wave 1 done', 'wave 1 done', 'wave 2 done', 'wave 2 done']);
  });

  it('rejects every wave when the check fails', async () => {
    const failure = new Error('the cluster reached is not the stack cluster');
    const check = Promise.reject(failure);
    check.catch(() => undefined);
    const waves = new RegistrationWaves(check, 2);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => waves.next()));
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual(Array(5).fill(failure));
  });

  it('refuses a wave size that is not a whole number of at least 1', () => {
    expect(() => new RegistrationWaves(Promise.resolve(resource), 0)).toThrow('RegistrationWaves: size (0) must be a whole number of at least 1');
  });
});
