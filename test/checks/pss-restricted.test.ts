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
