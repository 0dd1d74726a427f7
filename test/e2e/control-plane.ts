import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binary } from './engines.js';
import type { ProcessGroup } from './processes.js';

/**
 * A throwaway Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC, Pod Security admission, privileged
 * containers allowed as on a kubeadm/KubeKey cluster) and kube-controller-manager (so Deployments get ReplicaSets
 * and Pods, which admission then judges). No scheduler and no kubelet: pods stay Pending, which is all the run needs.
 * Meant to run inside a private network namespace (run.ts), where 127.0.0.1 is the only address.
 */
export interface ControlPlane {
  readonly dir: string;
  /** A kubeconfig with one context, `name`, as cluster-admin (system:masters). */
  readonly kubeconfig: string;
  readonly context: string;
  readonly server: string;
  /** Runs kubectl against this control plane. */
  kubectl(args: readonly string[], options?: { input?: string; allowFailure?: boolean }): Promise<{ stdout: string; stderr: string; code: number }>;
  /** Seconds from start to a ready API server. */
  readonly startSeconds: number;
}

const run = promisify(execFile);

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, isDead: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (isDead()) throw new Error(`${what}: the process exited during start-up (see its log)`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not ready after ${timeoutMs / 1000} s (see its log)`);
}

/** Starts the control plane in `dir`; `index` offsets its ports so that two could run side by side. */
export async function startControlPlane(name: string, dir: string, index: number, processes: ProcessGroup): Promise<ControlPlane> {
  const started = performance.now();
  mkdirSync(join(dir, 'etcd'), { recursive: true });
  mkdirSync(join(dir, 'certs'), { recursive: true });
  const etcdClient = 2379 + index * 10;
  const etcdPeer = etcdClient + 1;
  const apiPort = 6443 + index;

  const etcd = processes.start(`${name}: etcd`, binary('etcd'), [
    '--name', 'e2e',
    '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster', `e2e=http://127.0.0.1:${etcdPeer}`,
    '--log-level', 'warn',
  ], join(dir, 'etcd.log'));
  await waitFor(`${name}: etcd`, 30_000, async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, () => etcd.exitCode !== null);

  // Service-account token signing key; the admin's bearer token is random per run.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'certs/sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'certs/sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'certs/tokens.csv'), `${token},e2e-admin,e2e-admin,"system:masters"\n`, { mode: 0o600 });

  const apiserver = processes.start(`${name}: kube-apiserver`, binary('kube-apiserver'), [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'certs/tokens.csv')}`,
    '--authorization-mode=Node,RBAC',
    // PodSecurity is on by default in 1.26; listed so that turning it off by accident fails here.
    '--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,PodSecurity,DefaultStorageClass,ResourceQuota,LimitRanger',
    '--allow-privileged=true',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(dir, 'certs/sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'certs/sa.key')}`,
    '--service-cluster-ip-range=10.233.0.0/18',
    '--profiling=false',
    '--v=1',
  ], join(dir, 'kube-apiserver.log'));

  const server = `https://127.0.0.1:${apiPort}`;
  const context = name;
  const kubeconfig = join(dir, 'kubeconfig');
  // KubeKey's admin context is kubernetes-admin@<clusterName> over a cluster entry named <clusterName>; the program's
  // cluster guard (infra/pulumi/cluster-guard.ts) checks that entry's name against the environment.
  const clusterEntry = context.includes('@') ? context.slice(context.indexOf('@') + 1) : context;
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      'clusters:',
      `- name: ${clusterEntry}`,
      '  cluster:',
      `    server: ${server}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: e2e-admin',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      `- name: ${context}`,
      '  context:',
      `    cluster: ${clusterEntry}`,
      '    user: e2e-admin',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const kubectl: ControlPlane['kubectl'] = async (args, options = {}) => {
    const child = run(binary('kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { maxBuffer: 256 * 1024 * 1024 });
    if (options.input !== undefined) {
      child.child.stdin!.end(options.input);
    }
    try {
      const { stdout, stderr } = await child;
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; code?: number };
      if (!options.allowFailure) throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr ?? String(error)}`);
      return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
    }
  };
  await waitFor(`${name}: kube-apiserver /readyz`, 120_000, async () => (await kubectl(['get', '--raw=/readyz'], { allowFailure: true })).code === 0, () => apiserver.exitCode !== null);

  const kcm = processes.start(`${name}: kube-controller-manager`, binary('kube-controller-manager'), [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${10257 + index}`,
    `--service-account-private-key-file=${join(dir, 'certs/sa.key')}`,
    '--use-service-account-credentials=false',
    '--leader-elect=false',
    // No cloud, no node IPAM (there are no pods' networks to allocate), no node lifecycle evictions.
    '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service,-route',
    '--v=1',
  ], join(dir, 'kube-controller-manager.log'));
  await waitFor(`${name}: kube-controller-manager`, 60_000, async () => {
    const { stdout } = await kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name'], { allowFailure: true });
    return stdout.trim() === 'serviceaccount/default';
  }, () => kcm.exitCode !== null);

  return { dir, kubeconfig, context, server, kubectl, startSeconds: Math.round(performance.now() - started) / 1000 };
}
