import { describe, expect, it } from 'vitest';
import { checkNodePorts, HEALTH_CHECKED_BY } from '../../infra/checks/index.js';
import { built, objectsOf } from '../support/platforms.js';

/**
 * Device ports that answer (issue 20): every node that accepts a NodePort (kube-proxy opens it on all of them, the
 * control plane included) has a way to a ready pod. Fixtures are the synthesized objects, mutated.
 */

const DEVICE_FACING = ['vehicle-access', 'rsu-access', 'lidar-ingest', 'sensor-fusion-edge-sync', 'positioning-rtk-service'];

describe.each(built)('node ports in $env.name', ({ env, platform }) => {
  const objects = objectsOf(platform);
  const nodePorts: any[] = objects.filter((o: any) => o.kind === 'Service' && o.spec?.type === 'NodePort');

  it('are the five device-facing modules, each forwarding from every node (externalTrafficPolicy Cluster)', () => {
    expect(nodePorts.map((s) => s.metadata.name).sort()).toEqual(DEVICE_FACING.map((m) => `${m}-external`).sort());
    for (const service of nodePorts) expect(service.spec.externalTrafficPolicy, service.metadata.name).toBe('Cluster');
  });

  it('every node that accepts the port reaches a ready pod: the pods admit the forwarding nodes\' addresses', () => {
    expect(checkNodePorts({ objects, env })).toEqual([]);
    // ...which the NetworkPolicy must keep doing: without the node networks, forwarded connections are dropped.
    const fenced = structuredClone(objects) as any[];
    for (const policy of fenced.filter((o) => o.kind === 'NetworkPolicy' && DEVICE_FACING.includes(o.metadata.name))) {
      policy.spec.ingress = policy.spec.ingress.filter((r: any) => !r.from.some((peer: any) => peer.ipBlock));
      policy.spec.ingress.push({ from: [{ ipBlock: { cidr: '100.64.0.0/10' } }], ports: [{ protocol: 'TCP', port: 9000 }] });
    }
    const findings = checkNodePorts({ objects: fenced, env });
    expect(findings.map((f) => f.object).sort()).toEqual(nodePorts.map((s) => `Service/${s.metadata.namespace}/${s.metadata.name}`).sort());
    expect(findings[0]!.message).toContain(env.cluster.network.hostCidr);
  });

  it('externalTrafficPolicy Local on a Deployment\'s pods (what the platform had) is an error; a health-checking load balancer or a DaemonSet on every node makes it sound', () => {
    const local = structuredClone(objects) as any[];
    const service = local.find((o) => o.kind === 'Service' && o.metadata.name === 'vehicle-access-external');
    service.spec.externalTrafficPolicy = 'Local';
    const [finding, ...rest] = checkNodePorts({ objects: local, env });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'network.nodeport-reachable', severity: 'error', object: 'Service/icv-vehicle/vehicle-access-external', path: 'spec.externalTrafficPolicy' });
    expect(finding!.message).toContain('Deployment/vehicle-access');

    service.metadata.annotations = { [HEALTH_CHECKED_BY]: 'f5-device-vip (HTTP check on healthCheckNodePort)' };
    expect(checkNodePorts({ objects: local, env })).toEqual([]);

    delete service.metadata.annotations;
    const deployment = local.find((o) => o.kind === 'Deployment' && o.metadata.name === 'vehicle-access');
    deployment.kind = 'DaemonSet';
    deployment.spec.template.spec.tolerations = [{ operator: 'Exists' }];
    expect(checkNodePorts({ objects: local, env })).toEqual([]);
  });
});
