import { describe, expect, it } from 'vitest';
import { cutoverLines, describeStage, ingressStage, isPrimaryIngress, skippedCanary } from '../../infra/preview/cutover.js';
import type { DistObject } from '../../infra/preview/index.js';

/**
 * How the diff reads a module's cutover off its primary Ingress (infra/preview/cutover.ts), on small Ingresses: the
 * stage and weight from the annotations synth writes, the line per route a stage change becomes, which Ingress is a
 * primary one, and the jump from legacy straight to kubernetes that `cutover.skip-canary` flags. In-process and
 * without a synthesis, so that mutation testing (MUTATION.md) runs it for each mutant of the file.
 */

type Body = Record<string, any>;
const STAGE = 'cutover.icv.io/stage';
const WEIGHT = 'cutover.icv.io/kubernetes-weight';
const rules = [
  { host: 'a.example', http: { paths: [{ path: '/' }, { path: '/api' }] } },
  { host: 'b.example', http: { paths: [{ path: '/ws' }] } },
];
const ingress = (annotations?: unknown, spec: Body = { rules }) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', ...(annotations !== undefined && { annotations }) }, spec });
const legacy = ingress({ [STAGE]: 'legacy', [WEIGHT]: '0' });
const canary = (weight: string) => ingress({ [STAGE]: 'canary', [WEIGHT]: weight });
const kubernetes = ingress();

describe('ingressStage and describeStage', () => {
  it('no cutover annotations, another stage or no annotations at all: kubernetes, 100%', () => {
    expect(ingressStage(kubernetes)).toEqual({ stage: 'kubernetes', kubernetesWeight: 100 });
    expect(ingressStage(ingress({ [STAGE]: 'kubernetes', [WEIGHT]: '40' }))).toEqual({ stage: 'kubernetes', kubernetesWeight: 100 });
    expect(ingressStage(ingress({ [STAGE]: 'bogus' }))).toEqual({ stage: 'kubernetes', kubernetesWeight: 100 });
    expect(ingressStage(ingress('not a map'))).toEqual({ stage: 'kubernetes', kubernetesWeight: 100 });
  });
  it('legacy serves nothing from Kubernetes whatever its weight says; canary its weight, or 0 when it cannot be read', () => {
    expect(ingressStage(ingress({ [STAGE]: 'legacy', [WEIGHT]: '30' }))).toEqual({ stage: 'legacy', kubernetesWeight: 0 });
    expect(ingressStage(canary('20'))).toEqual({ stage: 'canary', kubernetesWeight: 20 });
    expect(ingressStage(canary('many'))).toEqual({ stage: 'canary', kubernetesWeight: 0 });
    expect(ingressStage(ingress({ [STAGE]: 'canary' }))).toEqual({ stage: 'canary', kubernetesWeight: 0 });
  });
  it('describes a stage by the share of whoever it is named after', () => {
    expect(describeStage({ stage: 'legacy', kubernetesWeight: 0 })).toBe('legacy 100%');
    expect(describeStage({ stage: 'canary', kubernetesWeight: 20 })).toBe('canary 20%');
    expect(describeStage({ stage: 'kubernetes', kubernetesWeight: 100 })).toBe('kubernetes 100%');
  });
});

describe('cutoverLines', () => {
  it('one line per route (host and path) of a stage or weight change', () => {
    expect(cutoverLines(legacy, canary('10'))).toEqual([
      'route a.example/: legacy 100% → canary 10%',
      'route a.example/api: legacy 100% → canary 10%',
      'route b.example/ws: legacy 100% → canary 10%',
    ]);
    expect(cutoverLines(canary('10'), canary('30'))).toHaveLength(3);
    expect(cutoverLines(canary('30'), kubernetes)[0]).toBe('route a.example/: canary 30% → kubernetes 100%');
    expect(cutoverLines(kubernetes, canary('10'))[0]).toBe('route a.example/: kubernetes 100% → canary 10%');
    expect(cutoverLines(legacy, canary('many'))[0]).toBe('route a.example/: legacy 100% → canary 0%');
  });
  it('nothing when stage and weight stay, or for an Ingress on kubernetes that appears or goes', () => {
    expect(cutoverLines(canary('10'), canary('10'))).toEqual([]);
    expect(cutoverLines(legacy, ingress({ [STAGE]: 'legacy', [WEIGHT]: '50' }))).toEqual([]);
    expect(cutoverLines(undefined, kubernetes)).toEqual([]);
    expect(cutoverLines(kubernetes, undefined)).toEqual([]);
  });
  it('an Ingress off kubernetes that appears or goes: "(no route)" on its missing side, the routes of the side that exists', () => {
    expect(cutoverLines(undefined, legacy)[0]).toBe('route a.example/: (no route) → legacy 100%');
    expect(cutoverLines(canary('20'), undefined)).toEqual([
      'route a.example/: canary 20% → (no route)',
      'route a.example/api: canary 20% → (no route)',
      'route b.example/ws: canary 20% → (no route)',
    ]);
  });
  it('a rule without host is *, a path without path is /, an Ingress without rules has no route', () => {
    const odd = (annotations: Body) => ingress(annotations, { rules: [{ http: { paths: [{ pathType: 'Prefix' }] } }, { host: 'c.example' }] });
    expect(cutoverLines(odd({ [STAGE]: 'legacy' }), odd({ [STAGE]: 'canary', [WEIGHT]: '5' }))).toEqual(['route */: legacy 100% → canary 5%']);
    expect(cutoverLines(ingress({ [STAGE]: 'legacy' }, {}), ingress({ [STAGE]: 'canary', [WEIGHT]: '5' }, {}))).toEqual([]);
  });
});

describe('isPrimaryIngress and skippedCanary', () => {
  const object = (kind: string, name: string, module: string | undefined) => ({ kind, name, module }) as DistObject;
  it('the primary Ingress is the Ingress named after its module', () => {
    expect(isPrimaryIngress(object('Ingress', 'web', 'web'))).toBe(true);
    expect(isPrimaryIngress(object('Ingress', 'web-canary', 'web'))).toBe(false);
    expect(isPrimaryIngress(object('Ingress', 'web', undefined))).toBe(false);
    expect(isPrimaryIngress(object('Service', 'web', 'web'))).toBe(false);
  });
  it('legacy straight to kubernetes names every route; through a canary, back, or appearing, it is no skip', () => {
    expect(skippedCanary(legacy, kubernetes)).toBe('a.example/, a.example/api, b.example/ws: legacy 100% → kubernetes 100% with no canary stage in between');
    expect(skippedCanary(canary('50'), kubernetes)).toBeUndefined();
    expect(skippedCanary(legacy, canary('10'))).toBeUndefined();
    expect(skippedCanary(kubernetes, legacy)).toBeUndefined();
    expect(skippedCanary(undefined, kubernetes)).toBeUndefined();
    expect(skippedCanary(legacy, undefined)).toBeUndefined();
  });
});
