import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { readReleases } from '../../bench/scale-catalog.js';
import { ENVIRONMENT_NAMES } from '../../infra/cli/inputs.js';
import { environmentSchema } from '../../infra/schema/environment.js';
import { PARSE_CONTEXT } from '../../infra/schema/parse-context.js';
import { releaseEntrySchema } from '../../infra/schema/releases.js';
import { declarationOf } from '../support/inputs.js';

/**
 * The environment and release schemas parse with zod's interpreted parse (infra/schema/parse-context.ts `jitless`),
 * zod's JIT fast path skipped. Both must give the same: the same values (keys in the same order, defaults applied)
 * and the same issues (paths and messages), on the real declarations and on broken ones.
 */

type Parsed = { success: boolean; json: string; issues: { path: PropertyKey[]; message: string }[] };

function both(schema: z.ZodType, value: unknown): { fast: Parsed; jitless: Parsed } {
  const of = (result: ReturnType<z.ZodType['safeParse']>): Parsed => ({
    success: result.success,
    json: JSON.stringify(result.data),
    issues: (result.error?.issues ?? []).map((i) => ({ path: i.path, message: i.message })),
  });
  // The fast path where zod takes it (no context) against PARSE_CONTEXT, each on its own copy of the input.
  return { fast: of(schema.safeParse(structuredClone(value))), jitless: of(schema.safeParse(structuredClone(value), PARSE_CONTEXT)) };
}

const releases = readReleases();

/** Breaks of an environment declaration, each one field or a few. */
const breaks: [string, (d: any) => void][] = [
  ['none', () => {}],
  ['a host address', (d) => (d.cluster.hosts[1].address = '192.168.1')],
  ['a missing field and an unknown one', (d) => { delete d.domain; d.extra = true; }],
  ['a CIDR with host bits', (d) => (d.cluster.network.podCidr = '10.233.64.1/18')],
  ['the registry trust', (d) => (d.registry.tls = { trust: 'neither' })],
  ['a cutover stage and weight', (d) => (d.cutover = { 'portal-web': { stage: 'canary', weight: 100, legacy: { addresses: [], port: 0 } } })],
  ['a stateful mode', (d) => (d.statefulServices.redis.mode = 'elsewhere')],
];

describe.each(ENVIRONMENT_NAMES)('%s: the jitless parse equals zod\'s fast path', (name) => {
  it.each(breaks)('environment declaration, broken: %s', (what, breakIt) => {
    const declaration = declarationOf(name as never);
    breakIt(declaration);
    const { fast, jitless } = both(environmentSchema, { ...declaration, releases: { ...releases[name], 'bad-tag': ':latest', 'bad-digest': { tag: '1.0.0', digest: 'sha256:00' } } });
    expect(fast.success).toBe(false);
    if (what === 'none') expect(fast.issues.map((i) => i.path.join('.'))).toEqual(['releases.bad-tag.tag', 'releases.bad-digest.digest']);
    expect(jitless).toEqual(fast);
  });

  it('the declaration as it is, and its release entries', () => {
    const { fast, jitless } = both(environmentSchema, { ...declarationOf(name as never), releases: releases[name] });
    expect(fast.success).toBe(true);
    expect(jitless).toEqual(fast);
    for (const entry of ['1.0.0-abc1234', { tag: '1.0.0-abc1234', digest: `sha256:${'ab'.repeat(32)}` }, { tag: 'x y' }, { tag: '1', extra: 1 }, 7]) {
      const result = both(releaseEntrySchema, entry);
      expect(result.jitless).toEqual(result.fast);
    }
  });
});
