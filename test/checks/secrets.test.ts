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

describe('secrets: messages, fixes and the edges of each rule', () => {
  const rows = (input: Parameters<typeof checkSecrets>[0]) => checkSecrets(input).map((f) => [f.rule, f.object, f.path, f.message, f.fix]);
  const MARKER_FIX = 'write a redaction marker (secretMarker) and set the value with `pulumi config set --secret`';

  it('plain-text: every non-public, non-empty, unredacted key; data is read as base64 when it is base64', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(rows({ objects: [secret({ data: { pin: b64('1234'), 'tls.crt': b64('cert'), 'ca.crt': b64('ca'), user: b64('u'), empty: '', odd: 'not base64!', marker: b64('<redacted:secret:x>'), number: 7 } })] })).toEqual([
      ['secrets.plain-text', SECRET, 'data.pin', "Secret value 'pin' is plain text in the manifests", MARKER_FIX],
      ['secrets.plain-text', SECRET, 'data.odd', "Secret value 'odd' is plain text in the manifests", MARKER_FIX],
    ]);
    expect(rows({ objects: [secret({ stringData: { password: '<redacted:secret:x>', 'tls.key': 'KEY' } })] })).toEqual([['secrets.plain-text', SECRET, "stringData['tls.key']", "Secret value 'tls.key' is plain text in the manifests", MARKER_FIX]]);
  });

  it('plain-text: custom resources and Helm values are walked through maps and lists; built-in kinds are not', () => {
    const cr = { apiVersion: 'kubekey.kubesphere.io/v1alpha2', kind: 'Cluster', metadata: { name: 'c' }, spec: { hosts: [{ name: 'n1', password: 'p' }, { name: 'n2', password: '<redacted:secret:x>' }], registry: { auths: { h: { token: '' } } } } };
    expect(rows({ objects: [cr] })).toEqual([['secrets.plain-text', 'Cluster/c', 'spec.hosts[0].password', "'password' is a secret in plain text", MARKER_FIX]]);
    const builtIn = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: NAMESPACE }, spec: { password: 'p' } };
    expect(rows({ objects: [builtIn] })).toEqual([]);
    const release = { name: 'harbor', namespace: 'harbor', chart: 'harbor', repository: 'https://helm.goharbor.io', version: '1.0.0', values: { harborAdminPassword: 'Harbor12345', list: [{ secretKey: 'k' }], database: { internal: { password: '<redacted:secret:db>' } } } } as any;
    expect(rows({ objects: [], helmReleases: [release] })).toEqual([
      ['secrets.plain-text', 'HelmRelease/harbor/harbor', 'values.harborAdminPassword', "'harborAdminPassword' is a secret in plain text", MARKER_FIX],
      ['secrets.plain-text', 'HelmRelease/harbor/harbor', 'values.list[0].secretKey', "'secretKey' is a secret in plain text", MARKER_FIX],
    ]);
  });

  it('env-literal: the message names the container, the variable and the kind; a reference or an empty value passes', () => {
    const objects = moduleObjects();
    container(objects).env = [{ name: 'API_TOKEN', value: 'abc' }, { name: 'DB_PASSWORD', value: '' }, { name: 'LOG_LEVEL', value: 'info' }, { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }];
    expect(rows({ objects })).toEqual([
      ['secrets.env-literal', DEPLOYMENT, `${CONTAINER}.env[API_TOKEN].value`, "container 'demo' sets API_TOKEN to a literal value: the secret is readable by anyone who can read the Deployment", 'use valueFrom.secretKeyRef to a Secret filled from secret config'],
    ]);
  });

  it('configmap: a secret-looking key, or a line assigning one, with the line number; placeholders of every form pass', () => {
    const configMap = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: NAMESPACE }, data });
    const CM = `ConfigMap/${NAMESPACE}/cfg`;
    expect(rows({ objects: [configMap({ 'db-password': 'x', 'app.yaml': 'port: 1\nredis.password: s3cret\n', token: '${TOKEN}' })] })).toEqual([
      ['secrets.configmap', CM, 'data.db-password', "ConfigMap key 'db-password' looks like a secret in plain text", 'move the value to a Secret filled from secret config'],
      ['secrets.configmap', CM, "data['app.yaml']", "line 2 of 'app.yaml' sets redis.password in plain text", 'read the value from an environment variable backed by a Secret (e.g. ${MYSQL_PASSWORD})'],
    ]);
    for (const value of ['${DB_PASSWORD}', '{{ .Values.password }}', '$DB_PASSWORD', '<redacted:secret:db>']) {
      expect(rows({ objects: [configMap({ 'app.yaml': `password: ${value}` })] }), value).toEqual([]);
    }
  });

  it('stack-config: only icv: keys that name a secret; the fix names the stack', () => {
    const text = 'config:\n  icv:mysqlPassword: hunter2\n  icv:logLevel: info\n  other:password: x\n  password: y\n  icv:redisPassword:\n    secure: v1:abc\n';
    expect(checkStackConfig('deploy/Pulumi.prod.yaml', text).map((f) => [f.rule, f.object, f.path, f.message, f.fix])).toEqual([
      ['secrets.stack-config', 'Pulumi.prod.yaml', "config['icv:mysqlPassword']", "'icv:mysqlPassword' is a secret stored in plain text in Pulumi.prod.yaml", 'remove it and run: pulumi config set --secret icv:mysqlPassword --stack prod'],
    ]);
    expect(checkStackConfig('Pulumi.test.yaml', 'encryptionsalt: x\n')).toEqual([]);
    expect(checkStackConfig('Pulumi.test.yaml', '')).toEqual([]);
  });
});

describe('secrets: what is decoded, what is a placeholder, and values that are not strings', () => {
  const paths = (input: Parameters<typeof checkSecrets>[0]) => checkSecrets(input).map((f) => f.path);
  const configMap = (data: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: NAMESPACE }, data });

  it('plain-text: data that is not base64 is read as written (a marker passes); stringData is never decoded', () => {
    expect(paths({ objects: [secret({ data: { password: '<redacted:secret:x>' } })] })).toEqual([]);
    expect(paths({ objects: [secret({ stringData: { password: Buffer.from('<redacted:secret:x>').toString('base64') } })] })).toEqual(['stringData.password']);
  });

  it('placeholders are whole values: text around ${…}, {{…}} or $NAME is plain text', () => {
    for (const value of ['x${A}', '${A}x', 'x{{ .a }}', '{{ .a }}x', 'x$TOKEN', '$TOKEN-x']) {
      expect(paths({ objects: [configMap({ password: value })] }), value).toEqual(['data.password']);
    }
  });

  it('a value that is not a string is not judged: a ConfigMap number, a custom resource\'s secret-named map or number', () => {
    expect(paths({ objects: [configMap({ password: 42 })] })).toEqual([]);
    const cr = { apiVersion: 'example.io/v1', kind: 'Vault', metadata: { name: 'v' }, spec: { token: 42, password: { ref: 'vault' } } };
    expect(paths({ objects: [cr] })).toEqual([]);
  });

  it('stack-config: a stack name holding "Pulumi." or ".yaml" is kept whole in the fix', () => {
    const text = 'config:\n  icv:mysqlPassword: hunter2\n';
    expect(checkStackConfig('Pulumi.a.yaml.Pulumi.b.yaml', text)[0]!.fix).toBe('remove it and run: pulumi config set --secret icv:mysqlPassword --stack a.yaml.Pulumi.b');
  });
});
