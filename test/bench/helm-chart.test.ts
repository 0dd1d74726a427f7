import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { load, loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { HELM_CHART_DIR, HELM_RELEASE, helmChartTree, helmObjectsTree, prebuiltObjectCount } from '../../bench/helm-chart.js';
import { differingObjects } from '../../bench/kustomize-overlays.js';
import { INGRESS_CLASS, INGRESS_CONTROLLER_NAMESPACE, NODE_LOCAL_DNS, POD_UID, PULL_SECRET, STATEFUL_CREDENTIALS, STATEFUL_NAMESPACE, TLS_SECRET } from '../../infra/model/names.js';
import type { Platform } from '../../infra/model/types.js';
import type { Environment } from '../../infra/schema/environment.js';
import { MANAGEMENT_PORT, type ModuleDeclaration } from '../../infra/schema/module.js';
import { ENVIRONMENT_NAMES, loadInputs } from '../../infra/cli/inputs.js';
import { buildPlatform } from '../../infra/synth/build-platform.js';
import { catalogSources } from '../../modules/index.js';
import { built, find, objectsOf } from '../support/platforms.js';
import { tempDir, withUndeclaredFeatures } from '../support/inputs.js';

// The bench's Helm peer must render exactly our objects for its figures to mean anything; nothing here is timed.

const declarations = catalogSources.flatMap((s) => s.modules);
const HELM = join(process.env.ICV_TOOLS_CACHE ?? join(homedir(), '.cache', 'icv-platform', 'tools'), 'bin', 'helm');

/**
 * What the real catalog and environments do not exercise, for the render check: in the catalog, a module with every
 * exception a Deployment reads (min-replicas with one fixed replica, spread, read-only root) and an autoscaler whose
 * bounds sit below prod's replica floor; in test, a canary cutover with its own header, a legacy cutover, redis run
 * in the cluster and a release with a digest. Built once.
 */
interface EdgeCases {
  readonly declarations: ModuleDeclaration[];
  readonly environments: { env: Environment; platform: Platform }[];
}
let edge: EdgeCases | undefined;
function edgeCases(): EdgeCases {
  if (edge) return edge;
  const sources = structuredClone(catalogSources) as { file: string; modules: ModuleDeclaration[] }[];
  const declared = (name: string) => sources.flatMap((s) => s.modules).find((m) => m.name === name)!;
  Object.assign(declared('config-center'), {
    scaling: { replicas: 1 },
    exceptions: [
      { rule: 'min-replicas', reason: 'one leader, elected' },
      { rule: 'spread', reason: 'pinned to the node with the config volume' },
      { rule: 'read-only-root-filesystem', reason: 'writes its cache beside the binary' },
    ],
  });
  Object.assign(declared('vehicle-access'), { scaling: { min: 1, max: 1, targetCpu: 65 } });
  const environments = loadInputs(ENVIRONMENT_NAMES, { catalog: sources }).map(({ env, catalog }) => {
    if (env.name !== 'test') return { env, platform: buildPlatform(env, catalog) };
    const changed = withUndeclaredFeatures(env);
    return { env: changed, platform: buildPlatform(changed, catalog) };
  });
  edge = { declarations: sources.flatMap((s) => s.modules), environments };
  return edge;
}

describe('the Helm chart as its users write it (bench/helm/)', () => {
  const environments = built.map(({ env, platform }) => ({ env, platform }));
  const files = helmChartTree(declarations, environments);
  const values = load(files.get('chart/values.yaml')!) as Record<string, unknown> & { modules: unknown[] };

  it('keeps the hand-written Chart.yaml and templates as they are, and adds only the values', () => {
    const templates = readdirSync(join(HELM_CHART_DIR, 'templates')).sort();
    expect(templates).toContain('_helpers.tpl');
    for (const name of templates) expect(files.get(`chart/templates/${name}`)).toBe(readFileSync(join(HELM_CHART_DIR, 'templates', name), 'utf8'));
    expect([...files.keys()].sort()).toEqual(['chart/Chart.yaml', 'chart/values.yaml', ...templates.map((t) => `chart/templates/${t}`), 'values-prod.yaml', 'values-test.yaml'].sort());
  });

  it("holds the catalog's module declarations in values.yaml, exactly as modules/ declares them", () => {
    expect(values.modules).toHaveLength(declarations.length);
    expect(values.modules).toEqual(JSON.parse(JSON.stringify(declarations)));
  });

  it("states the platform's conventions in values.yaml as infra/model/names.ts has them", () => {
    expect(values).toMatchObject({
      podUid: POD_UID,
      pullSecret: PULL_SECRET,
      tlsSecret: TLS_SECRET,
      ingressClass: INGRESS_CLASS,
      ingressControllerNamespace: INGRESS_CONTROLLER_NAMESPACE,
      nodeLocalDns: NODE_LOCAL_DNS,
      statefulNamespace: STATEFUL_NAMESPACE,
      managementPort: MANAGEMENT_PORT,
      credentials: STATEFUL_CREDENTIALS,
    });
  });

  it('holds in each environment only what it sets, and the objects of its non-module units prebuilt', () => {
    for (const { env, platform } of environments) {
      const envValues = load(files.get(`values-${env.name}.yaml`)!) as Record<string, unknown> & { platformObjects: { kind: string; metadata: { name: string } }[] };
      expect(Object.keys(envValues).sort()).toEqual(['cutover', 'domain', 'network', 'platformObjects', 'registry', 'releases', 'replicaFloor', 'statefulServices']);
      expect(envValues).toMatchObject({ domain: env.domain, replicaFloor: env.sizing.replicaFloor, registry: { host: env.registry.host } });
      const prebuilt = platform.units.filter((u) => u.kind !== 'Module').flatMap((u) => u.objects);
      expect(envValues.platformObjects).toEqual(JSON.parse(JSON.stringify(prebuilt)));
      expect(envValues.platformObjects).toHaveLength(prebuiltObjectCount(platform));
      expect(prebuiltObjectCount(platform)).toBeLessThan(objectsOf(platform).length / 4);
    }
  });

  it('has a template for every kind of object a module produces, cutovers included', () => {
    const templated = new Set([...files].filter(([path]) => path.startsWith('chart/templates/')).flatMap(([, text]) => [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1])));
    const moduleKinds = [...environments, ...edgeCases().environments].flatMap(({ platform }) => platform.units.filter((u) => u.kind === 'Module').flatMap((u) => u.objects.map((o) => o.kind)));
    expect([...new Set(moduleKinds)].filter((kind) => !templated.has(kind))).toEqual([]);
    expect(moduleKinds).toContain('EndpointSlice');
  });

  describe('rendered by helm template', () => {
    const work = tempDir('icv-helm-chart-');
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it(`renders exactly our objects for test and prod, with every exception, both cutover stages, redis in the cluster and a digest (skipped without ${HELM})`, async (context) => {
      if (!existsSync(HELM)) context.skip(`no helm at ${HELM}: ci/tools/build-tools.sh helm builds it`);
      const { declarations: edgeDeclarations, environments: cases } = edgeCases();
      for (const [path, content] of helmChartTree(edgeDeclarations, cases)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      const helmEnv = { ...process.env, HELM_CACHE_HOME: join(work, 'home', 'cache'), HELM_CONFIG_HOME: join(work, 'home', 'config'), HELM_DATA_HOME: join(work, 'home', 'data') };
      const rendered = await Promise.all(
        cases.map(({ env }) => promisify(execFile)(HELM, ['template', HELM_RELEASE, join(work, 'chart'), '-f', join(work, `values-${env.name}.yaml`)], { env: helmEnv, maxBuffer: 1 << 28 })),
      );
      cases.forEach(({ env, platform }, i) => {
        const objects = loadAll(rendered[i]!.stdout).filter((o) => o !== null && o !== undefined);
        expect({ env: env.name, differing: differingObjects(JSON.parse(JSON.stringify(objectsOf(platform))), objects) }).toEqual({ env: env.name, differing: [] });
        expect(objects).toHaveLength(objectsOf(platform).length);
      });
      // The cases are there: what they add is among the objects compared.
      const [prod, test] = [cases.find((c) => c.env.name === 'prod')!.platform, cases.find((c) => c.env.name === 'test')!.platform];
      expect(objectsOf(test).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining(['Ingress/portal-web-canary', 'Ingress/api-gateway-smoke', 'EndpointSlice/api-gateway-legacy-endpoints']));
      expect(find(prod, 'Deployment', 'config-center').spec.replicas).toBe(1);
      expect(find(prod, 'HorizontalPodAutoscaler', 'vehicle-access').spec).toMatchObject({ minReplicas: 2, maxReplicas: 2 });
      expect(find(test, 'Deployment', 'vehicle-state').spec.template.spec.containers[0].image).toContain('@sha256:');
    });
  });
});

describe('the Helm floor chart: values = our finished objects', () => {
  it('loops over the units of its values, which hold every object of the environment', () => {
    // One environment: the values are the same function of each platform, and each is 1.5 MB to write and read.
    const { platform } = built.find((b) => b.env.name === 'prod')!;
    const files = helmObjectsTree([platform]);
    expect(files.get('chart/templates/units.yaml')).toContain('{{- range $unit := .Values.units }}');
    const values = load(files.get('values-prod.yaml')!) as { units: { id: string; objects: unknown[] }[] };
    expect(values.units.flatMap((u) => u.objects)).toEqual(JSON.parse(JSON.stringify(objectsOf(platform))));
  });
});
