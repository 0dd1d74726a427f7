import { ApiObject, App, Chart } from 'cdk8s';
import type { ModuleSpec } from '../infra/schema/module.js';
import type { KubeObject } from '../infra/model/types.js';
import type { Environment } from '../infra/schema/environment.js';
import { ModuleWorkload } from '../infra/synth/workloads/module-workload.js';

/**
 * The layout cdk8s's own workflow gives (and we measured against and rejected): one cdk8s App per environment
 * holding one Chart per module (the real ModuleWorkload construct), synthesized by `app.synth()` (what
 * `cdk8s synth` runs). App synthesis walks the whole construct tree for every chart, so its cost grows faster than
 * the catalog. The platform parts that are not modules join as prebuilt ApiObjects in one more chart, so the output
 * holds the same objects as ours at a lower construction cost.
 */
export function naiveApp(env: Environment, catalog: readonly ModuleSpec[], platformObjects: readonly KubeObject[], outdir?: string): App {
  const app = new App(outdir === undefined ? {} : { outdir });
  const byName = new Map(catalog.map((m) => [m.name, m]));
  const dependents = new Map<string, ModuleSpec[]>();
  for (const module of catalog) {
    for (const dep of module.dependsOn.modules) dependents.set(dep, [...(dependents.get(dep) ?? []), module]);
  }
  for (const module of catalog) {
    const chart = new Chart(app, module.name, { disableResourceNameHashes: true });
    new ModuleWorkload(chart, module.name, {
      module,
      env,
      dependencies: module.dependsOn.modules.map((d) => byName.get(d)!),
      dependents: dependents.get(module.name) ?? [],
    });
  }
  const platform = new Chart(app, 'platform', { disableResourceNameHashes: true });
  platformObjects.forEach((object, i) => new ApiObject(platform, `object-${i}`, object));
  return app;
}
