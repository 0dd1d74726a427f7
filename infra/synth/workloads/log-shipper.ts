import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { Environment } from '../../schema/environment.js';
import { appLabels, exceptionAnnotation, selectorLabels } from '../../model/names.js';
import { LOGGING_NAMESPACE, PULL_SECRET, statefulHost } from '../../model/names.js';
import { addressesEgress, dnsEgress } from './module-network-policy.js';
import { quantity } from './pod-defaults.js';

export interface LogShipperProps {
  readonly env: Environment;
  /** Filebeat version, mirrored into the environment's Harbor. @default '8.11.4' */
  readonly version?: string;
}

/**
 * Why the log shipper is the one workload below the restricted profile. Container logs under /var/log/pods
 * are files of the node, owned by root with mode 0640: reading them needs a hostPath mount and UID 0.
 * Everything else stays restricted: read-only mounts, no capabilities, no privilege escalation, RuntimeDefault seccomp.
 */
const EXCEPTIONS = {
  'pss-restricted.volume-types': 'hostPath /var/log (read-only) is where the node keeps container logs; /var/lib/filebeat-data keeps read offsets across restarts',
  'pss-restricted.run-as-non-root': 'container logs are root-owned 0640 files on the node; only UID 0 can read them without adding capabilities',
  'pss-restricted.run-as-user': 'runs as UID 0 for the same reason; all capabilities are still dropped',
} as const;

/**
 * Filebeat on every node, shipping container logs to the environment's Logstash (the seed's ELK stack),
 * confined to its own namespace with its own explicit, reasoned exceptions.
 */
export class LogShipper extends Construct {
  public readonly name = 'filebeat';
  public readonly image: string;

  constructor(scope: Construct, id: string, props: LogShipperProps) {
    super(scope, id);
    const { env } = props;
    const name = this.name;
    const version = props.version ?? '8.11.4';
    this.image = `${env.registry.host}/${env.registry.project}/mirror/filebeat:${version}`;
    const labels = appLabels(name, 'log-shipper', version);
    const selector = selectorLabels(name);
    const annotations = Object.fromEntries(Object.entries(EXCEPTIONS).map(([rule, reason]) => [exceptionAnnotation(rule), reason]));
    const metadata = { name, namespace: LOGGING_NAMESPACE, labels };
    const logstash = env.statefulServices.logstash;

    new k8s.KubeServiceAccount(this, 'service-account', { metadata, automountServiceAccountToken: true });
    new k8s.KubeClusterRole(this, 'cluster-role', {
      metadata: { name: `icv-${name}`, labels },
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: { name: `icv-${name}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `icv-${name}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace: LOGGING_NAMESPACE }],
    });
    new k8s.KubeConfigMap(this, 'config', {
      metadata: { ...metadata, name: `${name}-config` },
      data: {
        'filebeat.yml': [
          'filebeat.inputs:',
          '  - type: filestream',
          '    id: kubernetes-container-logs',
          '    paths: ["/var/log/containers/*.log"]',
          '    parsers: [{ container: {} }]',
          '    prospector.scanner.symlinks: true',
          'processors:',
          '  - add_kubernetes_metadata:',
          '      host: ${NODE_NAME}',
          '      matchers: [{ logs_path: { logs_path: "/var/log/containers/" } }]',
          'output.logstash:',
          `  hosts: ["${statefulHost('logstash')}:${logstash.port}"]`,
          'path.data: /usr/share/filebeat/data',
          '',
        ].join('\n'),
      },
    });

    new k8s.KubeDaemonSet(this, 'daemon-set', {
      metadata: { ...metadata, annotations },
      spec: {
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels, annotations },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            imagePullSecrets: [{ name: PULL_SECRET }],
            terminationGracePeriodSeconds: 30,
            // Control-plane nodes run pods too (KubeSphere's own); their logs are shipped as well.
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
            securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                args: ['-c', '/etc/filebeat/filebeat.yml', '-e'],
                env: [
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                ],
                resources: {
                  requests: { cpu: quantity('100m'), memory: quantity('200Mi') },
                  limits: { cpu: quantity('500m'), memory: quantity('400Mi') },
                },
                readinessProbe: { exec: { command: ['filebeat', 'test', 'config', '-c', '/etc/filebeat/filebeat.yml'] }, periodSeconds: 30 },
                livenessProbe: { exec: { command: ['filebeat', 'test', 'output', '-c', '/etc/filebeat/filebeat.yml'] }, periodSeconds: 60, failureThreshold: 5 },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsUser: 0,
                  runAsNonRoot: false,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/filebeat', readOnly: true },
                  { name: 'varlog', mountPath: '/var/log', readOnly: true },
                  { name: 'data', mountPath: '/usr/share/filebeat/data' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              { name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } },
              { name: 'data', hostPath: { path: '/var/lib/filebeat-data', type: 'DirectoryOrCreate' } },
            ],
          },
        },
      },
    });

    const controlPlane = env.cluster.hosts.filter((h) => env.cluster.roleGroups.controlPlane.includes(h.name));
    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata,
      spec: {
        podSelector: { matchLabels: selector },
        // Nothing calls the shipper: policyTypes denies all ingress. No `ingress: []`, which the API server stores as
        // absent, so that every apply of it would count as a spec change (a new generation).
        policyTypes: ['Ingress', 'Egress'],
        egress: [
          dnsEgress(),
          addressesEgress(logstash.addresses, logstash.port),
          // add_kubernetes_metadata watches the API server directly on the control-plane nodes.
          addressesEgress(controlPlane.map((h) => h.internalAddress), 6443),
        ],
      },
    });
  }
}
