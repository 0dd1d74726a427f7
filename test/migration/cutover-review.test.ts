import { describe, expect, it } from 'vitest';
import { diffTrees } from '../../infra/preview/compare-trees.js';
import { renderMarkdown } from '../../infra/preview/render-markdown.js';
import { checkParity } from '../../infra/parity/check-parity.js';
import { PARITY } from '../../environments/parity.js';
import { renderPlatformPage } from '../../infra/synth/platform-graph.js';
import { build, distEnv, MODULE, tree, type EnvName, type Scenario } from './scenarios.js';

const UNIT = `manifests/module/${MODULE}.yaml`;

/** The diff of the module's manifest between two scenarios (the rest of the tree does not change). */
const diff = (env: EnvName, from: Scenario, to: Scenario) =>
  diffTrees(tree(distEnv(build(env, from), UNIT)), tree(distEnv(build(env, to), UNIT)), { from: 'before', to: 'after' });
/** The stage lines of a report: the intents of its Ingress changes that name a route's stage. */
const lines = (report: ReturnType<typeof diff>) => report.changes.flatMap((c) => (c.intents ?? []).filter((i) => i.text.startsWith('route ')).map((i) => `${c.env} ${i.text}`));
const legacy: Scenario = { cutover: { stage: 'legacy' } };
const canary = (weight: number): Scenario => ({ cutover: { stage: 'canary', weight } });
const kubernetes: Scenario = { cutover: { stage: 'kubernetes' } };

describe('a cutover in review', () => {
  it('renders a stage change as one line per route, in the report and the merge-request note', () => {
    const report = diff('prod', legacy, canary(20));
    expect(lines(report)).toEqual(['prod route console.icv.example.cn/vehicle: legacy 100% → canary 20%']);
    expect(renderMarkdown(report)).toContain('route console.icv.example.cn/vehicle: legacy 100% → canary 20%');
    expect(lines(diff('test', canary(20), canary(50)))).toEqual(['test route console.test.icv.example.cn/vehicle: canary 20% → canary 50%']);
    expect(lines(diff('test', canary(50), kubernetes))).toEqual(['test route console.test.icv.example.cn/vehicle: canary 50% → kubernetes 100%']);
    expect(lines(diff('test', {}, legacy))).toEqual(['test route console.test.icv.example.cn/vehicle: kubernetes 100% → legacy 100%']);
    expect(lines(diff('test', canary(20), canary(20)))).toEqual([]);
  });

  it('flags a jump straight from legacy to kubernetes in prod, and not in test or through a canary', () => {
    const skipped = (report: ReturnType<typeof diff>) => report.changes.filter((c) => c.flags.includes('cutover.skip-canary')).map((c) => c.reasons.find((r) => r.flag === 'cutover.skip-canary')!.reason);
    expect(skipped(diff('prod', legacy, kubernetes))).toEqual(['route console.icv.example.cn/vehicle: legacy 100% → kubernetes 100% with no canary stage in between in prod']);
    expect(skipped(diff('test', legacy, kubernetes))).toEqual([]);
    expect(skipped(diff('prod', canary(90), kubernetes))).toEqual([]);
    expect(skipped(diff('prod', legacy, canary(5)))).toEqual([]);
  });

  it('the objects behind the line: canary added, legacy upstream and smoke Ingress going, in one report', () => {
    const report = diff('prod', legacy, canary(20));
    const byStatus = (status: string) => report.changes.filter((c) => c.status === status && c.target.type === 'object').map((c) => (c.target.type === 'object' ? `${c.target.kind}/${c.target.name}` : '')).sort();
    expect(byStatus('added')).toEqual([`Ingress/${MODULE}-canary`]);
    expect(byStatus('deleted')).toEqual([`Ingress/${MODULE}-smoke`]);
    expect(byStatus('changed')).toEqual([`Ingress/${MODULE}`]);
  });

  it('parity reports differing stages as the declared difference cutover-stages, and nothing undeclared', () => {
    const result = checkParity(build('test', canary(50)).platform, build('prod', legacy).platform, PARITY);
    expect(result.findings).toEqual([]);
    const declared = result.declared.find((d) => d.declaration.id === 'cutover-stages')!.differences;
    expect(declared.map((d) => `${d.object} ${d.path}`)).toEqual(
      expect.arrayContaining([
        `Ingress/icv-frontend/${MODULE} metadata.annotations["cutover.icv.io/stage"]`,
        `Ingress/icv-frontend/${MODULE}-canary `,
        `Ingress/icv-frontend/${MODULE}-smoke `,
      ]),
    );
    const same = checkParity(build('test', canary(50)).platform, build('prod', canary(50)).platform, PARITY);
    expect(same.declared.find((d) => d.declaration.id === 'cutover-stages')!.differences).toEqual([]);
  });

  it('parity still fails an undeclared difference of a cutover object', () => {
    const test = build('test', canary(50));
    // A copy to change (the builds are shared and frozen); its objects are its platform's, as in the build.
    const prod = structuredClone(build('prod', canary(50)));
    const ingress = prod.objects.find((o) => o.kind === 'Ingress' && o.metadata.name === `${MODULE}-canary`) as any;
    ingress.spec.ingressClassName = 'other';
    expect(checkParity(test.platform, prod.platform, PARITY).findings.map((f) => `${f.rule} ${f.object} ${f.path}`)).toEqual([`parity.undeclared-difference Ingress/icv-frontend/${MODULE}-canary spec.ingressClassName`]);
  });

  it('the graph shows the modules still on legacy, and the route split', () => {
    const page = (scenario: Scenario) => {
      const { env, catalog } = build('prod', scenario);
      return renderPlatformPage(env, catalog);
    };
    expect(page(legacy)).toContain(`Modules still on legacy (1):\n\n- ${MODULE}: legacy: route 100% to legacy, smoke tests only`);
    expect(page(legacy)).toContain('route_console_icv_example_cn -->|"/vehicle 100%"| legacy_vehicle_console_web');
    const split = page(canary(20));
    expect(split).toContain(`- ${MODULE}: canary: 20% on Kubernetes`);
    expect(split).toContain('route_console_icv_example_cn -->|"/vehicle 80%"| legacy_vehicle_console_web');
    expect(split).toContain('route_console_icv_example_cn -->|"/vehicle 20%"| mod_vehicle_console_web');
    expect(page(kubernetes)).not.toContain('still on legacy');
    expect(page(kubernetes)).toBe(page({}));
  });
});
