import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { Environment } from '../../schema/environment.js';
import { appLabels, WORKSPACE } from '../../model/names.js';
import { secretMarker } from '../../model/secrets.js';
import { PULL_SECRET, TLS_SECRET } from '../../model/names.js';

/** Pod Security Admission levels, enforced by the API server on every pod of the namespace. */
export enum PodSecurityLevel {
  RESTRICTED = 'restricted',
  BASELINE = 'baseline',
  PRIVILEGED = 'privileged',
}

export interface AppNamespaceProps {
  readonly name: string;
  readonly env: Environment;
  /** Pod Security Admission level enforced on the namespace. @default PodSecurityLevel.RESTRICTED */
  readonly podSecurity?: PodSecurityLevel;
  /** Why the namespace needs a level below restricted; required for any other level. */
  readonly podSecurityReason?: string;
  /** Adds the wildcard TLS Secret for namespaces with public routes. @default false */
  readonly tls?: boolean;
  /**
   * Whether pods run here: they get the pull secret and the default-deny policy. A namespace of selector-less
   * Services only has neither (a policy that selects no pod protects nothing). @default true
   */
  readonly runsPods?: boolean;
}

/**
 * An application namespace: joined to the KubeSphere workspace, Pod Security Admission enforced, a default-deny
 * NetworkPolicy (allow rules come from the modules' dependencies), and Harbor's pull secret.
 */
export class AppNamespace extends Construct {
  public readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: AppNamespaceProps) {
    super(scope, id);
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    if (this.podSecurity !== PodSecurityLevel.RESTRICTED && !props.podSecurityReason) {
      throw new Error(`'podSecurity' (${this.podSecurity}) of namespace '${props.name}' needs a 'podSecurityReason'`);
    }
    const labels = appLabels(props.name, 'namespace');
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: props.name,
        labels: {
          ...labels,
          'kubesphere.io/workspace': WORKSPACE,
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
        },
        ...(props.podSecurityReason ? { annotations: { 'icv.io/pod-security-reason': props.podSecurityReason } } : {}),
      },
    });
    if (!(props.runsPods ?? true)) return;
    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny', namespace: props.name, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const registry = props.env.registry.host;
    new k8s.KubeSecret(this, 'pull-secret', {
      metadata: { name: PULL_SECRET, namespace: props.name, labels },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: {
        '.dockerconfigjson': JSON.stringify({
          auths: { [registry]: { username: `robot$${props.env.registry.project}+pull`, password: secretMarker('harborPullRobot') } },
        }),
      },
    });
    if (props.tls ?? false) {
      new k8s.KubeSecret(this, 'tls', {
        metadata: { name: TLS_SECRET, namespace: props.name, labels },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': secretMarker('tlsCertificate'), 'tls.key': secretMarker('tlsPrivateKey') },
      });
    }
  }
}
