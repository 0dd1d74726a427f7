import { beforeAll, describe, expect, it } from 'vitest';
import { loadInputs } from '../../infra/cli/inputs.js';
import type { KubeObject } from '../../infra/model/types.js';
import type { ModuleSpec } from '../../infra/schema/module.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { declarationOf } from '../support/inputs.js';

/**
 * Every safe default the constructs promise (infra/synth/workloads/**, the README's "Adding or changing a module"),
 * one `it` per default, asserted on every object the real synthesis makes. Each rule is written here once, with
 * its expected values as literals: nothing is re-derived from the product's helpers, so a default changed in the
 * constructs fails the test that names it, with or without snapshots (see README.md beside this file).
 *
 * Three platforms: test and prod as declared, and `stretched`, prod with what the real environments do not
 * exercise (a replica floor of 5, above every module's declared count; Redis as an in-cluster StatefulSet; a module
 * in the canary stage of its cutover), so that the floor, the StatefulSet and the canary Ingress are walked too.
 */

interface Expected {
  /** The environment's Harbor: every image comes from it. */
  readonly registry: string;
  readonly domain: string;
  readonly hostCidr: string;
  readonly replicaFloor: number;
}
const EXPECTED: Readonly<Record<string, Expected>> = {
  test: { registry: 'harbor.test.icv.example.cn', domain: 'test.icv.example.cn', hostCidr: '192.168.17.0/24', replicaFloor: 1 },
  prod: { registry: 'harbor.icv.example.cn', domain: 'icv.example.cn', hostCidr: '192.168.16.0/24', replicaFloor: 2 },
  stretched: { registry: 'harbor.icv.example.cn', domain: 'icv.example.cn', hostCidr: '192.168.16.0/24', replicaFloor: 5 },
};
const POD_CIDR = '10.233.64.0/18';
const UID = 10001;
const HOSTNAME = 'kubernetes.io/hostname';
const NS_LABEL = 'kubernetes.io/metadata.name';
const INGRESS_CONTROLLER_NS = 'kubesphere-controls-system';
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const DNS_EGRESS = {
  to: [
    { namespaceSelector: { matchLabels: { [NS_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
    { ipBlock: { cidr: '169.254.25.10/32' } },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};
const RESTRICTED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const CANARY_MODULE = 'vehicle-console-web';

interface Platform {
  readonly name: string;
  readonly expected: Expected;
  readonly catalog: readonly ModuleSpec[];
  readonly objects: any[];
}
let platforms: Platform[] = [];

beforeAll(() => {
  const stretched = declarationOf('prod');
  stretched.sizing.replicaFloor = 5;
  stretched.statefulServices.redis = { ...stretched.statefulServices.redis, mode: 'cluster', cluster: { replicas: 2 } };
  stretched.cutover = { [CANARY_MODULE]: { stage: 'canary', weight: 10, legacy: { addresses: ['192.168.16.51', '192.168.16.52'], port: 8080 } } };
  const inputs = [...loadInputs(['test', 'prod']), ...loadInputs(['prod'], { declarations: { prod: stretched } })];
  platforms = inputs.map(({ env, catalog }, i) => {
    const name = i === 2 ? 'stretched' : env.name;
    return { name, expected: EXPECTED[name]!, catalog, objects: buildPlatform(env, catalog).units.flatMap((u) => u.objects) };
  });
});

const ref = (p: Platform, o: KubeObject) => `${p.name}: ${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const ofKind = (p: Platform, ...kinds: string[]) => p.objects.filter((o) => kinds.includes(o.kind));
const workloads = (p: Platform) => ofKind(p, 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob');
const containersOf = (w: any): any[] => [...(w.spec.template.spec.initContainers ?? []), ...w.spec.template.spec.containers];
const moduleOf = (p: Platform, w: any) => p.catalog.find((m) => m.name === w.metadata.name && `icv-${m.domain}` === w.metadata.namespace);
const excepts = (w: any, rule: string) => typeof w.metadata.annotations?.[`exceptions.icv.io/${rule}`] === 'string';
const selects = (selector: any, labels: Record<string, string>) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);

/**
 * Runs `check` on every item `from` yields in every platform; `check` returns what is wrong (or nothing). Fails with
 * the list of offenders, and also when nothing was checked (a rule that walks no object guards nothing).
 */
function everywhere<T>(from: (p: Platform) => T[], check: (item: T, p: Platform) => string | string[] | undefined, name: (item: T, p: Platform) => string): void {
  const problems: string[] = [];
  let checked = 0;
  for (const p of platforms) {
    for (const item of from(p)) {
      checked++;
      const found = check(item, p);
      for (const problem of found === undefined ? [] : Array.isArray(found) ? found : [found]) problems.push(`${name(item, p)}: ${problem}`);
    }
  }
  expect(checked, 'objects checked').toBeGreaterThan(0);
  expect(problems).toEqual([]);
}
const eachWorkload = (check: (w: any, p: Platform) => string | string[] | undefined) => everywhere(workloads, check, (w, p) => ref(p, w));
const eachContainer = (check: (c: any, w: any, p: Platform) => string | string[] | undefined) =>
  everywhere(
    (p) => workloads(p).flatMap((w) => containersOf(w).map((c) => ({ c, w }))),
    ({ c, w }, p) => check(c, w, p),
    ({ c, w }, p) => `${ref(p, w)} container ${c.name}`,
  );
const unless = (ok: boolean, problem: string) => (ok ? undefined : problem);
/** JSON with sorted keys: objects compare by content, whatever order the constructs wrote their keys in. */
const show = (v: unknown): string =>
  JSON.stringify(v, (_key, value) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value));

it('synthesizes the three platforms, with a StatefulSet and a canary Ingress in the stretched one', () => {
  expect(platforms.map((p) => p.name)).toEqual(['test', 'prod', 'stretched']);
  for (const p of platforms) expect(ofKind(p, 'Deployment').length, p.name).toBeGreaterThanOrEqual(60);
  const stretched = platforms[2]!;
  expect(ofKind(stretched, 'StatefulSet').map((o) => o.metadata.name)).toEqual(['redis']);
  expect(ofKind(stretched, 'Ingress').map((o) => o.metadata.name)).toContain(`${CANARY_MODULE}-canary`);
});

describe('pod security context (restricted profile)', () => {
  it('every pod sets runAsNonRoot: true', () => {
    eachWorkload((w) => unless(w.spec.template.spec.securityContext?.runAsNonRoot === true, `runAsNonRoot ${show(w.spec.template.spec.securityContext?.runAsNonRoot)}`));
  });

  it(`every pod runs as user and group ${UID}`, () => {
    eachWorkload((w) => {
      const { runAsUser, runAsGroup } = w.spec.template.spec.securityContext ?? {};
      return unless(runAsUser === UID && runAsGroup === UID, `runAsUser ${show(runAsUser)}, runAsGroup ${show(runAsGroup)}`);
    });
  });

  it(`every pod sets fsGroup ${UID}, so mounted volumes are writable by the pod's group`, () => {
    eachWorkload((w) => unless(w.spec.template.spec.securityContext?.fsGroup === UID, `fsGroup ${show(w.spec.template.spec.securityContext?.fsGroup)}`));
  });

  it('every pod sets seccompProfile RuntimeDefault', () => {
    eachWorkload((w) => unless(w.spec.template.spec.securityContext?.seccompProfile?.type === 'RuntimeDefault', `seccompProfile ${show(w.spec.template.spec.securityContext?.seccompProfile)}`));
  });

  it('no pod or container sets seLinuxOptions (no SELinux user, role, type or level)', () => {
    eachContainer((c, w) => {
      const problems: string[] = [];
      if (w.spec.template.spec.securityContext?.seLinuxOptions !== undefined) problems.push(`pod seLinuxOptions ${show(w.spec.template.spec.securityContext.seLinuxOptions)}`);
      if (c.securityContext?.seLinuxOptions !== undefined) problems.push(`seLinuxOptions ${show(c.securityContext.seLinuxOptions)}`);
      return problems;
    });
  });

  it('no pod shares the host network, PID or IPC namespace, nor binds a host port', () => {
    eachContainer((c, w) => {
      const pod = w.spec.template.spec;
      const problems = ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => pod[f] !== undefined && pod[f] !== false).map((f) => `${f} ${show(pod[f])}`);
      for (const port of c.ports ?? []) if (port.hostPort !== undefined) problems.push(`hostPort ${port.hostPort}`);
      return problems;
    });
  });

  it('every pod mounts only the volume types the restricted profile allows', () => {
    eachWorkload((w) =>
      (w.spec.template.spec.volumes ?? [])
        .map((v: any) => Object.keys(v).filter((k) => k !== 'name'))
        .flat()
        .filter((source: string) => !RESTRICTED_VOLUME_SOURCES.includes(source))
        .map((source: string) => `volume source ${source}`),
    );
  });
});

describe('container security context (restricted profile)', () => {
  it('every container sets allowPrivilegeEscalation: false', () => {
    eachContainer((c) => unless(c.securityContext?.allowPrivilegeEscalation === false, `allowPrivilegeEscalation ${show(c.securityContext?.allowPrivilegeEscalation)}`));
  });

  it('every container sets privileged: false', () => {
    eachContainer((c) => unless(c.securityContext?.privileged === false, `privileged ${show(c.securityContext?.privileged)}`));
  });

  it('every container drops ALL capabilities and adds none', () => {
    eachContainer((c) => unless(show(c.securityContext?.capabilities) === show({ drop: ['ALL'] }), `capabilities ${show(c.securityContext?.capabilities)}`));
  });

  it('every container has a read-only root filesystem unless its workload declares the exception with a reason', () => {
    eachContainer((c, w) => {
      const expected = !excepts(w, 'pss-restricted.read-only-root-filesystem');
      return unless(c.securityContext?.readOnlyRootFilesystem === expected, `readOnlyRootFilesystem ${show(c.securityContext?.readOnlyRootFilesystem)}, expected ${expected}`);
    });
  });

  it(`every container runs as non-root user and group ${UID} itself, not only through the pod`, () => {
    eachContainer((c) => {
      const { runAsNonRoot, runAsUser, runAsGroup } = c.securityContext ?? {};
      return unless(runAsNonRoot === true && runAsUser === UID && runAsGroup === UID, `runAsNonRoot ${show(runAsNonRoot)}, runAsUser ${show(runAsUser)}, runAsGroup ${show(runAsGroup)}`);
    });
  });

  it('every container sets seccompProfile RuntimeDefault', () => {
    eachContainer((c) => unless(c.securityContext?.seccompProfile?.type === 'RuntimeDefault', `seccompProfile ${show(c.securityContext?.seccompProfile)}`));
  });
});

describe('probes', () => {
  it('every container has a readiness and a liveness probe, with different checks', () => {
    eachContainer((c) => {
      if (!c.readinessProbe || !c.livenessProbe) return `readinessProbe ${show(c.readinessProbe)}, livenessProbe ${show(c.livenessProbe)}`;
      const handler = (probe: any) => show([probe.httpGet, probe.tcpSocket, probe.exec, probe.grpc]);
      return unless(handler(c.readinessProbe) !== handler(c.livenessProbe), `readiness and liveness both ${handler(c.readinessProbe)}`);
    });
  });

  it('no liveness probe calls another host', () => {
    eachContainer((c) => unless(c.livenessProbe?.httpGet?.host === undefined && c.livenessProbe?.tcpSocket?.host === undefined, `livenessProbe ${show(c.livenessProbe)}`));
  });

  it("a module's probes ask its declared health paths on the serving (or management) port, with the promised timings and a startup probe", () => {
    everywhere(
      (p) => ofKind(p, 'Deployment'),
      (w, p) => {
        const module = moduleOf(p, w);
        if (!module) return 'is no module of the catalog';
        const c = w.spec.template.spec.containers[0];
        const port = module.port.protocol === 'http' ? 'http' : 'management';
        const expected = {
          readinessProbe: { httpGet: { path: module.health.readiness, port }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
          livenessProbe: { httpGet: { path: module.health.liveness, port }, initialDelaySeconds: 20, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 },
          startupProbe: { httpGet: { path: module.health.liveness, port }, periodSeconds: 5, failureThreshold: 36 },
        };
        const actual = { readinessProbe: c.readinessProbe, livenessProbe: c.livenessProbe, startupProbe: c.startupProbe };
        return unless(show(actual) === show(expected), `probes ${show(actual)}`);
      },
      (w, p) => ref(p, w),
    );
  });
});

/** CPU in millicores, memory in MiB: enough of the quantity syntax for what the constructs write. */
function quantity(value: unknown, kind: 'cpu' | 'memory'): number {
  const text = String(value);
  const match = /^(\d+(?:\.\d+)?)(m|Mi|Gi)?$/.exec(text);
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  if (kind === 'cpu') return match[2] === 'm' ? n : match[2] === undefined ? n * 1000 : Number.NaN;
  return match[2] === 'Mi' ? n : match[2] === 'Gi' ? n * 1024 : Number.NaN;
}

describe('resources', () => {
  it('every container requests and limits CPU and memory, each limit at least its request', () => {
    eachContainer((c) =>
      (['cpu', 'memory'] as const).flatMap((r) => {
        const request = quantity(c.resources?.requests?.[r], r);
        const limit = quantity(c.resources?.limits?.[r], r);
        return Number.isNaN(request) || Number.isNaN(limit) || limit < request ? [`${r} request ${show(c.resources?.requests?.[r])}, limit ${show(c.resources?.limits?.[r])}`] : [];
      }),
    );
  });

  it("a module's container gets exactly the requests and limits its catalog entry declares", () => {
    everywhere(
      (p) => ofKind(p, 'Deployment'),
      (w, p) => {
        const module = moduleOf(p, w);
        const resources = w.spec.template.spec.containers[0].resources;
        return unless(module !== undefined && show(resources) === show(module.resources), `resources ${show(resources)}, declared ${show(module?.resources)}`);
      },
      (w, p) => ref(p, w),
    );
  });
});

describe('replicas, disruption budgets and updates', () => {
  it("every module runs at least the environment's replica floor, exactly max(declared, floor), also when the floor exceeds the declaration", () => {
    const stretched = platforms.find((p) => p.name === 'stretched')!;
    // The floor is only tested where it matters: modules that declare fewer replicas than it.
    const below = stretched.catalog.filter((m) => ('replicas' in m.scaling ? m.scaling.replicas : m.scaling.min) < 5);
    expect(below.length, 'modules declaring fewer than 5 replicas').toBeGreaterThan(30);
    everywhere(
      (p) => ofKind(p, 'Deployment'),
      (w, p) => {
        const module = moduleOf(p, w);
        if (!module) return 'is no module of the catalog';
        const hpa = p.objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.namespace === w.metadata.namespace && o.metadata.name === w.metadata.name);
        const declared = 'replicas' in module.scaling ? module.scaling.replicas : module.scaling.min;
        const floor = module.exceptions.some((e) => e.rule === 'min-replicas') ? 1 : p.expected.replicaFloor;
        const expected = declared > floor ? declared : floor;
        const actual = 'replicas' in module.scaling ? w.spec.replicas : hpa?.spec.minReplicas;
        return unless(actual === expected, `runs ${show(actual)} replica(s) at rest, expected ${expected} (declared ${declared}, floor ${floor})`);
      },
      (w, p) => ref(p, w),
    );
  });

  it('an autoscaled module has its HPA on the Deployment, which then sets no replicas, and a maximum at least its minimum', () => {
    everywhere(
      (p) => ofKind(p, 'HorizontalPodAutoscaler'),
      (hpa, p) => {
        const target = p.objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === hpa.metadata.namespace && o.metadata.name === hpa.spec.scaleTargetRef.name);
        const problems: string[] = [];
        if (!target || hpa.spec.scaleTargetRef.kind !== 'Deployment') problems.push(`targets ${show(hpa.spec.scaleTargetRef)}, no Deployment`);
        else if (target.spec.replicas !== undefined) problems.push(`its Deployment also sets replicas ${target.spec.replicas}`);
        if (!(hpa.spec.maxReplicas >= hpa.spec.minReplicas)) problems.push(`maxReplicas ${hpa.spec.maxReplicas} < minReplicas ${hpa.spec.minReplicas}`);
        return problems;
      },
      (hpa, p) => ref(p, hpa),
    );
  });

  it('every Deployment and StatefulSet has exactly one PodDisruptionBudget, on its own selector, with maxUnavailable 1', () => {
    eachWorkload((w, p) => {
      const budgets = ofKind(p, 'PodDisruptionBudget').filter((b) => b.metadata.namespace === w.metadata.namespace && selects(b.spec.selector, w.spec.template.metadata.labels));
      if (budgets.length !== 1) return `${budgets.length} budgets select its pods`;
      const spec = budgets[0].spec;
      return unless(show(spec) === show({ maxUnavailable: 1, selector: w.spec.selector }), `budget ${show(spec)}`);
    });
  });

  it('every PodDisruptionBudget (Harbor\'s included) allows one eviction at a time: maxUnavailable 1, no minAvailable', () => {
    everywhere(
      (p) => ofKind(p, 'PodDisruptionBudget'),
      (b) => unless(b.spec.maxUnavailable === 1 && b.spec.minAvailable === undefined, `maxUnavailable ${show(b.spec.maxUnavailable)}, minAvailable ${show(b.spec.minAvailable)}`),
      (b, p) => ref(p, b),
    );
  });

  it('every Deployment rolls out with maxUnavailable 0 and maxSurge 25%, keeping 5 revisions', () => {
    everywhere(
      (p) => ofKind(p, 'Deployment'),
      (w) => {
        const expected = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
        return unless(show(w.spec.strategy) === show(expected) && w.spec.revisionHistoryLimit === 5, `strategy ${show(w.spec.strategy)}, revisionHistoryLimit ${show(w.spec.revisionHistoryLimit)}`);
      },
      (w, p) => ref(p, w),
    );
  });

  it('every StatefulSet updates rolling, one ordered pod at a time', () => {
    everywhere(
      (p) => ofKind(p, 'StatefulSet'),
      (s) => unless(show(s.spec.updateStrategy) === show({ type: 'RollingUpdate' }) && s.spec.podManagementPolicy === 'OrderedReady', `updateStrategy ${show(s.spec.updateStrategy)}, podManagementPolicy ${show(s.spec.podManagementPolicy)}`),
      (s, p) => ref(p, s),
    );
  });
});

describe('spreading across nodes', () => {
  it('every Deployment spreads its pods across hosts with maxSkew 1 and ScheduleAnyway (a worker down never blocks a rollout)', () => {
    everywhere(
      (p) => ofKind(p, 'Deployment').filter((w) => !excepts(w, 'reliability.spread')),
      (w) => {
        const expected = [{ maxSkew: 1, topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: w.spec.selector.matchLabels } }];
        return unless(show(w.spec.template.spec.topologySpreadConstraints) === show(expected), `topologySpreadConstraints ${show(w.spec.template.spec.topologySpreadConstraints)}`);
      },
      (w, p) => ref(p, w),
    );
  });

  it('every Deployment prefers hosts without another of its pods (anti-affinity, weight 100, its own selector)', () => {
    everywhere(
      (p) => ofKind(p, 'Deployment').filter((w) => !excepts(w, 'reliability.spread')),
      (w) => {
        const expected = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: HOSTNAME, labelSelector: { matchLabels: w.spec.selector.matchLabels } } }] } };
        return unless(show(w.spec.template.spec.affinity) === show(expected), `affinity ${show(w.spec.template.spec.affinity)}`);
      },
      (w, p) => ref(p, w),
    );
  });

  it('every StatefulSet requires one pod per host (required anti-affinity on its own selector)', () => {
    everywhere(
      (p) => ofKind(p, 'StatefulSet'),
      (s) => {
        const expected = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME, labelSelector: { matchLabels: s.spec.selector.matchLabels } }] } };
        return unless(show(s.spec.template.spec.affinity) === show(expected), `affinity ${show(s.spec.template.spec.affinity)}`);
      },
      (s, p) => ref(p, s),
    );
  });
});

describe('shutdown', () => {
  it('every Deployment gives its pods 45 s after SIGTERM, every StatefulSet 60 s', () => {
    eachWorkload((w) => {
      const expected = w.kind === 'StatefulSet' ? 60 : 45;
      return unless(w.spec.template.spec.terminationGracePeriodSeconds === expected, `terminationGracePeriodSeconds ${show(w.spec.template.spec.terminationGracePeriodSeconds)}, expected ${expected}`);
    });
  });

  it("every module container keeps serving 10 s after SIGTERM (preStop sleep 10), well inside the grace period", () => {
    everywhere(
      (p) => ofKind(p, 'Deployment'),
      (w) => unless(show(w.spec.template.spec.containers[0].lifecycle) === show({ preStop: { exec: { command: ['sleep', '10'] } } }), `lifecycle ${show(w.spec.template.spec.containers[0].lifecycle)}`),
      (w, p) => ref(p, w),
    );
  });
});

describe('service account token and service links', () => {
  it('no pod mounts a service-account token', () => {
    eachWorkload((w) => unless(w.spec.template.spec.automountServiceAccountToken === false, `automountServiceAccountToken ${show(w.spec.template.spec.automountServiceAccountToken)}`));
  });

  it('no ServiceAccount automounts its token', () => {
    everywhere(
      (p) => ofKind(p, 'ServiceAccount'),
      (sa) => unless(sa.automountServiceAccountToken === false, `automountServiceAccountToken ${show(sa.automountServiceAccountToken)}`),
      (sa, p) => ref(p, sa),
    );
  });

  it('every module runs as its own ServiceAccount, declared beside it, never the namespace default', () => {
    everywhere(
      (p) => ofKind(p, 'Deployment'),
      (w, p) => {
        const name = w.spec.template.spec.serviceAccountName;
        const account = ofKind(p, 'ServiceAccount').find((sa) => sa.metadata.namespace === w.metadata.namespace && sa.metadata.name === name);
        return unless(name === w.metadata.name && account !== undefined, `serviceAccountName ${show(name)}${account ? '' : ' (not declared)'}`);
      },
      (w, p) => ref(p, w),
    );
  });

  it('no pod gets the Service environment variables (enableServiceLinks: false)', () => {
    eachWorkload((w) => unless(w.spec.template.spec.enableServiceLinks === false, `enableServiceLinks ${show(w.spec.template.spec.enableServiceLinks)}`));
  });
});

describe('images', () => {
  it('every container pulls IfNotPresent', () => {
    eachContainer((c) => unless(c.imagePullPolicy === 'IfNotPresent', `imagePullPolicy ${show(c.imagePullPolicy)}`));
  });

  it("every image comes from the environment's Harbor: a module's from project icv with a release tag, a third-party one from a mirror project by digest", () => {
    eachContainer((c, w, p) => {
      const registry = p.expected.registry.replaceAll('.', '\\.');
      const built = new RegExp(`^${registry}/icv/[a-z0-9][a-z0-9/._-]*:(?!latest(?:@|$))[A-Za-z0-9_][A-Za-z0-9_.-]*(@sha256:[0-9a-f]{64})?$`);
      const mirrored = new RegExp(`^${registry}/mirror-[a-z0-9-]+/[a-z0-9][a-z0-9/._-]*@sha256:[0-9a-f]{64}$`);
      return unless((w.kind === 'Deployment' ? built : mirrored).test(c.image), `image ${show(c.image)}`);
    });
  });

  it("every pod pulls with the namespace's harbor-pull secret, which holds credentials for the environment's Harbor only", () => {
    eachWorkload((w, p) => {
      if (show(w.spec.template.spec.imagePullSecrets) !== show([{ name: 'harbor-pull' }])) return `imagePullSecrets ${show(w.spec.template.spec.imagePullSecrets)}`;
      const secret = ofKind(p, 'Secret').find((s) => s.metadata.namespace === w.metadata.namespace && s.metadata.name === 'harbor-pull');
      if (!secret) return `no Secret harbor-pull in ${w.metadata.namespace}`;
      const auths = Object.keys(JSON.parse(secret.stringData['.dockerconfigjson']).auths);
      return unless(secret.type === 'kubernetes.io/dockerconfigjson' && show(auths) === show([p.expected.registry]), `harbor-pull ${secret.type} for ${show(auths)}`);
    });
  });
});

/** The pods each NetworkPolicy-relevant workload runs: namespace and labels. */
const podsOf = (p: Platform) => workloads(p).map((w) => ({ w, namespace: w.metadata.namespace as string, labels: w.spec.template.metadata.labels as Record<string, string> }));
const policies = (p: Platform) => ofKind(p, 'NetworkPolicy');
const modulePolicy = (p: Platform, m: ModuleSpec) => policies(p).find((n) => n.metadata.namespace === `icv-${m.domain}` && n.metadata.name === m.name);
const modulePeer = (m: ModuleSpec) => ({
  namespaceSelector: { matchLabels: { [NS_LABEL]: `icv-${m.domain}` } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': m.name, 'app.kubernetes.io/part-of': 'icv-platform' } },
});
const eachModule = (check: (m: ModuleSpec, policy: any, p: Platform) => string | string[] | undefined) =>
  everywhere(
    (p) => p.catalog.map((m) => m),
    (m, p) => {
      const policy = modulePolicy(p, m);
      return policy ? check(m, policy, p) : 'has no NetworkPolicy of its own';
    },
    (m, p) => `${p.name}: module ${m.name}`,
  );
const byName = (p: Platform) => new Map(p.catalog.map((m) => [m.name, m]));
const sorted = (list: unknown[]) => list.map(show).sort();

describe('network policies', () => {
  it('every namespace that runs pods has a default-deny policy for ingress and egress, selecting every pod', () => {
    everywhere(
      (p) => [...new Set([...workloads(p).map((w) => w.metadata.namespace as string), 'harbor'])].map((namespace) => namespace),
      (namespace, p) => {
        const deny = policies(p).find((n) => n.metadata.namespace === namespace && n.metadata.name === 'default-deny');
        return unless(deny !== undefined && show(deny.spec) === show({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }), `default-deny ${show(deny?.spec)}`);
      },
      (namespace, p) => `${p.name}: namespace ${namespace}`,
    );
  });

  it('every NetworkPolicy isolates both directions (policyTypes Ingress and Egress)', () => {
    everywhere(
      policies,
      (n) => unless(show(n.spec.policyTypes) === show(['Ingress', 'Egress']), `policyTypes ${show(n.spec.policyTypes)}`),
      (n, p) => ref(p, n),
    );
  });

  it('every pod is selected by an allow policy of its own besides the default-deny', () => {
    everywhere(
      podsOf,
      (pod, p) => unless(policies(p).some((n) => n.metadata.namespace === pod.namespace && n.metadata.name !== 'default-deny' && Object.keys(n.spec.podSelector.matchLabels ?? {}).length > 0 && selects(n.spec.podSelector, pod.labels)), 'no policy of its own'),
      (pod, p) => ref(p, pod.w),
    );
  });

  it('every policy with egress allows DNS first, to CoreDNS and NodeLocal DNSCache on port 53 only', () => {
    everywhere(
      (p) => policies(p).filter((n) => n.metadata.name !== 'default-deny'),
      (n) => unless(show(n.spec.egress?.[0]) === show(DNS_EGRESS), `egress[0] ${show(n.spec.egress?.[0])}`),
      (n, p) => ref(p, n),
    );
  });

  it('a module may call another module only when it declares it in dependsOn, on that module\'s port', () => {
    eachModule((m, policy, p) => {
      const modules = byName(p);
      const actual = policy.spec.egress.filter((r: any) => r.to.some((peer: any) => peer.podSelector && peer.namespaceSelector?.matchLabels?.[NS_LABEL]?.startsWith('icv-') && peer.namespaceSelector.matchLabels[NS_LABEL] !== 'icv-stateful'));
      const expected = m.dependsOn.modules.map((d) => ({ to: [modulePeer(modules.get(d)!)], ports: [{ protocol: 'TCP', port: modules.get(d)!.port.number }] }));
      return unless(show(sorted(actual)) === show(sorted(expected)), `module egress ${show(actual)}`);
    });
  });

  it('a module admits calls from exactly the modules that declare it, on its own port', () => {
    eachModule((m, policy, p) => {
      const callers = p.catalog.filter((c) => c.dependsOn.modules.includes(m.name));
      const actual = (policy.spec.ingress ?? []).filter((r: any) => r.from.some((peer: any) => peer.podSelector));
      const expected = callers.length === 0 ? [] : [{ from: sorted(callers.map(modulePeer)), ports: [{ protocol: 'TCP', port: m.port.number }] }];
      const normal = actual.map((r: any) => ({ ...r, from: sorted(r.from) }));
      return unless(show(normal) === show(expected), `module ingress ${show(actual)}`);
    });
  });

  it('a module admits the cluster gateway (kubesphere-controls-system) exactly when it has public routes', () => {
    eachModule((m, policy) => {
      const gateway = { from: [{ namespaceSelector: { matchLabels: { [NS_LABEL]: INGRESS_CONTROLLER_NS } } }], ports: [{ protocol: 'TCP', port: m.port.number }] };
      const actual = (policy.spec.ingress ?? []).filter((r: any) => r.from.some((peer: any) => peer.namespaceSelector?.matchLabels?.[NS_LABEL] === INGRESS_CONTROLLER_NS));
      return unless(show(actual) === show(m.routes.length > 0 ? [gateway] : []), `gateway ingress ${show(actual)}`);
    });
  });

  it("a device-facing module admits its node port's forwarded traffic from the hosts' and the pods' networks, and no other module admits an address block", () => {
    eachModule((m, policy, p) => {
      const actual = (policy.spec.ingress ?? []).filter((r: any) => r.from.some((peer: any) => peer.ipBlock));
      const expected = m.external ? [{ from: [{ ipBlock: { cidr: p.expected.hostCidr } }, { ipBlock: { cidr: POD_CIDR } }], ports: [{ protocol: 'TCP', port: m.port.number }] }] : [];
      return unless(show(actual) === show(expected), `ipBlock ingress ${show(actual)}`);
    });
    expect(platforms[0]!.catalog.filter((m) => m.external).length, 'device-facing modules').toBeGreaterThan(0);
  });

  it('a module reaches a stateful service only when it declares it: its VM addresses (/32) or its in-cluster pods, on its port', () => {
    eachModule((m, policy, p) => {
      const declaration = declarationOfPlatform(p);
      const actual = policy.spec.egress.filter((r: any) => r.to.some((peer: any) => (peer.ipBlock && peer.ipBlock.cidr.endsWith('/32') && peer.ipBlock.cidr !== '169.254.25.10/32') || peer.namespaceSelector?.matchLabels?.[NS_LABEL] === 'icv-stateful'));
      const expected = m.dependsOn.stateful.map((s) => {
        const service = declaration[s]!;
        const ports = [{ protocol: 'TCP', port: service.port }];
        if (service.mode === 'cluster') {
          return { to: [{ namespaceSelector: { matchLabels: { [NS_LABEL]: 'icv-stateful' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': s, 'app.kubernetes.io/part-of': 'icv-platform' } } }], ports };
        }
        return { to: service.addresses.map((a: string) => ({ ipBlock: { cidr: `${a}/32` } })), ports };
      });
      return unless(show(sorted(actual)) === show(sorted(expected)), `stateful egress ${show(actual)}`);
    });
  });

  it('internet egress exists only with a declared exception, HTTPS only, and never to the private ranges (except 10/8, 172.16/12, 192.168/16)', () => {
    const internet = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [{ protocol: 'TCP', port: 443 }] };
    let granted = 0;
    everywhere(
      policies,
      (n, p) => {
        const rules = (n.spec.egress ?? []).filter((r: any) => r.to.some((peer: any) => peer.ipBlock && !isPrivate(peer.ipBlock.cidr)));
        const selected = workloads(p).filter((w) => w.metadata.namespace === n.metadata.namespace && selects(n.spec.podSelector, w.spec.template.metadata.labels));
        // Harbor's Trivy downloads its vulnerability databases; its pods come from the chart, so the policy selects none of ours.
        const allowed = n.metadata.namespace === 'harbor' ? n.metadata.name === 'harbor-trivy' : selected.length > 0 && selected.every((w) => excepts(w, 'network.egress-internet'));
        if (rules.length > 0) granted++;
        return unless(show(rules) === show(allowed ? [internet] : []), `public egress ${show(rules)}${allowed ? ' (exception declared)' : ''}`);
      },
      (n, p) => ref(p, n),
    );
    expect(granted, 'policies with internet egress').toBeGreaterThanOrEqual(platforms.length * 2);
  });
});

/** Whether a CIDR lies inside the private ranges (or is a host route of the node-local DNS cache). */
function isPrivate(cidr: string): boolean {
  const [address, bits] = cidr.split('/') as [string, string];
  const octets = address.split('.').map(Number);
  if (Number(bits) === 0) return false;
  return octets[0] === 10 || (octets[0] === 172 && octets[1]! >= 16 && octets[1]! < 32) || (octets[0] === 192 && octets[1] === 168) || (octets[0] === 169 && octets[1] === 254);
}

/** The stateful services as the platform's environment declares them (addresses, port, mode). */
function declarationOfPlatform(p: Platform): Record<string, { addresses: string[]; port: number; mode?: string }> {
  const base = declarationOf(p.name === 'test' ? 'test' : 'prod').statefulServices;
  if (p.name === 'stretched') base.redis = { ...base.redis, mode: 'cluster' };
  return base;
}

describe('services and ingresses', () => {
  it('every Service is ClusterIP, except the NodePort `<module>-external` of a device-facing module (externalTrafficPolicy Cluster); none is a LoadBalancer or has external IPs', () => {
    everywhere(
      (p) => ofKind(p, 'Service'),
      (s, p) => {
        const external = p.catalog.find((m) => `${m.name}-external` === s.metadata.name && `icv-${m.domain}` === s.metadata.namespace && m.external);
        const problems: string[] = [];
        if (s.spec.externalIPs !== undefined) problems.push(`externalIPs ${show(s.spec.externalIPs)}`);
        if (external) {
          if (s.spec.type !== 'NodePort' || s.spec.externalTrafficPolicy !== 'Cluster' || s.spec.ports[0].nodePort !== external.external!.nodePort) problems.push(`type ${s.spec.type}, externalTrafficPolicy ${s.spec.externalTrafficPolicy}, nodePort ${s.spec.ports[0].nodePort}`);
        } else if ((s.spec.type ?? 'ClusterIP') !== 'ClusterIP') problems.push(`type ${s.spec.type}`);
        return problems;
      },
      (s, p) => ref(p, s),
    );
  });

  it('every Ingress is of class nginx with Prefix paths on hosts of the environment\'s domain', () => {
    everywhere(
      (p) => ofKind(p, 'Ingress'),
      (i, p) => {
        const problems: string[] = [];
        if (i.spec.ingressClassName !== 'nginx') problems.push(`ingressClassName ${show(i.spec.ingressClassName)}`);
        for (const rule of i.spec.rules) {
          if (!rule.host.endsWith(`.${p.expected.domain}`) || rule.host.slice(0, -p.expected.domain.length - 1).includes('.')) problems.push(`host ${rule.host}`);
          for (const path of rule.http.paths) if (path.pathType !== 'Prefix') problems.push(`pathType ${path.pathType}`);
        }
        return problems;
      },
      (i, p) => ref(p, i),
    );
  });

  it('every Ingress terminates TLS for all its hosts with the wildcard certificate of its namespace; a canary Ingress inherits it from its primary', () => {
    everywhere(
      (p) => ofKind(p, 'Ingress'),
      (i, p) => {
        const hosts = [...new Set(i.spec.rules.map((r: any) => r.host))];
        const tls = [{ hosts, secretName: 'icv-wildcard-tls' }];
        if (i.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true') {
          const primary = ofKind(p, 'Ingress').find((o) => o.metadata.namespace === i.metadata.namespace && o.metadata.name === i.metadata.name.replace(/-canary$/, ''));
          return unless(i.spec.tls === undefined && show(primary?.spec.tls) === show(tls), `canary tls ${show(i.spec.tls)}, primary's ${show(primary?.spec.tls)}`);
        }
        const secret = ofKind(p, 'Secret').find((s) => s.metadata.namespace === i.metadata.namespace && s.metadata.name === 'icv-wildcard-tls');
        return unless(show(i.spec.tls) === show(tls) && secret?.type === 'kubernetes.io/tls', `tls ${show(i.spec.tls)}, secret ${show(secret?.type)}`);
      },
      (i, p) => ref(p, i),
    );
  });
});

describe('namespaces', () => {
  it('every namespace that runs pods enforces the restricted Pod Security level and belongs to the icv-platform workspace', () => {
    everywhere(
      (p) => [...new Set([...workloads(p).map((w) => w.metadata.namespace as string), 'harbor'])],
      (name, p) => {
        const labels = ofKind(p, 'Namespace').find((n) => n.metadata.name === name)?.metadata.labels ?? {};
        return unless(labels['pod-security.kubernetes.io/enforce'] === 'restricted' && labels['kubesphere.io/workspace'] === 'icv-platform', `labels ${show(labels)}`);
      },
      (name, p) => `${p.name}: namespace ${name}`,
    );
  });
});
