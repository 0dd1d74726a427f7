import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { appLabels, IN_CLUSTER_STATEFUL_COMPONENT, PULL_SECRET, selectorLabels, STATEFUL_NAMESPACE } from '../../../model/names.js';
import { secretMarker } from '../../../model/secrets.js';
import { mirrorReference } from '../../../model/mirrors.js';
import type { Environment, InClusterService } from '../../../schema/environment.js';
import type { ModuleSpec } from '../../../schema/module.js';
import { addressesEgress, dnsEgress, modulePeer } from '../module-network-policy.js';
import { quantity, restrictedContainerSecurity, restrictedPodSecurity } from '../pod-defaults.js';
import { IN_CLUSTER_PROFILES } from './profiles.js';

export interface InClusterStatefulServiceProps {
  readonly service: InClusterService;
  readonly env: Environment;
  /** Modules that declare they use the service: its pods admit exactly these. */
  readonly clients: readonly ModuleSpec[];
}

/** Name of the data volume claim template; a pod's claim is `<template>-<service>-<ordinal>`. */
export const DATA_VOLUME = 'data';

/** The claims a StatefulSet's pods use: `data-redis-0`, `data-redis-1`, … (the controller's naming). */
export function dataClaimNames(service: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, ordinal) => `${DATA_VOLUME}-${service}-${ordinal}`);
}

/** Label the StatefulSet controller puts on each pod: the Service selects ordinal 0 by it. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/**
 * A stateful service run in the cluster: a Secret with its config file and password, a headless Service for the pods'
 * stable names, the StatefulSet (restricted pod security, one pod per node, the data volume on the environment's
 * StorageClass), a disruption budget, a NetworkPolicy, and one PersistentVolumeClaim per pod.
 *
 * The claims are declared here, named exactly as the StatefulSet controller names the claims of its
 * `volumeClaimTemplates` (`<template>-<statefulset>-<ordinal>`): the controller creates a pod's claim only when none of
 * that name exists, and otherwise uses the one it finds, so the claims are Pulumi resources like any other. That is
 * what lets the program `protect` them in production and `retainOnDelete` them everywhere (infra/model/protection.ts):
 * claims the controller creates are outside the stack. `persistentVolumeClaimRetentionPolicy` is deliberately not
 * set: it is alpha (StatefulSetAutoDeletePVC, KEP-1847: alpha 1.23, beta 1.27, GA 1.32) on the cluster's Kubernetes
 * 1.26, where the API server drops it, and its default (Retain on delete and on scale-down) is what is wanted anyway.
 *
 * The Service clients use (`<service>.icv-stateful`) is not made here: `statefulServiceFront` makes it, pointing at
 * ordinal 0 in mode `cluster` and at the VMs in mode `vm`, so that modules never change.
 */
export class InClusterStatefulService extends Construct {
  constructor(scope: Construct, id: string, props: InClusterStatefulServiceProps) {
    super(scope, id);
    const { service, env } = props;
    const profile = IN_CLUSTER_PROFILES[service];
    const declared = env.statefulServices[service];
    const replicas = declared.cluster?.replicas ?? 1;
    const storage = declared.cluster?.storage ?? profile.storage;
    const port = declared.port;
    const namespace = STATEFUL_NAMESPACE;
    const labels = appLabels(service, IN_CLUSTER_STATEFUL_COMPONENT);
    const selector = selectorLabels(service);
    const headless = `${service}-headless`;
    const primaryHost = `${service}-0.${headless}.${namespace}.svc.cluster.local`;
    const secret = `${service}-config`;
    const configFile = `${profile.configPath}/${profile.configFile}`;
    const metadata = (name: string) => ({ name, namespace, labels: { ...labels } });

    new k8s.KubeSecret(this, 'config', {
      metadata: metadata(secret),
      type: 'Opaque',
      stringData: {
        [profile.configFile]: profile.config({ password: secretMarker(profile.password), port, dataPath: profile.dataPath }),
        password: secretMarker(profile.password),
      },
    });
    new k8s.KubeService(this, 'headless', {
      metadata: metadata(headless),
      spec: {
        clusterIp: 'None',
        // Replicas must find ordinal 0 before it is ready (it becomes ready only once it serves).
        publishNotReadyAddresses: true,
        selector: { ...selector },
        ports: [{ name: profile.portName, port, targetPort: k8s.IntOrString.fromString(profile.portName), protocol: 'TCP' }],
      },
    });
    for (const claim of dataClaimNames(service, replicas)) {
      new k8s.KubePersistentVolumeClaim(this, claim, {
        metadata: metadata(claim),
        spec: claimSpec(env.sizing.storageClass, storage),
      });
    }
    new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: metadata(service),
      spec: {
        serviceName: headless,
        replicas,
        selector: { matchLabels: { ...selector } },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurity(),
            imagePullSecrets: [{ name: PULL_SECRET }],
            terminationGracePeriodSeconds: 60,
            // Two replicas on one node would share its fate: one per node, or not scheduled at all.
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...selector } } }],
              },
            },
            containers: [
              {
                name: service,
                image: mirrorReference(env.registry.host, profile.image),
                imagePullPolicy: 'IfNotPresent',
                command: profile.command({ configFile, primaryHost, port }),
                ports: [{ name: profile.portName, containerPort: port, protocol: 'TCP' }],
                env: [{ name: profile.passwordVariable, valueFrom: { secretKeyRef: { name: secret, key: 'password' } } }],
                resources: {
                  requests: { cpu: quantity(profile.resources.requests.cpu), memory: quantity(profile.resources.requests.memory) },
                  limits: { cpu: quantity(profile.resources.limits.cpu), memory: quantity(profile.resources.limits.memory) },
                },
                securityContext: restrictedContainerSecurity(true),
                readinessProbe: { exec: { command: profile.readiness(port) }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(profile.portName) }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
                volumeMounts: [
                  { name: DATA_VOLUME, mountPath: profile.dataPath },
                  { name: 'config', mountPath: profile.configPath, readOnly: true },
                ],
              },
            ],
            volumes: [{ name: 'config', secret: { secretName: secret, items: [{ key: profile.configFile, path: profile.configFile }] } }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: DATA_VOLUME, labels: { ...labels } }, spec: claimSpec(env.sizing.storageClass, storage) }],
      },
    });
    // maxUnavailable 1 lets a node drain move one pod at a time; with one replica the service is down until it restarts.
    new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata: metadata(service),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...selector } } },
    });
    const servicePort = { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
    const ownPods = { podSelector: { matchLabels: { ...selector } } };
    new k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: metadata(service),
      spec: {
        podSelector: { matchLabels: { ...selector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          ...(props.clients.length > 0 ? [{ from: props.clients.map(modulePeer), ports: [servicePort] }] : []),
          // Replicas replicate from ordinal 0.
          { from: [ownPods], ports: [servicePort] },
        ],
        egress: [
          dnsEgress(),
          { to: [ownPods], ports: [servicePort] },
          // While the VMs are declared, ordinal 0 may replicate from them (the migration runbook in the README).
          addressesEgress(declared.addresses, port),
        ],
      },
    });
  }
}

function claimSpec(storageClass: string, storage: string): k8s.PersistentVolumeClaimSpec {
  return { accessModes: ['ReadWriteOnce'], storageClassName: storageClass, resources: { requests: { storage: quantity(storage) } } };
}

export interface InClusterFrontProps {
  readonly service: InClusterService;
  readonly env: Environment;
}

/**
 * The Service clients use for a stateful service in mode `cluster`: the same name, namespace and port as the
 * selector-less Service in front of the VMs (so its ClusterIP and every module's `<SERVICE>_HOST` stay), now selecting
 * ordinal 0 of the StatefulSet, the one instance that takes writes.
 */
export class InClusterFront extends Construct {
  constructor(scope: Construct, id: string, props: InClusterFrontProps) {
    super(scope, id);
    const { service, env } = props;
    const { port } = env.statefulServices[service];
    new k8s.KubeService(this, 'service', {
      metadata: { name: service, namespace: STATEFUL_NAMESPACE, labels: appLabels(service, IN_CLUSTER_STATEFUL_COMPONENT) },
      spec: {
        type: 'ClusterIP',
        selector: { ...selectorLabels(service), [POD_NAME_LABEL]: `${service}-0` },
        ports: [{ name: 'tcp', port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
      },
    });
  }
}
