import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartWorkloads, planCapacity, runChecks } from '../../infra/checks/index.js';
import { HARBOR_COMPONENTS, HARBOR_EDGES, harborPodSelector, type HarborComponent } from '../../infra/model/harbor-chart.js';
import { HARBOR_CHART } from '../../infra/model/names.js';
import { selectorMatches } from '../../infra/checks/kube.js';
import { built, objectsOf } from '../support/platforms.js';

/**
 * Harbor fenced and resilient (issue 20). The chart's pods are known from the pinned facts in
 * infra/model/harbor-chart.ts (goharbor/harbor-helm v1.15.1, templates/_helpers.tpl `harbor.matchLabels` and each
 * component's template labels). When the chart is in the local cache (ci/tools/build-tools.sh chart), the pinned
 * labels are read back from its templates.
 */

const CHART_DIR = join(process.env.ICV_TOOLS_CACHE ?? join(homedir(), '.cache/icv-platform/tools'), 'charts', `harbor-${HARBOR_CHART.version}`);
const TEMPLATES: Record<HarborComponent, string> = {
  core: 'core/core-dpl.yaml',
  portal: 'portal/deployment.yaml',
  registry: 'registry/registry-dpl.yaml',
  jobservice: 'jobservice/jobservice-dpl.yaml',
  database: 'database/database-ss.yaml',
  redis: 'redis/statefulset.yaml',
  trivy: 'trivy/trivy-sts.yaml',
};

describe('the pinned Harbor chart facts', () => {
  it('say release, app and component select each pod (read from the chart templates when cached, else the cited pins)', () => {
    for (const component of Object.keys(HARBOR_COMPONENTS) as HarborComponent[]) {
      expect(harborPodSelector('harbor', component)).toEqual({ release: 'harbor', app: 'harbor', component });
    }
    if (!existsSync(CHART_DIR)) {
      console.warn(`harbor chart not cached at ${CHART_DIR}: checked against the pins cited in infra/model/harbor-chart.ts only (run ci/tools/build-tools.sh chart)`);
      return;
    }
    const helpers = readFileSync(join(CHART_DIR, 'templates/_helpers.tpl'), 'utf8');
    expect(helpers).toMatch(/define "harbor.matchLabels" -\}\}\nrelease: \{\{ \.Release\.Name \}\}\napp: "\{\{ template "harbor.name" \. \}\}"/);
    expect(helpers).toContain('default "harbor" .Values.nameOverride');
    for (const [component, file] of Object.entries(TEMPLATES) as [HarborComponent, string][]) {
      const template = readFileSync(join(CHART_DIR, 'templates', file), 'utf8');
      const podLabels = template.slice(template.indexOf('  template:'));
      expect(podLabels, `${file}`).toMatch(new RegExp(`labels:\\n\\{\\{ include "harbor.labels" \\. \\| indent 8 \\}\\}\\n\\s+component: ${component}\\n`));
      expect(template, `${file}`).toContain(`kind: ${HARBOR_COMPONENTS[component].kind}`);
    }
  });
});

describe.each(built)('Harbor in $env.name', ({ env, platform }) => {
  const objects = objectsOf(platform);
  const releases = platform.units.flatMap((u) => u.helmReleases);
  const harbor = objects.filter((o) => o.metadata?.namespace === 'harbor');
  const policies: any[] = harbor.filter((o) => o.kind === 'NetworkPolicy');
  const pods = releases.flatMap(chartWorkloads);
  const podOf = (component: HarborComponent): any => pods.find((p: any) => p.spec.template.metadata.labels.component === component);

  it('has a default-deny for every pod of the namespace, ingress and egress', () => {
    const deny = policies.find((p) => p.metadata.name === 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('lets database and redis be reached only by the Harbor components the chart connects to them', () => {
    for (const target of ['database', 'redis'] as const) {
      const allowed = policies
        .filter((p) => selectorMatches(p.spec.podSelector, podOf(target).spec.template.metadata.labels))
        .flatMap((p) => p.spec.ingress ?? [])
        .flatMap((rule: any) => rule.from);
      expect(allowed.every((peer: any) => peer.namespaceSelector === undefined && peer.ipBlock === undefined), `${target}: only pods of the namespace`).toBe(true);
      const callers = allowed.map((peer: any) => peer.podSelector.matchLabels.component).sort();
      expect(callers).toEqual(HARBOR_EDGES.filter((e) => e.to === target).map((e) => e.from).sort());
    }
  });

  it('admits the cluster gateway to core and portal only, and lets the registry reach exactly the object store VMs', () => {
    const fromGateway = policies.filter((p) => (p.spec.ingress ?? []).some((r: any) => r.from.some((peer: any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kubesphere-controls-system')));
    expect(fromGateway.map((p) => p.spec.podSelector.matchLabels.component).sort()).toEqual(['core', 'portal']);
    const registry = policies.find((p) => p.spec.podSelector.matchLabels?.component === 'registry');
    const store = registry.spec.egress.find((r: any) => r.to.every((peer: any) => peer.ipBlock) && r.ports.every((p: any) => p.port !== 53));
    expect(store.to.map((peer: any) => peer.ipBlock.cidr)).toEqual(env.statefulServices.objectstore.addresses.map((a) => `${a}/32`));
    expect(store.ports).toEqual([{ protocol: 'TCP', port: env.statefulServices.objectstore.port }]);
  });

  it('every Harbor pod is isolated, every policy selects Harbor pods, and the network check finds nothing else', () => {
    const findings = runChecks({ objects, env, helmReleases: releases }).filter((f) => f.rule.startsWith('network.') && f.object.includes('/harbor/'));
    expect(findings.filter((f) => f.severity !== 'exception').map((f) => `${f.rule} ${f.object} ${f.path}`)).toEqual([]);
    expect(findings.map((f) => `${f.rule} ${f.object}`)).toEqual(['network.egress-internet NetworkPolicy/harbor/harbor-trivy']);
  });

  it('the network check reports Harbor pods left unfenced (the check knows the chart pods)', () => {
    const withoutFence = objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata?.namespace === 'harbor'));
    const uncovered = runChecks({ objects: withoutFence, env, helmReleases: releases }).filter((f) => f.rule === 'network.policy-coverage' && f.object.includes('/harbor/'));
    expect(uncovered.map((f) => f.object).sort()).toEqual(pods.map((p: any) => `${p.kind}/harbor/${p.metadata.name}`).sort());
  });

  it('runs core, portal, registry and jobservice at 2 or more replicas in prod, each behind a disruption budget of maxUnavailable 1', () => {
    for (const component of ['core', 'portal', 'registry', 'jobservice'] as const) {
      const pod = podOf(component);
      if (env.production) expect(pod.spec.replicas, component).toBeGreaterThanOrEqual(2);
      const budgets: any[] = harbor.filter((o: any) => o.kind === 'PodDisruptionBudget' && selectorMatches(o.spec.selector, pod.spec.template.metadata.labels));
      expect(budgets.map((b) => b.spec.maxUnavailable), component).toEqual([1]);
    }
    const findings = runChecks({ objects, env, helmReleases: releases }).filter((f) => f.object.startsWith('PodDisruptionBudget/harbor/'));
    expect(findings).toEqual([]);
  });

  it('the capacity plan counts every Harbor pod at its replicas', () => {
    const plan = planCapacity(env, objects, releases);
    const harborPods = Object.fromEntries(plan.workloads.filter((w) => w.workload.startsWith('HelmRelease/harbor/')).map((w) => [w.workload.replace('HelmRelease/harbor/harbor-', ''), w.pods]));
    const floor = env.sizing.replicaFloor;
    expect(harborPods).toEqual({ portal: floor, core: floor, jobservice: floor, registry: floor, trivy: 1, database: 1, redis: 1 });
  });

  it('enforces the restricted Pod Security level in the harbor namespace', () => {
    const namespace: any = harbor.length ? objects.find((o) => o.kind === 'Namespace' && o.metadata?.name === 'harbor') : undefined;
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});
