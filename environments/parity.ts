import type { ParitySource } from '../infra/parity/check-parity.js';
import type { ParityDeclaration } from '../infra/parity/declaration.js';

/** This file, as findings and the parity report name it. */
export const PARITY_FILE = 'environments/parity.ts';

/**
 * Where test and prod may differ, and why: everything the two environments synthesize (objects, Helm values, the
 * KubeKey and KubeSphere configs, the Jenkinsfiles) must be identical except at these paths. Each entry is one
 * concern of the environment data in `environments/<env>.ts` or `environments/releases/<env>.yaml`.
 * `npm run check` fails on any other difference, naming the object and the path.
 *
 * Paths use the diff report's syntax plus wildcards (see infra/parity/declaration.ts): `*`/`[*]` is any one key,
 * index or list item, `[name=*]` any item of a list matched by name, `@registry`/`@tag` one part of an image
 * reference. A path covers everything below it. When two entries allow the same path, the first one listed wins.
 */
export const PARITY_DECLARATIONS: readonly ParityDeclaration[] = [
  {
    id: 'release-tags',
    reason:
      'A release reaches test first and prod only after it passed there (environments/releases/<env>.yaml), so a module being ' +
      'tested runs a newer tag in test; the version label follows the tag',
    where: [
      {
        kinds: ['Deployment'],
        paths: [
          'spec.template.spec.containers[*].image@tag',
          'metadata.labels["app.kubernetes.io/version"]',
          'spec.template.metadata.labels["app.kubernetes.io/version"]',
        ],
      },
    ],
  },
  {
    id: 'registry-tls-trust',
    reason:
      'Test\'s Harbor serves a self-signed certificate that is re-issued with every test rebuild, so its nodes skip verification; ' +
      'prod\'s Harbor has a CA-signed certificate whose CA bundle every node holds (registry.tls)',
    where: [{ artifacts: ['kubekey/cluster.yaml'], paths: ['spec.registry.auths.*.skipTLSVerify', 'spec.registry.auths.*.certsPath'] }],
  },
  {
    id: 'registry-host',
    reason:
      'Each environment has its own Harbor (registry.host), so that an image reaches prod\'s registry only once it is released there; ' +
      'image references, pull secrets, Harbor\'s URL and KubeKey\'s registry settings name it',
    where: [
      { kinds: ['Deployment', 'DaemonSet'], paths: ['spec.template.spec.containers[*].image@registry', 'spec.template.spec.initContainers[*].image@registry'] },
      { kinds: ['Secret'], paths: ['stringData[".dockerconfigjson"]'] },
      { kinds: ['HelmRelease'], paths: ['values.externalURL', 'values.expose.ingress.hosts.core'] },
      { artifacts: ['kubekey/cluster.yaml'], paths: ['spec.registry.privateRegistry', 'spec.registry.auths'] },
    ],
  },
  {
    id: 'public-domain',
    reason: 'Users reach prod at the public domain and testers reach test at its own sub-domain (domain), with a certificate for each',
    where: [{ kinds: ['Ingress'], paths: ['spec.rules[*].host', 'spec.tls[*].hosts'] }],
  },
  {
    id: 'vm-addresses',
    reason:
      'Each environment runs on its own private network, and prod runs more VMs per stateful service for redundancy ' +
      '(cluster.hosts, statefulServices): Endpoint slices list the VMs, network policies allow egress to exactly those addresses, ' +
      'KubeSphere logs to the environment\'s Elasticsearch, and KubeKey installs the environment\'s nodes',
    where: [
      { kinds: ['EndpointSlice'], paths: ['endpoints'] },
      { kinds: ['NetworkPolicy'], paths: ['spec.egress[*].to[*].ipBlock'] },
      { artifacts: ['kubekey/cluster.yaml'], paths: ['spec.hosts[*].address', 'spec.hosts[*].internalAddress'] },
      { artifacts: ['kubekey/cluster-configuration.yaml'], paths: ['spec.common.es.externalElasticsearchHost'] },
    ],
  },
  {
    id: 'cluster-identity',
    reason:
      'Test and prod are two clusters with their own names and API load balancer domains (cluster.clusterName, ' +
      'cluster.controlPlaneEndpoint), which their certificates and kubeconfig contexts are issued for',
    where: [{ artifacts: ['kubekey/cluster.yaml'], paths: ['metadata.name', 'spec.kubernetes.clusterName', 'spec.controlPlaneEndpoint.domain'] }],
  },
  {
    id: 'replica-floor',
    reason:
      'Prod runs at least two replicas of every module so that one keeps serving through a node drain; test runs one, to fit ' +
      'the scarce test hardware (sizing.replicaFloor)',
    where: [
      { kinds: ['Deployment'], paths: ['spec.replicas'] },
      { kinds: ['HorizontalPodAutoscaler'], paths: ['spec.minReplicas', 'spec.maxReplicas'] },
    ],
  },
  {
    id: 'release-pipelines',
    reason:
      'Each environment\'s pipelines release into that environment (its Harbor, its TLS trust, its release file), and only prod\'s ' +
      'wait for a person\'s approval and allow longer runs; the pipelines are the release machinery beside the platform, not part of what it serves',
    where: [
      { kinds: ['Pipeline'], paths: ['spec.pipeline.jenkinsfile'] },
      { artifacts: ['pipelines/*.Jenkinsfile'], paths: [''] },
    ],
  },
];

/** The declarations with their file, as the parity check takes them. */
export const PARITY: ParitySource = { file: PARITY_FILE, declarations: PARITY_DECLARATIONS };
