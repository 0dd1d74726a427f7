import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Endpoints } from 'kubernetes-models/v1/Endpoints';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Node } from 'kubernetes-models/v1/Node';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { IngressClass } from 'kubernetes-models/networking.k8s.io/v1/IngressClass';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { KubeObject } from '../model/types.js';
import { finding, type CheckInput, type Finding } from './finding.js';
import { asArray, asObject, asString, isBuiltInApiVersion, type Json } from './kube.js';

/**
 * Rule family `schema`: every object is valid for its kind before any policy looks at it.
 * Built-in kinds validate with kubernetes-models (its Ajv validators are precompiled), KubeSphere custom
 * resources with Ajv against the CRDs' `openAPIV3Schema` (compiled once), and the KubeKey and ks-installer
 * configs against the fields their installers know (an unknown field there is silently ignored by them).
 */

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** The built-in kinds this platform uses, by `apiVersion/kind`. kubernetes-models has no registry of its own. */
const BUILT_IN_MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/Node': Node,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/Endpoints': Endpoints,
  'v1/Pod': Pod,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/LimitRange': LimitRange,
  'v1/ResourceQuota': ResourceQuota,
  'apps/v1/Deployment': Deployment,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'discovery.k8s.io/v1/EndpointSlice': EndpointSlice,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/IngressClass': IngressClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

export function checkSchema(input: CheckInput): Finding[] {
  const customResources = customResourceValidators(input.customResourceDefinitions ?? []);
  return input.objects.flatMap((obj) => checkObject(obj, customResources));
}

function checkObject(obj: KubeObject, customResources: ReadonlyMap<string, CustomResourceValidator>): Finding[] {
  const apiVersion = asString(obj.apiVersion);
  const kind = asString(obj.kind);
  if (!apiVersion || !kind) {
    return [finding(obj, 'schema', 'error', apiVersion ? 'kind' : 'apiVersion', 'object has no apiVersion or kind', 'set apiVersion and kind')];
  }
  const findings: Finding[] = [];
  if (!asString(obj.metadata?.name)) findings.push(finding(obj, 'schema', 'error', 'metadata.name', 'object has no metadata.name', 'give the object a name'));

  const key = `${apiVersion}/${kind}`;
  const model = BUILT_IN_MODELS[key];
  if (model) return [...findings, ...validateBuiltIn(obj, model)];
  const crd = customResources.get(key);
  if (crd) return [...findings, ...validateCustomResource(obj, crd)];
  const shape = INSTALLER_SHAPES[key];
  if (shape) return [...findings, ...checkShape(obj, obj as unknown as Json, shape, ''), ...(kind === 'Cluster' ? checkKubeKeyCluster(obj) : [])];
  const what = isBuiltInApiVersion(apiVersion) ? 'built-in kind' : 'custom resource kind';
  return [
    ...findings,
    finding(obj, 'schema.unknown-kind', 'warning', 'apiVersion', `${what} '${key}' is not one this platform validates; it was not schema-checked`, 'use a supported apiVersion/kind, or add its schema to infra/checks/schema.ts'),
  ];
}

function validateBuiltIn(obj: KubeObject, model: ModelClass): Finding[] {
  try {
    new model(obj as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (!errors) throw error;
    return ajvFindings(obj, errors);
  }
}

/** One finding per failing field; alternatives (int-or-string, oneOf) are joined into one message. */
function ajvFindings(obj: KubeObject, errors: readonly ErrorObject[]): Finding[] {
  const byPath = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    let path = jsonPointerToPath(error.instancePath);
    let message = error.message ?? error.keyword;
    if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty?: string }).additionalProperty);
      path = path ? `${path}.${extra}` : extra;
      message = 'is not a field of this kind';
    }
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  }
  return [...byPath].map(([path, messages]) =>
    finding(obj, 'schema', 'error', path, `${path || '(root)'} ${messages.join(' or ')}`, `fix the field to match the ${obj.apiVersion} ${obj.kind} schema`),
  );
}

/** `/spec/containers/0/image` → `spec.containers[0].image`. */
function jsonPointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path ? `.${part}` : part;
  }
  return path;
}

// --- KubeSphere custom resources ---------------------------------------------------------------------------

interface CustomResourceValidator {
  readonly validate: ValidateFunction;
  readonly namespaced: boolean;
}

const compiled = new WeakMap<readonly unknown[], Map<string, CustomResourceValidator>>();

/**
 * Validators for every served version of every given CRD (parsed YAML: the shell reads `infra/checks/crds/`), by
 * `apiVersion/kind`; compiled once per list.
 */
export function customResourceValidators(definitions: readonly unknown[]): Map<string, CustomResourceValidator> {
  const known = compiled.get(definitions);
  if (known) return known;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  const validators = new Map<string, CustomResourceValidator>();
  for (const definition of definitions) {
    const crd = asObject(definition) ?? {};
    const spec = asObject(crd.spec) ?? {};
    const kind = asString(asObject(spec.names)?.kind);
    for (const version of asArray(spec.versions).map(asObject)) {
      const schema = asObject(asObject(version?.schema)?.openAPIV3Schema);
      if (!kind || !version || !schema) continue;
      validators.set(`${String(spec.group)}/${String(version.name)}/${kind}`, {
        validate: ajv.compile(closeStructuralSchema(schema)),
        namespaced: spec.scope === 'Namespaced',
      });
    }
  }
  compiled.set(definitions, validators);
  return validators;
}

/**
 * The API server prunes fields a structural schema does not declare, so a misspelt field is silently lost.
 * Declaring `additionalProperties: false` wherever the CRD does not preserve unknown fields turns that into an error.
 */
function closeStructuralSchema(schema: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(asObject(value) ?? {}).map(([k, v]) => [k, closeStructuralSchema(asObject(v) ?? {})]));
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = asObject(value) ? closeStructuralSchema(value as Json) : value;
    } else out[key] = value;
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function validateCustomResource(obj: KubeObject, crd: CustomResourceValidator): Finding[] {
  const findings: Finding[] = [];
  if (!crd.validate(obj)) findings.push(...ajvFindings(obj, crd.validate.errors ?? []));
  const namespace = asString(obj.metadata?.namespace);
  if (crd.namespaced && !namespace) {
    findings.push(finding(obj, 'schema', 'error', 'metadata.namespace', `${obj.kind} is namespaced but has no metadata.namespace`, 'set metadata.namespace'));
  } else if (!crd.namespaced && namespace) {
    findings.push(finding(obj, 'schema', 'error', 'metadata.namespace', `${obj.kind} is cluster-scoped and cannot have a namespace`, 'remove metadata.namespace'));
  }
  return findings;
}

// --- KubeKey Cluster and ks-installer ClusterConfiguration ------------------------------------------------

/** What a config file may contain: any value, an object with known fields, a list of one shape, or a map of one shape. */
type Shape = 'any' | { readonly fields: Readonly<Record<string, Shape>> } | { readonly items: Shape } | { readonly values: Shape };
const any = 'any' as const;
const fields = (f: Record<string, Shape>): Shape => ({ fields: f });
const list = (items: Shape): Shape => ({ items });
const mapOf = (values: Shape): Shape => ({ values });
const leaves = (...names: string[]): Record<string, Shape> => Object.fromEntries(names.map((n) => [n, any]));
const enabled = fields(leaves('enabled'));
const metadata = fields({ ...leaves('name', 'namespace', 'annotations'), labels: mapOf(any) });

/** kubesphere/kubekey 3.x `cmd/kk/apis/kubekey/v1alpha2` (cluster, kubernetes, etcd and network types). */
const KUBEKEY_CLUSTER: Shape = fields({
  ...leaves('apiVersion', 'kind'),
  metadata,
  spec: fields({
    hosts: list(fields({ ...leaves('name', 'address', 'internalAddress', 'port', 'user', 'password', 'privateKey', 'privateKeyPath', 'arch', 'timeout'), labels: mapOf(any) })),
    roleGroups: fields(leaves('etcd', 'control-plane', 'master', 'worker', 'registry')),
    controlPlaneEndpoint: fields({ ...leaves('internalLoadbalancer', 'domain', 'externalDNS', 'address', 'port'), kubevip: fields(leaves('mode')) }),
    system: fields(leaves('ntpServers', 'timezone', 'rpms', 'debs', 'preInstall', 'postClusterInstall', 'postInstall', 'skipConfigureOS')),
    etcd: fields({
      ...leaves('type', 'port', 'peerPort', 'backupDir', 'backupPeriod', 'keepBackupNumber', 'backupScript', 'dataDir', 'heartbeatInterval', 'electionTimeout'),
      ...leaves('snapshotCount', 'autoCompactionRetention', 'metrics', 'quotaBackendBytes', 'maxRequestBytes', 'maxSnapshots', 'maxWals', 'logLevel'),
      external: fields(leaves('endpoints', 'caFile', 'certFile', 'keyFile')),
    }),
    dns: any,
    kubernetes: fields({
      ...leaves('type', 'version', 'clusterName', 'dnsDomain', 'disableKubeProxy', 'masqueradeAll', 'maxPods', 'podPidsLimit', 'nodeCidrMaskSize'),
      ...leaves('apiserverCertExtraSans', 'proxyMode', 'autoRenewCerts', 'nodelocaldns', 'containerManager', 'containerRuntimeEndpoint'),
      ...leaves('apiserverArgs', 'controllerManagerArgs', 'schedulerArgs', 'kubeletArgs', 'kubeProxyArgs', 'kubeletConfiguration', 'kubeProxyConfiguration'),
      nodeFeatureDiscovery: enabled,
      kata: enabled,
      audit: enabled,
      featureGates: mapOf(any),
    }),
    network: fields({
      ...leaves('plugin', 'kubePodsCIDR', 'kubeServiceCIDR', 'flannel', 'kubeovn'),
      calico: fields(leaves('ipipMode', 'vxlanMode', 'vethMTU', 'ipv4NatOutgoing', 'defaultIPPOOL')),
      multusCNI: enabled,
    }),
    storage: fields({ openebs: fields(leaves('basePath')) }),
    registry: fields({
      ...leaves('type', 'registryMirrors', 'insecureRegistries', 'privateRegistry', 'dataRoot', 'namespaceOverride', 'bridgeIP'),
      ...leaves('containerdDataDir', 'dockerDataDir', 'registryDataDir'),
      auths: mapOf(fields(leaves('username', 'password', 'skipTLSVerify', 'plainHTTP', 'certsPath'))),
      namespaceRewrite: fields(leaves('policy', 'src', 'dest')),
    }),
    addons: any,
    kubesphere: fields(leaves('enabled', 'version', 'configurations')),
  }),
});

const basicAuth = fields(leaves('enabled', 'username', 'password'));

/** kubesphere/ks-installer v3.4.1 `deploy/cluster-configuration.yaml`; component internals stay open. */
const KS_CLUSTER_CONFIGURATION: Shape = fields({
  ...leaves('apiVersion', 'kind'),
  metadata,
  spec: fields({
    ...leaves('local_registry', 'namespace_override', 'dev_tag', 'zone', 'kubeedge', 'edgeruntime'),
    persistence: fields(leaves('storageClass')),
    authentication: fields(leaves('jwtSecret')),
    etcd: fields(leaves('monitoring', 'endpointIps', 'port', 'tlsEnable')),
    common: fields({
      ...leaves('core', 'apiserver', 'controllerManager', 'gpu'),
      redis: fields(leaves('enabled', 'enableHA', 'volumeSize')),
      openldap: fields(leaves('enabled', 'volumeSize')),
      minio: fields(leaves('volumeSize')),
      monitoring: fields({ ...leaves('type', 'endpoint'), GPUMonitoring: enabled }),
      es: fields({
        ...leaves('enabled', 'master', 'data', 'logMaxAge', 'elkPrefix', 'externalElasticsearchHost', 'externalElasticsearchPort', 'externalElasticsearchUrl'),
        basicAuth,
      }),
      opensearch: fields({
        ...leaves('enabled', 'master', 'data', 'logMaxAge', 'opensearchPrefix', 'externalOpensearchHost', 'externalOpensearchPort'),
        basicAuth,
        dashboard: enabled,
      }),
    }),
    alerting: fields(leaves('enabled', 'thanosruler')),
    auditing: fields(leaves('enabled', 'operator', 'webhook')),
    devops: fields(
      leaves('enabled', 'resources', 'jenkinsCpuReq', 'jenkinsCpuLim', 'jenkinsMemoryReq', 'jenkinsMemoryLim', 'jenkinsVolumeSize', 'jenkinsJavaOpts_Xms', 'jenkinsJavaOpts_Xmx', 'jenkinsJavaOpts_MaxRAM'),
    ),
    events: fields(leaves('enabled', 'operator', 'exporter', 'ruler')),
    logging: fields({ ...leaves('enabled', 'containerruntime'), logsidecar: fields(leaves('enabled', 'replicas', 'resources')) }),
    metrics_server: enabled,
    monitoring: fields(
      leaves('storageClass', 'node_exporter', 'kube_rbac_proxy', 'kube_state_metrics', 'prometheus', 'alertmanager', 'notification_manager', 'gpu'),
    ),
    multicluster: fields(leaves('clusterRole')),
    network: fields({ networkpolicy: enabled, ippool: fields(leaves('type')), topology: fields(leaves('type')) }),
    openpitrix: fields({ store: enabled }),
    servicemesh: fields(leaves('enabled', 'istio')),
    gatekeeper: enabled,
    terminal: fields(leaves('timeout')),
  }),
});

const INSTALLER_SHAPES: Record<string, Shape> = {
  'kubekey.kubesphere.io/v1alpha2/Cluster': KUBEKEY_CLUSTER,
  'installer.kubesphere.io/v1alpha1/ClusterConfiguration': KS_CLUSTER_CONFIGURATION,
};

function checkShape(obj: KubeObject, value: unknown, shape: Shape, path: string): Finding[] {
  if (shape === 'any' || value === null || value === undefined) return [];
  if ('items' in shape) return asArray(value).flatMap((item, i) => checkShape(obj, item, shape.items, `${path}[${i}]`));
  const map = asObject(value);
  if (!map) return [finding(obj, 'schema', 'error', path, `${path} must be an object`, 'use a mapping here')];
  const findings: Finding[] = [];
  for (const [key, child] of Object.entries(map)) {
    const childPath = path ? `${path}.${key}` : key;
    const childShape = 'values' in shape ? shape.values : shape.fields[key];
    if (childShape === undefined) {
      const known = Object.keys((shape as { fields: Record<string, Shape> }).fields);
      const closest = closestName(key, known);
      findings.push(
        finding(
          obj,
          'schema.unknown-field',
          'error',
          childPath,
          `'${key}' is not a field ${obj.kind} knows here; the installer would ignore it`,
          closest ? `did you mean '${closest}'?` : `remove it (known here: ${known.join(', ')})`,
        ),
      );
    } else findings.push(...checkShape(obj, child, childShape, childPath));
  }
  return findings;
}

/** The known name within edit distance 2 of a misspelt one, if any. */
function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** What `kk create cluster` would reject or quietly misconfigure (shared/reference/README.md, KubeKey section). */
function checkKubeKeyCluster(obj: KubeObject): Finding[] {
  const spec = asObject(obj.spec) ?? {};
  const findings: Finding[] = [];
  const report = (path: string, message: string, fix: string) => findings.push(finding(obj, 'schema.kubekey', 'error', path, message, fix));
  const hostNames = new Set(asArray(spec.hosts).map((h) => asString(asObject(h)?.name)));
  const roleGroups = asObject(spec.roleGroups) ?? {};
  for (const [group, members] of Object.entries(roleGroups)) {
    asArray(members).forEach((member, i) => {
      const name = asString(member) ?? '';
      if (!/\[\d+:\d+\]/.test(name) && !hostNames.has(name)) {
        report(`spec.roleGroups.${group}[${i}]`, `role group '${group}' names '${name}', which is not in spec.hosts`, 'list only hosts declared in spec.hosts');
      }
    });
  }
  const controlPlane = [...asArray(roleGroups['control-plane']), ...asArray(roleGroups.master)];
  if (controlPlane.length === 0) report('spec.roleGroups', 'no control-plane (or master) host: kk exits', 'add the control-plane hosts to spec.roleGroups.control-plane');
  const etcdType = asString(asObject(spec.etcd)?.type) ?? 'kubekey';
  if (!['kubekey', 'kubeadm', 'external'].includes(etcdType)) report('spec.etcd.type', `etcd type '${etcdType}' is not kubekey, kubeadm or external`, 'use etcd.type kubekey');
  if (etcdType === 'kubekey' && asArray(roleGroups.etcd).length === 0) report('spec.roleGroups.etcd', 'no etcd host while etcd.type is kubekey: kk exits', 'list the etcd members in spec.roleGroups.etcd');

  const endpoint = asObject(spec.controlPlaneEndpoint) ?? {};
  const address = asString(endpoint.address) ?? '';
  if (endpoint.internalLoadbalancer === 'haproxy' && address !== '') {
    report('spec.controlPlaneEndpoint.address', `internalLoadbalancer haproxy needs an empty address, not '${address}'`, 'set controlPlaneEndpoint.address to ""');
  }
  if (controlPlane.length >= 2 && !endpoint.internalLoadbalancer && address === '') {
    report('spec.controlPlaneEndpoint', `${controlPlane.length} control-plane hosts but no load balancer: the API endpoint would be one host`, 'set internalLoadbalancer: haproxy (or an external load balancer address)');
  }
  const kubernetes = asObject(spec.kubernetes) ?? {};
  const manager = asString(kubernetes.containerManager);
  if (manager !== undefined && !['docker', 'containerd', 'crio', 'isula'].includes(manager)) {
    report('spec.kubernetes.containerManager', `container manager '${manager}' is not docker, containerd, crio or isula`, 'use containerManager: containerd');
  }
  const insecure = asArray(asObject(spec.registry)?.insecureRegistries);
  if (manager === 'containerd' && insecure.length > 0) {
    findings.push(
      finding(obj, 'schema.kubekey', 'warning', 'spec.registry.insecureRegistries', 'with containerd, insecureRegistries is only rendered as an http mirror endpoint (kubekey#2133)', 'trust the registry with registry.auths.<host>.certsPath or skipTLSVerify instead'),
    );
  }
  return findings;
}
