import type { ModuleSpec } from './module.js';
import { compareText } from '../model/text-order.js';

/**
 * Rules across the modules of the catalog that the loader reports with the file and field path of the module that
 * would have to change.
 */

/**
 * A route path as the Ingress controller matches it: every route is `pathType: Prefix`, which compares whole path
 * elements, so `/api`, `/api/` and `//api` select the same requests. Repeated slashes collapse, `.` elements go,
 * and a trailing slash is dropped (except for `/` itself).
 */
export function normalizeRoutePath(path: string): string {
  const elements = path.split('/').filter((e) => e !== '' && e !== '.');
  return `/${elements.join('/')}`;
}

/**
 * Every dependency cycle of `dependsOn.modules`, each once, as the module names around it starting from the
 * alphabetically first (`['a', 'b', 'a']`).
 *
 * A cycle is an error, not a warning. dependsOn is the call graph the network policies allow, and the only order
 * the platform has for bringing modules up: after a full outage (one power cut takes the whole private cloud) a
 * module whose readiness waits on a dependency never becomes Ready when that dependency waits on it, and a release
 * of either side can no longer be tested against a released version of the other. A warning would pass synth and
 * `npm run check` with exit 0, so the cycle would only show during that outage. A cycle whose modules really do
 * call each other without waiting (a downlink pushed through the uplink's connections) is declared, with its
 * reason, as the `dependency-cycle` exception of one module on it; the loader then accepts that cycle.
 */
export function dependencyCycles(modules: readonly ModuleSpec[]): string[][] {
  const deps = new Map(modules.map((m) => [m.name, [...new Set(m.dependsOn.modules)].filter((d) => d !== m.name).sort()]));
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'open');
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      if (!deps.has(dep)) continue;
      if (state.get(dep) === 'open') {
        const cycle = stack.slice(stack.indexOf(dep));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join(' → '), [...rotated, rotated[0]!]);
      } else if (state.get(dep) === undefined) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of [...deps.keys()].sort()) if (state.get(name) === undefined) visit(name);
  return [...cycles.entries()].sort(([a], [b]) => compareText(a, b)).map(([, cycle]) => cycle);
}
