import { describe, expect, it } from 'vitest';
import { NAMESPACE_NAME_LABEL } from '../../infra/model/names.js';
import { build, get, LEGACY, MODULE, NAMESPACE, type EnvName, type Stage } from './scenarios.js';

const CANARY = 'nginx.ingress.kubernetes.io/canary';
const WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';
const STAGES: Record<string, Stage> = {
  legacy: { stage: 'legacy' },
  canary: { stage: 'canary', weight: 20 },
  kubernetes: { stage: 'kubernetes' },
};
const hostOf = (env: EnvName) => (env === 'prod' ? 'console.icv.example.cn' : 'console.test.icv.example.cn');
const backendOf = (ingress: any) => ingress.spec.rules[0].http.paths[0].backend.service.name;
const cutoverObjects = (objects: any[]) => objects.filter((o) => o.metadata.labels?.['cutover.icv.io/role'] !== undefined).map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe.each(['test', 'prod'] as const)('cutover objects in %s', (env) => {
  const built = Object.fromEntries(Object.entries(STAGES).map(([name, stage]) => [name, build(env, { cutover: stage })]));
  const baseline = build(env);

  it('canary 20: a primary Ingress to the legacy upstream and a canary Ingress to the Deployment with the same host, path and path type', () => {
    const { objects } = built.canary!;
    const primary = get(objects, 'Ingress', MODULE, NAMESPACE);
    const canary = get(objects, 'Ingress', `${MODULE}-canary`, NAMESPACE);
    expect(backendOf(primary)).toBe(`${MODULE}-legacy`);
    expect(primary.metadata.annotations).toEqual({
      'cutover.icv.io/stage': 'canary',
      'cutover.icv.io/kubernetes-weight': '20',
      'nginx.ingress.kubernetes.io/service-upstream': 'true',
    });
    expect(primary.metadata.annotations[CANARY]).toBeUndefined();
    expect(canary.metadata.annotations).toEqual({ [CANARY]: 'true', [WEIGHT]: '20', 'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary' });
    expect(backendOf(canary)).toBe(MODULE);
    expect(canary.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => [p.path, p.pathType])])).toEqual(
      primary.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => [p.path, p.pathType])]),
    );
    expect(primary.spec.rules[0].host).toBe(hostOf(env));
    expect(canary.spec.ingressClassName).toBe('nginx');
  });

  it('canary: the legacy upstream is a selector-less Service and an EndpointSlice of the legacy addresses', () => {
    const { objects } = built.canary!;
    const service = get(objects, 'Service', `${MODULE}-legacy`, NAMESPACE);
    const slice = get(objects, 'EndpointSlice', `${MODULE}-legacy-endpoints`, NAMESPACE);
    expect(service.spec.selector).toBeUndefined();
    expect(service.spec.ports).toEqual([{ name: 'http', port: LEGACY[env].port, targetPort: LEGACY[env].port, protocol: 'TCP' }]);
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe(`${MODULE}-legacy`);
    expect(slice.ports).toEqual([{ name: 'http', port: LEGACY[env].port, protocol: 'TCP' }]);
    expect(slice.endpoints.map((e: any) => e.addresses[0])).toEqual(LEGACY[env].addresses);
  });

  it('canary: network policy admits the gateway to the Deployment, and no policy of ours opens egress to the legacy addresses', () => {
    const { objects } = built.canary!;
    const policy = get(objects, 'NetworkPolicy', MODULE, NAMESPACE);
    expect(policy).toEqual(get(baseline.objects, 'NetworkPolicy', MODULE, NAMESPACE));
    expect(policy.spec.ingress.some((r: any) => r.from.some((p: any) => p.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL] === 'kubesphere-controls-system'))).toBe(true);
    const egressCidrs = objects.filter((o) => o.kind === 'NetworkPolicy').flatMap((o: any) => (o.spec.egress ?? []).flatMap((r: any) => (r.to ?? []).map((p: any) => p.ipBlock?.cidr)));
    for (const address of LEGACY[env].addresses) expect(egressCidrs).not.toContain(`${address}/32`);
    expect(get(objects, 'NetworkPolicy', 'default-deny', NAMESPACE).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('legacy: the route goes to the legacy upstream only, and the Deployment answers on the smoke host from private networks', () => {
    const { objects } = built.legacy!;
    const primary = get(objects, 'Ingress', MODULE, NAMESPACE);
    expect(backendOf(primary)).toBe(`${MODULE}-legacy`);
    expect(primary.metadata.annotations['cutover.icv.io/stage']).toBe('legacy');
    expect(get(objects, 'Ingress', `${MODULE}-canary`, NAMESPACE)).toBeUndefined();
    const smoke = get(objects, 'Ingress', `${MODULE}-smoke`, NAMESPACE);
    expect(smoke.spec.rules[0].host).toBe(hostOf(env).replace(/^console\./, 'console-smoke.'));
    expect(backendOf(smoke)).toBe(MODULE);
    expect(smoke.metadata.annotations['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16');
    expect(get(objects, 'Deployment', MODULE, NAMESPACE)).toEqual(get(baseline.objects, 'Deployment', MODULE, NAMESPACE));
  });

  it('kubernetes: exactly today\'s objects, no legacy object left', () => {
    expect(built.kubernetes!.objects).toEqual(baseline.objects);
    expect(cutoverObjects(built.kubernetes!.objects)).toEqual([]);
  });

  it('each transition changes only the cutover objects and the primary Ingress', () => {
    const role = { legacy: ['EndpointSlice/vehicle-console-web-legacy-endpoints', 'Ingress/vehicle-console-web-smoke', 'Service/vehicle-console-web-legacy'], canary: ['EndpointSlice/vehicle-console-web-legacy-endpoints', 'Ingress/vehicle-console-web-canary', 'Service/vehicle-console-web-legacy'], kubernetes: [] };
    for (const [stage, expected] of Object.entries(role)) expect(cutoverObjects(built[stage]!.objects)).toEqual(expected);
    const others = (objects: any[]) => objects.filter((o) => o.metadata.labels?.['cutover.icv.io/role'] === undefined && !(o.kind === 'Ingress' && o.metadata.name === MODULE));
    for (const stage of Object.keys(STAGES)) expect(others(built[stage]!.objects)).toEqual(others(baseline.objects));
  });

  it('a tester header of the environment\'s choosing', () => {
    const { objects } = build(env, { cutover: { stage: 'canary', weight: 5, header: 'X-Icv-Tester' } });
    expect(get(objects, 'Ingress', `${MODULE}-canary`, NAMESPACE).metadata.annotations).toMatchObject({ [WEIGHT]: '5', 'nginx.ingress.kubernetes.io/canary-by-header': 'X-Icv-Tester' });
  });
});
