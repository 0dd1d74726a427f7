import { describe, expect, it } from 'vitest';
import { chartWorkloads, checkKeyMaterial, keyMaterialIn, unrenderedChartWorkloads } from '../../infra/checks/index.js';
import { harborObjectName, harborPodSelector } from '../../infra/model/harbor-chart.js';
import { HarborRelease } from '../../infra/synth/registry/harbor-release.js';
import { CONTAINER, container, DEPLOYMENT, fixtureEnv, moduleObjects, NAMESPACE } from './fixtures.js';

/** `secrets.key-material` by the shape of a value, and the Harbor chart's workloads the network rules count. */

const FIX = 'move it to a Secret filled from secret config (a redaction marker in the manifests) and rotate the key: it has been in plain text';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----';

describe('secrets.key-material', () => {
  it('recognises each shape, and ordinary values as none', () => {
    expect(keyMaterialIn(PEM)).toBe('a PEM private key');
    expect(keyMaterialIn('PuTTY-User-Key-File-3: ssh-ed25519')).toBe('a PuTTY private key');
    expect(keyMaterialIn('id=AKIAABCDEFGHIJKLMNOP')).toBe('an AWS access key id');
    expect(keyMaterialIn('LTAI5tABCDEFGHIJKLMN')).toBe('an Alibaba Cloud AccessKey id');
    expect(keyMaterialIn(`AKID${'a'.repeat(32)}`)).toBe('a Tencent Cloud SecretId');
    expect(keyMaterialIn('{"type": "service_account", "private_key": "x"}')).toBe('a Google Cloud service account key');
    expect(keyMaterialIn(`AIza${'b'.repeat(35)}`)).toBe('a Google API key');
    expect(keyMaterialIn(`glpat-${'c'.repeat(20)}`)).toBe('a GitLab personal access token');
    for (const value of ['info', 'AKIA-short', '-----BEGIN CERTIFICATE-----', '']) expect(keyMaterialIn(value), value).toBeUndefined();
  });

  it('in a ConfigMap value or binary value, and in a container variable, whatever the name', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: NAMESPACE }, data: { CERT: PEM, plain: 'x' }, binaryData: { 'key.bin': Buffer.from(PEM).toString('base64'), other: Buffer.from('x').toString('base64') } };
    const objects = moduleObjects();
    container(objects).env = [{ name: 'OSS_ID', value: 'LTAI5tABCDEFGHIJKLMN' }, { name: 'LOG', value: 'info' }, { valueFrom: {} }];
    expect(checkKeyMaterial({ objects: [...objects, configMap] }).map((f) => [f.rule, f.severity, f.object, f.path, f.message, f.fix])).toEqual([
      ['secrets.key-material', 'error', `ConfigMap/${NAMESPACE}/cfg`, 'data.CERT', "ConfigMap key 'CERT' holds a PEM private key", FIX],
      ['secrets.key-material', 'error', `ConfigMap/${NAMESPACE}/cfg`, "binaryData['key.bin']", "ConfigMap key 'key.bin' holds a PEM private key", FIX],
      ['secrets.key-material', 'error', DEPLOYMENT, `${CONTAINER}.env[OSS_ID].value`, "container 'demo' sets OSS_ID to an Alibaba Cloud AccessKey id", FIX],
    ]);
    const unnamed = moduleObjects();
    container(unnamed).env = [{ value: `glpat-${'c'.repeat(20)}` }];
    expect(checkKeyMaterial({ objects: unnamed }).map((f) => f.path)).toEqual([`${CONTAINER}.env[0].value`]);
    expect(checkKeyMaterial({ objects: moduleObjects() })).toEqual([]);
  });

  it('only ConfigMaps are read for data: a Secret holding a PEM key in its data is where key material belongs', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: NAMESPACE }, data: { 'tls.key': PEM }, binaryData: { 'key.bin': Buffer.from(PEM).toString('base64') } };
    expect(checkKeyMaterial({ objects: [secret] })).toEqual([]);
  });
});

describe('the Harbor chart\'s workloads, unrendered', () => {
  const release = () => new HarborRelease({ env: fixtureEnv() }).spec;

  it('one skeleton per running component, with the chart\'s names, selectors, ports and the values\' replicas', () => {
    const spec = release();
    const values = structuredClone(spec.values) as any;
    values.core.replicas = 3;
    values.database.replicas = 5;
    values.portal.podAnnotations = { 'exceptions.icv.io/x': 'why' };
    const workloads = chartWorkloads({ ...spec, values });
    expect(workloads.map((w) => [w.kind, w.metadata?.name, w.metadata?.namespace, (w.spec as any).replicas])).toEqual([
      ['Deployment', harborObjectName(spec.name, 'core'), spec.namespace, 3],
      ['Deployment', harborObjectName(spec.name, 'portal'), spec.namespace, 1],
      ['Deployment', harborObjectName(spec.name, 'registry'), spec.namespace, 1],
      ['Deployment', harborObjectName(spec.name, 'jobservice'), spec.namespace, 1],
      ['StatefulSet', harborObjectName(spec.name, 'database'), spec.namespace, 1],
      ['StatefulSet', harborObjectName(spec.name, 'redis'), spec.namespace, 1],
      ['StatefulSet', harborObjectName(spec.name, 'trivy'), spec.namespace, 1],
    ]);
    const registry = workloads[2] as any;
    expect(registry.metadata.labels).toEqual({ ...harborPodSelector(spec.name, 'registry'), 'app.kubernetes.io/name': 'harbor' });
    expect(registry.spec.selector).toEqual({ matchLabels: harborPodSelector(spec.name, 'registry') });
    expect(registry.spec.template.metadata.labels).toEqual({ ...harborPodSelector(spec.name, 'registry'), 'app.kubernetes.io/component': 'registry' });
    expect(registry.spec.template.metadata.annotations).toEqual((spec.values as any).registry.podAnnotations);
    expect(registry.spec.template.spec.containers).toEqual([
      { name: 'registry-0', ports: [{ containerPort: 5000 }] },
      { name: 'registry-1', ports: [{ containerPort: 8080 }] },
    ]);
    expect((workloads[1] as any).spec.template.metadata.annotations).toEqual({ 'exceptions.icv.io/x': 'why' });
  });

  it('trivy off and an external database or redis run no pod; another chart has none', () => {
    const spec = release();
    const values = structuredClone(spec.values) as any;
    values.trivy = { enabled: false };
    values.database.type = 'external';
    values.redis.type = 'external';
    expect(chartWorkloads({ ...spec, values }).map((w) => w.metadata?.name)).toEqual(['core', 'portal', 'registry', 'jobservice'].map((c) => harborObjectName(spec.name, c as any)));
    expect(chartWorkloads({ ...spec, chart: 'nginx' })).toEqual([]);
    expect(chartWorkloads({ ...spec, repository: 'https://example.com/charts' })).toEqual([]);
  });

  it('leaves out the workloads already among the objects (rendered with --chart-dir)', () => {
    const spec = release();
    const [core, ...rest] = chartWorkloads(spec);
    expect(unrenderedChartWorkloads([spec], [core!])).toEqual(rest);
    expect(unrenderedChartWorkloads([spec], [{ ...core!, metadata: { ...core!.metadata, namespace: 'other' } }])).toHaveLength(rest.length + 1);
  });

  it('with empty values every component runs one replica, unannotated; only database and redis can be external; each an apps/v1 object', () => {
    const spec = release();
    const workloads = chartWorkloads({ ...spec, values: {} });
    expect(workloads.map((w) => [w.apiVersion, w.metadata?.name, (w.spec as any).replicas, (w.spec as any).template.metadata.annotations])).toEqual(
      ['core', 'portal', 'registry', 'jobservice', 'database', 'redis', 'trivy'].map((c) => ['apps/v1', harborObjectName(spec.name, c as any), 1, undefined]),
    );
    const external = { core: { type: 'external' }, portal: { type: 'external' }, trivy: { type: 'external' } };
    expect(chartWorkloads({ ...spec, values: external })).toHaveLength(7);
  });

  it('objects without metadata among the checked ones hide no workload', () => {
    const spec = release();
    expect(unrenderedChartWorkloads([spec], [{ apiVersion: 'v1', kind: 'List' } as any])).toEqual(chartWorkloads(spec));
  });
});
