import { describe, expect, it } from 'vitest';
import { built, objectsOf } from '../support/platforms.js';

const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

describe.each(built)('every pod template of $env.name', ({ platform, env }) => {
  const workloads = objectsOf(platform).filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet', 'Job'].includes(o.kind)) as any[];
  const id = (w: any) => `${w.kind}/${w.metadata.namespace}/${w.metadata.name}`;

  it('has at least 60 Deployments', () => {
    expect(workloads.filter((w) => w.kind === 'Deployment').length).toBeGreaterThanOrEqual(60);
  });

  for (const workload of workloads) {
    const pod = workload.spec.template.spec;
    const containers = [...(pod.initContainers ?? []), ...pod.containers];

    it(`${id(workload)} passes Pod Security Standards restricted`, () => {
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      expect(pod.hostIPC ?? false).toBe(false);
      expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
      for (const c of containers) {
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext.privileged ?? false).toBe(false);
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        expect(c.securityContext.capabilities.add ?? []).toEqual([]);
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect((c.ports ?? []).every((p: any) => p.hostPort === undefined)).toBe(true);
      }
      const volumeTypes = (pod.volumes ?? []).map((v: any) => Object.keys(v).find((k) => k !== 'name'));
      expect(volumeTypes.every((t: string) => RESTRICTED_VOLUMES.includes(t))).toBe(true);
      for (const securityContext of [pod.securityContext, ...containers.map((c) => c.securityContext)]) {
        expect(securityContext.runAsNonRoot).toBe(true);
        expect(securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
        expect(securityContext.runAsGroup).toBeGreaterThanOrEqual(10000);
      }
    });

    it(`${id(workload)} meets kube-score's criticals`, () => {
      for (const c of containers) {
        expect(c.resources.limits.cpu).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.resources.requests.memory).toBeDefined();
        expect(c.image).toMatch(new RegExp(`^${env.registry.host.replaceAll('.', '\\.')}/${env.registry.project}/[a-z0-9/-]+:[A-Za-z0-9_.-]+$`));
        expect(c.image).not.toMatch(/:latest$/);
        expect(c.readinessProbe).toBeDefined();
        expect(c.livenessProbe).toBeDefined();
        expect(c.readinessProbe).not.toEqual(c.livenessProbe);
      }
      expect(pod.imagePullSecrets).toEqual([{ name: 'harbor-pull' }]);
      const selector = workload.spec.selector.matchLabels;
      for (const [key, value] of Object.entries(selector)) expect(workload.spec.template.metadata.labels[key]).toBe(value);
      if (workload.kind === 'Deployment') {
        expect(pod.topologySpreadConstraints?.[0]?.topologyKey ?? pod.affinity?.podAntiAffinity).toBeDefined();
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
        expect(containers[0].lifecycle.preStop).toBeDefined();
      }
    });
  }
});
