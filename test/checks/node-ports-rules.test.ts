import { describe, expect, it } from 'vitest';
import { checkNodePorts, HEALTH_CHECKED_BY } from '../../infra/checks/index.js';
import { fixtureEnv, get, moduleObjects, NAMESPACE } from './fixtures.js';

/**
 * `network.nodeport-reachable` on the fixture module with its Service turned into a NodePort: in-process and small,
 * so that mutation testing runs it (test/checks/node-ports.test.ts asserts the same rule on both whole platforms).
 */

const SERVICE = `Service/${NAMESPACE}/demo`;
const HOSTS = '10.10.0.0/24';
const PODS = '10.233.64.0/18';
const LOCAL_FIX = `use externalTrafficPolicy: Cluster (and admit the nodes' addresses in the pods' NetworkPolicy), or put a health-checking load balancer in front and annotate ${HEALTH_CHECKED_BY}`;
const localMessage = (pods: string) => `externalTrafficPolicy Local, but its pods (${pods}) do not run on every node and no load balancer health-checks healthCheckNodePort: a client that connects to a node without a local pod gets no answer`;
const clusterMessage = (missing: string, port = '8080') => `externalTrafficPolicy Cluster forwards node port 30080 from the nodes' addresses, but no NetworkPolicy of Deployment/demo admits ${missing} on port ${port}: forwarded connections are dropped at the pod`;

function nodePort(externalTrafficPolicy?: 'Local' | 'Cluster', change: (objects: any[]) => void = () => {}): any[] {
  const objects = moduleObjects();
  const spec = get(objects, 'Service').spec;
  Object.assign(spec, { type: 'NodePort', ports: [{ ...spec.ports[0], nodePort: 30080 }], ...(externalTrafficPolicy ? { externalTrafficPolicy } : {}) });
  change(objects);
  return objects;
}
const rows = (objects: any[], env = fixtureEnv()) => checkNodePorts({ objects, env }).map((f) => [f.rule, f.object, f.path, f.message, f.fix]);
const policy = (objects: any[]) => get(objects, 'NetworkPolicy').spec;
const fromBlocks = (...cidrs: (string | { cidr: string; except: string[] })[]) => ({ from: cidrs.map((c) => ({ ipBlock: typeof c === 'string' ? { cidr: c } : c })), ports: [{ port: 8080, protocol: 'TCP' }] });

describe('network.nodeport-reachable, externalTrafficPolicy Local', () => {
  it('pods that do not run on every node, without a health-checking balancer, with the message and fix', () => {
    expect(rows(nodePort('Local'))).toEqual([['network.nodeport-reachable', SERVICE, 'spec.externalTrafficPolicy', localMessage('Deployment/demo'), LOCAL_FIX]]);
    expect(rows(nodePort('Local', (o) => (get(o, 'Service').spec.selector = { app: 'none' })))[0]![3]).toBe(localMessage('no pods'));
  });

  it('a balancer annotated as health-checking passes; a blank annotation does not', () => {
    expect(rows(nodePort('Local', (o) => (get(o, 'Service').metadata.annotations = { [HEALTH_CHECKED_BY]: 'f5-vip-01' })))).toEqual([]);
    expect(rows(nodePort('Local', (o) => (get(o, 'Service').metadata.annotations = { [HEALTH_CHECKED_BY]: ' ' })))).toHaveLength(1);
  });

  it('a DaemonSet tolerating every taint passes; one tolerating a single taint, or without tolerations, does not', () => {
    const daemon = (tolerations?: unknown[]) =>
      nodePort('Local', (o) => {
        const deployment = get(o, 'Deployment');
        deployment.kind = 'DaemonSet';
        delete deployment.spec.replicas;
        if (tolerations) deployment.spec.template.spec.tolerations = tolerations;
      });
    expect(rows(daemon([{ operator: 'Exists' }]))).toEqual([]);
    expect(rows(daemon([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }]))[0]![3]).toBe(localMessage('DaemonSet/demo'));
    expect(rows(daemon([{ operator: 'Equal', value: 'x' }]))).toHaveLength(1);
    expect(rows(daemon()))
      .toHaveLength(1);
  });
});

describe('network.nodeport-reachable, externalTrafficPolicy Cluster', () => {
  it('the module\'s policy admits neither the hosts nor the pod network: an error per port, naming both and the container port', () => {
    expect(rows(nodePort('Cluster'))).toEqual([['network.nodeport-reachable', SERVICE, 'spec.ports[0]', clusterMessage(`${HOSTS} and ${PODS}`), `admit ingress from ${HOSTS} and ${PODS} on the service's target port`]]);
    expect(rows(nodePort())).toHaveLength(1);
    expect(checkNodePorts({ objects: nodePort('Cluster') }), 'without an environment the sources are unknown').toEqual([]);
  });

  it('an ingress rule admitting both networks on the port passes; one network only names the other', () => {
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks(HOSTS, PODS))))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks('10.0.0.0/8'))))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks(HOSTS))))[0]![3]).toBe(clusterMessage(PODS));
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks({ cidr: '10.0.0.0/8', except: ['10.10.0.128/25'] }), fromBlocks(PODS))))[0]![3]).toBe(clusterMessage(HOSTS));
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks({ cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] }))))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks('10.10.0.0/25', 'not-a-cidr', PODS))))[0]![3]).toBe(clusterMessage(HOSTS));
  });

  it('the port must match: another port is no admission, a rule without ports or a port entry without a number admits every port', () => {
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push({ ...fromBlocks(HOSTS, PODS), ports: [{ port: 9090 }] })))).toHaveLength(1);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push({ from: fromBlocks(HOSTS, PODS).from })))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push({ ...fromBlocks(HOSTS, PODS), ports: [{ protocol: 'TCP' }] })))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push({ ports: [{ port: 8080 }] })))).toEqual([]);
  });

  it('the target port: a number as given, a name resolved to its container port, an unknown name as written', () => {
    const target = (targetPort: unknown) => rows(nodePort('Cluster', (o) => (get(o, 'Service').spec.ports[0].targetPort = targetPort)))[0]![3];
    expect(target(9999)).toBe(clusterMessage(`${HOSTS} and ${PODS}`, '9999'));
    expect(target('http')).toBe(clusterMessage(`${HOSTS} and ${PODS}`, '8080'));
    expect(target('grpc')).toBe(clusterMessage(`${HOSTS} and ${PODS}`, 'grpc'));
    const noTarget = rows(nodePort('Cluster', (o) => delete get(o, 'Service').spec.ports[0].targetPort))[0]![3];
    expect(noTarget).toBe(clusterMessage(`${HOSTS} and ${PODS}`, '8080'));
  });

  it('pods no policy isolates for ingress, pods of another namespace, or a Service that is no NodePort are not checked', () => {
    expect(rows(nodePort('Cluster', (o) => Object.assign(policy(o), { policyTypes: ['Egress'], ingress: undefined })))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => Object.assign(policy(o), { policyTypes: ['Egress'] })))).toHaveLength(1);
    expect(rows(nodePort('Cluster', (o) => (policy(o).podSelector = { matchLabels: { app: 'other' } })))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => (get(o, 'Deployment').metadata.namespace = 'icv-other')))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => (get(o, 'Service').spec.selector = {})))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => (get(o, 'Service').spec.type = 'ClusterIP')))).toEqual([]);
  });
});

describe('network.nodeport-reachable: which objects it reads, and entries missing the fields it reads', () => {
  const withEnv = (network: Record<string, unknown>) => {
    const env = fixtureEnv();
    return { ...env, cluster: { ...env.cluster, network: { ...env.cluster.network, ...network } } } as any;
  };
  const second = (o: any[], change: (d: any) => void = () => {}) => {
    const copy = structuredClone(get(o, 'Deployment'));
    copy.metadata.name = 'demo2';
    change(copy);
    o.push(copy);
  };

  it('only NodePort Services are checked, and only NetworkPolicies isolate or admit', () => {
    const lookalike = { apiVersion: 'example.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: NAMESPACE }, spec: { type: 'NodePort', externalTrafficPolicy: 'Local' } };
    expect(rows([...moduleObjects(), lookalike])).toEqual([]);
    const admitsAll = { apiVersion: 'example.io/v1', kind: 'GlobalPolicy', metadata: { name: 'p', namespace: NAMESPACE }, spec: { podSelector: {}, ingress: [{}] } };
    expect(rows(nodePort('Cluster', (o) => o.push(admitsAll)))).toHaveLength(1);
    expect(rows([...moduleObjects(), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bare', namespace: NAMESPACE } }])).toEqual([]);
  });

  it('Local: pods of another namespace are no backends; every backend must be a DaemonSet tolerating every taint, and the message lists them all', () => {
    expect(rows(nodePort('Local', (o) => (get(o, 'Deployment').metadata.namespace = 'icv-other')))[0]![3]).toBe(localMessage('no pods'));
    const tolerating = nodePort('Local', (o) => (get(o, 'Deployment').spec.template.spec.tolerations = ['junk', { operator: 'Exists' }]));
    expect(rows(tolerating)[0]![3], 'a Deployment tolerating everything still does not run on every node').toBe(localMessage('Deployment/demo'));
    const mixed = nodePort('Local', (o) => {
      get(o, 'Deployment').spec.template.spec.tolerations = [{ operator: 'Exists' }];
      second(o, (d) => {
        d.kind = 'DaemonSet';
        delete d.spec.replicas;
      });
    });
    expect(rows(mixed)[0]![3]).toBe(localMessage('Deployment/demo, DaemonSet/demo2'));
    const daemons = nodePort('Local', (o) => {
      const d = get(o, 'Deployment');
      d.kind = 'DaemonSet';
      delete d.spec.replicas;
      d.spec.template.spec.tolerations = ['junk', { operator: 'Exists' }];
    });
    expect(rows(daemons)).toEqual([]);
  });

  it('Cluster: an error; a policy of another namespace or one without spec admits nothing; one admitting policy of several is enough', () => {
    expect(checkNodePorts({ objects: nodePort('Cluster'), env: fixtureEnv() }).map((f) => f.severity)).toEqual(['error']);
    const elsewhere = (o: any[]) => {
      const p = structuredClone(get(o, 'NetworkPolicy'));
      p.metadata.namespace = 'icv-other';
      p.spec.ingress = [{}];
      o.push(p, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'bare', namespace: NAMESPACE } });
    };
    expect(rows(nodePort('Cluster', elsewhere))).toHaveLength(1);
    const another = (o: any[]) => o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'nodes', namespace: NAMESPACE }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [fromBlocks(HOSTS, PODS)] } });
    expect(rows(nodePort('Cluster', another))).toEqual([]);
  });

  it('Cluster: policyTypes Ingress isolates without any ingress rule', () => {
    const objects = nodePort('Cluster', (o) => {
      policy(o).policyTypes = ['Ingress', 'Egress'];
      delete policy(o).ingress;
    });
    expect(rows(objects).map((r) => r[3])).toEqual([clusterMessage(`${HOSTS} and ${PODS}`)]);
  });

  it('Cluster: one port entry of a rule matching is enough; entries that are not objects are skipped, as are except entries that are not strings', () => {
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push({ ...fromBlocks(HOSTS, PODS), ports: ['junk', { port: 9090 }, { port: 8080 }] })))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push({ ...fromBlocks(HOSTS, PODS), from: ['junk', ...fromBlocks(HOSTS, PODS).from] })))).toEqual([]);
    expect(rows(nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks({ cidr: '10.0.0.0/8', except: [42] as any }))))).toEqual([]);
    const named = nodePort('Cluster', (o) => {
      const spec = get(o, 'Deployment').spec.template.spec;
      spec.containers[0].ports = ['junk', ...spec.containers[0].ports];
      spec.containers.unshift('junk');
      get(o, 'Service').spec.ports[0].targetPort = 'http';
    });
    expect(rows(named)[0]![3]).toBe(clusterMessage(`${HOSTS} and ${PODS}`, '8080'));
  });

  it('Cluster: a pod network that is missing or not a CIDR is not a source', () => {
    const admitsHosts = nodePort('Cluster', (o) => policy(o).ingress.push(fromBlocks(HOSTS)));
    expect(rows(admitsHosts, withEnv({ podCidr: 'not-a-cidr' }))).toEqual([]);
    expect(rows(admitsHosts, withEnv({ podCidr: undefined }))).toEqual([]);
  });

  it('objects without metadata are read without a crash', () => {
    const objects = nodePort('Cluster').map((o) => (['Service', 'Deployment', 'NetworkPolicy'].includes(o.kind) ? { ...o, metadata: undefined } : o));
    expect(rows(objects).map((r) => r[1])).toEqual(['Service/<unnamed>']);
    const local = objects.map((o) => (o.kind === 'Service' ? { ...o, spec: { ...o.spec, externalTrafficPolicy: 'Local' } } : o));
    expect(rows(local).map((r) => r[2])).toEqual(['spec.externalTrafficPolicy']);
  });
});
