/**
 * The real-engine drift scenario of issue 19, which the e2e runner (test/e2e/suite.ts, step 6) calls once
 * a stack is up on its throwaway control plane:
 *
 *   1. a refresh preview of the freshly applied stack reports no drift (no false positives from server defaults);
 *   2. three changes out of band with kubectl: scale a fixed-replica Deployment, overwrite a label the program sets on
 *      another module's Deployment, delete a third module's NetworkPolicy;
 *   3. the refresh preview names exactly those three objects, each with its module and field (`spec.replicas`,
 *      `metadata.labels.<key>`, and the NetworkPolicy as deleted);
 *   4. `pulumi up` restores them: the cluster shows the declared values again and a refresh preview reports no drift.
 *
 * It returns checks instead of asserting, so the runner reports them with its own `check(env, ok, what)`.
 */
import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import type { EngineEvent, Stack } from '@pulumi/pulumi/automation/index.js';
import { driftReport, driftSteps, separatePending } from '../../infra/daytwo/drift.js';
import type { Change, DiffReport } from '../../infra/preview/model.js';

export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: { readonly replicas?: number };
}

export interface DriftScenarioArgs {
  readonly env: string;
  /** The applied stack (Automation API, inline program). */
  readonly stack: Stack;
  /** The kubectl binary and the control plane's kubeconfig. */
  readonly kubectl: string;
  readonly kubeconfig: string;
  /** `dist/<env>/manifests/**` as the runner reads it: each file with its objects (`module/<name>.yaml` per module). */
  readonly files: readonly { readonly file: string; readonly objects: readonly ManifestObject[] }[];
  /** Passed to every engine call, e.g. the runner's log recorder. */
  readonly onOutput?: (out: string) => void;
}

export interface DriftScenarioResult {
  readonly checks: readonly DriftCheck[];
  /** The drift report after the out-of-band changes, for the run's report. */
  readonly report?: DiffReport;
}

/** One check of the scenario; `id` says which step it proves, for the run's report. */
export interface DriftCheck {
  readonly id: 'targets' | 'no-false-positives' | 'reported-exactly' | 'replicas-field' | 'restored' | 'no-drift-after';
  readonly ok: boolean;
  readonly what: string;
}

interface Target {
  readonly module: string;
  readonly object: ManifestObject;
}

/** Picks three objects of three different modules: a Deployment with fixed replicas, a labelled Deployment, a NetworkPolicy. */
export function pickTargets(files: DriftScenarioArgs['files']): { scale: Target; label: Target & { key: string }; remove: Target } | undefined {
  const modules = files
    .filter((f) => /[/\\]module[/\\][^/\\]+\.yaml$/.test(f.file))
    .map((f) => ({ module: basename(f.file, '.yaml'), objects: f.objects }))
    .sort((a, b) => (a.module < b.module ? -1 : 1));
  const deploymentOf = (m: (typeof modules)[number]) => m.objects.find((o) => o.kind === 'Deployment');
  const scale = modules.find((m) => typeof deploymentOf(m)?.spec?.replicas === 'number');
  const label = modules.find((m) => m !== scale && Object.keys(deploymentOf(m)?.metadata.labels ?? {}).length > 0);
  const remove = modules.find((m) => m !== scale && m !== label && m.objects.some((o) => o.kind === 'NetworkPolicy'));
  if (!scale || !label || !remove) return undefined;
  const labelled = deploymentOf(label)!;
  const key = Object.keys(labelled.metadata.labels!).find((k) => k !== 'app.kubernetes.io/name') ?? Object.keys(labelled.metadata.labels!)[0]!;
  return {
    scale: { module: scale.module, object: deploymentOf(scale)! },
    label: { module: label.module, object: labelled, key },
    remove: { module: remove.module, object: remove.objects.find((o) => o.kind === 'NetworkPolicy')! },
  };
}

export async function driftScenario(args: DriftScenarioArgs): Promise<DriftScenarioResult> {
  const checks: DriftCheck[] = [];
  const check = (id: DriftCheck['id'], ok: boolean, what: string) => (checks.push({ id, ok, what }), ok);
  const kubectl = async (...argv: string[]) => (await promisify(execFile)(args.kubectl, ['--kubeconfig', args.kubeconfig, ...argv], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  // As npm run drift does it: a preview without refresh (the code's pending changes), then one with refresh.
  const drift = async (): Promise<DiffReport> => {
    const plain: EngineEvent[] = [];
    const refreshed: EngineEvent[] = [];
    await args.stack.preview({ onEvent: (e) => plain.push(e), color: 'never', ...(args.onOutput && { onOutput: args.onOutput }) });
    await args.stack.preview({ refresh: true, onEvent: (e) => refreshed.push(e), color: 'never', ...(args.onOutput && { onOutput: args.onOutput }) });
    return driftReport(separatePending(driftSteps(refreshed), driftSteps(plain)).drift, { env: args.env });
  };
  const describe = (c: Change) => `${c.status} ${c.target.type === 'object' ? `${c.target.kind} ${c.target.namespace ?? ''}/${c.target.name}` : c.target.file} (${c.module ?? c.unit})${c.fields.length ? `: ${c.fields.map((f) => f.path).join(', ')}` : ''}`;

  const targets = pickTargets(args.files);
  if (!check('targets', targets !== undefined, 'the manifests hold a fixed-replica Deployment, a labelled Deployment and a NetworkPolicy in three modules')) return { checks };
  const { scale, label, remove } = targets!;

  const before = await drift();
  check('no-false-positives', before.changes.length === 0, `a refresh preview of the applied stack reports no drift${before.changes.length ? `; reported: ${before.changes.map(describe).join('; ')}` : ''}`);

  const replicas = scale.object.spec!.replicas!;
  const declaredLabel = label.object.metadata.labels![label.key]!;
  await kubectl('scale', 'deployment', scale.object.metadata.name, '-n', scale.object.metadata.namespace!, `--replicas=${replicas + 3}`);
  await kubectl('label', '--overwrite', 'deployment', label.object.metadata.name, '-n', label.object.metadata.namespace!, `${label.key}=out-of-band`);
  await kubectl('delete', 'networkpolicy', remove.object.metadata.name, '-n', remove.object.metadata.namespace!);

  const after = await drift();
  const expected = [
    `changed Deployment ${scale.object.metadata.namespace}/${scale.object.metadata.name} (${scale.module}): spec.replicas`,
    `changed Deployment ${label.object.metadata.namespace}/${label.object.metadata.name} (${label.module}): metadata.labels.${label.key}`,
    `deleted NetworkPolicy ${remove.object.metadata.namespace}/${remove.object.metadata.name} (${remove.module})`,
  ].sort();
  const reported = after.changes.map(describe).sort();
  check('reported-exactly', JSON.stringify(reported) === JSON.stringify(expected), `after kubectl scale, label and delete, the drift report names exactly those: ${reported.join('; ') || 'nothing'}`);
  const replicasField = after.changes.find((c) => c.module === scale.module)?.fields.find((f) => f.path === 'spec.replicas');
  check('replicas-field', replicasField?.old === replicas && replicasField?.new === replicas + 3, `the scaled Deployment shows spec.replicas ${replicas} → ${replicas + 3} (got ${JSON.stringify(replicasField?.old)} → ${JSON.stringify(replicasField?.new)})`);

  await args.stack.up({ color: 'never', ...(args.onOutput && { onOutput: args.onOutput }), refresh: true });
  const scaled = JSON.parse(await kubectl('get', 'deployment', scale.object.metadata.name, '-n', scale.object.metadata.namespace!, '-o', 'json')) as { spec: { replicas: number } };
  const relabelled = JSON.parse(await kubectl('get', 'deployment', label.object.metadata.name, '-n', label.object.metadata.namespace!, '-o', 'json')) as { metadata: { labels: Record<string, string> } };
  const policy = await kubectl('get', 'networkpolicy', remove.object.metadata.name, '-n', remove.object.metadata.namespace!, '-o', 'name');
  check(
    'restored',
    scaled.spec.replicas === replicas && relabelled.metadata.labels[label.key] === declaredLabel && policy.trim() !== '',
    `pulumi up --refresh restores them (replicas ${scaled.spec.replicas}, label ${label.key}=${relabelled.metadata.labels[label.key]}, NetworkPolicy ${policy.trim() || 'missing'})`,
  );
  const restored = await drift();
  check('no-drift-after', restored.changes.length === 0, `after the up, a refresh preview reports no drift${restored.changes.length ? `; reported: ${restored.changes.map(describe).join('; ')}` : ''}`);
  return { checks, report: after };
}
