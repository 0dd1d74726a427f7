import type { EngineEvent, OpType, PropertyDiff, StepEventMetadata, StepEventStateMetadata } from '@pulumi/pulumi/automation/index.js';
import { DiffKind } from '@pulumi/pulumi/automation/index.js';

/**
 * Engine events shaped as `pulumi preview --refresh` emits them (types of @pulumi/pulumi 3.248.0,
 * automation/events.d.ts): a prelude, one resourcePreEvent per step (`refresh` steps first, then the preview's
 * `same`/`update`/`create`… steps, whose `old` is the refreshed state and `new` the program's), and a summary.
 */

export const STACK = 'test';
const PROJECT = 'icv-platform';
const PROVIDER = `urn:pulumi:${STACK}::${PROJECT}::icv:platform:PlatformStack$pulumi:providers:kubernetes::platform-kubernetes::9f1c`;
const PLATFORM = `urn:pulumi:${STACK}::${PROJECT}::icv:platform:PlatformStack::platform`;

export function moduleUrn(module: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::icv:platform:PlatformStack$icv:platform:Module::${module}`;
}
export function unitUrn(type: string, unit: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::icv:platform:PlatformStack$icv:platform:${type}::${unit}`;
}
export function childUrn(parent: string, type: string, name: string): string {
  const parentType = parent.split('::')[2]!;
  return `urn:pulumi:${STACK}::${PROJECT}::${parentType}$${type}::${name}`;
}

export interface Resource {
  readonly parent: string;
  /** Pulumi type: `kubernetes:apps/v1:Deployment`. */
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

export function deployment(module: string, namespace: string, replicas: number, labels: Record<string, string> = {}): Resource {
  return {
    parent: moduleUrn(module),
    type: 'kubernetes:apps/v1:Deployment',
    name: `${namespace}/${module}`,
    inputs: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: module, namespace, labels: { 'app.kubernetes.io/name': module, ...labels } },
      spec: {
        replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': module } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': module } },
          spec: { containers: [{ name: 'app', image: `harbor.test.icv.local/icv/${module}:1.0.0-abcdef0` }] },
        },
      },
    },
  };
}

export function networkPolicy(module: string, namespace: string): Resource {
  return {
    parent: moduleUrn(module),
    type: 'kubernetes:networking.k8s.io/v1:NetworkPolicy',
    name: `${namespace}/${module}`,
    inputs: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: module, namespace },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': module } }, policyTypes: ['Ingress', 'Egress'] },
    },
  };
}

/** A module's StatefulSet with one claim template: stateful by the preview's rules. */
export function statefulSet(module: string, namespace: string): Resource {
  return {
    parent: moduleUrn(module),
    type: 'kubernetes:apps/v1:StatefulSet',
    name: `${namespace}/${module}`,
    inputs: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: module, namespace },
      spec: {
        serviceName: module,
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': module } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': module } },
          spec: { containers: [{ name: 'app', image: `harbor.test.icv.local/icv/${module}:1.0.0-abcdef0` }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
      },
    },
  };
}

export function persistentVolumeClaim(module: string, namespace: string): Resource {
  return {
    parent: moduleUrn(module),
    type: 'kubernetes:core/v1:PersistentVolumeClaim',
    name: `${namespace}/${module}-data`,
    inputs: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${module}-data`, namespace },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    },
  };
}

export function secret(module: string, namespace: string): Resource {
  return {
    parent: moduleUrn(module),
    type: 'kubernetes:core/v1:Secret',
    name: `${namespace}/${module}-db`,
    // The engine filters secret values out of event payloads.
    inputs: { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${module}-db`, namespace }, stringData: '[secret]' },
  };
}

function state(resource: Resource, inputs: Record<string, unknown>): StepEventStateMetadata {
  return {
    type: resource.type,
    urn: childUrn(resource.parent, resource.type, resource.name),
    custom: true,
    id: resource.name,
    parent: resource.parent,
    inputs,
    outputs: { ...inputs, status: {} },
    provider: PROVIDER,
  };
}

export type Step =
  | { readonly op: 'same' | 'refresh'; readonly resource: Resource }
  | { readonly op: 'update'; readonly resource: Resource; readonly live: Record<string, unknown>; readonly diff: Record<string, DiffKind> }
  | { readonly op: 'create'; readonly resource: Resource }
  | { readonly op: 'replace'; readonly resource: Resource; readonly live: Record<string, unknown>; readonly diff: Record<string, DiffKind> };

function metadata(op: OpType, resource: Resource, old?: Record<string, unknown>, next?: Record<string, unknown>, diff?: Record<string, DiffKind>): StepEventMetadata {
  const detailedDiff: Record<string, PropertyDiff> | undefined = diff && Object.fromEntries(Object.entries(diff).map(([path, diffKind]) => [path, { diffKind, inputDiff: true }]));
  return {
    op,
    urn: childUrn(resource.parent, resource.type, resource.name),
    type: resource.type,
    ...(old && { old: state(resource, old) }),
    ...(next && { new: state(resource, next) }),
    ...(diff && { diffs: [...new Set(Object.keys(diff).map((p) => p.split('.')[0]!))], detailedDiff }),
    provider: PROVIDER,
  };
}

function componentStep(urn: string, type: string): StepEventMetadata {
  return { op: 'same', urn, type, provider: '' };
}

/** The events of one refresh preview: every resource is refreshed, then each step as given. */
export function refreshPreviewEvents(steps: readonly Step[]): EngineEvent[] {
  const metas: StepEventMetadata[] = [];
  for (const step of steps) {
    if (step.op !== 'create') metas.push(metadata('refresh', step.resource, step.resource.inputs, step.resource.inputs));
  }
  metas.push(componentStep(`urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`, 'pulumi:pulumi:Stack'));
  metas.push(componentStep(PLATFORM, 'icv:platform:PlatformStack'));
  for (const parent of new Set(steps.map((s) => s.resource.parent))) metas.push(componentStep(parent, parent.split('::')[2]!.split('$').pop()!));
  for (const step of steps) {
    const { resource } = step;
    if (step.op === 'same' || step.op === 'refresh') metas.push(metadata('same', resource, resource.inputs, resource.inputs));
    else if (step.op === 'update') metas.push(metadata('update', resource, step.live, resource.inputs, step.diff));
    else if (step.op === 'create') metas.push(metadata('create', resource, undefined, resource.inputs));
    else if (step.op === 'replace') {
      for (const op of ['create-replacement', 'replace', 'delete-replaced'] as const) metas.push(metadata(op, resource, step.live, resource.inputs, step.diff));
    }
  }
  let sequence = 0;
  const event = (fields: Omit<EngineEvent, 'sequence' | 'timestamp'>): EngineEvent => ({ sequence: sequence++, timestamp: 1_767_225_600 + sequence, ...fields });
  return [
    event({ preludeEvent: { config: { 'icv:kubeContext': 'kubernetes-admin@test.icv.local' } } }),
    ...metas.map((m) => event({ resourcePreEvent: { metadata: m, planning: true } })),
    ...metas.filter((m) => m.op !== 'refresh').map((m) => event({ resOutputsEvent: { metadata: m, planning: true } })),
    event({ summaryEvent: { maybeCorrupt: false, durationSeconds: 3, resourceChanges: { same: 3 }, policyPacks: {} } }),
  ];
}

/** The three out-of-band changes the issue names: a scaled Deployment, an edited label, a deleted NetworkPolicy. */
export function outOfBandEvents(): EngineEvent[] {
  const vehicle = deployment('vehicle-access', 'icv-vehicle', 2);
  const scaled = structuredClone(vehicle.inputs) as { spec: { replicas: number } };
  scaled.spec.replicas = 5;
  const map = deployment('map-matching', 'icv-map', 2, { tier: 'backend' });
  const relabelled = structuredClone(map.inputs) as { metadata: { labels: Record<string, string> } };
  relabelled.metadata.labels.tier = 'hacked';
  return refreshPreviewEvents([
    { op: 'update', resource: vehicle, live: scaled, diff: { 'spec.replicas': DiffKind.update } },
    { op: 'same', resource: networkPolicy('vehicle-access', 'icv-vehicle') },
    { op: 'update', resource: map, live: relabelled, diff: { 'metadata.labels.tier': DiffKind.update } },
    { op: 'create', resource: networkPolicy('event-detection', 'icv-event') },
    { op: 'same', resource: deployment('event-detection', 'icv-event', 2) },
  ]);
}

export function noDriftEvents(): EngineEvent[] {
  return refreshPreviewEvents([
    { op: 'same', resource: deployment('vehicle-access', 'icv-vehicle', 2) },
    { op: 'same', resource: networkPolicy('vehicle-access', 'icv-vehicle') },
    { op: 'same', resource: secret('vehicle-access', 'icv-vehicle') },
  ]);
}
