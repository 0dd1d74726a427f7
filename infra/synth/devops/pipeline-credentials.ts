import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { Environment } from '../../schema/environment.js';
import { appLabels } from '../../model/names.js';
import { secretMarker } from '../../model/secrets.js';

/**
 * Jenkins credential ids the Jenkinsfiles refer to. ks-devops syncs every Secret of a `credential.devops.kubesphere.io/*`
 * type in a DevOps project's admin namespace into Jenkins under the Secret's name.
 */
export const CREDENTIALS = {
  /** GitLab access token: checkout of the module's repository, push of the release branch, the merge request API. */
  gitlab: 'gitlab',
  /** Harbor robot account with push access to the environment's project. */
  harborPush: 'harbor-push',
} as const;

/** GitLab user that owns the pipelines' access token; commits and merge requests are made in its name. */
export const GITLAB_CI_USER = 'icv-ci';

/** Secret type of a username/password DevOps credential (ks-devops pkg/api/devops/v1alpha3 `SecretTypeBasicAuth`). */
export const BASIC_AUTH_CREDENTIAL = 'credential.devops.kubesphere.io/basic-auth';

/**
 * Without this annotation ks-devops creates the Jenkins credential once and never updates it, so a rotated token
 * or robot secret would not reach Jenkins (`CredentialAutoSyncAnnoKey` in ks-devops pkg/api/devops/v1alpha3).
 */
const AUTO_SYNC_ANNOTATION = 'credential.devops.kubesphere.io/autosync';

export interface PipelineCredentialsProps {
  /** The environment whose Harbor project the push robot belongs to. */
  readonly env: Environment;
  /** The DevOps project's admin namespace. */
  readonly namespace: string;
}

/**
 * The pipelines' credentials as basic-auth Secrets in the DevOps project's namespace. Their values are redaction
 * markers here: the Pulumi program fills in the GitLab token from stack config and the push robot's secret from the
 * Harbor robot account it creates.
 */
export class PipelineCredentials extends Construct {
  /** Harbor user name of the push robot: `robot$<project>+push`. */
  public readonly harborPushUser: string;

  constructor(scope: Construct, id: string, props: PipelineCredentialsProps) {
    super(scope, id);
    this.harborPushUser = `robot$${props.env.registry.project}+push`;
    const credential = (name: string, description: string, username: string, password: string) =>
      new k8s.KubeSecret(this, name, {
        metadata: {
          name,
          namespace: props.namespace,
          labels: appLabels(name, 'pipeline-credential'),
          annotations: { 'kubesphere.io/description': description, [AUTO_SYNC_ANNOTATION]: 'true' },
        },
        type: BASIC_AUTH_CREDENTIAL,
        stringData: { username, password },
      });
    credential(CREDENTIALS.gitlab, 'GitLab access token of the CI user', GITLAB_CI_USER, secretMarker('gitlabToken'));
    credential(CREDENTIALS.harborPush, `Harbor push robot of project ${props.env.registry.project}`, this.harborPushUser, secretMarker('harborPushRobot'));
  }
}
