import { generateKeyPairSync } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { runProgram, testKubeconfig, testSecrets, THROWAWAY_API_SERVER, throwawayClusterRun, unwrapSecrets, type Registration, type RunOptions } from './stack-harness.js';

/**
 * A stack lands only on its own cluster, with usable secrets: every refusal below is a pulumi.RunError (one line per
 * problem, no stack trace from the CLI) raised before a single Kubernetes object is registered.
 */

async function refused(stack: string, options: RunOptions): Promise<{ message: string; registrations: readonly Registration[] }> {
  let error: unknown;
  try {
    await runProgram(stack, options);
  } catch (e) {
    error = e;
  }
  expect(error, 'the program must fail').toBeDefined();
  expect(pulumi.RunError.isInstance(error)).toBe(true);
  const { message, registrations } = error as Error & { registrations: readonly Registration[] };
  expect(message).not.toMatch(/^\s+at /m);
  return { message, registrations };
}

/** Registrations of cluster objects: everything but components and the provider. */
const clusterObjects = (registrations: readonly Registration[]) => registrations.filter((r) => r.custom && !r.type.startsWith('pulumi:providers:'));

describe('pulumi up --stack prod lands only on the prod cluster', () => {
  it("refuses test's kube context (test's cluster name and API server) before registering anything", async () => {
    const { message, registrations } = await refused('prod', { config: { 'icv:kubeconfig': testKubeconfig('prod', 'https://lb.test.icv.local:6443', 'test.icv.local') } });
    expect(message).toBe(
      "stack 'prod': kube context 'kubernetes-admin@prod.icv.local' points at cluster 'test.icv.local' (https://lb.test.icv.local:6443), " +
        "not environment prod's cluster 'prod.icv.local' (https://lb.prod.icv.local:6443); refusing to register anything. " +
        "Select the prod cluster's context in icv:kubeContext (or, if it is reached through another URL, set icv:apiServer)",
    );
    expect(registrations).toEqual([]);
  });

  it('refuses a context the kubeconfig does not have', async () => {
    const { message, registrations } = await refused('prod', { config: { 'icv:kubeContext': 'kubernetes-admin@staging.icv.local' } });
    expect(message).toBe("stack 'prod': icv:kubeContext 'kubernetes-admin@staging.icv.local' is not a context of the kubeconfig (icv:kubeconfig)");
    expect(registrations).toEqual([]);
  });

  it('refuses a server whose kube-system UID is not the recorded icv:clusterIdentity, registering no cluster object', async () => {
    const { message, registrations } = await refused('prod', { serverUid: 'ffffffff-0000-4000-8000-000000000000' });
    expect(message).toMatch(/^stack 'prod': the cluster reached has kube-system UID 'ffffffff-0000-4000-8000-000000000000', but icv:clusterIdentity records '[^']+' for environment prod's cluster 'prod\.icv\.local'; refusing to register anything$/);
    expect(clusterObjects(registrations)).toEqual([]);
  });

  it('accepts another API server URL only when the stack records it (icv:apiServer), as a throwaway cluster does', async () => {
    const { message, registrations } = await refused('prod', { config: { 'icv:kubeconfig': testKubeconfig('prod', THROWAWAY_API_SERVER) } });
    expect(message).toContain(`kube context 'kubernetes-admin@prod.icv.local' points at cluster 'prod.icv.local' (${THROWAWAY_API_SERVER}), not environment prod's cluster`);
    expect(registrations).toEqual([]);
    const run = await throwawayClusterRun();
    const provider = run.registrations.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    expect(unwrapSecrets(provider.inputs.kubeconfig)).toContain(`server: ${THROWAWAY_API_SERVER}`);
    expect(clusterObjects(run.registrations).length).toBeGreaterThan(100);
  }, 240_000);

  it('asks for icv:clusterIdentity with the command that reads it', async () => {
    const { message, registrations } = await refused('test', { omit: ['icv:clusterIdentity'] });
    expect(message).toContain("icv:clusterIdentity: UID of the test cluster's kube-system Namespace");
    expect(message).toContain("kubectl --context <icv:kubeContext> get namespace kube-system -o jsonpath='{.metadata.uid}'");
    expect(registrations).toEqual([]);
  });
});

describe('secret config values are checked before anything is registered, never printed', () => {
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: [string, RunOptions, RegExp][] = [
    ['a 12-character harborSecretKey', { config: { 'icv:harborSecretKey': 'abcdefghijkl' } }, /icv:harborSecretKey: must be exactly 16 characters \(Harbor's chart encrypts with it\), not 12/],
    ['a tlsCertificate that is not PEM', { config: { 'icv:tlsCertificate': 'not a certificate' } }, /icv:tlsCertificate: is not a PEM certificate/],
    ['a tlsPrivateKey that is not PEM', { config: { 'icv:tlsPrivateKey': 'not a key' } }, /icv:tlsPrivateKey: is not a PEM private key/],
    ["a private key that is not the certificate's", { config: { 'icv:tlsPrivateKey': otherKey } }, /icv:tlsPrivateKey: is not the key of icv:tlsCertificate \(subject CN=\*\.icv\.test\)/],
    ['a secret in plain text (not secure:)', { plain: ['icv:mysqlPassword'] }, /icv:mysqlPassword: is stored in plain text in Pulumi\.prod\.yaml, not as a secure: value/],
    ['an empty secret', { config: { 'icv:gitlabToken': ' ' } }, /icv:gitlabToken: is empty; set it with: pulumi config set --secret icv:gitlabToken <value> --stack prod/],
  ];
  for (const [what, options, expected] of cases) {
    it(`refuses ${what}`, async () => {
      const { message, registrations } = await refused('prod', options);
      expect(message).toMatch(/^stack 'prod': 1 secret value\(s\) are not usable:\n/);
      expect(message).toMatch(expected);
      for (const value of [...Object.values(options.config ?? {}), testSecrets('prod')['icv:mysqlPassword']]) expect(message).not.toContain(value.trim() || '\u0000');
      expect(registrations).toEqual([]);
    });
  }
});
