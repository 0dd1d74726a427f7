import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { INGRESS_CLASS, TLS_SECRET } from '../../../model/names.js';
import { objectMetadata, type ModuleIdentity } from './identity.js';
import type { ModuleService } from './service.js';

export interface ModuleIngressProps {
  readonly identity: ModuleIdentity;
  /** The backend of every rule. */
  readonly service: ModuleService;
  /** Public host names and path prefixes, hosts already qualified with the environment's domain. */
  readonly routes: readonly { readonly host: string; readonly path: string }[];
}

/** The module's public routes: one rule per host (TLS with the wildcard certificate), one Prefix path per route. */
export class ModuleIngress extends Construct {
  constructor(scope: Construct, id: string, props: ModuleIngressProps) {
    super(scope, id);
    const { service, routes } = props;
    const hosts = [...new Set(routes.map((r) => r.host))];
    new k8s.KubeIngress(this, 'ingress', {
      metadata: objectMetadata(props.identity),
      spec: {
        ingressClassName: INGRESS_CLASS,
        tls: [{ hosts, secretName: TLS_SECRET }],
        rules: hosts.map((host) => ({
          host,
          http: {
            paths: routes
              .filter((r) => r.host === host)
              .map((r) => ({ path: r.path, pathType: 'Prefix', backend: { service: { name: service.name, port: { name: service.portName } } } })),
          },
        })),
      },
    });
  }
}
