import { describe, expect, it } from 'vitest';
import { runChecks, type Finding } from '../../infra/checks/index.js';
import type { KubeObject } from '../../infra/model/types.js';
import { built, objectsOf } from '../support/platforms.js';

/**
 * The checker's former blind spots (issue 20): each test takes one module's objects exactly as the constructs
 * synthesize them for prod, breaks one field, and expects the rule, object and path. The unbroken objects pass.
 */

const prod = built.find((b) => b.env.name === 'prod')!;
const MODULE = 'vehicle-access';
const C = MODULE;

/** A deep copy of the module's objects (Deployment, Services, PDB, HPA, NetworkPolicy, ConfigMap, ...). */
function moduleObjects(): any[] {
  const objects = objectsOf(prod.platform).filter((o) => o.metadata?.labels?.['app.kubernetes.io/name'] === MODULE);
  expect(objects.some((o) => o.kind === 'Deployment')).toBe(true);
  return structuredClone(objects);
}
const deployment = (objects: any[]) => objects.find((o) => o.kind === 'Deployment');
const pod = (objects: any[]) => deployment(objects).spec.template.spec;
const app = (objects: any[]) => pod(objects).containers[0];
const ref = (o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;

function findingsOf(objects: KubeObject[], rule: string): Finding[] {
  return runChecks({ objects, env: prod.env }).filter((f) => f.rule === rule);
}

function expectOne(objects: KubeObject[], rule: string, object: string, path: string): Finding {
  const found = findingsOf(objects, rule);
  expect(found.map((f) => `${f.object} ${f.path}`)).toEqual([`${object} ${path}`]);
  expect(found[0]!.severity).toBe('error');
  return found[0]!;
}

const RULES = ['reliability.liveness-dependency', 'reliability.job-restart-policy', 'reliability.spread-constraint', 'reliability.anti-affinity-selector', 'reliability.container-image', 'reliability.pdb-blocks-drain', 'secrets.key-material'];

describe('checker blind spots, on synthesized objects', () => {
  it('the synthesized module breaks none of these rules', () => {
    const objects = moduleObjects();
    expect(runChecks({ objects, env: prod.env }).filter((f) => RULES.includes(f.rule))).toEqual([]);
  });

  it('a liveness probe that calls a dependency is an error (exec to a remote host, httpGet.host, tcpSocket.host)', () => {
    const shipper = moduleObjects();
    app(shipper).livenessProbe = { exec: { command: ['filebeat', 'test', 'output'] }, periodSeconds: 30 };
    expect(expectOne(shipper, 'reliability.liveness-dependency', ref(deployment(shipper)), `spec.template.spec.containers[${C}].livenessProbe.exec.command`).message).toContain("'test output'");

    const curl = moduleObjects();
    app(curl).livenessProbe = { exec: { command: ['sh', '-c', 'curl -fsS http://vehicle-registry.icv-vehicle:8080/healthz'] } };
    expect(expectOne(curl, 'reliability.liveness-dependency', ref(deployment(curl)), `spec.template.spec.containers[${C}].livenessProbe.exec.command`).message).toContain('vehicle-registry.icv-vehicle');

    const redis = moduleObjects();
    app(redis).livenessProbe = { exec: { command: ['redis-cli', '-h', 'redis.icv-shared', 'ping'] } };
    expectOne(redis, 'reliability.liveness-dependency', ref(deployment(redis)), `spec.template.spec.containers[${C}].livenessProbe.exec.command`);

    const http = moduleObjects();
    app(http).livenessProbe.httpGet.host = '192.168.16.206';
    expectOne(http, 'reliability.liveness-dependency', ref(deployment(http)), `spec.template.spec.containers[${C}].livenessProbe.httpGet.host`);

    const tcp = moduleObjects();
    app(tcp).livenessProbe = { tcpSocket: { host: 'mysql.icv-shared', port: 3306 } };
    expectOne(tcp, 'reliability.liveness-dependency', ref(deployment(tcp)), `spec.template.spec.containers[${C}].livenessProbe.tcpSocket.host`);

    const local = moduleObjects();
    app(local).livenessProbe = { exec: { command: ['sh', '-c', 'wget -qO- http://127.0.0.1:9000/healthz/live'] } };
    expect(findingsOf(local, 'reliability.liveness-dependency')).toEqual([]);
  });

  it('no liveness probe of either environment calls a dependency or equals its readiness probe', () => {
    for (const { env, platform } of built) {
      const found = runChecks({ objects: objectsOf(platform), env }).filter((f) => f.rule === 'reliability.liveness-dependency' || f.rule === 'reliability.probes-identical');
      expect(found.map((f) => `${env.name}: ${f.object} ${f.path}`)).toEqual([]);
    }
  });

  it('a liveness probe equal to the readiness probe is an error', () => {
    const objects = moduleObjects();
    app(objects).livenessProbe = structuredClone(app(objects).readinessProbe);
    expectOne(objects, 'reliability.probes-identical', ref(deployment(objects)), `spec.template.spec.containers[${C}].livenessProbe`);
  });

  it('a CronJob whose pods have no restartPolicy, or Always, is an error', () => {
    const objects = moduleObjects();
    const template = structuredClone(deployment(objects).spec.template);
    const cronJob: any = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { ...deployment(objects).metadata, name: `${MODULE}-cleanup` }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } };
    delete cronJob.spec.jobTemplate.spec.template.spec.restartPolicy;
    const path = 'spec.jobTemplate.spec.template.spec.restartPolicy';
    expect(expectOne([...objects, cronJob], 'reliability.job-restart-policy', ref(cronJob), path).message).toContain('unset');
    cronJob.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
    expectOne([...objects, cronJob], 'reliability.job-restart-policy', ref(cronJob), path);
    cronJob.spec.jobTemplate.spec.template.spec.restartPolicy = 'OnFailure';
    expect(findingsOf([...objects, cronJob], 'reliability.job-restart-policy')).toEqual([]);
  });

  it('topologySpreadConstraints: maxSkew 0, minDomains 0 or without DoNotSchedule, and a selector of other pods', () => {
    const skew = moduleObjects();
    pod(skew).topologySpreadConstraints[0].maxSkew = 0;
    expectOne(skew, 'reliability.spread-constraint', ref(deployment(skew)), 'spec.template.spec.topologySpreadConstraints[0].maxSkew');

    const zero = moduleObjects();
    pod(zero).topologySpreadConstraints[0] = { ...pod(zero).topologySpreadConstraints[0], whenUnsatisfiable: 'DoNotSchedule', minDomains: 0 };
    expectOne(zero, 'reliability.spread-constraint', ref(deployment(zero)), 'spec.template.spec.topologySpreadConstraints[0].minDomains');

    const anyway = moduleObjects();
    pod(anyway).topologySpreadConstraints[0] = { ...pod(anyway).topologySpreadConstraints[0], whenUnsatisfiable: 'ScheduleAnyway', minDomains: 3 };
    expect(expectOne(anyway, 'reliability.spread-constraint', ref(deployment(anyway)), 'spec.template.spec.topologySpreadConstraints[0].minDomains').message).toContain('DoNotSchedule');

    const other = moduleObjects();
    pod(other).topologySpreadConstraints[0].labelSelector = { matchLabels: { 'app.kubernetes.io/name': 'someone-else' } };
    expectOne(other, 'reliability.spread-constraint', ref(deployment(other)), 'spec.template.spec.topologySpreadConstraints[0].labelSelector');
  });

  it('an anti-affinity term whose selector does not match its own pods is an error and does not count as spreading', () => {
    const objects = moduleObjects();
    delete pod(objects).topologySpreadConstraints;
    pod(objects).affinity = {
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'nothing' } } } }] },
    };
    expectOne(objects, 'reliability.anti-affinity-selector', ref(deployment(objects)), 'spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector');
    expect(findingsOf(objects, 'reliability.spread').map((f) => f.object)).toEqual([ref(deployment(objects))]);

    pod(objects).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector = structuredClone(deployment(objects).spec.selector);
    expect([...findingsOf(objects, 'reliability.anti-affinity-selector'), ...findingsOf(objects, 'reliability.spread')]).toEqual([]);
  });

  it('a container without an image is an error', () => {
    const objects = moduleObjects();
    delete app(objects).image;
    expectOne(objects, 'reliability.container-image', ref(deployment(objects)), `spec.template.spec.containers[${C}].image`);
  });

  it('a PDB with maxUnavailable 0 is an error, also when no workload of ours is selected', () => {
    const objects = moduleObjects();
    const budget = objects.find((o) => o.kind === 'PodDisruptionBudget');
    budget.spec.maxUnavailable = 0;
    expectOne(objects, 'reliability.pdb', ref(budget), 'spec.maxUnavailable');
    const alone = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    expectOne(alone, 'reliability.pdb-blocks-drain', ref(budget), 'spec.maxUnavailable');
    budget.spec.maxUnavailable = '0%';
    expectOne(alone, 'reliability.pdb-blocks-drain', ref(budget), 'spec.maxUnavailable');
  });

  it('private keys and cloud access keys in ConfigMaps or env values are errors, whatever the key is called', () => {
    const pem = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----'].join(' ');
    const objects = moduleObjects();
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    configMap.data = { ...configMap.data, 'client.pem': pem };
    expect(expectOne(objects, 'secrets.key-material', ref(configMap), "data['client.pem']").message).toContain('PEM private key');

    const aws = moduleObjects();
    app(aws).env = [...(app(aws).env ?? []), { name: 'UPLOAD_ID', value: ['AKIA', 'IOSFODNN7EXAMPLE'].join('') }];
    expect(expectOne(aws, 'secrets.key-material', ref(deployment(aws)), `spec.template.spec.containers[${C}].env[UPLOAD_ID].value`).message).toContain('AWS');

    const aliyun = moduleObjects();
    app(aliyun).env = [...(app(aliyun).env ?? []), { name: 'OSS_ID', value: ['LTAI', '5tQ9nR2xYz8WkP3m'].join('') }];
    expect(expectOne(aliyun, 'secrets.key-material', ref(deployment(aliyun)), `spec.template.spec.containers[${C}].env[OSS_ID].value`).message).toContain('Alibaba');
  });
});
