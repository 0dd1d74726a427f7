import { Construct } from 'constructs';
import {
  appLabels,
  CUTOVER_ROLE_LABEL,
  CUTOVER_STAGE_ANNOTATION,
  CUTOVER_WEIGHT_ANNOTATION,
  DEFAULT_CANARY_HEADER,
  legacyServiceName,
} from '../../../model/names.js';
import type { Cutover } from '../../../schema/environment.js';
import { ExternalEndpoints } from '../external-endpoints.js';
import type { ModuleIdentity } from './identity.js';
import { ModuleIngress, type IngressBackend } from './ingress.js';

export interface ModuleCutoverProps {
  readonly identity: ModuleIdentity;
  /** The module's own Service: the canary's and the smoke route's backend. */
  readonly service: IngressBackend;
  /** The module's public routes, hosts qualified with the environment's domain. */
  readonly routes: readonly { readonly host: string; readonly path: string }[];
  /** The same routes on their smoke hosts (`<host>-smoke.<domain>`). */
  readonly smokeRoutes: readonly { readonly host: string; readonly path: string }[];
  /** The module's stage: `legacy` or `canary` (validated: with a legacy upstream, and a weight for `canary`). */
  readonly cutover: Cutover;
}

/** Networks a smoke host answers: the private ranges the testers and the CI runners sit in. */
export const SMOKE_SOURCE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;

/**
 * A routed module while its legacy deployment outside the cluster still serves (part of) its public route, on
 * KubeSphere's gateway (ingress-nginx, controller v1.3.1 in KubeSphere 3.4.1):
 *
 * - the legacy upstream, `<module>-legacy`: a selector-less Service and an EndpointSlice listing the legacy addresses;
 * - the primary Ingress (named after the module, as in stage `kubernetes`, so the public route is updated in place and
 *   never deleted) sends the route to the legacy upstream. It carries `service-upstream`: ingress-nginx v1.3.1 reads
 *   Endpoints, not EndpointSlices (it switched in v1.4.0, kubernetes/ingress-nginx#8890), and a selector-less Service
 *   with only an EndpointSlice has no Endpoints object, so the gateway proxies to the Service's ClusterIP and kube-proxy,
 *   which reads EndpointSlices, forwards to the legacy addresses (`createUpstreams`, controller-v1.3.1
 *   internal/ingress/controller/controller.go, takes the flag from each Ingress's own annotations);
 * - `canary`: a canary Ingress `<module>-canary` with exactly the primary's hosts, paths and path types (ingress-nginx
 *   merges an alternative backend only into a location with the same host, path and pathType) sends `weight` percent
 *   of the requests to the module's Service: the weight is the share Kubernetes serves, and the header rule
 *   (`<header>: always`, evaluated before the weight) lets testers reach it on purpose. At most one canary Ingress per
 *   rule (the annotations documentation's known limitation), which one module per route guarantees;
 * - `legacy`: no canary; the Deployment answers on the smoke hosts (`<module>-smoke`), from private networks only.
 *   The smoke Ingress is not kept during `canary`: ingress-nginx refuses to use a Service as a canary's alternative
 *   backend when another Ingress has it as a primary backend ("alternative upstream … is primary upstream in Other
 *   Ingress"), so testers use the header instead.
 *
 * Annotation semantics: kubernetes/ingress-nginx docs/user-guide/nginx-configuration/annotations.md, section Canary.
 */
export class ModuleCutover extends Construct {
  constructor(scope: Construct, id: string, props: ModuleCutoverProps) {
    super(scope, id);
    const { identity, cutover } = props;
    const legacy = cutover.legacy!;
    const role = (name: string) => ({ [CUTOVER_ROLE_LABEL]: name });
    const upstream = new ExternalEndpoints(this, 'legacy-upstream', {
      name: legacyServiceName(identity.name),
      namespace: identity.namespace,
      labels: { ...appLabels(legacyServiceName(identity.name), 'legacy-upstream'), ...role('legacy-upstream') },
      addresses: legacy.addresses,
      port: legacy.port,
      portName: 'http',
    });
    const weight = cutover.stage === 'canary' ? cutover.weight! : 0;
    new ModuleIngress(this, 'primary', {
      identity,
      service: upstream,
      routes: props.routes,
      annotations: {
        [CUTOVER_STAGE_ANNOTATION]: cutover.stage,
        [CUTOVER_WEIGHT_ANNOTATION]: String(weight),
        'nginx.ingress.kubernetes.io/service-upstream': 'true',
      },
    });
    if (cutover.stage === 'canary') {
      new ModuleIngress(this, 'canary', {
        identity,
        name: `${identity.name}-canary`,
        service: props.service,
        routes: props.routes,
        tls: false,
        labels: role('canary'),
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': String(weight),
          'nginx.ingress.kubernetes.io/canary-by-header': cutover.header ?? DEFAULT_CANARY_HEADER,
        },
      });
    } else {
      new ModuleIngress(this, 'smoke', {
        identity,
        name: `${identity.name}-smoke`,
        service: props.service,
        routes: props.smokeRoutes,
        labels: role('smoke'),
        annotations: { 'nginx.ingress.kubernetes.io/whitelist-source-range': SMOKE_SOURCE_RANGES.join(',') },
      });
    }
  }
}
