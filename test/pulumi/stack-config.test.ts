import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SECRET_KEYS, secretMarker } from '../../infra/model/secrets.js';
import type { KubeObject } from '../../infra/model/types.js';
import { ENVIRONMENT_NAMES } from '../../infra/cli/inputs.js';
import { fillMarkers, resolveObjectSecrets, type SecretSource } from '../../infra/pulumi/components.js';
import { PROJECT, runProgram, stackConfigFromFiles } from './stack-harness.js';

const secretKeys = Object.keys(SECRET_KEYS);

describe('Pulumi.yaml', () => {
  const project = parse(readFileSync('Pulumi.yaml', 'utf8')) as { name: string; main: string; runtime: { name: string }; config?: Record<string, unknown> };

  it('runs the program entry with Node', () => {
    expect(project).toMatchObject({ name: PROJECT, main: 'infra/pulumi/index.ts', runtime: { name: 'nodejs' } });
  });

  it('declares a type or default only for keys of the project\'s own namespace, as the CLI requires', () => {
    // The CLI refuses to load the project otherwise: "Configuration key 'icv:x' is not namespaced by the project
    // and should not define a type" (pulumi/pulumi sdk/go/common/workspace/project.go, Validate).
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
      const ownNamespace = !key.includes(':') || key.startsWith(`${project.name}:`);
      if (ownNamespace || typeof declaration !== 'object' || declaration === null) continue;
      expect(Object.keys(declaration), key).not.toContain('type');
      expect(Object.keys(declaration), key).not.toContain('default');
    }
  });
});

describe.each(ENVIRONMENT_NAMES)('Pulumi.%s.yaml', (stack) => {
  const text = readFileSync(`Pulumi.${stack}.yaml`, 'utf8');

  it('names the stack\'s cluster and holds no secret', () => {
    // stackConfigFromFiles refuses `secure:` values, which only the CLI can produce and read.
    expect(stackConfigFromFiles(stack)).toEqual({ 'icv:kubeContext': `kubernetes-admin@${stack}.icv.local` });
  });

  it('lists the command that sets each secret', () => {
    for (const key of secretKeys) expect(text).toMatch(new RegExp(`^#   pulumi config set --secret icv:${key} .*--stack ${stack}`, 'm'));
  });
});

describe('the program refuses to run', () => {
  it('when secrets are missing, naming each and the command that sets it', async () => {
    const run = runProgram('prod', { omit: ['icv:gitlabToken', 'icv:tlsPrivateKey'] });
    await expect(run).rejects.toThrow("stack 'prod' is missing 2 configuration value(s):");
    await expect(run).rejects.toThrow('pulumi config set --secret icv:gitlabToken <value> --stack prod');
    await expect(run).rejects.toThrow('pulumi config set --secret icv:tlsPrivateKey <value> --stack prod');
    await expect(run).rejects.toThrow(`icv:gitlabToken (secret): ${SECRET_KEYS.gitlabToken}`);
  });

  it('without a kube context, so that it never applies to whatever context is current', async () => {
    await expect(runProgram('test', { omit: ['icv:kubeContext'] })).rejects.toThrow('pulumi config set icv:kubeContext <value> --stack test');
  });

  it('on a stack that is not an environment', async () => {
    await expect(runProgram('staging')).rejects.toThrow(
      "stack 'staging' has no environment: a stack applies environments/<stack>.ts, and the environments are test, prod",
    );
  });
});

describe('secret values', () => {
  const resolved = <T>(value: pulumi.Input<T>) => new Promise<T>((done) => pulumi.output(value).apply((v) => done(v as T)));
  const source: SecretSource = (name) => pulumi.secret(name === 'harborPullRobot' ? 'pa"ss\\word' : `value-of-${name}`);

  it('are escaped inside a JSON document such as a .dockerconfigjson', async () => {
    const json = JSON.stringify({ auths: { 'harbor.example.cn': { username: 'robot$icv+pull', password: secretMarker('harborPullRobot') } } });
    const filled = await resolved(fillMarkers(json, source));
    expect(JSON.parse(filled).auths['harbor.example.cn'].password).toBe('pa"ss\\word');
    await expect(pulumi.isSecret(pulumi.output(fillMarkers(json, source)))).resolves.toBe(true);
  });

  it('leave text without a marker as it is', () => {
    expect(fillMarkers('plain', source)).toBe('plain');
  });

  it('may only be referenced from a Secret\'s stringData', () => {
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'icv-data' }, data: { DB_PASSWORD: secretMarker('mysqlPassword') } };
    expect(() => resolveObjectSecrets(configMap, source)).toThrow(
      "ConfigMap/icv-data/app holds the secret marker for 'mysqlPassword' outside a Secret's stringData",
    );
  });
});
