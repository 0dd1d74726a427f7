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
        // kube-score container-resources: CPU and memory requests and limits, in the units the constructs write.
        const cpu = expect.stringMatching(/^[1-9]\d*m$/);
        const memory = expect.stringMatching(/^[1-9]\d*(Mi|Gi)$/);
        expect(c.resources).toEqual({ requests: { cpu, memory }, limits: { cpu, memory } });
        // kube-score container-image-tag: a release tag of the environment's Harbor, never latest.
        expect(c.image).toMatch(new RegExp(`^${env.registry.host.replaceAll('.', '\\.')}/${env.registry.project}/[a-z0-9/-]+:[A-Za-z0-9_.-]+$`));
        expect(c.image).not.toMatch(/:latest$/);
        // kube-score pod-probes: an HTTP readiness and liveness check, on different endpoints.
        const probe = { httpGet: { path: expect.stringMatching(/^\//), port: expect.stringMatching(/^(http|management)$/) } };
        expect(c.readinessProbe).toMatchObject(probe);
        expect(c.livenessProbe).toMatchObject(probe);
        expect(c.readinessProbe.httpGet.path).not.toBe(c.livenessProbe.httpGet.path);
      }
      expect(pod.imagePullSecrets).toEqual([{ name: 'harbor-pull' }]);
      const selector = workload.spec.selector.matchLabels;
      for (const [key, value] of Object.entries(selector)) expect(workload.spec.template.metadata.labels[key]).toBe(value);
      if (workload.kind === 'Deployment') {
        // kube-score deployment-has-host-podantiaffinity / topology spread, on the workload's own pods.
        expect(pod.topologySpreadConstraints).toEqual([expect.objectContaining({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } })]);
        expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
          expect.objectContaining({ podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } }),
        ]);
        // A graceful stop: the pre-stop pause keeps serving while the endpoints drain, inside the grace period.
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
        expect(containers[0].lifecycle.preStop).toEqual({ exec: { command: ['sleep', '10'] } });
      }
    });
  }
});
