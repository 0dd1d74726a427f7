import { describe, expect, it } from 'vitest';
import { DEVOPS_PROJECT } from '../../infra/synth/devops/devops-project.js';
import { PIPELINE_PARAMETERS } from '../../infra/synth/devops/jenkinsfile.js';
import { renderPlatform } from '../../infra/synth/render.js';
import { built } from '../support/platforms.js';
import { crdValidators } from './crd-schema.js';

const validators = crdValidators();

describe.each(built)('DevOps unit of $env.name', ({ env, catalog, platform }) => {
  const unit = platform.units.find((u) => u.id === 'devops')!;
  const ofKind = (kind: string): any[] => unit.objects.filter((o) => o.kind === kind);

  it('is one unit of kind DevOps', () => {
    expect(platform.units.filter((u) => u.id === 'devops').map((u) => u.kind)).toEqual(['DevOps']);
  });

  it('declares the icv-platform workspace, managed by admin', () => {
    const [workspace, ...others] = ofKind('WorkspaceTemplate');
    expect(others).toEqual([]);
    expect(workspace).toMatchObject({ apiVersion: 'tenant.kubesphere.io/v1alpha2', metadata: { name: 'icv-platform' }, spec: { template: { spec: { manager: 'admin' } } } });
    expect(workspace.metadata.namespace).toBeUndefined();
  });

  it('declares the DevOps project in the workspace, and its admin namespace under the same name', () => {
    const [project, ...others] = ofKind('DevOpsProject');
    expect(others).toEqual([]);
    expect(project).toMatchObject({ apiVersion: 'devops.kubesphere.io/v1alpha3', metadata: { name: DEVOPS_PROJECT, labels: { 'kubesphere.io/workspace': 'icv-platform' } } });
    const namespace = ofKind('Namespace').find((n) => n.metadata.name === DEVOPS_PROJECT);
    expect(namespace.metadata.labels).toMatchObject({
      'kubesphere.io/devopsproject': DEVOPS_PROJECT,
      'kubesphere.io/workspace': 'icv-platform',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    // The namespace comes before the objects that live in it.
    const names = unit.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.indexOf(`Namespace/${DEVOPS_PROJECT}`)).toBeLessThan(names.findIndex((n) => n.startsWith('Pipeline/')));
    expect(names.indexOf(`Namespace/${DEVOPS_PROJECT}`)).toBeLessThan(names.findIndex((n) => n.startsWith('Secret/')));
  });

  it('has exactly one Pipeline per catalog module, named after it, in the DevOps project', () => {
    const pipelines = ofKind('Pipeline');
    expect(pipelines.map((p) => p.metadata.name).sort()).toEqual(catalog.map((m) => m.name).sort());
    for (const pipeline of pipelines) expect(pipeline.metadata.namespace).toBe(DEVOPS_PROJECT);
  });

  it('validates every WorkspaceTemplate, DevOpsProject and Pipeline against its upstream CRD schema, scope included', () => {
    const custom = unit.objects.filter((o) => o.apiVersion.includes('kubesphere.io'));
    expect(custom.length).toBe(catalog.length + 2);
    for (const object of custom) {
      const validator = validators.get(`${object.apiVersion}/${object.kind}`);
      expect(validator, `${object.apiVersion} ${object.kind}`).toBeDefined();
      const valid = validator!.validate(object);
      expect(validator!.validate.errors ?? [], `${object.kind} ${object.metadata.name}`).toEqual([]);
      expect(valid).toBe(true);
      expect(object.metadata.namespace !== undefined).toBe(validator!.namespaced);
    }
  });

  it('the schema check has teeth: a misspelt or missing field fails', () => {
    const pipeline: any = structuredClone(ofKind('Pipeline')[0]);
    const validate = validators.get('devops.kubesphere.io/v1alpha3/Pipeline')!.validate;
    expect(validate({ ...pipeline, spec: { ...pipeline.spec, pipeline: { ...pipeline.spec.pipeline, disableConcurrent: true } } })).toBe(false);
    expect(validate({ ...pipeline, spec: { pipeline: pipeline.spec.pipeline } })).toBe(false);
    expect(validate({ ...pipeline, spec: { ...pipeline.spec, pipeline: { ...pipeline.spec.pipeline, discarder: { days_to_keep: 30 } } } })).toBe(false);
  });

  it('configures each Pipeline as a plain pipeline with retention, no concurrent builds, the parameters and the generated Jenkinsfile', () => {
    const files = renderPlatform(platform);
    for (const module of catalog) {
      const pipeline = ofKind('Pipeline').find((p) => p.metadata.name === module.name);
      expect(pipeline.spec.type).toBe('pipeline');
      expect(pipeline.spec.pipeline).toMatchObject({
        name: module.name,
        description: module.description,
        discarder: { days_to_keep: '30', num_to_keep: '20' },
        disable_concurrent: true,
        parameters: PIPELINE_PARAMETERS.map((p) => ({ name: p.name, type: p.type, default_value: p.defaultValue, description: p.description })),
      });
      expect(pipeline.spec.pipeline.jenkinsfile).toContain(`MODULE = '${module.name}'`);
      expect(files.get(`pipelines/${module.name}.Jenkinsfile`)).toBe(pipeline.spec.pipeline.jenkinsfile);
    }
    expect([...files.keys()].filter((f) => f.startsWith('pipelines/'))).toHaveLength(catalog.length);
  });

  it('gives the pipelines a GitLab and a Harbor push credential, as basic-auth Secrets holding only redaction markers', () => {
    const secrets = ofKind('Secret');
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(['gitlab', 'harbor-push']);
    for (const secret of secrets) {
      expect(secret.metadata.namespace).toBe(DEVOPS_PROJECT);
      expect(secret.type).toBe('credential.devops.kubesphere.io/basic-auth');
      expect(Object.keys(secret.stringData).sort()).toEqual(['password', 'username']);
      expect(secret.metadata.annotations['credential.devops.kubesphere.io/autosync']).toBe('true');
    }
    expect(secrets.find((s) => s.metadata.name === 'gitlab').stringData.password).toBe('<redacted:secret:gitlabToken>');
    expect(secrets.find((s) => s.metadata.name === 'harbor-push').stringData).toEqual({
      username: `robot$${env.registry.project}+push`,
      password: '<redacted:secret:harborPushRobot>',
    });
  });
});
