import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { capacityFindings, checkPromotion, checkStackConfig, installTimeFindings, planCapacity, runChecks, type CheckInput, type Finding, type Severity } from '../../infra/checks/index.js';
import { evaluateInstall, kkCreateClusterCommand, kkInputFile } from '../../infra/install-time/index.js';
import type { Environment } from '../../infra/schema/environment.js';
import { KubeKeyCluster } from '../../infra/synth/cluster/kubekey-cluster.js';
import { declaredKubeSphere, KubeSphereInstaller } from '../../infra/synth/cluster/kubesphere-installer.js';
import { CONTAINER, container, DEPLOYMENT, fixtureEnv, get, moduleObjects, NAMESPACE, REGISTRY } from './fixtures.js';

/**
 * Every rule id of `infra/checks/` has one case here that breaks exactly it, starting from objects the constructs
 * synthesize (the fixture module) or from the fixture environment, and asserts the rule id, the object, the path and
 * a fragment of the message. Unless a case names the rules that follow from the same defect (`alsoFires`), the
 * broken input raises no other rule: a case that trips a neighbour instead would not prove its own rule.
 */

const POD = 'spec.template.spec';
const ENV_OBJECT = 'Environment/fixture-test';
const SERVICE = `Service/${NAMESPACE}/demo`;
const POLICY = `NetworkPolicy/${NAMESPACE}/demo`;
const INGRESS = `Ingress/${NAMESPACE}/demo`;
const HPA = `HorizontalPodAutoscaler/${NAMESPACE}/demo`;

interface Case {
  readonly rule: string;
  /** What is broken, in a few words. */
  readonly what: string;
  /** The findings of the broken input. */
  readonly findings: () => Finding[];
  readonly object: string;
  readonly path: string;
  readonly message: string | RegExp;
  /** The severity the rule gives this defect. @default 'error' */
  readonly severity?: Severity;
  /** Other rules the same defect raises, by design. @default none */
  readonly alsoFires?: readonly string[];
}

/** The fixture module broken by `breakIt`, through every rule (and the fixture environment when given). */
function brokenModule(breakIt: (objects: any[]) => void, options: { env?: Environment; replicas?: number; autoscale?: { min: number; max: number } } = {}): () => Finding[] {
  return () => {
    const objects = moduleObjects({ ...(options.replicas === undefined ? {} : { replicas: options.replicas }), ...(options.autoscale ? { autoscale: options.autoscale } : {}) });
    breakIt(objects);
    return runChecks({ objects, ...(options.env ? { env: options.env } : {}) });
  };
}
const withObjects = (input: CheckInput) => () => runChecks(input);
const withEnv = (breakIt: (env: any) => void) => () => {
  const env: any = structuredClone(fixtureEnv());
  breakIt(env);
  return runChecks({ objects: [], env, envFile: 'environments/fixture.ts' });
};
const deployment = (o: any[]) => get(o, 'Deployment');
const pod = (o: any[]) => deployment(o).spec.template.spec;

const kubekeyCluster = (spec: Record<string, unknown>) => ({ apiVersion: 'kubekey.kubesphere.io/v1alpha2', kind: 'Cluster', metadata: { name: 'seed' }, spec });
const pipelineBuilding = (image: string) => ({
  apiVersion: 'devops.kubesphere.io/v1alpha3',
  kind: 'Pipeline',
  metadata: { name: 'other', namespace: 'icv-devops' },
  spec: { type: 'pipeline', pipeline: { name: 'other', jenkinsfile: `pipeline {\n  environment {\n    IMAGE = '${image}'\n  }\n}\n` } },
});

/** The install-time inputs of the fixture environment: the KubeKey and installer files the constructs write for it. */
function installTime(change: (configuration: any) => void, command?: string): () => Finding[] {
  return () => {
    const env = fixtureEnv();
    const configuration = parse(new KubeSphereInstaller({ env }).toYaml());
    change(configuration);
    const run = command ?? kkCreateClusterCommand(env.name);
    return installTimeFindings(evaluateInstall(kkInputFile(new KubeKeyCluster({ env }).toYaml(), stringify(configuration)), run), declaredKubeSphere(env), run);
  };
}

const CASES: readonly Case[] = [
  // schema
  { rule: 'schema', what: 'a mistyped field of a built-in kind', findings: brokenModule((o) => (deployment(o).spec.revisionHistoryLimit = 'five')), object: DEPLOYMENT, path: 'spec.revisionHistoryLimit', message: 'must be integer' },
  {
    rule: 'schema.unknown-kind',
    severity: 'warning',
    what: 'a custom resource the platform has no schema for',
    findings: withObjects({ objects: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }] }),
    object: 'Widget/w',
    path: 'apiVersion',
    message: "custom resource kind 'example.com/v1/Widget' is not one this platform validates",
  },
  {
    rule: 'schema.unknown-field',
    what: 'a misspelt KubeKey field',
    findings: withObjects({ objects: [kubekeyCluster({ hosts: [{ name: 'n1', address: '10.0.0.1' }], roleGroups: { etcd: ['n1'], 'control-plane': ['n1'], worker: ['n1'] }, kubernetes: { containerManger: 'containerd' } })] }),
    object: 'Cluster/seed',
    path: 'spec.kubernetes.containerManger',
    message: 'containerManger',
  },
  {
    rule: 'schema.kubekey',
    what: 'a role group naming a host kk does not know',
    findings: withObjects({ objects: [kubekeyCluster({ hosts: [{ name: 'n1', address: '10.0.0.1' }], roleGroups: { etcd: ['n1'], 'control-plane': ['n1'], worker: ['n3'] } })] }),
    object: 'Cluster/seed',
    path: 'spec.roleGroups.worker[0]',
    message: 'n3',
  },

  // pss-restricted
  { rule: 'pss-restricted.host-namespaces', what: 'hostPID', findings: brokenModule((o) => (pod(o).hostPID = true)), object: DEPLOYMENT, path: `${POD}.hostPID`, message: "shares the host's namespace (hostPID: true)" },
  { rule: 'pss-restricted.volume-types', what: 'a hostPath volume', findings: brokenModule((o) => pod(o).volumes.push({ name: 'logs', hostPath: { path: '/var/log' } })), object: DEPLOYMENT, path: `${POD}.volumes[logs].hostPath`, message: "mounts the node's filesystem (hostPath /var/log)" },
  { rule: 'pss-restricted.run-as-user', what: 'the pod runs as UID 0', findings: brokenModule((o) => (pod(o).securityContext.runAsUser = 0)), object: DEPLOYMENT, path: `${POD}.securityContext.runAsUser`, message: 'pod runs as UID 0 (root)' },
  { rule: 'pss-restricted.sysctls', what: 'an unsafe sysctl', findings: brokenModule((o) => (pod(o).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }])), object: DEPLOYMENT, path: `${POD}.securityContext.sysctls[0].name`, message: "sysctl 'kernel.msgmax' is not in the safe set" },
  { rule: 'pss-restricted.selinux', what: 'a SELinux role on the container', findings: brokenModule((o) => (container(o).securityContext.seLinuxOptions = { role: 'system_r' })), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.seLinuxOptions.role`, message: 'SELinux role may not be set' },
  { rule: 'pss-restricted.selinux', what: 'a SELinux user on the pod', findings: brokenModule((o) => (pod(o).securityContext.seLinuxOptions = { user: 'system_u' })), object: DEPLOYMENT, path: `${POD}.securityContext.seLinuxOptions.user`, message: 'SELinux user may not be set' },
  { rule: 'pss-restricted.selinux', what: 'a SELinux type outside the allowed set', findings: brokenModule((o) => (container(o).securityContext.seLinuxOptions = { type: 'spc_t' })), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.seLinuxOptions.type`, message: "SELinux type 'spc_t' is not allowed" },
  { rule: 'pss-restricted.privileged', what: 'a privileged container', findings: brokenModule((o) => (container(o).securityContext.privileged = true)), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.privileged`, message: "container 'demo' is privileged" },
  { rule: 'pss-restricted.host-ports', what: 'a host port', findings: brokenModule((o) => (container(o).ports[0].hostPort = 8080)), object: DEPLOYMENT, path: `${CONTAINER}.ports[0].hostPort`, message: 'binds host port 8080' },
  { rule: 'pss-restricted.capabilities', what: 'ALL no longer dropped', findings: brokenModule((o) => (container(o).securityContext.capabilities = { drop: ['NET_RAW'] })), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.capabilities.drop`, message: 'does not drop ALL capabilities' },
  { rule: 'pss-restricted.capabilities', what: 'a capability added', findings: brokenModule((o) => (container(o).securityContext.capabilities.add = ['SYS_ADMIN'])), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.capabilities.add[0]`, message: 'adds capability SYS_ADMIN' },
  { rule: 'pss-restricted.allow-privilege-escalation', what: 'privilege escalation allowed', findings: brokenModule((o) => (container(o).securityContext.allowPrivilegeEscalation = true)), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.allowPrivilegeEscalation`, message: 'does not set allowPrivilegeEscalation: false' },
  {
    rule: 'pss-restricted.run-as-non-root',
    what: 'runAsNonRoot false on pod and container',
    findings: brokenModule((o) => {
      pod(o).securityContext.runAsNonRoot = false;
      container(o).securityContext.runAsNonRoot = false;
    }),
    object: DEPLOYMENT,
    path: `${CONTAINER}.securityContext.runAsNonRoot`,
    message: 'may run as root',
  },
  { rule: 'pss-restricted.seccomp', what: 'an Unconfined container', findings: brokenModule((o) => (container(o).securityContext.seccompProfile = { type: 'Unconfined' })), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.seccompProfile.type`, message: "uses seccomp profile 'Unconfined'" },
  { rule: 'pss-restricted.high-uid-gid', what: 'a UID below 10000', findings: brokenModule((o) => (container(o).securityContext.runAsUser = 1000)), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.runAsUser`, message: 'runAsUser is 1000; ids below 10000' },
  { rule: 'pss-restricted.read-only-root-filesystem', what: 'a writable root filesystem', findings: brokenModule((o) => (container(o).securityContext.readOnlyRootFilesystem = false)), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.readOnlyRootFilesystem`, message: 'can write to its root filesystem' },
  { rule: 'pss-restricted.proc-mount', what: 'an unmasked /proc', findings: brokenModule((o) => (container(o).securityContext.procMount = 'Unmasked')), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.procMount`, message: 'uses procMount Unmasked' },
  { rule: 'pss-restricted.apparmor', what: 'AppArmor Unconfined', findings: brokenModule((o) => (container(o).securityContext.appArmorProfile = { type: 'Unconfined' })), object: DEPLOYMENT, path: `${CONTAINER}.securityContext.appArmorProfile.type`, message: 'runs without AppArmor (Unconfined)' },

  // reliability
  { rule: 'reliability.limits', what: 'no CPU limit', findings: brokenModule((o) => delete container(o).resources.limits.cpu), object: DEPLOYMENT, path: `${CONTAINER}.resources.limits.cpu`, message: "container 'demo' has no cpu limit" },
  { rule: 'reliability.requests', severity: 'warning', what: 'no memory request', findings: brokenModule((o) => delete container(o).resources.requests.memory), object: DEPLOYMENT, path: `${CONTAINER}.resources.requests.memory`, message: 'has no memory request' },
  { rule: 'reliability.readiness-probe', what: 'no readiness probe behind a Service', findings: brokenModule((o) => delete container(o).readinessProbe), object: DEPLOYMENT, path: `${CONTAINER}.readinessProbe`, message: 'has no readiness probe, yet a Service sends it traffic' },
  { rule: 'reliability.liveness-probe', severity: 'warning', what: 'no liveness probe', findings: brokenModule((o) => delete container(o).livenessProbe), object: DEPLOYMENT, path: `${CONTAINER}.livenessProbe`, message: "container 'demo' has no liveness probe" },
  { rule: 'reliability.probes-identical', what: 'liveness asks the readiness endpoint', findings: brokenModule((o) => (container(o).livenessProbe.httpGet = { ...container(o).readinessProbe.httpGet })), object: DEPLOYMENT, path: `${CONTAINER}.livenessProbe`, message: 'uses the same check for readiness and liveness' },
  { rule: 'reliability.selector-labels', what: 'a selector the template does not carry', findings: brokenModule((o) => (deployment(o).spec.selector.matchLabels['app.kubernetes.io/component'] = 'x')), object: DEPLOYMENT, path: 'spec.selector', message: "does not select the pod template's labels" },
  { rule: 'reliability.min-replicas', what: 'one replica in production', findings: brokenModule(() => undefined, { env: fixtureEnv({ production: true }), replicas: 1 }), object: DEPLOYMENT, path: 'spec.replicas', message: "1 replica(s) (spec.replicas) in production environment 'fixture-prod'" },
  { rule: 'reliability.pdb', what: 'three replicas without a budget', findings: brokenModule((o) => o.splice(o.indexOf(get(o, 'PodDisruptionBudget')), 1), { replicas: 3 }), object: DEPLOYMENT, path: 'spec.selector', message: '3 replicas but no PodDisruptionBudget selects its pods' },
  {
    rule: 'reliability.spread',
    severity: 'warning',
    what: 'nothing spreads the replicas',
    findings: brokenModule((o) => {
      delete pod(o).topologySpreadConstraints;
      delete pod(o).affinity;
    }),
    object: DEPLOYMENT,
    path: `${POD}.topologySpreadConstraints`,
    message: 'up to 2 replicas with nothing spreading them across nodes',
  },
  { rule: 'reliability.hpa', what: 'maxReplicas below minReplicas', findings: brokenModule((o) => (get(o, 'HorizontalPodAutoscaler').spec.maxReplicas = 1), { autoscale: { min: 2, max: 4 } }), object: HPA, path: 'spec.maxReplicas', message: 'maxReplicas 1 is below minReplicas 2' },
  { rule: 'reliability.liveness-dependency', what: 'liveness asks another host', findings: brokenModule((o) => (container(o).livenessProbe.httpGet.host = 'mysql.icv-stateful')), object: DEPLOYMENT, path: `${CONTAINER}.livenessProbe.httpGet.host`, message: "liveness probe calls the host 'mysql.icv-stateful'" },
  {
    rule: 'reliability.job-restart-policy',
    what: 'a Job that would restart Always',
    findings: brokenModule((o) => o.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: NAMESPACE }, spec: { template: structuredClone(deployment(o).spec.template) } })),
    object: `Job/${NAMESPACE}/migrate`,
    path: `${POD}.restartPolicy`,
    message: 'restartPolicy is unset (it defaults to Always',
  },
  { rule: 'reliability.spread-constraint', what: 'maxSkew 0', findings: brokenModule((o) => (pod(o).topologySpreadConstraints[0].maxSkew = 0)), object: DEPLOYMENT, path: `${POD}.topologySpreadConstraints[0].maxSkew`, message: 'maxSkew 0 is not a whole number of at least 1' },
  {
    rule: 'reliability.anti-affinity-selector',
    what: "an anti-affinity term on other pods' labels",
    findings: brokenModule((o) => (pod(o).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector = { matchLabels: { 'app.kubernetes.io/name': 'other' } })),
    object: DEPLOYMENT,
    path: `${POD}.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector`,
    message: "labelSelector does not select the pod's own labels",
  },
  { rule: 'reliability.container-image', what: 'a container without an image', findings: brokenModule((o) => (container(o).image = '')), object: DEPLOYMENT, path: `${CONTAINER}.image`, message: "container 'demo' has no image" },
  {
    rule: 'reliability.pdb-blocks-drain',
    what: 'a budget of no workload of ours that allows no eviction',
    findings: brokenModule((o) => o.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'chart', namespace: NAMESPACE }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'chart' } } } })),
    object: `PodDisruptionBudget/${NAMESPACE}/chart`,
    path: 'spec.maxUnavailable',
    message: 'maxUnavailable 0 allows no eviction',
  },

  // network
  { rule: 'network.policy-coverage', what: "the module's policy removed", findings: brokenModule((o) => o.splice(o.indexOf(get(o, 'NetworkPolicy')), 1)), object: DEPLOYMENT, path: 'spec.template.metadata.labels', message: `no NetworkPolicy in namespace '${NAMESPACE}' isolates its pods for Ingress and Egress` },
  {
    rule: 'network.policy-selects-pods',
    what: 'a policy selecting no pod',
    findings: brokenModule((o) => o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'ghost', namespace: NAMESPACE }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ghost' } }, policyTypes: ['Ingress'] } })),
    object: `NetworkPolicy/${NAMESPACE}/ghost`,
    path: 'spec.podSelector',
    message: `selects no pod in namespace '${NAMESPACE}'`,
  },
  {
    rule: 'network.egress-internet',
    what: 'egress to 0.0.0.0/0 without the exception',
    findings: brokenModule((o) => get(o, 'NetworkPolicy').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] })),
    object: POLICY,
    path: 'spec.egress[1].to[0].ipBlock.cidr',
    message: "allows egress to '0.0.0.0/0', which includes the internet",
  },
  { rule: 'network.service-selects-pods', what: 'a Service selector matching no pod', findings: brokenModule((o) => (get(o, 'Service').spec.selector['app.kubernetes.io/name'] = 'typo')), object: SERVICE, path: 'spec.selector', message: 'matches no pod in namespace' },
  { rule: 'network.service-target-port', what: 'a targetPort no container port has', findings: brokenModule((o) => (get(o, 'Service').spec.ports[0].targetPort = 'grpc')), object: SERVICE, path: 'spec.ports[0].targetPort', message: "targetPort 'grpc' names no container port of Deployment/demo" },
  { rule: 'network.service-endpoints', what: 'a Service without selector or endpoints', findings: brokenModule((o) => delete get(o, 'Service').spec.selector), object: SERVICE, path: 'spec.selector', message: 'has no selector and no EndpointSlice or Endpoints: it routes nowhere' },
  { rule: 'network.ingress-backend', what: 'an Ingress to a missing Service', findings: brokenModule((o) => (get(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.name = 'nope')), object: INGRESS, path: 'spec.rules[0].http.paths[0].backend.service.name', message: "routes to Service 'nope', which does not exist" },
  {
    rule: 'network.nodeport-reachable',
    what: 'a NodePort with externalTrafficPolicy Local and no health-checking balancer',
    findings: brokenModule((o) => Object.assign(get(o, 'Service').spec, { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ ...get(o, 'Service').spec.ports[0], nodePort: 30080 }] })),
    object: SERVICE,
    path: 'spec.externalTrafficPolicy',
    message: 'externalTrafficPolicy Local, but its pods (Deployment/demo) do not run on every node',
  },

  // supply-chain
  { rule: 'supply-chain.image-tag', what: 'the moving tag latest', findings: brokenModule((o) => (container(o).image = `${REGISTRY}/icv/demo:latest`), { env: fixtureEnv() }), object: DEPLOYMENT, path: `${CONTAINER}.image`, message: "uses the moving tag 'latest'" },
  { rule: 'supply-chain.registry', what: 'an image from Docker Hub', findings: brokenModule((o) => (container(o).image = 'docker.io/library/nginx:1.25'), { env: fixtureEnv() }), object: DEPLOYMENT, path: `${CONTAINER}.image`, message: `is not pulled from the environment's Harbor '${REGISTRY}'` },
  {
    rule: 'supply-chain.provenance',
    what: 'an image no pipeline builds and no mirror declares',
    findings: () => {
      const objects = moduleObjects();
      objects.push(pipelineBuilding(`${REGISTRY}/icv/other`));
      // Without the CRDs (their validators take a second to compile) the Pipeline is also an unvalidated kind.
      return runChecks({ objects, env: fixtureEnv() });
    },
    object: DEPLOYMENT,
    path: `${CONTAINER}.image`,
    message: `image '${REGISTRY}/icv/demo:1.0.0' is neither built by a pipeline of the platform nor declared as a mirror`,
    alsoFires: ['schema.unknown-kind'],
  },

  // secrets
  { rule: 'secrets.env-literal', what: 'a password as a literal variable', findings: brokenModule((o) => container(o).env.push({ name: 'MYSQL_PASSWORD', value: 'hunter2' })), object: DEPLOYMENT, path: `${CONTAINER}.env[MYSQL_PASSWORD].value`, message: 'sets MYSQL_PASSWORD to a literal value' },
  {
    rule: 'secrets.plain-text',
    what: 'a Secret value in plain text',
    findings: brokenModule((o) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NAMESPACE }, type: 'Opaque', stringData: { password: 'hunter2' } })),
    object: `Secret/${NAMESPACE}/creds`,
    path: 'stringData.password',
    message: "Secret value 'password' is plain text in the manifests",
  },
  { rule: 'secrets.configmap', severity: 'warning', what: 'a password line in a config file', findings: brokenModule((o) => (get(o, 'ConfigMap').data['app.yaml'] += 'password: hunter2\n')), object: `ConfigMap/${NAMESPACE}/demo-config`, path: "data['app.yaml']", message: "line 3 of 'app.yaml' sets password in plain text" },
  {
    rule: 'secrets.key-material',
    what: 'a private key under an innocent name',
    findings: brokenModule((o) => (get(o, 'ConfigMap').data.CERT = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')),
    object: `ConfigMap/${NAMESPACE}/demo-config`,
    path: 'data.CERT',
    message: "ConfigMap key 'CERT' holds a PEM private key",
  },
  {
    rule: 'secrets.stack-config',
    what: 'a secret in plain text in a stack file',
    findings: () => checkStackConfig('Pulumi.test.yaml', 'config:\n  icv:gitlabToken: glpat-plain\n  icv:kubeContext: kubernetes-admin@test.icv.local\n'),
    object: 'Pulumi.test.yaml',
    path: "config['icv:gitlabToken']",
    message: "'icv:gitlabToken' is a secret stored in plain text in Pulumi.test.yaml",
  },

  // topology (the fixture environment's cluster plan)
  { rule: 'topology.role-groups', what: 'a host listed twice in a role group', findings: withEnv((env) => env.cluster.roleGroups.worker.push('w1')), object: ENV_OBJECT, path: 'cluster.roleGroups.worker[3]', message: "lists host 'w1' twice" },
  { rule: 'topology.role-groups', what: 'a role group naming an unknown host', findings: withEnv((env) => (env.cluster.roleGroups.worker[2] = 'w9')), object: ENV_OBJECT, path: 'cluster.roleGroups.worker[2]', message: "names unknown host 'w9'" },
  { rule: 'topology.hosts', what: 'a host name used twice', findings: withEnv((env) => env.cluster.hosts.push({ ...env.cluster.hosts[2], address: '10.10.0.20', internalAddress: '10.10.0.20' })), object: ENV_OBJECT, path: 'cluster.hosts[4].name', message: "duplicate host name 'w2' (also cluster.hosts[2])" },
  { rule: 'topology.etcd-quorum', what: 'two etcd members', findings: withEnv((env) => env.cluster.roleGroups.etcd.push('w1')), object: ENV_OBJECT, path: 'cluster.roleGroups.etcd', message: '2 etcd members tolerate 0 failure(s)' },
  { rule: 'topology.network', what: 'a pod network overlapping the service network', findings: withEnv((env) => (env.cluster.network.podCidr = '10.233.0.0/17')), object: ENV_OBJECT, path: 'cluster.network.podCidr', message: "'10.233.0.0/17' overlaps cluster.network.serviceCidr '10.233.0.0/18'" },
  { rule: 'topology.vm-addresses', what: "a VM address that is a node's", findings: withEnv((env) => (env.statefulServices.mysql.addresses = ['10.10.0.11'])), object: ENV_OBJECT, path: 'statefulServices.mysql.addresses[0]', message: '10.10.0.11' },

  // install-time (the KubeKey and installer files the constructs write for the fixture environment)
  {
    rule: 'install-time.kk-hand-off',
    what: 'kk run with --with-kubesphere',
    findings: installTime(() => undefined, 'kk create cluster -f cluster-fixture-test.yaml --with-kubesphere v3.4.1'),
    object: 'ClusterConfiguration/kubesphere-system/ks-installer',
    path: '',
    message: '--with-kubesphere',
    alsoFires: ['install-time.installer-rewrite', 'install-time.outcome'],
  },
  {
    rule: 'install-time.installer-rewrite',
    what: 'a key ks-installer migrates removed (terminal)',
    findings: installTime((c) => delete c.spec.terminal),
    object: 'ClusterConfiguration/kubesphere-system/ks-installer',
    path: 'spec',
    message: 'generate_new_cluster_configuration rewrites the ClusterConfiguration',
    alsoFires: ['install-time.outcome'],
  },
  {
    rule: 'install-time.outcome',
    what: 'an opensearchPrefix left in the file',
    findings: installTime((c) => (c.spec.common.opensearch.opensearchPrefix = 'whizard')),
    object: 'ClusterConfiguration/kubesphere-system/ks-installer',
    path: 'consoleIndexPrefix',
    message: 'the installed KubeSphere has consoleIndexPrefix',
  },

  // capacity (the plan `npm run check` prints, over the fixture cluster of three 4-CPU workers)
  {
    rule: 'capacity.all-up',
    what: 'more than the workers hold',
    findings: () => capacityFindings(planCapacity(fixtureEnv(), moduleObjects({ replicas: 4, requests: { cpu: '3500m', memory: '256Mi' } }))),
    object: ENV_OBJECT,
    path: 'cluster.roleGroups.worker',
    message: `1 pod(s) do not fit on the workers: ${NAMESPACE}/demo-4`,
    alsoFires: ['capacity.worker-down'],
  },
  {
    rule: 'capacity.worker-down',
    what: 'what fits only while every worker is up',
    findings: () => capacityFindings(planCapacity(fixtureEnv({ production: true }), moduleObjects({ replicas: 3, requests: { cpu: '3500m', memory: '256Mi' } }))),
    object: 'Environment/fixture-prod',
    path: 'cluster.roleGroups.worker',
    message: `with w1 down, 1 pod(s) do not fit: ${NAMESPACE}/demo-3`,
  },

  // parity.promotion (prod's release file against test's)
  {
    rule: 'parity.promotion',
    what: 'a digest the source environment never recorded',
    findings: () =>
      checkPromotion({
        file: 'environments/releases/prod.yaml',
        releases: { demo: { tag: '1.0.0', digest: `sha256:${'cd'.repeat(32)}` } },
        source: { name: 'test', history: [{ demo: { tag: '1.0.0', digest: `sha256:${'ab'.repeat(32)}` } }] },
      }),
    object: 'environments/releases/prod.yaml',
    path: 'modules.demo',
    message: 'sha256:cdcd',
  },
];

/**
 * Where the census reads the sources: the project root, or, when the tests run inside Stryker's sandbox
 * (`npm run test:mutation`: the working directory is `<root>/.stryker-tmp/sandbox-<id>`, stryker.config.mjs
 * `tempDirName`), the project root above it. The sandbox's copies are instrumented (`report('host-ports'` becomes
 * `report(stryMutAct_9fa48("5") ? "" : …`), so the census would read no pss-restricted rule there and fail on every
 * mutant; the originals name the same ids as the code under test, since a mutant is activated at run time and leaves
 * the text alone.
 */
function sourceRoot(cwd: string = process.cwd()): string {
  return /[\\/]\.stryker-tmp[\\/]sandbox-[^\\/]+$/.test(cwd) ? resolve(cwd, '..', '..') : cwd;
}

/** Every rule id the sources of infra/checks name: `'<family>.<rule>'` literals, the pss-restricted `report('<rule>'` calls, and `schema`. */
function ruleIdsInSources(root: string = sourceRoot()): Set<string> {
  const families = ['schema', 'pss-restricted', 'reliability', 'network', 'supply-chain', 'secrets', 'topology', 'install-time', 'capacity', 'parity'];
  const ids = new Set<string>(['schema']);
  const checks = join(root, 'infra/checks');
  for (const file of readdirSync(checks).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(checks, file), 'utf8');
    for (const [, id] of text.matchAll(/'([a-z-]+\.[a-z-]+)'/g)) if (families.includes(id!.split('.')[0]!)) ids.add(id!);
    if (file === 'pss-restricted.ts') for (const [, rule] of text.matchAll(/report\('([a-z-]+)'/g)) ids.add(`pss-restricted.${rule}`);
  }
  for (const [, id] of readFileSync(join(root, 'infra/schema/topology.ts'), 'utf8').matchAll(/'(topology\.[a-z-]+)'/g)) ids.add(id!);
  return ids;
}

describe('every check rule', () => {
  it('has a case here that breaks it (the rule ids of infra/checks, read from the sources)', () => {
    expect([...new Set(CASES.map((c) => c.rule))].sort()).toEqual([...ruleIdsInSources()].sort());
  });

  it('reads the census from the project root, or from above Stryker\'s sandbox inside it', () => {
    expect(sourceRoot('/work/icv')).toBe('/work/icv');
    expect(sourceRoot('/work/icv/.stryker-tmp/sandbox-AbC123')).toBe(resolve('/work/icv'));
    expect(sourceRoot('/work/icv/.stryker-tmp/sandbox-AbC123/infra')).toBe('/work/icv/.stryker-tmp/sandbox-AbC123/infra');
    expect(sourceRoot('/work/icv/sandbox-AbC123')).toBe('/work/icv/sandbox-AbC123');
    // The census has something to compare: the pss-restricted ids come from report('<rule>' calls only.
    expect([...ruleIdsInSources()].filter((id) => id.startsWith('pss-restricted.')).length).toBeGreaterThan(5);
  });

  it('passes on the unbroken fixture module, fixed and autoscaled, in test and prod', () => {
    for (const production of [false, true]) {
      for (const objects of [moduleObjects(), moduleObjects({ autoscale: { min: 2, max: 4 } })]) expect(runChecks({ objects, env: fixtureEnv({ production }) })).toEqual([]);
    }
  });

  it.each(CASES.map((c) => [`${c.rule}: ${c.what}`, c] as const))('%s', (_name, c) => {
    const findings = c.findings();
    const found = findings.find((f) => f.rule === c.rule && f.object === c.object && f.path === c.path);
    expect(found, `expected ${c.rule} on ${c.object} at '${c.path}'; got:\n${findings.map((f) => `  ${f.rule} ${f.object} ${f.path}: ${f.message}`).join('\n')}`).toBeDefined();
    if (typeof c.message === 'string') expect(found!.message).toContain(c.message);
    else expect(found!.message).toMatch(c.message);
    expect(found!.severity, 'severity').toBe(c.severity ?? 'error');
    expect(found!.fix, 'the one-line fix').toMatch(/\S/);
    const others = [...new Set(findings.map((f) => f.rule))].filter((r) => r !== c.rule && !(c.alsoFires ?? []).includes(r));
    expect(others, 'rules the broken input raises besides the one under test').toEqual([]);
  });
});
