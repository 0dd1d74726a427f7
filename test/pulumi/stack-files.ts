import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SECRET_KEYS, type SecretKey } from '../../infra/model/secrets.js';
import { perWorker, RUN_DIRECTORY_VARIABLE } from '../support/shared.js';

/** What the Pulumi CLI would hand a stack's program, read from the files; no vitest here, so child processes use it too. */

/** The config of a stack as the CLI passes it: Pulumi.yaml's project values, then Pulumi.<stack>.yaml on top. */
export function stackConfigFromFiles(stack: string, root = process.cwd()): Record<string, string> {
  const project = parse(readFileSync(`${root}/Pulumi.yaml`, 'utf8')) as { name: string; config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const set = (key: string, value: unknown) => {
    if (typeof value === 'object' && value !== null && 'secure' in value) {
      throw new Error(`${key} is a secure value: only the Pulumi CLI can decrypt it; tests supply secrets themselves`);
    }
    config[key.includes(':') ? key : `${project.name}:${key}`] = typeof value === 'string' ? value : JSON.stringify(value);
  };
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const value = typeof declaration === 'object' && declaration !== null ? ((declaration as Record<string, unknown>).value ?? (declaration as Record<string, unknown>).default) : declaration;
    if (value !== undefined) set(key, value);
  }
  // A stack without its file (one that was never configured) has no stack config, as with the CLI.
  const path = `${root}/Pulumi.${stack}.yaml`;
  const stackFile = existsSync(path) ? (parse(readFileSync(path, 'utf8')) as { config?: Record<string, unknown> } | null) : null;
  for (const [key, value] of Object.entries(stackFile?.config ?? {})) set(key, value);
  return config;
}

/**
 * A self-signed certificate and its key, made with openssl (never stored in the repository): once per `vitest run`
 * by test/support/global-setup.ts into the run's directory, which both workers and their children read; made once per
 * process where there is no such directory (a child started outside vitest, Stryker's runs). Kept on globalThis
 * (test/support/shared.ts) so that a re-evaluation of this module (vi.resetModules) gives the same one.
 */
export function testCertificate(): { cert: string; key: string } {
  return perWorker('test-certificate', () => {
    const shared = process.env[RUN_DIRECTORY_VARIABLE];
    if (shared && existsSync(join(shared, CERT_FILE))) return readCertificate(shared);
    const dir = mkdtempSync(join(tmpdir(), 'icv-test-cert-'));
    try {
      return writeTestCertificate(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const CERT_FILE = 'test-cert.pem';
const KEY_FILE = 'test-key.pem';

/** Makes a self-signed certificate and its key in `dir` (test-cert.pem, test-key.pem) and returns them. */
export function writeTestCertificate(dir: string): { cert: string; key: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=*.icv.test', '-keyout', join(dir, KEY_FILE), '-out', join(dir, CERT_FILE)], { stdio: 'ignore' });
  return readCertificate(dir);
}

function readCertificate(dir: string): { cert: string; key: string } {
  return { cert: readFileSync(join(dir, CERT_FILE), 'utf8'), key: readFileSync(join(dir, KEY_FILE), 'utf8') };
}

/** A recognisable test value for each secret of a stack, each in the format the program checks. */
export function testSecrets(stack: string): Record<`icv:${SecretKey}`, string> {
  const values = Object.fromEntries(Object.keys(SECRET_KEYS).map((key) => [`icv:${key}`, `test-secret-${key}-${stack}-9f2c`])) as Record<`icv:${SecretKey}`, string>;
  const { cert, key } = testCertificate();
  return { ...values, 'icv:harborSecretKey': `hsk-${stack}-9f2c`.padEnd(16, 'x'), 'icv:tlsCertificate': cert, 'icv:tlsPrivateKey': key };
}

/** The kube-system Namespace UID of the mocked cluster of a stack. */
export function clusterUid(stack: string): string {
  return `0d6f3c2e-${stack.padEnd(4, '0').slice(0, 4)}-4a1b-9c3d-5e7f8a9b0c1d`;
}

/** A kubeconfig whose context is the environment's, as KubeKey writes it. */
export function testKubeconfig(stack: string, server = `https://lb.${stack}.icv.local:6443`, cluster = `${stack}.icv.local`): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${cluster}`,
    '  cluster:',
    `    server: ${server}`,
    'contexts:',
    `- name: kubernetes-admin@${stack}.icv.local`,
    '  context:',
    `    cluster: ${cluster}`,
    '    user: kubernetes-admin',
    `current-context: kubernetes-admin@${stack}.icv.local`,
    'users:',
    '- name: kubernetes-admin',
    '  user: {}',
    '',
  ].join('\n');
}

/**
 * The whole config a test run hands the program: the stack files, the cluster identity of the mocked cluster, and
 * as secrets every value of SECRET_KEYS and a kubeconfig that points at the environment's cluster.
 */
export function mockStackConfig(stack: string, root = process.cwd()): { config: Record<string, string>; secretKeys: string[] } {
  const secrets = { ...testSecrets(stack), 'icv:kubeconfig': testKubeconfig(stack) };
  return { config: { ...stackConfigFromFiles(stack, root), 'icv:clusterIdentity': clusterUid(stack), ...secrets }, secretKeys: Object.keys(secrets) };
}

/** What the mocked cluster answers when the program reads its kube-system Namespace; undefined for anything else. */
export function mockClusterRead(args: { type: string; id?: string }, uid: string): { id: string; state: Record<string, unknown> } | undefined {
  if (args.type !== 'kubernetes:core/v1:Namespace' || args.id !== 'kube-system') return undefined;
  return { id: 'kube-system', state: { metadata: { name: 'kube-system', uid } } };
}
