import { Construct } from 'constructs';
import { appLabels, WORKSPACE } from '../../model/names.js';
import { WorkspaceTemplate } from '../imports/tenant.kubesphere.io.js';

/** KubeSphere user who manages the workspace (and, through it, approves production releases). */
export const WORKSPACE_MANAGER = 'admin';

export interface PlatformWorkspaceProps {
  /** Workspace name; application namespaces and the DevOps project join it by the `kubesphere.io/workspace` label. @default WORKSPACE ('icv-platform') */
  readonly name?: string;
  /** KubeSphere user bound to the workspace's admin role. @default WORKSPACE_MANAGER ('admin') */
  readonly manager?: string;
}

/**
 * The KubeSphere workspace that groups the platform's namespaces and its DevOps project (tenant.kubesphere.io/v1alpha2
 * WorkspaceTemplate, cluster-scoped). KubeSphere's workspacetemplate controller turns it into a Workspace and binds
 * the manager to `<workspace>-admin`.
 */
export class PlatformWorkspace extends Construct {
  public readonly name: string;
  public readonly manager: string;

  constructor(scope: Construct, id: string, props: PlatformWorkspaceProps = {}) {
    super(scope, id);
    this.name = props.name ?? WORKSPACE;
    this.manager = props.manager ?? WORKSPACE_MANAGER;
    new WorkspaceTemplate(this, 'template', {
      metadata: {
        name: this.name,
        labels: appLabels(this.name, 'workspace'),
        annotations: { 'kubesphere.io/creator': this.manager },
      },
      spec: {
        template: { spec: { manager: this.manager } },
        // Each environment is its own single cluster (ClusterConfiguration multicluster.clusterRole: none), where the
        // controller ignores placement; the empty selector ("matches all objects", per the CRD) keeps the workspace on
        // every cluster should the environment ever become a multi-cluster host.
        placement: { clusterSelector: {} },
      },
    });
  }
}
