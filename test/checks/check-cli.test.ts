import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CheckReport } from '../../infra/cli/check.js';
import { captureOutput, tempDir } from '../support/inputs.js';

const BAD = 'test/fixtures/bad-manifests';
const INSECURE = 'Deployment/icv-bad/insecure';
const POD = 'spec.template.spec';
const APP = `${POD}.containers[app]`;
const SETUP = `${POD}.initContainers[setup]`;

/** Every finding the bad manifests must produce: [rule, object, path]. */
const EXPECTED: [string, string, string][] = [
  ['pss-restricted.host-namespaces', INSECURE, `${POD}.hostNetwork`],
  ['pss-restricted.volume-types', INSECURE, `${POD}.volumes[host-logs].hostPath`],
  ['pss-restricted.privileged', INSECURE, `${SETUP}.securityContext.privileged`],
  ['pss-restricted.host-ports', INSECURE, `${APP}.ports[0].hostPort`],
  ['pss-restricted.capabilities', INSECURE, `${APP}.securityContext.capabilities.drop`],
  ['pss-restricted.capabilities', INSECURE, `${APP}.securityContext.capabilities.add[0]`],
  ['pss-restricted.allow-privilege-escalation', INSECURE, `${APP}.securityContext.allowPrivilegeEscalation`],
  ['pss-restricted.run-as-non-root', INSECURE, `${APP}.securityContext.runAsNonRoot`],
  ['pss-restricted.run-as-user', INSECURE, `${APP}.securityContext.runAsUser`],
  ['pss-restricted.seccomp', INSECURE, `${APP}.securityContext.seccompProfile.type`],
  ['pss-restricted.high-uid-gid', INSECURE, `${SETUP}.securityContext.runAsUser`],
  ['pss-restricted.read-only-root-filesystem', INSECURE, `${APP}.securityContext.readOnlyRootFilesystem`],
  ['supply-chain.image-tag', INSECURE, `${APP}.image`],
  ['supply-chain.image-tag', INSECURE, `${SETUP}.image`],
  ['secrets.env-literal', INSECURE, `${APP}.env[DB_PASSWORD].value`],
  ['reliability.limits', INSECURE, `${APP}.resources.limits.cpu`],
  ['reliability.requests', INSECURE, `${APP}.resources.requests.memory`],
  ['reliability.readiness-probe', INSECURE, `${APP}.readinessProbe`],
  ['reliability.liveness-probe', INSECURE, `${APP}.livenessProbe`],
  ['reliability.pdb', INSECURE, 'spec.selector'],
  ['reliability.spread', INSECURE, `${POD}.topologySpreadConstraints`],
  ['network.policy-coverage', INSECURE, 'spec.template.metadata.labels'],
  ['network.service-selects-pods', 'Service/icv-bad/orphan', 'spec.selector'],
  ['network.service-endpoints', 'Service/icv-bad/legacy-db', 'spec.selector'],
  ['network.service-target-port', 'Service/icv-bad/insecure', 'spec.ports[0].targetPort'],
  ['network.ingress-backend', 'Ingress/icv-bad/portal', 'spec.rules[0].http.paths[0].backend.service.name'],
  ['network.ingress-backend', 'Ingress/icv-bad/portal', 'spec.rules[0].http.paths[1].backend.service.port.number'],
  ['network.policy-selects-pods', 'NetworkPolicy/icv-bad/stale', 'spec.podSelector'],
  ['network.egress-internet', 'NetworkPolicy/icv-bad/open-egress', 'spec.egress[0].to[0].ipBlock.cidr'],
  ['reliability.hpa', 'HorizontalPodAutoscaler/icv-bad/scaled', 'spec.maxReplicas'],
  ['reliability.hpa', 'HorizontalPodAutoscaler/icv-bad/scaled', 'spec.minReplicas'],
  ['reliability.hpa', 'HorizontalPodAutoscaler/icv-bad/ghost', 'spec.scaleTargetRef'],
  ['secrets.plain-text', 'Secret/icv-bad/db', 'stringData.password'],
  ['secrets.configmap', 'ConfigMap/icv-bad/app-config', "data['application.properties']"],
  ['secrets.plain-text', 'Cluster/seed', 'spec.hosts[0].password'],
  ['schema', 'ConfigMap/icv-bad/typed', 'data.replicas'],
  ['schema', 'Pipeline/icv-devops/insecure', 'spec'],
  ['schema.unknown-kind', 'Ingress/icv-bad/ancient', 'apiVersion'],
  ['schema.unknown-field', 'Cluster/seed', 'spec.kubernetes.containerManger'],
  ['topology.etcd-quorum', 'Cluster/seed', 'spec.roleGroups.etcd'],
];

async function checkJson(argv: string[]): Promise<{ code: number; report: CheckReport; stderr: string }> {
  const { result, stdout, stderr } = await captureOutput(() => main([...argv, '--format', 'json']));
  return { code: result, report: JSON.parse(stdout) as CheckReport, stderr };
}

describe('npm run check -- --manifests DIR', () => {
  it('finds every deliberate fault in test/fixtures/bad-manifests and exits 1', async () => {
    const { code, report } = await checkJson(['--manifests', BAD]);
    expect(code).toBe(1);
    const findings = report.runs[0]!.findings;
    const missing = EXPECTED.filter(([rule, object, path]) => !findings.some((f) => f.rule === rule && f.object === object && f.path === path));
    expect(missing).toEqual([]);
    expect(report.summary.errors).toBe(findings.filter((f) => f.severity === 'error').length);
  });

  it('names the file each finding comes from, and skips documents that are not Kubernetes objects', async () => {
    const { report } = await checkJson(['--manifests', BAD]);
    const run = report.runs[0]!;
    expect(run.findings.find((f) => f.object === 'Cluster/seed')!.file).toBe(join(BAD, 'kubekey/cluster.yaml'));
    expect(run.skipped).toEqual([{ file: join(BAD, 'helm/harbor.values.yaml'), document: 1 }]);
    expect(run.capacity).toBeUndefined();
  });

  it('a declared exception is reported as an exception with its reason, never as an error', async () => {
    const { report } = await checkJson(['--manifests', BAD]);
    const shipper = report.runs[0]!.findings.filter((f) => f.object === 'DaemonSet/icv-logging/log-shipper');
    expect(shipper).toEqual([
      expect.objectContaining({ rule: 'pss-restricted.volume-types', severity: 'exception', reason: 'reads container logs from the node', path: `${POD}.volumes[varlog].hostPath` }),
    ]);
  });

  it('with --env, checks the registry and plans capacity for that environment', async () => {
    const { report } = await checkJson(['--manifests', BAD, '--env', 'prod']);
    const run = report.runs[0]!;
    expect(run.env).toBe('prod');
    expect(run.findings.some((f) => f.rule === 'supply-chain.registry' && f.object === INSECURE && f.path === `${APP}.image`)).toBe(true);
    expect(run.capacity?.scenarios[0]?.name).toBe('all workers up');
  });

  it('a YAML syntax error is invalid input: exit 2 naming the file and line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n');
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n  b: "unterminated\n');
    const { result, stdout, stderr } = await captureOutput(() => main(['--manifests', dir]));
    expect(result).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`${join(dir, 'broken.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line \\d+: YAML syntax error`));
  });

  it('usage errors exit 2: an unknown format, an unknown environment, several environments with --manifests', async () => {
    expect((await captureOutput(() => main(['--format', 'xml']))).result).toBe(2);
    expect((await captureOutput(() => main(['--env', 'staging']))).result).toBe(2);
    expect((await captureOutput(() => main(['--manifests', BAD, '--env', 'test,prod']))).result).toBe(2);
  });
});

describe('npm run check (default: both environments built in memory)', () => {
  it('exits 0 on the real environments and prints findings, both capacity tables and a summary', async () => {
    const { result, stdout } = await captureOutput(() => main([]));
    expect(result, stdout).toBe(0);
    for (const env of ['test', 'prod']) {
      expect(stdout).toContain(`== ${env} ==`);
      expect(stdout).toContain(`Capacity plan for ${env}`);
      expect(stdout).toMatch(new RegExp(`^${env}: 0 errors, \\d+ warnings?, \\d+ exceptions?$`, 'm'));
    }
    expect(stdout).toMatch(/^check: 0 errors, \d+ warnings?, \d+ exceptions? \(test, prod, parity, promotion\)$/m);
  });

  it('--format json: one run per environment with findings and the capacity plan of every worker-down scenario', async () => {
    const { code, report } = await checkJson(['--env', 'prod']);
    expect(code).toBe(0);
    expect(report.runs.map((r) => r.target)).toEqual(['prod']);
    const capacity = report.runs[0]!.capacity!;
    expect(capacity.scenarios.map((s) => s.name)).toEqual(['all workers up', 'kp-node01 down', 'kp-node02 down', 'kp-node03 down', 'kp-node05 down']);
    expect(report.runs[0]!.findings.filter((f) => f.severity === 'exception').every((f) => f.reason)).toBe(true);
  });
});
