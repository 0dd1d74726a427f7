import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { POD_DEPENDENT_AWAITS, SKIP_AWAIT_ANNOTATION, awaitsKind } from '../../infra/pulumi/await-control.js';
import { CONFIG_NAMESPACE, readStackConfig } from '../../infra/pulumi/stack-config.js';
import { clusterUid, runProgram, sharedProgramRun, stackConfigFromFiles, testSecrets, type ProgramRun } from './stack-harness.js';

const RELEASE_TYPE = 'kubernetes:helm.sh/v3:Release';
const skipsAwait = (inputs: Record<string, any>) => inputs.metadata?.annotations?.[SKIP_AWAIT_ANNOTATION] === 'true';

describe('await control (icv:skipAwait)', () => {
  let awaited: ProgramRun;
  let skipped: ProgramRun;
  beforeAll(async () => {
    awaited = await sharedProgramRun('test');
    skipped = await runProgram('test', { config: { 'icv:skipAwait': 'true' } });
  }, 240_000);

  const kubeObjects = (run: ProgramRun) => run.registrations.filter((r) => r.custom && r.type.startsWith('kubernetes:') && r.type !== RELEASE_TYPE && r.inputs.kind);

  it('waits for every object by default: no object carries the skipAwait annotation', () => {
    expect(kubeObjects(awaited).length).toBeGreaterThan(600);
    expect(kubeObjects(awaited).filter((r) => skipsAwait(r.inputs)).map((r) => r.name)).toEqual([]);
  });

  it('when set, skips the await of exactly the workloads, Services and Ingresses', () => {
    const objects = kubeObjects(skipped);
    const annotated = objects.filter((r) => skipsAwait(r.inputs));
    const podDependent = objects.filter((r) => Object.hasOwn(POD_DEPENDENT_AWAITS, r.inputs.kind));
    expect(annotated.map((r) => r.urn)).toEqual(podDependent.map((r) => r.urn));
    expect(new Set(annotated.map((r) => r.inputs.kind))).toEqual(new Set(['Deployment', 'Service', 'Ingress']));
    expect(annotated.filter((r) => r.inputs.kind === 'Deployment')).toHaveLength(68);
  });

  it('still waits for the Harbor release and for the kinds that need only the API server', () => {
    const release = skipped.registrations.find((r) => r.type === RELEASE_TYPE)!;
    expect(release.inputs.skipAwait).toBeUndefined();
    for (const kind of ['Secret', 'ServiceAccount', 'ConfigMap', 'Namespace']) expect(awaitsKind(kind, true), kind).toBe(true);
    expect(kubeObjects(skipped).filter((r) => r.inputs.kind === 'Secret').some((r) => skipsAwait(r.inputs))).toBe(false);
  });

  it('changes nothing else in the stack: the same resources, with the same inputs apart from that annotation', () => {
    const withoutAnnotation = (inputs: Record<string, any>) => {
      if (!skipsAwait(inputs)) return inputs;
      const { [SKIP_AWAIT_ANNOTATION]: _, ...annotations } = inputs.metadata.annotations as Record<string, string>;
      const { annotations: __, ...metadata } = inputs.metadata as Record<string, unknown>;
      return { ...inputs, metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata };
    };
    const byUrn = (run: ProgramRun) => new Map(run.registrations.map((r) => [r.urn, r]));
    const before = byUrn(awaited);
    expect([...byUrn(skipped).keys()].sort()).toEqual([...before.keys()].sort());
    for (const r of skipped.registrations) expect(withoutAnnotation(r.inputs), r.urn).toEqual(before.get(r.urn)!.inputs);
  });

  it('refuses a value that is not a boolean, naming the key', () => {
    const secrets = testSecrets('test');
    pulumi.runtime.setAllConfig({ ...stackConfigFromFiles('test'), 'icv:clusterIdentity': clusterUid('test'), ...secrets, 'icv:skipAwait': 'sometimes' }, Object.keys(secrets));
    expect(() => readStackConfig(new pulumi.Config(CONFIG_NAMESPACE), 'test')).toThrow(/icv:skipAwait/);
  });
});
