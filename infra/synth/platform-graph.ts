import { DOMAINS, type ModuleSpec } from '../schema/module.js';
import { ROLE_GROUPS, STATEFUL_SERVICES, type Environment, type RoleGroup } from '../schema/environment.js';
import { moduleNamespace, routeHost } from '../model/names.js';

/**
 * The platform of one environment as a Mermaid flowchart: the cluster's nodes and their roles, a namespace per
 * domain holding its modules, module → module dependencies, module ⇢ VM-hosted stateful service edges, Harbor,
 * and the entry points (public hosts, node ports) → the modules they reach. Pure and deterministic: same inputs, same text.
 */

const ROLE_NAMES: Record<RoleGroup, string> = { etcd: 'etcd', controlPlane: 'control-plane', worker: 'worker' };

/** Mermaid ids allow letters, digits and underscores. */
function id(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function label(...lines: string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, '#quot;')).join('<br/>')}"`;
}

export function renderPlatformGraph(env: Environment, catalog: readonly ModuleSpec[]): string {
  const modules = [...catalog].sort((a, b) => a.name.localeCompare(b.name));
  const known = new Set(modules.map((m) => m.name));
  const lines: string[] = ['flowchart LR'];

  lines.push(`  subgraph cluster[${label(`Kubernetes cluster ${env.cluster.clusterName}`)}]`, '    direction LR');
  lines.push(`    subgraph nodes[${label('Nodes (KubeKey)')}]`, '      direction TB');
  for (const host of env.cluster.hosts) {
    const roles = ROLE_GROUPS.filter((g) => env.cluster.roleGroups[g].includes(host.name)).map((g) => ROLE_NAMES[g]);
    lines.push(`      ${id('host', host.name)}[${label(host.name, host.internalAddress, roles.join(', ') || 'no role', `${host.capacity.cpu} CPU / ${host.capacity.memoryGiB} GiB`)}]`);
  }
  lines.push('    end');
  for (const domain of DOMAINS) {
    const members = modules.filter((m) => m.domain === domain);
    if (members.length === 0) continue;
    const namespace = moduleNamespace(domain);
    lines.push(`    subgraph ${id('ns', namespace)}[${label(`namespace ${namespace}`)}]`);
    for (const module of members) lines.push(`      ${id('mod', module.name)}[${label(module.name)}]`);
    lines.push('    end');
  }
  lines.push('  end');

  const usedStateful = STATEFUL_SERVICES.filter((s) => modules.some((m) => m.dependsOn.stateful.includes(s)));
  lines.push(`  subgraph vms[${label('VM-hosted stateful services')}]`);
  for (const service of STATEFUL_SERVICES) {
    const { addresses, port } = env.statefulServices[service];
    lines.push(`    ${id('vm', service)}[(${label(service, `${addresses.join(', ')} :${port}`)})]`);
  }
  lines.push('  end');
  lines.push(`  harbor[(${label('Harbor', env.registry.host)})]`);
  lines.push('  cluster -.->|"pulls images"| harbor');

  const routes = new Map<string, { module: string; path: string }[]>();
  for (const module of modules) {
    for (const route of module.routes) {
      const host = routeHost(env, route.host);
      routes.set(host, [...(routes.get(host) ?? []), { module: module.name, path: route.path }]);
    }
  }
  const hosts = [...routes.keys()].sort();
  const exposed = modules.filter((m) => m.external !== undefined);
  if (hosts.length > 0 || exposed.length > 0) {
    lines.push(`  subgraph entry[${label('Entry points: public hosts (Ingress) and node ports')}]`);
    for (const host of hosts) lines.push(`    ${id('route', host)}([${label(host)}])`);
    for (const module of exposed) {
      lines.push(`    ${id('nodeport', module.name)}([${label(`NodePort ${module.external!.nodePort}`, `from ${module.external!.sourceRanges.join(', ')}`)}])`);
    }
    lines.push('  end');
  }

  for (const module of modules) {
    for (const dep of [...module.dependsOn.modules].sort()) {
      if (known.has(dep)) lines.push(`  ${id('mod', module.name)} --> ${id('mod', dep)}`);
    }
    for (const service of STATEFUL_SERVICES.filter((s) => module.dependsOn.stateful.includes(s))) {
      lines.push(`  ${id('mod', module.name)} -.-> ${id('vm', service)}`);
    }
  }
  for (const host of hosts) {
    const targets = [...routes.get(host)!].sort((a, b) => a.path.localeCompare(b.path) || a.module.localeCompare(b.module));
    for (const target of targets) lines.push(`  ${id('route', host)} -->|${label(target.path)}| ${id('mod', target.module)}`);
  }
  for (const module of exposed) lines.push(`  ${id('nodeport', module.name)} --> ${id('mod', module.name)}`);
  if (usedStateful.length < STATEFUL_SERVICES.length) {
    const unused = STATEFUL_SERVICES.filter((s) => !usedStateful.includes(s));
    lines.push(`  %% not used by any module: ${unused.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where the page lands under `dist/<env>/`. */
export const PLATFORM_PAGE = 'platform.md';

/** The markdown page `npm run synth` and `npm run graph` write to `dist/<env>/platform.md`. */
export function renderPlatformPage(env: Environment, catalog: readonly ModuleSpec[]): string {
  const domains = new Set(catalog.map((m) => m.domain)).size;
  return [
    `# icv-platform: ${env.name}`,
    '',
    `${catalog.length} modules in ${domains} domain namespaces on ${env.cluster.hosts.length} nodes; images from ${env.registry.host}.`,
    'Solid arrows: module calls module, entry points reach modules (public hosts by path); dotted arrows: module uses a VM-hosted stateful service.',
    'Generated by `npm run graph` from environments/ and modules/; do not edit.',
    '',
    '```mermaid',
    renderPlatformGraph(env, catalog).trimEnd(),
    '```',
    '',
  ].join('\n');
}
