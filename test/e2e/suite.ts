/**
 * The e2e suite, run by run.ts as PID 1 of a private network and PID namespace: for each environment, a throwaway
 * control plane, the real Pulumi engine through the Automation API's inline-program path, and the assertions of
 * issue 11. Writes dist/e2e/report.json and a summary; exits 1 if any assertion fails or any step cannot run.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LocalWorkspace, PulumiCommand, type ConfigMap, type EngineEvent, type Stack } from '@pulumi/pulumi/automation/index.js';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { SECRET_KEYS, fillSecrets, type SecretKey, type SecretName } from '../../infra/model/secrets.js';
import { FakeHarbor } from '../support/fake-harbor.js';
import { stackConfigFromFiles } from '../pulumi/stack-files.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { customResourceTypes, vendoredCrds } from './crds.js';
import { E2E_DIR, LAUNCHER_DIR, PINS, ROOT, binDir, binary, cacheDir, providerSchemaPath } from './engines.js';
import { ProcessGroup } from './processes.js';
import { driftScenario, type DriftCheck, type ManifestObject } from './drift-scenario.js';
import { missingFromSchema, registeredTypes } from './registered-types.js';

const PROJECT = 'icv-platform';
const ENVIRONMENTS = ['test', 'prod'] as const;
const runDir = process.argv[2] ?? '';
export const processes = new ProcessGroup();

interface StackReport {
  up: 'ok' | 'failed';
  resources: number;
  objectsMatched: number;
  objectsTotal: number;
  noChangePreview: boolean;
  podsAdmitted: number;
  podsForbidden: number;
  tagChangeUpdates: number;
  protectedDestroyRefused?: boolean;
  /** Issue 19 on the real cluster: no drift when unchanged, kubectl scale/label/delete each reported, `up --refresh` restores. */
  drift: { noFalsePositives: boolean; reportedExactly: boolean; restored: boolean; seconds: number };
  seconds: { up: number; preview: number; noChangePreview: number };
}

const failures: string[] = [];
const summary: string[] = [];
function check(env: string, ok: boolean, what: string): boolean {
  const line = `${ok ? 'PASS' : 'FAIL'} ${env}: ${what}`;
  summary.push(line);
  process.stdout.write(`${line}\n`);
  if (!ok) failures.push(`${env}: ${what}`);
  return ok;
}
function log(line: string): void {
  process.stdout.write(`  ${line}\n`);
}
const seconds = (startedMs: number) => Math.round((performance.now() - startedMs) / 100) / 10;

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export function manifestObjects(env: string): { file: string; objects: KubeObject[] }[] {
  const dir = join(ROOT, 'dist', env, 'manifests');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.yaml')) files.push(join(d, e.name));
    }
  };
  walk(dir);
  return files.sort().map((file) => ({
    file,
    objects: parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as KubeObject).filter(Boolean),
  }));
}

/** Throwaway secret values that pass the program's and Harbor's checks, generated per run; Harbor's admin password is the fake Harbor's. */
export function throwawaySecrets(env: string, dir: string, domain: string, harborAdminPassword: string): Record<SecretKey, string> {
  const hex = (n: number) => randomBytes(n).toString('hex');
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=*.${domain}`, '-addext', `subjectAltName=DNS:*.${domain}`], { stdio: 'ignore' });
  const values: Record<string, string> = {};
  for (const name of Object.keys(SECRET_KEYS) as SecretKey[]) values[name] = `e2e-${env}-${name}-${hex(8)}`;
  values.harborSecretKey = hex(8); // exactly 16 characters
  values.tlsCertificate = readFileSync(cert, 'utf8');
  values.tlsPrivateKey = readFileSync(key, 'utf8');
  values.harborAdminPassword = harborAdminPassword;
  return values as Record<SecretKey, string>;
}

/**
 * The stack config of a throwaway stack: the stack file's values, the control plane's kubeconfig, identity and API
 * server, the throwaway secrets, and the test-only keys (the fake Harbor's API, the stand-in chart, no await). The
 * cluster records its own identity, as `pulumi config set icv:clusterIdentity` does for a real stack.
 */
export async function throwawayStackConfig(
  cp: ControlPlane,
  fileConfig: Record<string, string>,
  secrets: Record<SecretKey, string>,
  harbor: { readonly url: string },
): Promise<ConfigMap> {
  const clusterIdentity = (await cp.kubectl(['get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}'])).stdout.trim();
  return {
    ...Object.fromEntries(Object.entries(fileConfig).map(([k, v]) => [k, { value: v }])),
    'icv:kubeconfig': { value: cp.kubeconfig, secret: true },
    'icv:clusterIdentity': { value: clusterIdentity },
    'icv:apiServer': { value: cp.server },
    ...Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`icv:${k}`, { value: v, secret: true }])),
    'icv:skipAwait': { value: 'true' },
    'icv:testHarborChart': { value: join(E2E_DIR, 'charts/harbor-stand-in') },
    'icv:testHarborApiUrl': { value: harbor.url },
  };
}

/** A copy of the project (sources and environments, node_modules linked) in which a file can be changed safely. */
function projectCopy(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(ROOT)) {
    if (['node_modules', 'dist', 'build', '.git'].includes(entry)) continue;
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** The inline program: the same `platformProgram()` that infra/pulumi/index.ts (Pulumi.yaml's main) runs. */
async function inlineProgram(projectRoot: string): Promise<() => Promise<Record<string, unknown>>> {
  const { platformProgram } = (await import(pathToFileURL(join(projectRoot, 'infra/pulumi/program.ts')).href)) as {
    platformProgram: () => Promise<Record<string, unknown>>;
  };
  return async () => ({ ...(await platformProgram()) });
}

interface Engine {
  stack: Stack;
  /** The log file of one operation's engine output. */
  logFile: (op: string) => string;
}

export async function engine(env: string, dir: string, program: () => Promise<Record<string, unknown>>, config: ConfigMap): Promise<Engine> {
  const state = join(dir, 'state');
  const home = join(dir, 'pulumi-home');
  const work = join(dir, 'workspace');
  for (const d of [state, home, work]) mkdirSync(d, { recursive: true });
  const pulumiCommand = await PulumiCommand.get({ root: cacheDir() });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: env, projectName: PROJECT, program },
    {
      workDir: work,
      pulumiHome: home,
      pulumiCommand,
      projectSettings: { name: PROJECT, runtime: 'nodejs', backend: { url: `file://${state}` } },
      secretsProvider: 'passphrase',
      envVars: {
        PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString('hex'),
        PULUMI_SKIP_UPDATE_CHECK: 'true',
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
        // The provider built by e2e:setup and the dynamic-provider launcher, found as ambient plugins.
        PATH: `${binDir()}:${LAUNCHER_DIR}:${process.env.PATH}`,
        KUBECONFIG: '/dev/null',
      },
    },
  );
  await stack.setAllConfig(config);
  return { stack, logFile: (op) => join(dir, `pulumi-${op}.log`) };
}

/** Changed resources of an operation, from its engine events: every step that is not `same` (reads aside). */
function changesOf(events: EngineEvent[]): { op: string; urn: string; type: string }[] {
  return events
    .filter((e) => e.resourcePreEvent && !['same', 'read'].includes(e.resourcePreEvent.metadata.op))
    .map((e) => ({ op: e.resourcePreEvent!.metadata.op, urn: e.resourcePreEvent!.metadata.urn, type: e.resourcePreEvent!.metadata.type }));
}

const recorder = (file: string) => ({
  events: [] as EngineEvent[],
  onOutput: (out: string) => appendFileSync(file, out),
});

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Object identity `apiVersion kind namespace/name`. */
const idOf = (o: KubeObject) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** What a KubeKey + ks-installer cluster has before the stack runs: the nodes, KubeSphere's CRDs and namespaces. */
/**
 * The object with every secret marker filled, as the program fills a Secret's stringData (secret-values.ts):
 * inside a JSON document (a `.dockerconfigjson`) the value is JSON-escaped.
 */
export function fillDeep(value: unknown, lookup: (name: SecretName) => string): unknown {
  if (typeof value === 'string') {
    let json = false;
    try {
      const parsed: unknown = JSON.parse(value);
      json = typeof parsed === 'object' && parsed !== null;
    } catch {
      // not JSON
    }
    return fillSecrets(value, (name) => (json ? JSON.stringify(lookup(name)).slice(1, -1) : lookup(name)));
  }
  if (Array.isArray(value)) return value.map((item) => fillDeep(item, lookup));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, lookup)]));
  return value;
}

/** Every object of dist/<env>/manifests exists, and a server-side dry-run apply of them shows no difference; returns the matching count. */
export async function objectsMatch(env: string, dir: string, cp: ControlPlane, files: { file: string; objects: KubeObject[] }[], secrets: Record<SecretKey, string>, harbor: FakeHarbor): Promise<number> {
  const objects = files.flatMap((f) => f.objects);
  const filledDir = join(dir, 'manifests-filled');
  const robot = (access: string) => [...harbor.robots.values()].find((r) => r.name.endsWith(`+${access}`))?.secret ?? '';
  const lookup = (name: SecretName) =>
    name === 'harborPullRobot' ? robot('pull') : name === 'harborPushRobot' ? robot('push') : secrets[name as SecretKey];
  for (const f of files) {
    const target = join(filledDir, relative(join(ROOT, 'dist', env, 'manifests'), f.file));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, f.objects.map((o) => stringify(fillDeep(o, lookup))).join('---\n'), { mode: 0o600 });
  }
  const got = await cp.kubectl(['get', '-R', '-f', filledDir, '-o', 'json'], { allowFailure: true });
  const parsed = (got.stdout.trim() === '' ? { kind: 'List', items: [] } : JSON.parse(got.stdout)) as { kind: string; items?: KubeObject[] };
  const live = parsed.kind === 'List' ? parsed.items ?? [] : [parsed as unknown as KubeObject];
  const liveIds = new Set(live.map(idOf));
  const absent = objects.filter((o) => !liveIds.has(idOf(o)));
  const diff = await cp.kubectl(['diff', '--server-side', '--force-conflicts', '--field-manager=icv-e2e-check', '-R', '-f', filledDir], { allowFailure: true });
  if (diff.code > 1) check(env, false, `kubectl diff --server-side could not run: ${diff.stderr.trim()}`);
  const differing = [...new Set([...diff.stdout.matchAll(/^diff -u -N \S+\/LIVE-\S+?\/(\S+) /gm)].map((m) => m[1]!))];
  writeFileSync(join(dir, 'server-side-diff.txt'), diff.stdout);
  check(env, absent.length === 0, `every object of dist/${env}/manifests exists on the API server (${objects.length - absent.length}/${objects.length})${absent.length ? `; missing: ${absent.slice(0, 10).map(idOf).join(', ')}` : ''}`);
  check(env, diff.code === 0, `server-side dry-run apply of dist/${env}/manifests (field manager icv-e2e-check) shows no difference${differing.length ? `; ${differing.length} differ: ${differing.slice(0, 15).join(', ')} (see ${join(dir, 'server-side-diff.txt')})` : ''}`);
  return diff.code > 1 ? 0 : objects.length - absent.length - differing.length;
}

export async function prepareCluster(cp: ControlPlane, objects: KubeObject[]): Promise<string> {
  const nodes = objects.filter((o) => o.kind === 'Node').map((o) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: o.metadata.name, labels: { 'kubernetes.io/hostname': o.metadata.name, 'kubernetes.io/os': 'linux' } } }));
  const crds = vendoredCrds();
  const declared = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const preexisting = [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n && !declared.has(n)))].filter((n) => !['default', 'kube-system', 'kube-public'].includes(n));
  const setup = [...nodes, ...crds.map((c) => c.object), ...preexisting.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))];
  await cp.kubectl(['apply', '--server-side', '--field-manager=icv-e2e-cluster', '-f', '-'], { input: setup.map((o) => stringify(o)).join('---\n') });
  await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...crds.map((c) => `crd/${c.object.metadata.name}`)]);
  return `${nodes.length} nodes, ${crds.length} CRDs (${crds.map((c) => c.file).join(', ')}), namespaces ${preexisting.join(', ') || '(none)'}`;
}

async function runEnvironment(env: string, index: number, harbor: FakeHarbor): Promise<StackReport> {
  const report: StackReport = {
    up: 'failed', resources: 0, objectsMatched: 0, objectsTotal: 0, noChangePreview: false, podsAdmitted: 0, podsForbidden: 0,
    tagChangeUpdates: 0, ...(env === 'prod' ? { protectedDestroyRefused: false } : {}),
    drift: { noFalsePositives: false, reportedExactly: false, restored: false, seconds: 0 },
    seconds: { up: 0, preview: 0, noChangePreview: 0 },
  };
  const dir = join(runDir, env);
  mkdirSync(dir, { recursive: true });
  const files = manifestObjects(env);
  const objects = files.flatMap((f) => f.objects);
  report.objectsTotal = objects.length;

  // The stack file's config (kubeContext), as the CLI would read it; the control plane's context carries that name.
  const fileConfig = stackConfigFromFiles(env, ROOT);
  const context = fileConfig['icv:kubeContext']!;
  let started = performance.now();
  const cp: ControlPlane = await startControlPlane(context, join(dir, 'cluster'), index, processes);
  log(`control plane ready in ${cp.startSeconds} s (${cp.server})`);

  started = performance.now();
  const prepared = await prepareCluster(cp, objects);
  log(`cluster prepared: ${prepared} (${seconds(started)} s)`);

  // Stack config: the stack file's values, throwaway secrets, and the test-only keys.
  const domain = (parse(readFileSync(join(ROOT, 'dist', env, 'helm/harbor.values.yaml'), 'utf8')) as { expose: { ingress: { hosts: { core: string } } } }).expose.ingress.hosts.core.replace(/^[^.]+\./, '');
  const secrets = throwawaySecrets(env, dir, domain, harbor.password);
  const config = await throwawayStackConfig(cp, fileConfig, secrets, harbor);
  const program = await inlineProgram(ROOT);
  const { stack, logFile } = await engine(env, dir, program, config);

  // 1. preview of a fresh stack, then up.
  let rec = recorder(logFile('preview'));
  started = performance.now();
  try {
    const preview = await stack.preview({ onOutput: rec.onOutput, color: 'never' });
    report.seconds.preview = seconds(started);
    log(`preview: ${JSON.stringify(preview.changeSummary)} in ${report.seconds.preview} s`);
  } catch (error) {
    report.seconds.preview = seconds(started);
    check(env, false, `pulumi preview of the fresh stack failed:\n${tail(logFile('preview'))}`);
    return report;
  }
  rec = recorder(logFile('up'));
  started = performance.now();
  try {
    const up = await stack.up({ onOutput: rec.onOutput, color: 'never' });
    report.seconds.up = seconds(started);
    report.up = up.summary.result === 'succeeded' ? 'ok' : 'failed';
  } catch (error) {
    report.seconds.up = seconds(started);
    check(env, false, `pulumi up failed after ${report.seconds.up} s:\n${tail(logFile('up'), 80)}`);
    return report;
  }
  const deployment = (await stack.exportStack()).deployment as { resources?: { urn: string; type: string; protect?: boolean }[] };
  const state = deployment.resources ?? [];
  report.resources = state.length;
  check(env, report.up === 'ok', `pulumi up: ${report.resources} resources in ${report.seconds.up} s`);

  // 2. every object of dist/<env>/manifests exists, and a server-side dry-run apply of them changes nothing.
  report.objectsMatched = await objectsMatch(env, dir, cp, files, secrets, harbor);

  // 3. a second preview expects no changes.
  rec = recorder(logFile('preview-no-change'));
  started = performance.now();
  try {
    await stack.preview({ expectNoChanges: true, onOutput: rec.onOutput, onEvent: (e) => rec.events.push(e), color: 'never' });
    report.noChangePreview = true;
  } catch {
    report.noChangePreview = false;
  }
  report.seconds.noChangePreview = seconds(started);
  const perpetual = changesOf(rec.events);
  check(env, report.noChangePreview, `second preview --expect-no-changes (${report.seconds.noChangePreview} s)${perpetual.length ? `; changes: ${perpetual.slice(0, 15).map((c) => `${c.op} ${c.urn.split('::').at(-1)} (${c.type})`).join(', ')}` : ''}`);

  // 4. the controller-manager creates ReplicaSets and Pods; Pod Security admission admits every module pod.
  const pods = await podAdmission(env, cp, objects);
  report.podsAdmitted = pods.admitted;
  report.podsForbidden = pods.forbidden;

  // 5. a release-tag change previews exactly one update, that module's Deployment, and up applies it.
  report.tagChangeUpdates = await tagChange(env, dir, stack, logFile, cp);

  // 6. day two (issue 19): out-of-band changes with kubectl are reported as drift, and `up --refresh` restores them.
  report.drift = await drift(env, stack, cp, files, logFile);

  // 7. prod: destroy is refused for every protected resource.
  if (env === 'prod') report.protectedDestroyRefused = await destroyRefused(env, stack, logFile, state, cp, objects);
  return report;
}

export async function podAdmission(env: string, cp: ControlPlane, objects: KubeObject[]): Promise<{ admitted: number; forbidden: number }> {
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  const enforce = (o: KubeObject) => o.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  const privileged = namespaces.filter((o) => enforce(o) === 'privileged').map((o) => o.metadata.name);
  const daemonSets = objects.filter((o) => o.kind === 'DaemonSet');
  const workloadNamespaces = new Set(objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet').map((o) => o.metadata.namespace!));
  const unrestricted = [...workloadNamespaces].filter((ns) => !privileged.includes(ns) && enforce(namespaces.find((n) => n.metadata.name === ns)!) !== 'restricted');
  check(env, unrestricted.length === 0, `every namespace with module workloads enforces restricted${unrestricted.length ? `; not: ${unrestricted.join(', ')}` : ''}`);
  // Since logs ship through KubeSphere's own fluent-bit (issue 13), no namespace of ours needs more than restricted.
  check(env, privileged.length === 0 && daemonSets.length === 0, `no namespace of ours is privileged and we run no DaemonSet (${privileged.join(', ') || 'none privileged'})`);

  // Wait until every Deployment has its ReplicaSet and every ReplicaSet and DaemonSet has created its pods (or failed to).
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const started = performance.now();
  let settled = false;
  let last = '';
  while (seconds(started) < 240) {
    const rs = JSON.parse((await cp.kubectl(['get', 'replicasets', '-A', '-o', 'json'])).stdout).items as any[];
    const ds = JSON.parse((await cp.kubectl(['get', 'daemonsets', '-A', '-o', 'json'])).stdout).items as any[];
    const owners = new Set(rs.flatMap((r) => (r.metadata.ownerReferences ?? []).map((o: any) => `${r.metadata.namespace}/${o.name}`)));
    const withoutRs = deployments.filter((d) => !owners.has(`${d.metadata.namespace}/${d.metadata.name}`));
    const rsPending = rs.filter((r) => (r.status.replicas ?? 0) < (r.spec.replicas ?? 0) && !(r.status.conditions ?? []).some((c: any) => c.type === 'ReplicaFailure'));
    const dsPending = ds.filter((d) => (d.status.currentNumberScheduled ?? 0) < (d.status.desiredNumberScheduled ?? 0) || d.status.observedGeneration === undefined);
    last = `${withoutRs.length} Deployments without a ReplicaSet, ${rsPending.length} ReplicaSets and ${dsPending.length} DaemonSets still creating pods`;
    if (withoutRs.length === 0 && rsPending.length === 0 && dsPending.length === 0) {
      settled = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
  check(env, settled, `the controller-manager created every ReplicaSet and Pod (${seconds(started)} s)${settled ? '' : `; ${last}`}`);
  const allPods = JSON.parse((await cp.kubectl(['get', 'pods', '-A', '-o', 'json'])).stdout).items as any[];
  const pods = allPods.filter((p) => workloadNamespaces.has(p.metadata.namespace));
  const events = JSON.parse((await cp.kubectl(['get', 'events', '-A', '-o', 'json'])).stdout).items as any[];
  const forbidden = events.filter((e) => e.reason === 'FailedCreate' && /violates PodSecurity/.test(e.message ?? ''));
  const refused = events.filter((e) => e.reason === 'FailedCreate' && !/violates PodSecurity/.test(e.message ?? ''));
  check(env, refused.length === 0, `no pod creation was refused for another reason${refused.length ? `: ${refused.slice(0, 3).map((e) => `${e.involvedObject.namespace}/${e.involvedObject.name}: ${e.message}`).join(' | ')}` : ''}`);
  const rsCount = JSON.parse((await cp.kubectl(['get', 'replicasets', '-A', '-o', 'json'])).stdout).items.length as number;
  for (const d of JSON.parse((await cp.kubectl(['get', 'daemonsets', '-A', '-o', 'json'])).stdout).items as any[]) {
    log(`DaemonSet ${d.metadata.namespace}/${d.metadata.name}: ${d.status.currentNumberScheduled ?? 0}/${d.status.desiredNumberScheduled ?? 0} pods scheduled`);
  }
  check(env, rsCount >= deployments.length && pods.length > 0, `${rsCount} ReplicaSets and ${pods.length} Pods created for ${deployments.length} Deployments and ${objects.filter((o) => o.kind === 'DaemonSet').length} DaemonSet(s)`);
  check(env, forbidden.length === 0, `Pod Security admission forbade no pod${forbidden.length ? `: ${forbidden.slice(0, 5).map((e) => `${e.involvedObject.namespace}/${e.involvedObject.name}: ${e.message}`).join(' | ')}` : ''}`);

  // Enforcement is on: a privileged pod in a restricted namespace is rejected.
  const restrictedNs = [...workloadNamespaces].find((ns) => !privileged.includes(ns))!;
  const probe = await cp.kubectl(['run', 'e2e-privileged-probe', '-n', restrictedNs, '--image=registry.invalid/probe:1', '--restart=Never', '--overrides={"spec":{"containers":[{"name":"p","image":"registry.invalid/probe:1","securityContext":{"privileged":true}}]}}'], { allowFailure: true });
  check(env, probe.code !== 0 && /violates PodSecurity "restricted/.test(probe.stderr), `a privileged pod in ${restrictedNs} is rejected by restricted admission`);
  return { admitted: pods.length, forbidden: forbidden.length };
}

async function tagChange(env: string, dir: string, stack: Stack, logFile: (op: string) => string, cp: ControlPlane): Promise<number> {
  // The change is made in a copy of the project: the working tree is never modified, even if the run is killed.
  const copy = projectCopy(join(dir, 'project-copy'));
  const releaseFile = join(copy, 'environments/releases', `${env}.yaml`);
  const text = readFileSync(releaseFile, 'utf8');
  const match = /^ {2}([a-z0-9-]+): (\S+)$/m.exec(text);
  if (!match) {
    check(env, false, `environments/releases/${env}.yaml has no module tag line to change`);
    return 0;
  }
  const [line, module, tag] = match;
  const newTag = `${tag!.replace(/-[0-9a-f]{7}$/, '')}-e2e0001`;
  writeFileSync(releaseFile, text.replace(line, `  ${module}: ${newTag}`));
  const changed = await inlineProgram(copy);
  stack.workspace.program = changed;

  let rec = recorder(logFile('preview-tag-change'));
  let updates: { op: string; urn: string; type: string }[] = [];
  try {
    await stack.preview({ onOutput: rec.onOutput, onEvent: (e) => rec.events.push(e), color: 'never' });
    updates = changesOf(rec.events);
  } catch {
    check(env, false, `preview of the tag change failed:\n${tail(logFile('preview-tag-change'))}`);
    return 0;
  }
  const isModuleDeployment = (u: { op: string; type: string; urn: string }) => u.op === 'update' && u.type === 'kubernetes:apps/v1:Deployment' && u.urn.endsWith(`/${module}`);
  check(env, updates.length === 1 && isModuleDeployment(updates[0]!), `changing ${module}'s tag previews exactly one update, its Deployment (${updates.map((u) => `${u.op} ${u.urn.split('::').at(-1)}`).join(', ') || 'none'})`);
  rec = recorder(logFile('up-tag-change'));
  try {
    await stack.up({ onOutput: rec.onOutput, color: 'never' });
  } catch {
    check(env, false, `up of the tag change failed:\n${tail(logFile('up-tag-change'))}`);
    return updates.length;
  }
  const deployments = JSON.parse((await cp.kubectl(['get', 'deployments', '-A', '-o', 'json'])).stdout).items as any[];
  const deployed = deployments.find((d) => d.metadata.name === module);
  const images: string[] = (deployed?.spec.template.spec.containers ?? []).map((c: any) => c.image);
  check(env, images.some((i) => i.endsWith(`:${newTag}`)), `up applied it: ${module} runs ${images.join(', ')}`);
  return updates.length;
}

async function drift(env: string, stack: Stack, cp: ControlPlane, files: { file: string; objects: KubeObject[] }[], logFile: (op: string) => string): Promise<StackReport['drift']> {
  const rec = recorder(logFile('drift'));
  const started = performance.now();
  const result = await driftScenario({
    env, stack, kubectl: binary('kubectl'), kubeconfig: cp.kubeconfig,
    files: files as unknown as { file: string; objects: ManifestObject[] }[], onOutput: rec.onOutput,
  }).catch((error: unknown) => ({ checks: [{ id: 'targets' as const, ok: false, what: `the drift scenario could not run: ${error instanceof Error ? error.message : String(error)}\n${tail(logFile('drift'))}` }] }));
  for (const c of result.checks) check(env, c.ok, `drift: ${c.what}`);
  const ok = (id: DriftCheck['id']) => result.checks.some((c) => c.id === id && c.ok);
  return {
    noFalsePositives: ok('no-false-positives'),
    reportedExactly: ok('reported-exactly') && ok('replicas-field'),
    restored: ok('restored') && ok('no-drift-after'),
    seconds: seconds(started),
  };
}

async function destroyRefused(env: string, stack: Stack, logFile: (op: string) => string, state: { urn: string; protect?: boolean }[], cp: ControlPlane, objects: KubeObject[]): Promise<boolean> {
  const protectedUrns = state.filter((r) => r.protect).map((r) => r.urn);
  const out = logFile('destroy');
  const rec = recorder(out);
  let destroyed = false;
  try {
    await stack.destroy({ onOutput: rec.onOutput, color: 'never' });
    destroyed = true;
  } catch (error) {
    appendFileSync(out, `\n${String(error)}\n`);
  }
  const text = readFileSync(out, 'utf8');
  const refused = protectedUrns.filter((urn) => text.includes(urn) || text.includes(urn.split('::').at(-1)!));
  const protectedObjects = objects.filter((o) => ['Namespace', 'DevOpsProject', 'WorkspaceTemplate', 'PersistentVolumeClaim'].includes(o.kind));
  // One comma-separated type list: kubectl reads further arguments as object names.
  const kinds = [...new Set(protectedObjects.map((o) => o.kind.toLowerCase()))].join(',');
  const still = await cp.kubectl(['get', kinds, '-A', '-o', 'name']);
  const remaining = still.stdout.trim().split('\n').filter(Boolean).length;
  check(env, !destroyed && protectedUrns.length > 0 && remaining >= protectedObjects.length,
    `pulumi destroy is refused: ${protectedUrns.length} protected resources, ${refused.length} named in the refusal, ${remaining}/${protectedObjects.length} protected objects still on the API server`);
  return !destroyed && protectedUrns.length > 0 && remaining >= protectedObjects.length;
}

async function main(): Promise<number> {
  const total = performance.now();
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  const started = performance.now();
  // The served provider is older than @pulumi/kubernetes: every type the program registers must be in its schema.
  const schema = JSON.parse(readFileSync(providerSchemaPath(), 'utf8')) as { version: string; resources: Record<string, unknown> };
  const types = [...new Set((await Promise.all(ENVIRONMENTS.map(registeredTypes))).flat())];
  const missing = missingFromSchema(types, schema, customResourceTypes(vendoredCrds()));
  check('both', missing.length === 0, `provider ${schema.version} serves every kubernetes:* type the program registers (${types.filter((t) => t.startsWith('kubernetes:')).length})${missing.length ? `; missing: ${missing.join(', ')}` : ''} (${seconds(started)} s)`);

  const report = { kubernetes: PINS.kubernetes, pulumi: PINS.pulumi, stacks: {} as Record<string, StackReport> };
  const phases: Record<string, number> = {};
  try {
    for (const [index, env] of ENVIRONMENTS.entries()) {
      process.stdout.write(`── ${env} ──\n`);
      const t = performance.now();
      // Each environment has its own Harbor, as in reality: a fake one on loopback.
      const harbor = await FakeHarbor.start({ username: 'admin', password: `e2e-${randomBytes(8).toString('hex')}` });
      try {
        report.stacks[env] = await runEnvironment(env, index, harbor);
      } catch (error) {
        check(env, false, `the run could not continue: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      } finally {
        await harbor.close();
      }
      // Each environment's control plane is torn down before the next starts.
      const left = await processes.stopAll();
      check(env, left.length === 0, `control plane torn down${left.length ? `; still running: ${left.map((p) => `${p.name} (${p.pid})`).join(', ')}` : ''}`);
      phases[env] = seconds(t);
    }
  } finally {
    await processes.stopAll();
  }
  mkdirSync(join(ROOT, 'dist/e2e'), { recursive: true });
  writeFileSync(join(ROOT, 'dist/e2e/report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(ROOT, 'dist/e2e/summary.txt'), `${summary.join('\n')}\n`);
  process.stdout.write(`\n${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`e2e: ${ENVIRONMENTS.map((e) => `${e} ${phases[e] ?? '?'} s`).join(', ')}, total ${seconds(total)} s; ${failures.length === 0 ? 'all checks passed' : `${failures.length} check(s) FAILED`}\n`);
  return failures.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The suite is PID 1 of its namespace, which ignores a signal it has no handler for: without these, Ctrl-C (or a
  // CI timeout's SIGTERM) would not stop the run. Stop the control plane's processes, then exit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`e2e: ${signal}, stopping the control plane\n`);
      void processes.stopAll().finally(() => process.exit(130));
    });
  }
  process.exit(await main().catch((error) => {
    process.stderr.write(`e2e FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return 1;
  }));
}
