import { Construct } from 'constructs';
import type { ModuleSpec } from '../../schema/module.js';
import type { Environment } from '../../schema/environment.js';
import { appLabels } from '../../model/names.js';
import { Pipeline } from '../imports/devops.kubesphere.io.js';
import { BUILD_RETENTION, Jenkinsfile, type JenkinsfileStages } from './jenkinsfile.js';

/** Where a module's Jenkinsfile is also written, relative to `dist/<env>/`. */
export function jenkinsfilePath(module: ModuleSpec): string {
  return `pipelines/${module.name}.Jenkinsfile`;
}

export interface ModulePipelineProps {
  /** The environment whose Harbor and release-tags file the pipeline targets. */
  readonly env: Environment;
  /** The catalog module the pipeline builds. */
  readonly module: ModuleSpec;
  /** The DevOps project's admin namespace. */
  readonly namespace: string;
  /** The Jenkinsfile stages shared with the environment's other pipelines. @default none shared */
  readonly stages?: JenkinsfileStages;
}

/**
 * One module's release pipeline: a devops.kubesphere.io/v1alpha3 Pipeline of type `pipeline` named after the module,
 * carrying the generated Jenkinsfile, the build parameters, the retention policy and no concurrent builds.
 */
export class ModulePipeline extends Construct {
  public readonly name: string;
  public readonly module: ModuleSpec;
  public readonly jenkinsfile: Jenkinsfile;

  constructor(scope: Construct, id: string, props: ModulePipelineProps) {
    super(scope, id);
    const { module } = props;
    this.name = module.name;
    this.module = module;
    this.jenkinsfile = new Jenkinsfile({ env: props.env, module, stages: props.stages });
    new Pipeline(this, 'pipeline', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: appLabels(module.name, 'pipeline'),
      },
      spec: {
        type: 'pipeline',
        pipeline: {
          name: this.name,
          description: module.description,
          discarder: { daysToKeep: String(BUILD_RETENTION.daysToKeep), numToKeep: String(BUILD_RETENTION.numToKeep) },
          disableConcurrent: true,
          parameters: this.jenkinsfile.parameters.map((p) => ({ name: p.name, type: p.type, defaultValue: p.defaultValue, description: p.description })),
          jenkinsfile: this.jenkinsfile.text,
        },
      },
    });
  }
}
