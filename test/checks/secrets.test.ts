import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSecrets, checkStackConfig, looksSecret } from '../../infra/checks/index.js';
import { InputError } from '../../infra/model/errors.js';
import { tempDir } from '../support/inputs.js';
import { CONTAINER, container, DEPLOYMENT, expectFinding, get, moduleObjects, NAMESPACE } from './fixtures.js';

const secret = (data: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NAMESPACE }, type: 'Opaque', ...data });
const SECRET = `Secret/${NAMESPACE}/creds`;

describe('secrets', () => {
  it('recognises secret names, not references to secrets', () => {
    for (const name of ['MYSQL_PASSWORD', 'gitlabToken', 'jwtSecret', 'API_KEY', 'privateKey', 'harborAdminPassword', 'DB_PWD']) expect(looksSecret(name), name).toBe(true);
    for (const name of ['CACHE_KEY', 'key', 'existingSecretAdminPassword', 'secretName', 'privateKeyPath', 'credential_id', 'TOKEN_TTL_SECONDS', 'MYSQL_USER']) expect(looksSecret(name), name).toBe(false);
  });

  it('plain-text: Secret data and stringData must be redaction markers', () => {
    const findings = checkSecrets({
      objects: [secret({ stringData: { 'mysql-password': 'hunter2', username: 'icv_app', redis: '<redacted:secret:redisPassword>' }, data: { '.token': Buffer.from('abc').toString('base64') } })],
    });
    expectFinding(findings, 'secrets.plain-text', SECRET, 'stringData.mysql-password');
    expectFinding(findings, 'secrets.plain-text', SECRET, "data['.token']");
    expect(findings).toHaveLength(2);
  });

  it('plain-text: a base64 marker in data and a docker config around a marker are fine', () => {
    const auths = JSON.stringify({ auths: { 'harbor.x': { username: 'robot$icv+pull', password: '<redacted:secret:harborPullRobot>' } } });
    expect(checkSecrets({ objects: [secret({ data: { token: Buffer.from('<redacted:secret:gitlabToken>').toString('base64') }, stringData: { '.dockerconfigjson': auths } })] })).toEqual([]);
  });

  it('plain-text: secret fields of custom resources (KubeKey hosts) and Helm values', () => {
    const cluster = { apiVersion: 'kubekey.kubesphere.io/v1alpha2', kind: 'Cluster', metadata: { name: 'prod' }, spec: { hosts: [{ name: 'n1', password: 'root123' }] } };
    const findings = checkSecrets({
      objects: [cluster],
      helmReleases: [{ name: 'harbor', namespace: 'harbor', chart: 'harbor', version: '1.14.0', repository: 'https://helm.goharbor.io', values: { harborAdminPassword: 'Harbor12345', existingSecretAdminPassword: 'harbor-admin' } }],
    });
    expectFinding(findings, 'secrets.plain-text', 'Cluster/prod', 'spec.hosts[0].password');
    expectFinding(findings, 'secrets.plain-text', 'HelmRelease/harbor/harbor', 'values.harborAdminPassword');
    expect(findings).toHaveLength(2);
  });

  it('env-literal: a secret-named variable with a literal value', () => {
    const objects = moduleObjects();
    container(objects).env.push({ name: 'MYSQL_PASSWORD', value: 'hunter2' }, { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'redis' } } });
    const findings = checkSecrets({ objects });
    expectFinding(findings, 'secrets.env-literal', DEPLOYMENT, `${CONTAINER}.env[MYSQL_PASSWORD].value`);
    expect(findings).toHaveLength(1);
  });

  it('configmap: a password-like key or a key=value line is a warning; placeholders are fine', () => {
    const objects = moduleObjects();
    get(objects, 'ConfigMap').data = {
      'app.properties': 'spring.datasource.url=jdbc:mysql://mysql\nspring.datasource.password=s3cret\n',
      'ok.properties': 'spring.datasource.password=${MYSQL_PASSWORD}\ntoken_ttl=3600\n',
      API_KEY: 'abcdef',
    };
    const findings = checkSecrets({ objects });
    const configMap = `ConfigMap/${NAMESPACE}/demo-config`;
    const line = expectFinding(findings, 'secrets.configmap', configMap, "data['app.properties']");
    expect(line.severity).toBe('warning');
    expect(line.message).toContain('line 2');
    expectFinding(findings, 'secrets.configmap', configMap, 'data.API_KEY');
    expect(findings).toHaveLength(2);
  });

  it('stack-config: secret icv: keys must be secure values', () => {
    const file = join(tempDir(), 'Pulumi.prod.yaml');
    writeFileSync(file, ['config:', '  icv:mysqlPassword: hunter2', '  icv:gitlabToken:', '    secure: AAABAJq2', '  icv:domain: icv.example.cn', '  kubernetes:context: prod', ''].join('\n'));
    const findings = checkStackConfig(file, readFileSync(file, 'utf8'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'secrets.stack-config', severity: 'error', object: 'Pulumi.prod.yaml', path: "config['icv:mysqlPassword']" });
    expect(findings[0]!.fix).toContain('pulumi config set --secret icv:mysqlPassword --stack prod');
  });

  it('stack-config: malformed YAML is invalid input with the line', () => {
    const file = join(tempDir(), 'Pulumi.test.yaml');
    writeFileSync(file, 'config:\n  icv:a: [unclosed\n');
    expect(() => checkStackConfig(file, readFileSync(file, 'utf8'))).toThrow(InputError);
    try {
      checkStackConfig(file, readFileSync(file, 'utf8'));
    } catch (error) {
      expect((error as InputError).problems[0]).toMatchObject({ file, path: expect.stringMatching(/^line \d+$/) });
    }
  });
});
