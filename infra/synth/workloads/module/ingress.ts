import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { INGRESS_CLASS, TLS_SECRET } from '../../../model/names.js';
import { objectMetadata, type ModuleIdentity } from './identity.js';

/** What an Ingress path sends requests to: a Service and its named port. */
export interface IngressBackend {
  readonly name: string;
  readonly portName: string;
}

export interface ModuleIngressProps {
  readonly identity: ModuleIdentity;
  /** The backend of every rule: the module's Service, or its legacy upstream during a cutover. */
  readonly service: IngressBackend;
  /** Public host names and path prefixes, hosts already qualified with the environment's domain. */
  readonly routes: readonly { readonly host: string; readonly path: string }[];
  /** The Ingress's name. @default the module's name */
  readonly name?: string;
  /** Annotations (ingress-nginx's, the cutover's). @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Labels added to the module's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Whether the Ingress terminates TLS with the wildcard certificate; a canary Ingress inherits its primary's. @default true */
  readonly tls?: boolean;
}

/** The module's public routes: one rule per host (TLS with the wildcard certificate), one Prefix path per route. */
export class ModuleIngress extends Construct {
  constructor(scope: Construct, id: string, props: ModuleIngressProps) {
    super(scope, id);
    const { service, routes } = props;
    const hosts = [...new Set(routes.map((r) => r.host))];
    const metadata = objectMetadata(props.identity, props.name);
    const annotations = props.annotations ?? {};
    new k8s.KubeIngress(this, 'ingress', {
      metadata: {
        ...metadata,
        labels: { ...metadata.labels, ...props.labels },
        ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      },
      spec: {
        ingressClassName: INGRESS_CLASS,
        ...((props.tls ?? true) ? { tls: [{ hosts, secretName: TLS_SECRET }] } : {}),
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
