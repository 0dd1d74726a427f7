import { describe, expect, it } from 'vitest';
import { checkNetwork, runChecks } from '../../infra/checks/index.js';
import { DEPLOYMENT, expectFinding, get, moduleObjects, NAMESPACE } from './fixtures.js';

const POLICY = `NetworkPolicy/${NAMESPACE}/demo`;
const SERVICE = `Service/${NAMESPACE}/demo`;
const INGRESS = `Ingress/${NAMESPACE}/demo`;

describe('network', () => {
  it('policy-coverage: pods no policy selects', () => {
    const objects = moduleObjects().filter((o) => o.kind !== 'NetworkPolicy');
    const finding = expectFinding(checkNetwork({ objects }), 'network.policy-coverage', DEPLOYMENT, 'spec.template.metadata.labels');
    expect(finding.message).toContain('Ingress and Egress');
  });

  it('policy-coverage: ingress-only isolation leaves egress open', () => {
    const objects = moduleObjects();
    get(objects, 'NetworkPolicy').spec.policyTypes = ['Ingress'];
    delete get(objects, 'NetworkPolicy').spec.egress;
    expect(expectFinding(checkNetwork({ objects }), 'network.policy-coverage', DEPLOYMENT, 'spec.template.metadata.labels').message).toContain('for Egress');
  });

  it('policy-coverage: a namespace-wide default-deny covers every pod', () => {
    const objects = moduleObjects().filter((o) => o.kind !== 'NetworkPolicy');
    objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: NAMESPACE }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    expect(checkNetwork({ objects })).toEqual([]);
  });

  it('policy-selects-pods: a selector matching nothing is an error; an empty one in an empty namespace a warning', () => {
    const objects = moduleObjects();
    get(objects, 'NetworkPolicy').spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': 'ghost' } };
    objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'icv-empty' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    const findings = checkNetwork({ objects });
    expect(expectFinding(findings, 'network.policy-selects-pods', POLICY, 'spec.podSelector').severity).toBe('error');
    expect(expectFinding(findings, 'network.policy-selects-pods', 'NetworkPolicy/icv-empty/default-deny', 'spec.podSelector').severity).toBe('warning');
  });

  it('service-selects-pods: a selector that matches no pod', () => {
    const objects = moduleObjects();
    get(objects, 'Service').spec.selector = { 'app.kubernetes.io/name': 'typo' };
    expectFinding(checkNetwork({ objects }), 'network.service-selects-pods', SERVICE, 'spec.selector');
  });

  it('service-target-port: a named targetPort no container port has', () => {
    const objects = moduleObjects();
    get(objects, 'Service').spec.ports[0].targetPort = 'grpc';
    expectFinding(checkNetwork({ objects }), 'network.service-target-port', SERVICE, 'spec.ports[0].targetPort');
  });

  it('service-endpoints: a selector-less Service needs an EndpointSlice with matching port names', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mysql', namespace: 'icv-stateful' }, spec: { ports: [{ name: 'tcp', port: 3306 }] } };
    expectFinding(checkNetwork({ objects: [service] }), 'network.service-endpoints', 'Service/icv-stateful/mysql', 'spec.selector');

    const slice = (portName: string) => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'mysql-vms', namespace: 'icv-stateful', labels: { 'kubernetes.io/service-name': 'mysql' } },
      addressType: 'IPv4',
      ports: [{ name: portName, port: 3306 }],
      endpoints: [{ addresses: ['192.168.16.201'] }],
    });
    expect(checkNetwork({ objects: [service, slice('tcp')] })).toEqual([]);
    expectFinding(checkNetwork({ objects: [service, slice('mysql')] }), 'network.service-endpoints', 'Service/icv-stateful/mysql', 'spec.ports[0].name');
  });

  it('ingress-backend: a missing Service and a port the Service does not expose', () => {
    const missing = moduleObjects();
    get(missing, 'Ingress').spec.rules[0].http.paths[0].backend.service.name = 'nope';
    expectFinding(checkNetwork({ objects: missing }), 'network.ingress-backend', INGRESS, 'spec.rules[0].http.paths[0].backend.service.name');

    const port = moduleObjects();
    get(port, 'Ingress').spec.rules[0].http.paths[0].backend.service.port = { number: 80 };
    expect(expectFinding(checkNetwork({ objects: port }), 'network.ingress-backend', INGRESS, 'spec.rules[0].http.paths[0].backend.service.port.number').message).toContain('http:8080');
  });

  it('egress-internet: an ipBlock beyond private ranges, or a rule with no destination', () => {
    const objects = moduleObjects();
    get(objects, 'NetworkPolicy').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }, { ports: [{ port: 443 }] }, { to: [{ ipBlock: { cidr: '192.168.16.201/32' } }] });
    const findings = checkNetwork({ objects }).filter((f) => f.rule === 'network.egress-internet');
    expectFinding(findings, 'network.egress-internet', POLICY, 'spec.egress[1].to[0].ipBlock.cidr');
    expectFinding(findings, 'network.egress-internet', POLICY, 'spec.egress[2].to');
    expect(findings).toHaveLength(2);
  });

  it('egress-internet: the exception declared on the selected workload covers its policy', () => {
    const objects = moduleObjects();
    get(objects, 'NetworkPolicy').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] });
    get(objects, 'Deployment').spec.template.metadata.annotations = { 'exceptions.icv.io/network.egress-internet': 'calls the SMS provider\'s public API' };
    const [finding] = runChecks({ objects });
    expect(finding).toMatchObject({ rule: 'network.egress-internet', object: POLICY, severity: 'exception', reason: 'calls the SMS provider\'s public API' });
  });
});
