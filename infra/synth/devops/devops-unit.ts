import type { ModuleSpec } from '../../schema/module.js';
import type { Environment } from '../../schema/environment.js';
import { synthObjects } from '../chart.js';
import type { Unit } from '../../model/types.js';
import { PlatformDevOpsProject } from './devops-project.js';
import { PipelineCredentials } from './pipeline-credentials.js';
import { JenkinsfileStages } from './jenkinsfile.js';
import { jenkinsfilePath, ModulePipeline } from './pipeline.js';
import { PlatformWorkspace } from './workspace.js';

/**
 * The DevOps unit: the KubeSphere workspace, the DevOps project and its namespace, the pipelines' credentials, and
 * one release pipeline per catalog module, whose Jenkinsfiles are also written to `pipelines/<module>.Jenkinsfile`.
 */
export function devopsUnit(env: Environment, catalog: readonly ModuleSpec[]): Unit {
  const pipelines: ModulePipeline[] = [];
  const objects = synthObjects((scope) => {
    const workspace = new PlatformWorkspace(scope, 'workspace');
    const project = new PlatformDevOpsProject(scope, 'devops-project', { workspace: workspace.name, creator: workspace.manager });
    new PipelineCredentials(scope, 'credentials', { env, namespace: project.namespace });
    const stages = new JenkinsfileStages(env);
    for (const module of catalog) pipelines.push(new ModulePipeline(scope, `pipeline-${module.name}`, { env, module, namespace: project.namespace, stages }));
  });
  return {
    id: 'devops',
    kind: 'DevOps',
    objects,
    artifacts: pipelines.map((p) => ({ path: jenkinsfilePath(p.module), content: p.jenkinsfile.text })),
    helmReleases: [],
  };
}
