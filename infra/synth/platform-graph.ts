import { DOMAINS, type ModuleSpec } from '../schema/module.js';
import { ROLE_GROUPS, STATEFUL_SERVICES, type Environment, type RoleGroup } from '../schema/environment.js';
import { moduleNamespace, routeHost, STATEFUL_NAMESPACE } from '../model/names.js';
import { cutoverStage } from '../schema/cutover.js';
import { compareText } from '../model/text-order.js';

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
  const modules = [...catalog].sort((a, b) => compareText(a.name, b.name));
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
    for (const module of members) lines.push(`      ${id('mod', module.name)}[${label(module.name, ...stageLines(env, module.name))}]`);
    lines.push('    end');
  }
  lines.push('  end');

  const usedStateful = STATEFUL_SERVICES.filter((s) => modules.some((m) => m.dependsOn.stateful.includes(s)));
  lines.push(`  subgraph vms[${label('VM-hosted stateful services')}]`);
  for (const service of STATEFUL_SERVICES) {
    const { addresses, port, mode } = env.statefulServices[service];
    const where = mode === 'cluster' ? `in the cluster: StatefulSet ${STATEFUL_NAMESPACE}/${service} :${port}` : `${addresses.join(', ')} :${port}`;
    lines.push(`    ${id('vm', service)}[(${label(service, where)})]`);
  }
  lines.push('  end');
  const onLegacy = modules.filter((m) => cutoverStage(env, m.name) !== 'kubernetes');
  if (onLegacy.length > 0) {
    lines.push(`  subgraph legacy[${label('Legacy deployments outside the cluster (cutover)')}]`);
    for (const module of onLegacy) {
      const upstream = env.cutover[module.name]!.legacy!;
      lines.push(`    ${id('legacy', module.name)}[(${label(`${module.name} (legacy)`, `${upstream.addresses.join(', ')} :${upstream.port}`)})]`);
    }
    lines.push('  end');
  }
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
    const targets = [...routes.get(host)!].sort((a, b) => compareText(a.path, b.path) || compareText(a.module, b.module));
    for (const target of targets) {
      const cutover = env.cutover[target.module];
      const stage = cutoverStage(env, target.module);
      if (stage === 'kubernetes') lines.push(`  ${id('route', host)} -->|${label(target.path)}| ${id('mod', target.module)}`);
      else {
        const weight = stage === 'canary' ? cutover!.weight! : 0;
        lines.push(`  ${id('route', host)} -->|${label(`${target.path} ${100 - weight}%`)}| ${id('legacy', target.module)}`);
        if (weight > 0) lines.push(`  ${id('route', host)} -->|${label(`${target.path} ${weight}%`)}| ${id('mod', target.module)}`);
      }
    }
  }
  for (const module of exposed) lines.push(`  ${id('nodeport', module.name)} --> ${id('mod', module.name)}`);
  if (usedStateful.length < STATEFUL_SERVICES.length) {
    const unused = STATEFUL_SERVICES.filter((s) => !usedStateful.includes(s));
    lines.push(`  %% not used by any module: ${unused.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A module's cutover under its name: `legacy: route to legacy 100%` or `canary: 20% on Kubernetes`. */
function stageLines(env: Environment, module: string): string[] {
  const stage = cutoverStage(env, module);
  if (stage === 'legacy') return ['cutover legacy: route 100% to legacy, smoke tests only'];
  if (stage === 'canary') return [`cutover canary: ${env.cutover[module]!.weight}% on Kubernetes`];
  return [];
}

/** The modules of an environment not yet fully on Kubernetes, with their stage: the page lists them. */
export function modulesOnLegacy(env: Environment, catalog: readonly ModuleSpec[]): string[] {
  return [...catalog]
    .sort((a, b) => compareText(a.name, b.name))
    .filter((m) => cutoverStage(env, m.name) !== 'kubernetes')
    .map((m) => `${m.name}: ${stageLines(env, m.name)[0]!.replace(/^cutover /, '')}`);
}

/** Where the page lands under `dist/<env>/`. */
export const PLATFORM_PAGE = 'platform.md';

function legacyList(env: Environment, catalog: readonly ModuleSpec[]): string[] {
  const modules = modulesOnLegacy(env, catalog);
  if (modules.length === 0) return [];
  return [`Modules still on legacy (${modules.length}):`, '', ...modules.map((m) => `- ${m}`), ''];
}

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
    ...legacyList(env, catalog),
    '```mermaid',
    renderPlatformGraph(env, catalog).trimEnd(),
    '```',
    '',
  ].join('\n');
}
