import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../infra/checks/schema.js';
import { built, objectsOf } from '../support/platforms.js';
import { readCustomResourceDefinitions } from '../../infra/cli/crds.js';

const CRDS = readCustomResourceDefinitions();

describe.each(built)('every synthesized object of $env.name', ({ platform }) => {
  const objects = objectsOf(platform);

  it('validates against the Kubernetes OpenAPI schema (kubernetes-models) or its KubeSphere CRD', () => {
    expect(objects.length).toBeGreaterThan(500);
    expect(checkSchema({ customResourceDefinitions: CRDS, objects })).toEqual([]);
  });

  it('is of a kind the schema check knows (no object skips validation)', () => {
    const unknown = checkSchema({ customResourceDefinitions: CRDS, objects }).filter((f) => f.rule === 'schema.unknown-kind');
    expect(unknown).toEqual([]);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Deployment', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Ingress', 'EndpointSlice', 'DaemonSet', 'Pipeline', 'DevOpsProject', 'WorkspaceTemplate']) {
      expect(kinds).toContain(kind);
    }
  });

  it('fails validation when a field has the wrong type (the check can fail)', () => {
    const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment')!) as any;
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    const findings = checkSchema({ customResourceDefinitions: CRDS, objects: [deployment] });
    expect(findings.map((f) => f.rule)).toEqual(['schema']);
    expect(findings[0]!.path).toContain('containerPort');
  });
});
