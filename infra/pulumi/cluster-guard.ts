import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { InputError } from '../model/errors.js';
import { SECRET_KEYS, type SecretKey } from '../model/secrets.js';
import type { Environment } from '../schema/environment.js';
import { parseYamlDocument } from '../model/yaml-input.js';

/**
 * A stack lands only on its own cluster, and only with well-formed secrets. Everything here runs before the first
 * resource is registered and fails with `pulumi.RunError`, which the Pulumi CLI prints as one line instead of
 * "unhandled exception" and a stack trace.
 *
 * 1. The kubeconfig context (`icv:kubeContext`, in `icv:kubeconfig` or $KUBECONFIG or ~/.kube/config) must name
 *    the environment's cluster (`cluster.clusterName`, as KubeKey names the kubeconfig's cluster entry) and its API
 *    server must be the environment's endpoint, `https://<cluster.controlPlaneEndpoint.domain>:<port>`, or the URL in
 *    `icv:apiServer` for a stack that reaches its cluster another way (a tunnel, a throwaway e2e cluster).
 * 2. The server reached must be the cluster the stack was set up for: its `kube-system` Namespace UID, which never
 *    changes for the life of a cluster, must equal `icv:clusterIdentity` (see `clusterIdentityGate`).
 * 3. Every secret of SECRET_KEYS is secret config (`pulumi config set --secret`, a `secure:` value), non-empty, and
 *    the ones with a format have it: harborSecretKey exactly 16 characters, tlsCertificate a PEM certificate chain,
 *    tlsPrivateKey a PEM private key that belongs to the certificate.
 */

/** The config keys of the cluster check, documented in Pulumi.<stack>.yaml and the README. */
export const CLUSTER_CONFIG = {
  apiServer: 'icv:apiServer',
  clusterIdentity: 'icv:clusterIdentity',
} as const;

/** An expected failure of the program: one line per problem, no stack trace. */
export function runError(lines: readonly string[]): pulumi.RunError {
  return new pulumi.RunError(lines.join('\n'));
}

/** The API server URL the stack must reach. */
export function expectedApiServer(env: Environment, override: string | undefined): string {
  return override ?? `https://${env.cluster.controlPlaneEndpoint.domain}:${env.cluster.controlPlaneEndpoint.port}`;
}

interface KubeconfigFile {
  readonly clusters?: readonly { readonly name?: string; readonly cluster?: { readonly server?: string } }[];
  readonly contexts?: readonly { readonly name?: string; readonly context?: { readonly cluster?: string } }[];
}

/** The kubeconfig documents the provider would read: `icv:kubeconfig` (a path or the content), else $KUBECONFIG, else ~/.kube/config. */
function kubeconfigSources(kubeconfig: string | undefined): { readonly where: string; readonly text: string }[] {
  if (kubeconfig !== undefined) {
    if (/^\s*(apiVersion|clusters|contexts|kind)\s*:/m.test(kubeconfig)) return [{ where: 'icv:kubeconfig', text: kubeconfig }];
    if (!existsSync(kubeconfig)) throw runError([`icv:kubeconfig: no kubeconfig file at '${kubeconfig}'`]);
    return [{ where: kubeconfig, text: readFileSync(kubeconfig, 'utf8') }];
  }
  const paths = process.env.KUBECONFIG ? process.env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
  return paths.filter((path) => existsSync(path)).map((path) => ({ where: path, text: readFileSync(path, 'utf8') }));
}

/**
 * Checks, from the kubeconfig alone, that the context points at the environment's cluster and API endpoint.
 * Throws a RunError naming both sides.
 */
export function checkKubeContext(env: Environment, stack: string, kubeContext: string, kubeconfig: string | undefined, apiServer: string | undefined): void {
  const sources = kubeconfigSources(kubeconfig);
  if (sources.length === 0) {
    throw runError([`stack '${stack}': no kubeconfig found ($KUBECONFIG, ~/.kube/config); set one with: pulumi config set --secret icv:kubeconfig <path> --stack ${stack}`]);
  }
  let context: { readonly cluster?: string } | undefined;
  let servers = new Map<string, string>();
  for (const source of sources) {
    let parsed: KubeconfigFile | null;
    try {
      parsed = parseYamlDocument(source.text, source.where) as KubeconfigFile | null;
    } catch (error) {
      if (error instanceof InputError) throw runError([`stack '${stack}': ${error.message.split('\n')[0]}`]);
      throw error;
    }
    context ??= parsed?.contexts?.find((c) => c.name === kubeContext)?.context;
    for (const cluster of parsed?.clusters ?? []) if (cluster.name && cluster.cluster?.server && !servers.has(cluster.name)) servers.set(cluster.name, cluster.cluster.server);
  }
  const where = sources.map((s) => s.where).join(', ');
  if (context === undefined) throw runError([`stack '${stack}': icv:kubeContext '${kubeContext}' is not a context of the kubeconfig (${where})`]);
  const expected = expectedApiServer(env, apiServer);
  const server = context.cluster === undefined ? undefined : servers.get(context.cluster);
  const normalize = (url: string | undefined) => url?.replace(/\/+$/, '');
  if (context.cluster !== env.cluster.clusterName || normalize(server) !== normalize(expected)) {
    throw runError([
      `stack '${stack}': kube context '${kubeContext}' points at cluster '${context.cluster ?? '(none)'}' (${server ?? 'no server'}), ` +
        `not environment ${env.name}'s cluster '${env.cluster.clusterName}' (${expected}); refusing to register anything. ` +
        `Select the ${env.name} cluster's context in icv:kubeContext${apiServer === undefined ? ` (or, if it is reached through another URL, set ${CLUSTER_CONFIG.apiServer})` : ''}`,
    ]);
  }
}

/** Checks every secret value before anything is registered; values are never printed. */
export function checkSecretValues(stack: string, values: Readonly<Record<SecretKey, string>>, isSecret: (key: string) => boolean): void {
  const problems: string[] = [];
  const fix = (key: SecretKey, detail: string) => `icv:${key}: ${detail}; set it with: pulumi config set --secret icv:${key} <value> --stack ${stack}`;
  for (const key of Object.keys(SECRET_KEYS) as SecretKey[]) {
    if (!isSecret(`icv:${key}`)) problems.push(fix(key, `is stored in plain text in Pulumi.${stack}.yaml, not as a secure: value; remove it there`));
    else if (values[key].trim() === '') problems.push(fix(key, 'is empty'));
  }
  const secretKey = values.harborSecretKey;
  if (secretKey.length !== 16) problems.push(fix('harborSecretKey', `must be exactly 16 characters (Harbor's chart encrypts with it), not ${secretKey.length}`));
  let certificate: X509Certificate | undefined;
  try {
    certificate = new X509Certificate(values.tlsCertificate);
  } catch {
    problems.push(fix('tlsCertificate', 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)'));
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(values.tlsPrivateKey);
  } catch {
    problems.push(fix('tlsPrivateKey', 'is not a PEM private key (-----BEGIN PRIVATE KEY-----, unencrypted)'));
  }
  if (certificate && privateKey && !certificate.checkPrivateKey(privateKey)) {
    problems.push(fix('tlsPrivateKey', `is not the key of icv:tlsCertificate (subject ${certificate.subject.replace(/\n/g, ', ')})`));
  }
  if (problems.length > 0) throw runError([`stack '${stack}': ${problems.length} secret value(s) are not usable:`, ...problems.map((p) => `  ${p}`)]);
}

/**
 * A promise that resolves (to the kube-system Namespace read) once the server the provider reached proves to be the stack's cluster:
 * the `kube-system` Namespace is read through the stack's provider and its UID compared with `icv:clusterIdentity`.
 * Every Kubernetes resource of the stack lists it in `dependsOn`, so none is registered unless it resolves; when it
 * rejects, the run fails with one line naming both UIDs. The read happens in previews too, and under unit-test mocks
 * the mocked engine answers it.
 */
export function clusterIdentityGate(
  stack: string,
  env: Environment,
  expectedUid: string,
  kubeSystem: pulumi.CustomResource & { readonly metadata: pulumi.Output<{ readonly uid?: string }> },
): Promise<pulumi.Resource> {
  const uid = new Promise<string | undefined>((resolve) => kubeSystem.metadata.apply((metadata) => resolve(metadata.uid)));
  const verified = uid.then((uid) => {
    if (uid !== expectedUid) {
      throw runError([
        `stack '${stack}': the cluster reached has kube-system UID '${uid ?? '(none)'}', but ${CLUSTER_CONFIG.clusterIdentity} records '${expectedUid}' for ` +
          `environment ${env.name}'s cluster '${env.cluster.clusterName}'; refusing to register anything`,
      ]);
    }
    return kubeSystem;
  });
  // Every resource awaits it; the failure is reported through them (and by the engine once), not as a stray rejection.
  verified.catch(() => undefined);
  return verified;
}
