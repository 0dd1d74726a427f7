import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../infra/checks/index.js';
import { renderReleases, toolsCache } from '../../infra/cli/render-charts.js';
import { harborPodSelector, type HarborComponent } from '../../infra/model/harbor-chart.js';
import { built, objectsOf } from '../support/platforms.js';

/**
 * Harbor's chart rendered with our values (`npm run check -- --chart-dir`), when helm and the chart are in the tools
 * cache (ci/tools/build-tools.sh helm, and chart): the pinned labels select the rendered pods, the fence covers
 * them, and every container meets the restricted Pod Security profile.
 */

const CHARTS = join(toolsCache(), 'charts');
const available = existsSync(join(CHARTS, 'harbor-1.15.1', 'Chart.yaml')) && existsSync(join(toolsCache(), 'bin', 'helm'));
if (!available) console.warn(`SKIPPED harbor-rendered: no helm or chart in ${toolsCache()} — run ci/tools/build-tools.sh helm and HARBOR_CHART_SOURCE=... ci/tools/build-tools.sh chart`);

/** Rules of the Pod Security Standards' restricted profile (the platform's own hardening rules are not among them). */
const PSS_PLATFORM_EXTRAS = ['pss-restricted.high-uid-gid', 'pss-restricted.read-only-root-filesystem'];

describe.runIf(available).each(built)('Harbor rendered in $env.name', ({ env, platform }) => {
  const releases = platform.units.flatMap((u) => u.helmReleases);
  const [rendering] = renderReleases(releases, CHARTS);
  const rendered: any[] = [...(rendering?.objects ?? [])];
  const objects = [...objectsOf(platform), ...rendered];

  it('renders', () => {
    expect(rendering).toMatchObject({ release: 'harbor/harbor', checked: 'rendered' });
    expect(rendering!.failed).toBeUndefined();
  });

  it('the pinned pod labels select every rendered workload\'s pods', () => {
    const workloads = rendered.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
    expect(workloads.map((w) => w.spec.template.metadata.labels.component).sort()).toEqual(['core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'trivy']);
    for (const w of workloads) {
      const component = w.spec.template.metadata.labels.component as HarborComponent;
      expect(w.spec.template.metadata.labels, w.metadata.name).toMatchObject(harborPodSelector('harbor', component));
    }
    expect(rendered.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  it('every rendered pod is fenced: no network finding but the declared Trivy exception', () => {
    const network = runChecks({ objects, env, helmReleases: releases }).filter((f) => f.rule.startsWith('network.') && f.object.includes('/harbor/'));
    expect(network.map((f) => `${f.severity} ${f.rule} ${f.object}`)).toEqual(['exception network.egress-internet NetworkPolicy/harbor/harbor-trivy']);
  });

  it('every rendered container meets the restricted Pod Security profile', () => {
    const pss = runChecks({ objects: rendered, env }).filter((f) => f.rule.startsWith('pss-restricted.') && !PSS_PLATFORM_EXTRAS.includes(f.rule));
    expect(pss.map((f) => `${f.rule} ${f.object} ${f.path}`)).toEqual([]);
  });

  it('runs the stateless components at the replica floor', () => {
    for (const name of ['harbor-core', 'harbor-portal', 'harbor-registry', 'harbor-jobservice']) {
      expect(rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.replicas, name).toBe(env.sizing.replicaFloor);
    }
  });
});
