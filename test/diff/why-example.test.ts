import { describe, expect, it } from 'vitest';
import { newCapacityFindings, paritySays } from '../../infra/cli/diff-context.js';
import { diffTrees, renderMarkdown, type DiffReport, type DistTree } from '../../infra/preview/index.js';
import { catalogWith, scaled, synthesizedTree, WHY_EXAMPLE } from './why-example.js';

/** The diff the shell computes, with the parity declarations and the real capacity check. */
function diff(before: DistTree, after: DistTree): DiffReport {
  return diffTrees(before, after, { from: 'main', to: 'change', declared: paritySays(), newCapacityFindings: newCapacityFindings(before, after, ['prod', 'test']) });
}

describe('issue 16, the example: vehicle-access drops vehicle-registry and may scale to four', () => {
  const base = synthesizedTree();
  const report = diff(base, synthesizedTree(WHY_EXAMPLE));

  it('is one edge removal on vehicle-access, its mirror on vehicle-registry and one autoscaler change, each once for test + prod', () => {
    const summary = report.groups.map((g) => [g.title, g.envs, g.onlyIn ?? null, g.intents.map((i) => `${i.op} ${i.text}`)]);
    expect(summary).toEqual([
      ['Deployment icv-vehicle/vehicle-access', ['prod', 'test'], null, ['removed container vehicle-access env VEHICLE_REGISTRY_URL removed (was http://vehicle-registry.icv-vehicle.svc.cluster.local:8080)']],
      ['HorizontalPodAutoscaler icv-vehicle/vehicle-access', ['prod', 'test'], null, ['changed maximum replicas 3 → 4']],
      ['NetworkPolicy icv-vehicle/vehicle-access', ['prod', 'test'], null, ['removed no longer allows: vehicle-access → vehicle-registry:8080 (egress)']],
      ['NetworkPolicy icv-vehicle/vehicle-registry', ['prod', 'test'], null, ['removed no longer allows: vehicle-access → vehicle-registry:8080 (ingress)']],
      ['platform.md', ['prod', 'test'], null, ['changed 0 lines added, 1 removed (see details)']],
    ]);
  });

  it('raises no flag: the removed edge is no longer needed, the plan still holds with a worker down, prod is only a column', () => {
    expect(report.flags).toEqual([]);
    const markdown = renderMarkdown(report);
    expect(markdown).not.toContain('### Risk flags');
    expect(markdown.match(/· test \+ prod$/gm)).toHaveLength(5);
    // Positional field paths (`spec.egress[1]…`) only in the collapsed details.
    expect(markdown.slice(0, markdown.indexOf('### Details'))).not.toContain('egress[');
    // Field-level details stay available, collapsed.
    expect(markdown).toContain('<details><summary>changed <code>NetworkPolicy icv-vehicle/vehicle-access</code> · test + prod</summary>');
  });

  it('flags the same policy edit when the module still depends on the edge, and a maximum the workers cannot carry', () => {
    const policyOnly = synthesizedTree(catalogWith('vehicle-access', (m) => scaled(m, 4)));
    // Drop the edge from the policies only: what a broken policy construct would do.
    const broken = diff(base, withoutRegistryEdge(policyOnly));
    expect(broken.flags.map((f) => [f.flag, f.title, f.envs])).toEqual([
      ['edge.still-needed', 'NetworkPolicy icv-vehicle/vehicle-access', ['prod', 'test']],
      ['edge.still-needed', 'NetworkPolicy icv-vehicle/vehicle-registry', ['prod', 'test']],
    ]);

    const huge = diff(base, synthesizedTree(catalogWith('vehicle-access', (m) => scaled(m, 60))));
    expect(huge.flags.map((f) => f.flag)).toContain('capacity.n-1');
    expect(huge.flags.find((f) => f.flag === 'capacity.n-1')).toMatchObject({ title: 'HorizontalPodAutoscaler icv-vehicle/vehicle-access' });
  });
});

/** The tree with the vehicle-access → vehicle-registry rules taken out of both policies, the Deployments untouched. */
function withoutRegistryEdge(tree: DistTree): DistTree {
  const envs = new Map(
    [...tree.envs].map(([name, env]) => {
      const objects = new Map(
        [...env.objects].map(([key, object]) => {
          if (object.kind !== 'NetworkPolicy' || (object.name !== 'vehicle-access' && object.name !== 'vehicle-registry')) return [key, object];
          const body = structuredClone(object.body) as { spec: { egress?: { to?: unknown[] }[]; ingress?: { from?: unknown[] }[] } };
          const names = (peers: unknown[] | undefined) => JSON.stringify(peers ?? []);
          if (object.name === 'vehicle-access') body.spec.egress = body.spec.egress!.filter((r) => !names(r.to).includes('"vehicle-registry"'));
          else body.spec.ingress = body.spec.ingress!.map((r) => ({ ...r, from: (r.from ?? []).filter((p) => !JSON.stringify(p).includes('"vehicle-access"')) }));
          return [key, { ...object, body }];
        }),
      );
      return [name, { ...env, objects }];
    }),
  );
  return { ...tree, envs };
}
