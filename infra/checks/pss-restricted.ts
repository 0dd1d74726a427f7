import { finding, type CheckInput, type Finding } from './finding.js';
import { asArray, asObject, asString, containersOf, podTemplates, type Json, type PodTemplate } from './kube.js';

/**
 * Rule family `pss-restricted`: the Pod Security Standards "restricted" profile
 * (kubernetes/pod-security-admission, policy/check_*.go) for containers and init containers, plus kube-score's
 * runAsUser/runAsGroup ≥ 10000 and read-only root filesystem.
 */

/** Volume sources the restricted profile allows. */
const ALLOWED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);
/** kube-score: ids below this may collide with host users. */
const MIN_HIGH_ID = 10000;

export function checkPodSecurity(input: CheckInput): Finding[] {
  return podTemplates(input.objects).flatMap(checkTemplate);
}

function checkTemplate(template: PodTemplate): Finding[] {
  const { owner, spec, path } = template;
  const findings: Finding[] = [];
  const report = (rule: string, at: string, message: string, fix: string) =>
    findings.push(finding(owner, `pss-restricted.${rule}`, 'error', at, message, fix));

  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) report('host-namespaces', `${path}.${field}`, `pod shares the host's namespace (${field}: true)`, `remove ${field}`);
  }

  asArray(spec.volumes).forEach((item, index) => {
    const volume = asObject(item) ?? {};
    const name = asString(volume.name) ?? String(index);
    for (const source of Object.keys(volume).filter((k) => k !== 'name')) {
      if (ALLOWED_VOLUME_SOURCES.has(source)) continue;
      const what = source === 'hostPath' ? `mounts the node's filesystem (hostPath ${String(asObject(volume.hostPath)?.path ?? '')})` : `uses volume type '${source}'`;
      report('volume-types', `${path}.volumes[${name}].${source}`, `volume '${name}' ${what}, which the restricted profile forbids`, 'use configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral or persistentVolumeClaim');
    }
  });

  const podContext = asObject(spec.securityContext) ?? {};
  const podPath = `${path}.securityContext`;
  if (podContext.runAsUser === 0) report('run-as-user', `${podPath}.runAsUser`, 'pod runs as UID 0 (root)', 'set runAsUser to a non-zero UID (10000 or above)');
  asArray(podContext.sysctls).forEach((item, i) => {
    const name = asString(asObject(item)?.name) ?? '';
    if (!SAFE_SYSCTLS.has(name)) report('sysctls', `${podPath}.sysctls[${i}].name`, `sysctl '${name}' is not in the safe set`, 'remove the sysctl');
  });
  findings.push(...checkSeLinux(template, podContext, podPath));

  for (const { container, name, path: containerPath } of containersOf(template)) {
    const context = asObject(container.securityContext) ?? {};
    const at = `${containerPath}.securityContext`;
    const label = `container '${name}'`;

    if (context.privileged === true) report('privileged', `${at}.privileged`, `${label} is privileged`, 'remove privileged: true');
    asArray(container.ports).forEach((item, i) => {
      const hostPort = asObject(item)?.hostPort;
      if (typeof hostPort === 'number' && hostPort !== 0) {
        report('host-ports', `${containerPath}.ports[${i}].hostPort`, `${label} binds host port ${hostPort}`, 'remove hostPort; expose the port through a Service');
      }
    });

    const capabilities = asObject(context.capabilities) ?? {};
    if (!asArray(capabilities.drop).includes('ALL')) {
      report('capabilities', `${at}.capabilities.drop`, `${label} does not drop ALL capabilities`, 'set securityContext.capabilities.drop: [ALL]');
    }
    asArray(capabilities.add).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') report('capabilities', `${at}.capabilities.add[${i}]`, `${label} adds capability ${String(cap)}`, 'add no capability other than NET_BIND_SERVICE');
    });

    if (context.allowPrivilegeEscalation !== false) {
      report('allow-privilege-escalation', `${at}.allowPrivilegeEscalation`, `${label} does not set allowPrivilegeEscalation: false`, 'set securityContext.allowPrivilegeEscalation: false');
    }

    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) {
      report('run-as-non-root', `${at}.runAsNonRoot`, `${label} may run as root: runAsNonRoot is not true on the container or the pod`, 'set securityContext.runAsNonRoot: true on the pod or the container');
    }
    if (context.runAsUser === 0) report('run-as-user', `${at}.runAsUser`, `${label} runs as UID 0 (root)`, 'set runAsUser to a non-zero UID (10000 or above)');

    const seccomp = asString(asObject(context.seccompProfile)?.type) ?? asString(asObject(podContext.seccompProfile)?.type);
    if (!seccomp || !SECCOMP_TYPES.has(seccomp)) {
      const where = asObject(context.seccompProfile) || !asObject(podContext.seccompProfile) ? `${at}.seccompProfile.type` : `${podPath}.seccompProfile.type`;
      const what = seccomp ? `uses seccomp profile '${seccomp}'` : 'has no seccomp profile (container or pod)';
      report('seccomp', where, `${label} ${what}`, 'set securityContext.seccompProfile.type: RuntimeDefault on the pod');
    }

    // A root container is already reported (run-as-user); a high id is moot for it.
    const runsAsRoot = (context.runAsUser ?? podContext.runAsUser) === 0;
    for (const field of runsAsRoot ? [] : (['runAsUser', 'runAsGroup'] as const)) {
      const id = context[field] ?? podContext[field];
      if (typeof id !== 'number' || id < MIN_HIGH_ID) {
        const what = typeof id === 'number' ? `is ${id}` : 'is not set';
        report('high-uid-gid', `${at}.${field}`, `${label} ${field} ${what}; ids below ${MIN_HIGH_ID} may collide with host users`, `set ${field} to ${MIN_HIGH_ID} or above on the pod or the container`);
      }
    }

    if (context.readOnlyRootFilesystem !== true) {
      report('read-only-root-filesystem', `${at}.readOnlyRootFilesystem`, `${label} can write to its root filesystem`, 'set readOnlyRootFilesystem: true and mount an emptyDir where it must write');
    }

    const procMount = asString(context.procMount);
    if (procMount !== undefined && procMount !== 'Default') report('proc-mount', `${at}.procMount`, `${label} uses procMount ${procMount}`, 'remove procMount (Default)');
    findings.push(...checkSeLinux(template, context, at));
    const appArmor = asString(asObject(context.appArmorProfile)?.type);
    if (appArmor === 'Unconfined') report('apparmor', `${at}.appArmorProfile.type`, `${label} runs without AppArmor (Unconfined)`, 'use appArmorProfile RuntimeDefault or Localhost');
  }
  return findings;
}

function checkSeLinux(template: PodTemplate, context: Json, at: string): Finding[] {
  const options = asObject(context.seLinuxOptions);
  if (!options) return [];
  const findings: Finding[] = [];
  const type = asString(options.type) ?? '';
  if (!SELINUX_TYPES.has(type)) {
    findings.push(finding(template.owner, 'pss-restricted.selinux', 'error', `${at}.seLinuxOptions.type`, `SELinux type '${type}' is not allowed`, 'use container_t (or leave seLinuxOptions unset)'));
  }
  for (const field of ['user', 'role'] as const) {
    if (asString(options[field])) {
      findings.push(finding(template.owner, 'pss-restricted.selinux', 'error', `${at}.seLinuxOptions.${field}`, `SELinux ${field} may not be set`, `remove seLinuxOptions.${field}`));
    }
  }
  return findings;
}
