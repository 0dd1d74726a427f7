import { describe, expect, it } from 'vitest';
import { checkPodSecurity, runChecks } from '../../infra/checks/index.js';
import { CONTAINER, container, DEPLOYMENT, expectFinding, get, moduleObjects } from './fixtures.js';

const POD = 'spec.template.spec';

/** Breaks the fixture with `breakIt`, runs the pod security rules, returns the findings. */
function broken(breakIt: (objects: any[]) => void) {
  const objects = moduleObjects();
  breakIt(objects);
  return checkPodSecurity({ objects });
}

describe('pss-restricted', () => {
  it('host-namespaces: hostNetwork, hostPID, hostIPC', () => {
    const findings = broken((o) => Object.assign(get(o, 'Deployment').spec.template.spec, { hostNetwork: true, hostPID: true, hostIPC: true }));
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) expectFinding(findings, 'pss-restricted.host-namespaces', DEPLOYMENT, `${POD}.${field}`);
  });

  it('privileged', () => {
    const findings = broken((o) => (container(o).securityContext.privileged = true));
    expectFinding(findings, 'pss-restricted.privileged', DEPLOYMENT, `${CONTAINER}.securityContext.privileged`);
  });

  it('volume-types: hostPath and any type outside the allow-list', () => {
    const findings = broken((o) => get(o, 'Deployment').spec.template.spec.volumes.push({ name: 'logs', hostPath: { path: '/var/log' } }, { name: 'share', nfs: { server: 'x', path: '/' } }));
    expect(expectFinding(findings, 'pss-restricted.volume-types', DEPLOYMENT, `${POD}.volumes[logs].hostPath`).message).toContain('/var/log');
    expectFinding(findings, 'pss-restricted.volume-types', DEPLOYMENT, `${POD}.volumes[share].nfs`);
  });

  it('host-ports', () => {
    const findings = broken((o) => (container(o).ports[0].hostPort = 8080));
    expectFinding(findings, 'pss-restricted.host-ports', DEPLOYMENT, `${CONTAINER}.ports[0].hostPort`);
  });

  it('capabilities: drop ALL is required, only NET_BIND_SERVICE may be added', () => {
    const findings = broken((o) => (container(o).securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] }));
    expectFinding(findings, 'pss-restricted.capabilities', DEPLOYMENT, `${CONTAINER}.securityContext.capabilities.drop`);
    expectFinding(findings, 'pss-restricted.capabilities', DEPLOYMENT, `${CONTAINER}.securityContext.capabilities.add[1]`);
    expect(findings.some((f) => f.path.endsWith('capabilities.add[0]'))).toBe(false);
  });

  it('allow-privilege-escalation must be false explicitly', () => {
    const findings = broken((o) => delete container(o).securityContext.allowPrivilegeEscalation);
    expectFinding(findings, 'pss-restricted.allow-privilege-escalation', DEPLOYMENT, `${CONTAINER}.securityContext.allowPrivilegeEscalation`);
  });

  it('run-as-non-root: neither the container nor the pod sets it', () => {
    const findings = broken((o) => {
      delete container(o).securityContext.runAsNonRoot;
      delete get(o, 'Deployment').spec.template.spec.securityContext.runAsNonRoot;
    });
    expectFinding(findings, 'pss-restricted.run-as-non-root', DEPLOYMENT, `${CONTAINER}.securityContext.runAsNonRoot`);
  });

  it('run-as-non-root: the pod level alone is enough', () => {
    expect(broken((o) => delete container(o).securityContext.runAsNonRoot)).toEqual([]);
  });

  it('run-as-user: UID 0 at pod or container level', () => {
    const findings = broken((o) => {
      container(o).securityContext.runAsUser = 0;
      get(o, 'Deployment').spec.template.spec.securityContext.runAsUser = 0;
    });
    expectFinding(findings, 'pss-restricted.run-as-user', DEPLOYMENT, `${CONTAINER}.securityContext.runAsUser`);
    expectFinding(findings, 'pss-restricted.run-as-user', DEPLOYMENT, `${POD}.securityContext.runAsUser`);
  });

  it('seccomp: missing everywhere, or Unconfined on the container', () => {
    const missing = broken((o) => {
      delete get(o, 'Deployment').spec.template.spec.securityContext.seccompProfile;
      delete container(o).securityContext.seccompProfile;
    });
    expectFinding(missing, 'pss-restricted.seccomp', DEPLOYMENT, `${CONTAINER}.securityContext.seccompProfile.type`);
    const unconfined = broken((o) => (container(o).securityContext.seccompProfile = { type: 'Unconfined' }));
    expect(expectFinding(unconfined, 'pss-restricted.seccomp', DEPLOYMENT, `${CONTAINER}.securityContext.seccompProfile.type`).message).toContain('Unconfined');
  });

  it('high-uid-gid (kube-score): runAsUser and runAsGroup at least 10000', () => {
    const findings = broken((o) => {
      Object.assign(get(o, 'Deployment').spec.template.spec.securityContext, { runAsUser: 1000, runAsGroup: undefined });
      Object.assign(container(o).securityContext, { runAsUser: undefined, runAsGroup: undefined });
    });
    expect(expectFinding(findings, 'pss-restricted.high-uid-gid', DEPLOYMENT, `${CONTAINER}.securityContext.runAsUser`).message).toContain('1000');
    expectFinding(findings, 'pss-restricted.high-uid-gid', DEPLOYMENT, `${CONTAINER}.securityContext.runAsGroup`);
  });

  it('read-only-root-filesystem (kube-score)', () => {
    const findings = broken((o) => (container(o).securityContext.readOnlyRootFilesystem = false));
    expectFinding(findings, 'pss-restricted.read-only-root-filesystem', DEPLOYMENT, `${CONTAINER}.securityContext.readOnlyRootFilesystem`);
  });

  it('proc-mount, sysctls, selinux, apparmor (the rest of baseline)', () => {
    const findings = broken((o) => {
      const pod = get(o, 'Deployment').spec.template.spec;
      pod.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }];
      pod.securityContext.seLinuxOptions = { type: 'spc_t' };
      Object.assign(container(o).securityContext, { procMount: 'Unmasked', seLinuxOptions: { user: 'root' }, appArmorProfile: { type: 'Unconfined' } });
    });
    expectFinding(findings, 'pss-restricted.sysctls', DEPLOYMENT, `${POD}.securityContext.sysctls[0].name`);
    expectFinding(findings, 'pss-restricted.selinux', DEPLOYMENT, `${POD}.securityContext.seLinuxOptions.type`);
    expectFinding(findings, 'pss-restricted.selinux', DEPLOYMENT, `${CONTAINER}.securityContext.seLinuxOptions.user`);
    expectFinding(findings, 'pss-restricted.proc-mount', DEPLOYMENT, `${CONTAINER}.securityContext.procMount`);
    expectFinding(findings, 'pss-restricted.apparmor', DEPLOYMENT, `${CONTAINER}.securityContext.appArmorProfile.type`);
  });

  it('applies to init containers too, named by their own path', () => {
    const findings = broken((o) => (get(o, 'Deployment').spec.template.spec.initContainers = [{ name: 'migrate', image: 'x', securityContext: {} }]));
    const init = 'spec.template.spec.initContainers[migrate]';
    expectFinding(findings, 'pss-restricted.capabilities', DEPLOYMENT, `${init}.securityContext.capabilities.drop`);
    expectFinding(findings, 'pss-restricted.allow-privilege-escalation', DEPLOYMENT, `${init}.securityContext.allowPrivilegeEscalation`);
    expectFinding(findings, 'pss-restricted.read-only-root-filesystem', DEPLOYMENT, `${init}.securityContext.readOnlyRootFilesystem`);
  });

  it('covers every pod-bearing kind: a bare Pod and a CronJob', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { hostPID: true, containers: [] } };
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'ns' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { hostIPC: true, containers: [] } } } } },
    };
    const findings = checkPodSecurity({ objects: [pod, cron] });
    expectFinding(findings, 'pss-restricted.host-namespaces', 'Pod/ns/p', 'spec.hostPID');
    expectFinding(findings, 'pss-restricted.host-namespaces', 'CronJob/ns/c', 'spec.jobTemplate.spec.template.spec.hostIPC');
  });

  it('each finding is an error with a one-line fix', () => {
    const findings = runChecks({ objects: (() => { const o = moduleObjects(); container(o).securityContext = {}; return o; })() });
    const pss = findings.filter((f) => f.rule.startsWith('pss-restricted.'));
    expect(pss.map((f) => f.rule).sort()).toEqual(['pss-restricted.allow-privilege-escalation', 'pss-restricted.capabilities', 'pss-restricted.read-only-root-filesystem']);
    for (const f of pss) {
      expect(f.severity).toBe('error');
      expect(f.fix).not.toContain('\n');
      expect(f.fix.length).toBeGreaterThan(5);
    }
  });
});

describe('pss-restricted: every message, path and fix, and the edges', () => {
  const rows = (breakIt: (objects: any[]) => void) => broken(breakIt).map((f) => [f.rule.replace('pss-restricted.', ''), f.path, f.message, f.fix]);

  it('a pod breaking every rule at once gets each finding once, at its field, with its message and fix', () => {
    expect(
      rows((objects) => {
        const pod = get(objects, 'Deployment').spec.template.spec;
        Object.assign(pod, { hostNetwork: true, hostPID: true, hostIPC: false });
        pod.volumes = [...(pod.volumes ?? []), { name: 'host', hostPath: { path: '/var/run' } }, { nfs: { server: 'x', path: '/' } }];
        pod.securityContext = { ...pod.securityContext, runAsUser: 0, sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }], seLinuxOptions: { type: 'spc_t', role: 'r' } };
        const c = container(objects);
        c.ports = [{ containerPort: 8080, hostPort: 8080 }, { containerPort: 9090, hostPort: 0 }];
        c.securityContext = {
          privileged: true,
          capabilities: { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] },
          allowPrivilegeEscalation: true,
          runAsNonRoot: false,
          seccompProfile: { type: 'Unconfined' },
          readOnlyRootFilesystem: false,
          procMount: 'Unmasked',
          seLinuxOptions: { user: 'u', type: 'container_t' },
          appArmorProfile: { type: 'Unconfined' },
          runAsGroup: 5,
        };
      }),
    ).toEqual([
      ['host-namespaces', `${POD}.hostNetwork`, "pod shares the host's namespace (hostNetwork: true)", 'remove hostNetwork'],
      ['host-namespaces', `${POD}.hostPID`, "pod shares the host's namespace (hostPID: true)", 'remove hostPID'],
      ['volume-types', `${POD}.volumes[host].hostPath`, "volume 'host' mounts the node's filesystem (hostPath /var/run), which the restricted profile forbids", 'use configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral or persistentVolumeClaim'],
      ['volume-types', `${POD}.volumes[3].nfs`, "volume '3' uses volume type 'nfs', which the restricted profile forbids", 'use configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral or persistentVolumeClaim'],
      ['run-as-user', `${POD}.securityContext.runAsUser`, 'pod runs as UID 0 (root)', 'set runAsUser to a non-zero UID (10000 or above)'],
      ['sysctls', `${POD}.securityContext.sysctls[0].name`, "sysctl 'kernel.msgmax' is not in the safe set", 'remove the sysctl'],
      ['selinux', `${POD}.securityContext.seLinuxOptions.type`, "SELinux type 'spc_t' is not allowed", 'use container_t (or leave seLinuxOptions unset)'],
      ['selinux', `${POD}.securityContext.seLinuxOptions.role`, 'SELinux role may not be set', 'remove seLinuxOptions.role'],
      ['privileged', `${POD}.containers[demo].securityContext.privileged`, "container 'demo' is privileged", 'remove privileged: true'],
      ['host-ports', `${POD}.containers[demo].ports[0].hostPort`, "container 'demo' binds host port 8080", 'remove hostPort; expose the port through a Service'],
      ['capabilities', `${POD}.containers[demo].securityContext.capabilities.drop`, "container 'demo' does not drop ALL capabilities", 'set securityContext.capabilities.drop: [ALL]'],
      ['capabilities', `${POD}.containers[demo].securityContext.capabilities.add[1]`, "container 'demo' adds capability SYS_ADMIN", 'add no capability other than NET_BIND_SERVICE'],
      ['allow-privilege-escalation', `${POD}.containers[demo].securityContext.allowPrivilegeEscalation`, "container 'demo' does not set allowPrivilegeEscalation: false", 'set securityContext.allowPrivilegeEscalation: false'],
      ['run-as-non-root', `${POD}.containers[demo].securityContext.runAsNonRoot`, "container 'demo' may run as root: runAsNonRoot is not true on the container or the pod", 'set securityContext.runAsNonRoot: true on the pod or the container'],
      ['seccomp', `${POD}.containers[demo].securityContext.seccompProfile.type`, "container 'demo' uses seccomp profile 'Unconfined'", 'set securityContext.seccompProfile.type: RuntimeDefault on the pod'],
      ['read-only-root-filesystem', `${POD}.containers[demo].securityContext.readOnlyRootFilesystem`, "container 'demo' can write to its root filesystem", 'set readOnlyRootFilesystem: true and mount an emptyDir where it must write'],
      ['proc-mount', `${POD}.containers[demo].securityContext.procMount`, "container 'demo' uses procMount Unmasked", 'remove procMount (Default)'],
      ['selinux', `${POD}.containers[demo].securityContext.seLinuxOptions.user`, 'SELinux user may not be set', 'remove seLinuxOptions.user'],
      ['apparmor', `${POD}.containers[demo].securityContext.appArmorProfile.type`, "container 'demo' runs without AppArmor (Unconfined)", 'use appArmorProfile RuntimeDefault or Localhost'],
    ]);
  });

  it('high-uid-gid: an id below 10000 or none at all, on the container or inherited from the pod', () => {
    const at = `${CONTAINER}.securityContext`;
    expect(
      rows((objects) => {
        const pod = get(objects, 'Deployment').spec.template.spec;
        delete pod.securityContext.runAsGroup;
        delete container(objects).securityContext.runAsGroup;
        container(objects).securityContext.runAsUser = 1000;
      }),
    ).toEqual([
      ['high-uid-gid', `${at}.runAsUser`, "container 'demo' runAsUser is 1000; ids below 10000 may collide with host users", 'set runAsUser to 10000 or above on the pod or the container'],
      ['high-uid-gid', `${at}.runAsGroup`, "container 'demo' runAsGroup is not set; ids below 10000 may collide with host users", 'set runAsGroup to 10000 or above on the pod or the container'],
    ]);
    expect(rows((objects) => (container(objects).securityContext.runAsUser = 10000))).toEqual([]);
    expect(
      rows((objects) => {
        get(objects, 'Deployment').spec.template.spec.securityContext.runAsGroup = 9999;
        delete container(objects).securityContext.runAsGroup;
      }).map((r) => r[2]),
    ).toEqual(["container 'demo' runAsGroup is 9999; ids below 10000 may collide with host users"]);
  });

  it('seccomp: a pod-level profile counts for the container, and a bad one is reported at the pod', () => {
    const onlyPod = (objects: any[]) => delete container(objects).securityContext.seccompProfile;
    const podAt = `${POD}.securityContext.seccompProfile.type`;
    expect(rows((objects) => { onlyPod(objects); get(objects, 'Deployment').spec.template.spec.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }; })).toEqual([]);
    expect(rows((objects) => { onlyPod(objects); get(objects, 'Deployment').spec.template.spec.securityContext.seccompProfile = { type: 'Unconfined' }; })).toEqual([
      ['seccomp', podAt, "container 'demo' uses seccomp profile 'Unconfined'", 'set securityContext.seccompProfile.type: RuntimeDefault on the pod'],
    ]);
    expect(rows((objects) => { onlyPod(objects); delete get(objects, 'Deployment').spec.template.spec.securityContext.seccompProfile; })).toEqual([
      ['seccomp', `${CONTAINER}.securityContext.seccompProfile.type`, "container 'demo' has no seccomp profile (container or pod)", 'set securityContext.seccompProfile.type: RuntimeDefault on the pod'],
    ]);
  });

  it('what the profile allows: hostIPC false, host port 0, NET_BIND_SERVICE, a safe sysctl, procMount Default, container_t, AppArmor RuntimeDefault', () => {
    expect(
      rows((objects) => {
        const pod = get(objects, 'Deployment').spec.template.spec;
        Object.assign(pod, { hostIPC: false, hostNetwork: false });
        pod.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }];
        pod.securityContext.seLinuxOptions = { type: 'container_init_t', level: 's0:c1' };
        const c = container(objects);
        c.ports = [{ containerPort: 8080, hostPort: 0 }];
        Object.assign(c.securityContext, { procMount: 'Default', appArmorProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { type: '' }, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } });
      }),
    ).toEqual([]);
  });
});

describe('pss-restricted: entries missing the fields a rule reads', () => {
  const pod = (o: any[]) => get(o, 'Deployment').spec.template.spec;
  const at = (findings: ReturnType<typeof checkPodSecurity>, rule: string) => findings.filter((f) => f.rule === rule).map((f) => [f.path, f.message]);

  it('a hostPath without a path, a sysctl without a name, port and sysctl entries that are not objects', () => {
    const findings = broken((o) => {
      pod(o).volumes.push({ name: 'root', hostPath: {} }, { name: 'odd', hostPath: true });
      pod(o).securityContext.sysctls = ['junk', { value: '1' }];
      container(o).ports = ['junk', ...container(o).ports];
    });
    expect(at(findings, 'pss-restricted.volume-types')).toEqual([
      [`${POD}.volumes[root].hostPath`, "volume 'root' mounts the node's filesystem (hostPath ), which the restricted profile forbids"],
      [`${POD}.volumes[odd].hostPath`, "volume 'odd' mounts the node's filesystem (hostPath ), which the restricted profile forbids"],
    ]);
    expect(at(findings, 'pss-restricted.sysctls')).toEqual([
      [`${POD}.securityContext.sysctls[0].name`, "sysctl '' is not in the safe set"],
      [`${POD}.securityContext.sysctls[1].name`, "sysctl '' is not in the safe set"],
    ]);
    expect(at(findings, 'pss-restricted.host-ports')).toEqual([]);
  });

  it('seLinuxOptions without a type is allowed', () => {
    expect(at(broken((o) => (pod(o).securityContext.seLinuxOptions = { level: 's0:c123,c456' })), 'pss-restricted.selinux')).toEqual([]);
  });
});
