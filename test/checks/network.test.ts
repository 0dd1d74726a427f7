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

describe('network: the edges of each rule', () => {
  const policy = (namespace: string, spec: Record<string, unknown>, name = 'extra') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
  const withoutPolicy = () => moduleObjects().filter((o) => o.kind !== 'NetworkPolicy');
  const coverage = (objects: any[]) => checkNetwork({ objects }).filter((f) => f.rule === 'network.policy-coverage');

  it('policy-coverage: without policyTypes a policy isolates Ingress, and Egress too once it has egress rules', () => {
    expect(coverage([...withoutPolicy(), policy(NAMESPACE, { podSelector: {} })]).map((f) => f.message)).toEqual([
      `no NetworkPolicy in namespace '${NAMESPACE}' isolates its pods for Egress: they accept or open any connection`,
    ]);
    expect(coverage([...withoutPolicy(), policy(NAMESPACE, { podSelector: {}, egress: [] })])).toEqual([]);
    const finding = expectFinding(coverage(withoutPolicy()), 'network.policy-coverage', DEPLOYMENT, 'spec.template.metadata.labels');
    expect(finding.fix).toBe('add a NetworkPolicy selecting these pods with policyTypes Ingress, Egress (a default-deny plus allow rules)');
    expect(finding.message).toBe(`no NetworkPolicy in namespace '${NAMESPACE}' isolates its pods for Ingress and Egress: they accept or open any connection`);
  });

  it('policy-coverage: a policy of another namespace, or one selecting other labels, covers nothing', () => {
    expect(coverage([...withoutPolicy(), policy('icv-other', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })])).toHaveLength(1);
    expect(coverage([...withoutPolicy(), policy(NAMESPACE, { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Ingress', 'Egress'] })])).toHaveLength(1);
  });

  it('policy-selects-pods: an empty-looking selector with match expressions is an error, not a warning', () => {
    const objects = [policy('icv-empty', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, policyTypes: ['Ingress'] })];
    const finding = expectFinding(checkNetwork({ objects }), 'network.policy-selects-pods', 'NetworkPolicy/icv-empty/extra', 'spec.podSelector');
    expect(finding).toMatchObject({ severity: 'error', message: "selects no pod in namespace 'icv-empty': it protects nothing" });
    const empty = expectFinding(checkNetwork({ objects: [policy('icv-empty', { podSelector: {}, policyTypes: ['Ingress'] })] }), 'network.policy-selects-pods', 'NetworkPolicy/icv-empty/extra', 'spec.podSelector');
    expect(empty).toMatchObject({ severity: 'warning', message: "selects every pod of namespace 'icv-empty', which runs none" });
  });

  it('egress-internet: every private range is not the internet, an IPv6 or malformed block is', () => {
    const egress = (cidr: string) => {
      const objects = moduleObjects();
      get(objects, 'NetworkPolicy').spec.egress = [{ to: [{ ipBlock: { cidr } }] }];
      return checkNetwork({ objects }).filter((f) => f.rule === 'network.egress-internet');
    };
    for (const cidr of ['10.1.0.0/16', '172.16.4.0/24', '192.168.16.0/24', '127.0.0.1/32', '169.254.169.254/32', '100.64.1.0/24']) expect(egress(cidr), cidr).toEqual([]);
    for (const cidr of ['172.32.0.0/16', '::/0', 'not-a-cidr', '8.8.8.8/32']) {
      const [finding] = egress(cidr);
      expect(finding, cidr).toMatchObject({ path: 'spec.egress[0].to[0].ipBlock.cidr', message: `allows egress to '${cidr}', which includes the internet`, severity: 'error' });
    }
    expect(egress('8.8.8.8/32')[0]!.fix).toContain('network-egress-internet');
  });

  it('egress-internet: an ingress-only policy is not checked, and the exception counts only when every selected workload declares it', () => {
    const objects = moduleObjects();
    get(objects, 'NetworkPolicy').spec.policyTypes = ['Ingress'];
    get(objects, 'NetworkPolicy').spec.egress = [{}];
    expect(checkNetwork({ objects }).filter((f) => f.rule === 'network.egress-internet')).toEqual([]);

    const two = [...moduleObjects(), ...moduleObjects({ name: 'other' })];
    const shared = policy(NAMESPACE, { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'icv-platform' } }, policyTypes: ['Egress'], egress: [{}] }, 'shared');
    const annotate = (name: string) => (get(two, 'Deployment', name).spec.template.metadata.annotations = { 'exceptions.icv.io/network.egress-internet': 'needs it' });
    annotate('demo');
    const reasonOf = () => checkNetwork({ objects: [...two, shared] }).find((f) => f.rule === 'network.egress-internet' && f.object === `NetworkPolicy/${NAMESPACE}/shared`)!;
    expect(reasonOf().reason).toBeUndefined();
    expect(reasonOf().path).toBe('spec.egress[0].to');
    annotate('other');
    expect(reasonOf().reason).toBe('needs it');
    expect(checkNetwork({ objects: [policy('icv-empty', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })] }).find((f) => f.rule === 'network.egress-internet')!.reason).toBeUndefined();
  });

  it('service-selects-pods: an ExternalName Service is not checked; the message quotes the selector; pods of another namespace do not count', () => {
    const objects = moduleObjects();
    const service = get(objects, 'Service');
    service.spec = { type: 'ExternalName', externalName: 'db.example.cn', selector: { app: 'nothing' }, ports: [{ port: 8080, targetPort: 'none' }] };
    expect(checkNetwork({ objects }).filter((f) => f.rule.startsWith('network.service-'))).toEqual([]);
    const moved = moduleObjects();
    get(moved, 'Service').metadata.namespace = 'icv-other';
    const finding = expectFinding(checkNetwork({ objects: moved }), 'network.service-selects-pods', 'Service/icv-other/demo', 'spec.selector');
    expect(finding.message).toBe(`selector ${JSON.stringify(get(moved, 'Service').spec.selector)} matches no pod in namespace 'icv-other'`);
  });

  it('service-selects-pods: a StatefulSet pod is selected by its pod-name label, one ordinal per replica', () => {
    const set = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'icv-x' }, spec: { replicas: 2, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } } };
    const service = (pod: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: pod, namespace: 'icv-x' }, spec: { selector: { 'statefulset.kubernetes.io/pod-name': pod }, ports: [{ port: 1 }] } });
    const findings = (pod: string, replicas?: number) => {
      const owner = structuredClone(set) as any;
      if (replicas === undefined) delete owner.spec.replicas;
      else owner.spec.replicas = replicas;
      return checkNetwork({ objects: [owner, service(pod)] }).filter((f) => f.rule === 'network.service-selects-pods');
    };
    expect(findings('db-1', 2)).toEqual([]);
    expect(findings('db-2', 2)).toHaveLength(1);
    expect(findings('db-0')).toEqual([]);
    expect(findings('db-1')).toHaveLength(1);
  });

  it('service-target-port: a numeric targetPort is not checked; the message names the pods without the port', () => {
    const numeric = moduleObjects();
    get(numeric, 'Service').spec.ports[0].targetPort = 9999;
    expect(checkNetwork({ objects: numeric })).toEqual([]);
    const named = moduleObjects();
    get(named, 'Service').spec.ports[0].targetPort = 'grpc';
    const finding = expectFinding(checkNetwork({ objects: named }), 'network.service-target-port', SERVICE, 'spec.ports[0].targetPort');
    expect(finding.message).toBe("targetPort 'grpc' names no container port of Deployment/demo");
    expect(finding.fix).toBe('name the container port the same as targetPort');
  });

  it('service-endpoints: Endpoints count like an EndpointSlice, by name and namespace, and an unnamed port needs an unnamed endpoint port', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mysql', namespace: 'icv-stateful' }, spec: { ports: [{ name: 'tcp', port: 3306 }] } };
    const endpoints = (name: string, namespace: string, portName?: string) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets: [{ addresses: [{ ip: '192.168.16.201' }], ports: [{ ...(portName ? { name: portName } : {}), port: 3306 }] }] });
    const findings = (...objects: any[]) => checkNetwork({ objects }).filter((f) => f.rule === 'network.service-endpoints');
    expect(findings(service, endpoints('mysql', 'icv-stateful', 'tcp'))).toEqual([]);
    expect(findings(service, endpoints('mysql', 'icv-other', 'tcp')).map((f) => f.path)).toEqual(['spec.selector']);
    expect(findings(service, endpoints('other', 'icv-stateful', 'tcp')).map((f) => f.path)).toEqual(['spec.selector']);
    const [wrong] = findings(service, endpoints('mysql', 'icv-stateful', 'db'));
    expect(wrong).toMatchObject({ path: 'spec.ports[0].name', message: "port 'tcp' has no endpoint port of the same name: kube-proxy would not route it" });
    const unnamed = { ...service, spec: { ports: [{ port: 3306 }] } };
    expect(findings(unnamed, endpoints('mysql', 'icv-stateful'))).toEqual([]);
    expect(findings(unnamed, endpoints('mysql', 'icv-stateful', 'tcp'))[0]!.message).toContain("port ''");
    const slice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', namespace: 'icv-other', labels: { 'kubernetes.io/service-name': 'mysql' } }, ports: [{ name: 'tcp', port: 3306 }] };
    expect(findings(service, slice)[0]!.fix).toBe('add an EndpointSlice labelled kubernetes.io/service-name: mysql, or a selector');
  });

  it('ingress-backend: the default backend, a port by name, and a Service that exposes none', () => {
    const objects = moduleObjects();
    const ingress = get(objects, 'Ingress');
    ingress.spec.defaultBackend = { service: { name: 'demo', port: { name: 'metrics' } } };
    const finding = expectFinding(checkNetwork({ objects }), 'network.ingress-backend', INGRESS, 'spec.defaultBackend.service.port.name');
    expect(finding.message).toBe("Service 'demo' exposes no port metrics (it exposes http:8080)");
    ingress.spec.defaultBackend.service.port = { name: 'http' };
    expect(checkNetwork({ objects })).toEqual([]);
    get(objects, 'Service').spec.ports = [];
    expect(checkNetwork({ objects }).filter((f) => f.rule === 'network.ingress-backend').map((f) => f.message)).toContain("Service 'demo' exposes no port http (it exposes none)");
    const elsewhere = moduleObjects();
    get(elsewhere, 'Service').metadata.namespace = 'icv-other';
    const missing = expectFinding(checkNetwork({ objects: elsewhere }), 'network.ingress-backend', INGRESS, 'spec.rules[0].http.paths[0].backend.service.name');
    expect(missing.message).toBe(`routes to Service 'demo', which does not exist in namespace '${NAMESPACE}'`);
  });
});

describe('network: which objects each rule reads, and entries missing the fields it reads', () => {
  const rules = (objects: any[], rule: string) => checkNetwork({ objects }).filter((f) => f.rule === rule);
  const pod = (objects: any[]) => get(objects, 'Deployment').spec.template.spec;

  it('policy-coverage: a CronJob without a policy is reported at its job template\'s pod labels', () => {
    const objects = moduleObjects().filter((o) => o.kind !== 'NetworkPolicy');
    const deployment = get(objects, 'Deployment');
    const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: NAMESPACE }, spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: deployment.spec.template } } } };
    expect(rules([cronJob], 'network.policy-coverage').map((f) => [f.object, f.path])).toEqual([[`CronJob/${NAMESPACE}/nightly`, 'spec.jobTemplate.spec.template.metadata.labels']]);
  });

  it('policy-coverage: policyTypes entries that are not strings are dropped, leaving the default', () => {
    const objects = moduleObjects();
    get(objects, 'NetworkPolicy').spec.policyTypes = [42];
    expect(get(objects, 'NetworkPolicy').spec.egress).toBeDefined();
    expect(rules(objects, 'network.policy-coverage')).toEqual([]);
  });

  it('policy-selects-pods: a NetworkPolicy without spec selects nothing: an error, not a crash', () => {
    const bare = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'bare', namespace: NAMESPACE } };
    expect(rules([...moduleObjects(), bare], 'network.policy-selects-pods').map((f) => [f.object, f.severity, f.message])).toEqual([
      [`NetworkPolicy/${NAMESPACE}/bare`, 'error', `selects no pod in namespace '${NAMESPACE}': it protects nothing`],
    ]);
  });

  it('egress-internet: a rule without destinations names any destination; entries that are not objects', () => {
    const objects = moduleObjects();
    get(objects, 'NetworkPolicy').spec.egress = ['junk', { to: ['junk', { ipBlock: { cidr: '10.0.0.0/8' } }] }];
    expect(rules(objects, 'network.egress-internet').map((f) => [f.path, f.message])).toEqual([['spec.egress[0].to', 'allows egress to any destination, the internet included']]);
  });

  it('service-target-port: one container or one port of it naming the targetPort is enough; the message lists every pod without it', () => {
    const objects = moduleObjects();
    const target = get(objects, 'Service').spec.ports[0].targetPort;
    expect(typeof target).toBe('string');
    const main = pod(objects).containers[0];
    main.ports = ['junk', { name: 'metrics', containerPort: 9090 }, ...main.ports];
    // The sidecar has a port too, of another name: a container with ports none of which is named so does not count.
    pod(objects).containers.push({ name: 'sidecar', image: main.image, ports: [{ name: 'admin', containerPort: 9901 }] });
    expect(rules(objects, 'network.service-target-port')).toEqual([]);
    const two = moduleObjects();
    get(two, 'Service').spec.ports[0].targetPort = 'grpc';
    two.push({ ...structuredClone(get(two, 'Deployment')), metadata: { ...get(two, 'Deployment').metadata, name: 'demo2' } });
    expect(rules(two, 'network.service-target-port').map((f) => f.message)).toEqual(["targetPort 'grpc' names no container port of Deployment/demo, Deployment/demo2"]);
  });

  it('service-selects-pods: only a StatefulSet\'s pods carry the pod-name label', () => {
    const objects = moduleObjects();
    get(objects, 'Service').spec.selector = { 'statefulset.kubernetes.io/pod-name': 'demo-0' };
    expect(rules(objects, 'network.service-selects-pods').map((f) => f.object)).toEqual([SERVICE]);
  });

  it('service-endpoints: only EndpointSlices labelled with the Service\'s name count; unnamed and non-object ports', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mysql', namespace: 'icv-stateful' }, spec: { ports: [{ port: 3306 }] } };
    const slice = (kind: string, serviceName: string, ports: unknown[]) => ({ apiVersion: 'discovery.k8s.io/v1', kind, metadata: { name: 's', namespace: 'icv-stateful', labels: { 'kubernetes.io/service-name': serviceName } }, ports });
    const paths = (...objects: any[]) => rules(objects, 'network.service-endpoints').map((f) => f.path);
    expect(paths(service, slice('EndpointSlice', 'mysql', ['junk', { port: 3306 }]))).toEqual([]);
    expect(paths(service, slice('ConfigMap', 'mysql', [{ port: 3306 }]))).toEqual(['spec.selector']);
    expect(paths(service, slice('EndpointSlice', 'other', [{ port: 3306 }]))).toEqual(['spec.selector']);
    const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'mysql', namespace: 'icv-stateful' }, subsets: ['junk', { ports: ['junk', { port: 3306 }] }] };
    expect(paths(service, endpoints)).toEqual([]);
  });

  it('ingress-backend: only Ingresses are read; rules, paths and backends that are not objects or name no Service are skipped', () => {
    const objects = moduleObjects();
    const lookalike = { apiVersion: 'example.io/v1', kind: 'IngressRoute', metadata: { name: 'r', namespace: NAMESPACE }, spec: { defaultBackend: { service: { name: 'ghost', port: { number: 1 } } }, rules: [{ http: { paths: [{ backend: { service: { name: 'ghost' } } }] } }] } };
    expect(rules([...objects, lookalike], 'network.ingress-backend')).toEqual([]);
    const ingress = get(objects, 'Ingress');
    ingress.spec.rules.unshift('junk', { host: 'x.example.cn' }, { http: { paths: ['junk', { path: '/' }, { path: '/r', backend: { resource: { kind: 'Bucket', name: 'b' } } }] } });
    expect(rules(objects, 'network.ingress-backend')).toEqual([]);
  });

  it('ingress-backend: a port by number or by name that the Service exposes passes; the message lists every port, unnamed ones by number', () => {
    const objects = moduleObjects();
    const service = get(objects, 'Service');
    service.spec.ports = [{ name: 'http', port: 8080, targetPort: service.spec.ports[0].targetPort }, { port: 9090 }];
    const ingress = get(objects, 'Ingress');
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    backend.port = { number: 8080 };
    expect(rules(objects, 'network.ingress-backend')).toEqual([]);
    backend.port = { name: 'http' };
    expect(rules(objects, 'network.ingress-backend')).toEqual([]);
    backend.port = { number: 81 };
    expect(rules(objects, 'network.ingress-backend').map((f) => f.message)).toEqual(["Service 'demo' exposes no port 81 (it exposes http:8080, :9090)"]);
  });

  it('an Ingress routing to a Service without spec finds no port on it', () => {
    const objects = moduleObjects();
    const service = get(objects, 'Service');
    delete service.spec;
    expect(rules(objects, 'network.ingress-backend').map((f) => f.message)).toEqual([expect.stringMatching(/^Service 'demo' exposes no port .* \(it exposes none\)$/)]);
  });

  it('objects without metadata are read without a crash', () => {
    const template = structuredClone(get(moduleObjects(), 'Deployment').spec.template);
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deployment', spec: { selector: { matchLabels: template.metadata.labels }, template } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { selector: { matchLabels: template.metadata.labels }, template } },
      { apiVersion: 'v1', kind: 'Service', spec: { selector: template.metadata.labels, ports: [{ port: 1, targetPort: 'grpc' }] } },
      { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 1 }] } },
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ports: [] },
      { apiVersion: 'v1', kind: 'Endpoints', subsets: [] },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', spec: { defaultBackend: { service: { name: 'demo', port: { number: 1 } } } } },
    ];
    expect(() => checkNetwork({ objects: objects as any[] })).not.toThrow();
    expect(new Set(checkNetwork({ objects: objects as any[] }).map((f) => f.rule))).toEqual(new Set(['network.policy-coverage', 'network.service-target-port', 'network.service-endpoints', 'network.ingress-backend']));
  });
});
