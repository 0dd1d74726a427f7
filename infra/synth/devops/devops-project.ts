import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { appLabels } from '../../model/names.js';
import { DevOpsProject } from '../imports/devops.kubesphere.io.js';
import { PodSecurityLevel } from '../workloads/app-namespace.js';

/**
 * Name of the platform's DevOps project, and of the namespace its pipelines and credentials live in.
 *
 * ks-devops names a project's admin namespace after the project itself: `generateNewNamespace` in
 * kubesphere/ks-devops `controllers/jenkins/devopsproject/devopsproject_controller.go` creates `Name: project.Name`
 * ("devops project name and admin namespace name should be the same"). The random suffix users see in the console
 * comes from the console creating the DevOpsProject with `metadata.generateName`; declared with a fixed
 * `metadata.name`, as here, the namespace name is known before the controller runs. It is not `icv-*`: that prefix
 * marks application namespaces, which all get a pull secret and a default-deny policy.
 */
export const DEVOPS_PROJECT = 'release-pipelines';

/** Label ks-devops uses to tie an admin namespace to its DevOpsProject (pkg/constants `DevOpsProjectLabelKey`). */
export const DEVOPS_PROJECT_LABEL = 'kubesphere.io/devopsproject';

export interface PlatformDevOpsProjectProps {
  /** Workspace the project belongs to. */
  readonly workspace: string;
  /** KubeSphere user recorded as the project's creator. */
  readonly creator: string;
  /** Project (and admin namespace) name. @default DEVOPS_PROJECT ('release-pipelines') */
  readonly name?: string;
}

/**
 * The DevOps project (devops.kubesphere.io/v1alpha3 DevOpsProject, cluster-scoped) that holds one release pipeline
 * per module, and its admin namespace.
 *
 * The namespace is declared here rather than left to the controller, so the Pipelines and credential Secrets in it
 * can be applied in the same run: the controller first looks for a namespace labelled
 * `kubesphere.io/devopsproject: <project>` and adopts it (the same controller file), and only creates one when none
 * exists. The namespace holds custom resources and Secrets only (Jenkins agents run in kubesphere-devops-worker),
 * so it enforces the restricted Pod Security level.
 */
export class PlatformDevOpsProject extends Construct {
  public readonly name: string;
  /** The admin namespace: where the Pipelines and the credential Secrets go. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: PlatformDevOpsProjectProps) {
    super(scope, id);
    this.name = props.name ?? DEVOPS_PROJECT;
    this.namespace = this.name;
    const labels = appLabels(this.name, 'devops');
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: this.namespace,
        labels: {
          ...labels,
          [DEVOPS_PROJECT_LABEL]: this.name,
          'kubesphere.io/workspace': props.workspace,
          'pod-security.kubernetes.io/enforce': PodSecurityLevel.RESTRICTED,
          'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
        },
      },
    });
    new DevOpsProject(this, 'project', {
      metadata: {
        name: this.name,
        labels: { ...labels, 'kubesphere.io/workspace': props.workspace },
        annotations: {
          'kubesphere.io/creator': props.creator,
          'kubesphere.io/alias-name': 'ICV release pipelines',
          'kubesphere.io/description': 'One pipeline per module: test, build, push to Harbor, open the release merge request',
        },
      },
      spec: {},
    });
  }
}
