import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleSchema, type ModuleDeclaration } from '../../infra/schema/module.js';
import { main } from '../../infra/cli/graph.js';
import { loadInputs } from '../../infra/cli/inputs.js';
import { environmentSchema } from '../../infra/schema/environment.js';
import { renderPlatformGraph, renderPlatformPage } from '../../infra/synth/platform-graph.js';
import { captureOutput, tempDir } from '../support/inputs.js';
import { fixtureEnv } from './fixtures.js';

const base = {
  tier: 'backend',
  description: 'A module of the small fixture catalog.',
  health: { readiness: '/ready', liveness: '/live' },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  scaling: { replicas: 2 },
} as const;

const declarations: ModuleDeclaration[] = [
  { ...base, name: 'vehicle-access', domain: 'vehicle', source: { repository: 'icv/vehicle/vehicle-access', stack: 'go' }, port: { number: 9000, protocol: 'tcp' }, external: { nodePort: 30900, sourceRanges: ['100.64.0.0/10'] }, dependsOn: { modules: ['vehicle-state'], stateful: ['redis'] } },
  { ...base, name: 'vehicle-state', domain: 'vehicle', source: { repository: 'icv/vehicle/vehicle-state', stack: 'java' }, port: { number: 8080 }, dependsOn: { modules: [], stateful: ['mysql', 'redis'] } },
  { ...base, tier: 'frontend', name: 'portal', domain: 'frontend', source: { repository: 'icv/frontend/portal', stack: 'node' }, port: { number: 8080 }, routes: [{ host: 'www', path: '/' }, { host: 'www', path: '/api' }], dependsOn: { modules: ['vehicle-state'], stateful: [] } },
];
const catalog = declarations.map((d) => moduleSchema.parse(d));
const env = environmentSchema.parse({ ...fixtureEnv(), releases: { 'vehicle-access': '1.0.0', 'vehicle-state': '1.0.0', portal: '1.0.0' } });

describe('platform graph', () => {
  const graph = renderPlatformGraph(env, catalog);

  it('is a Mermaid flowchart naming every module of the catalog inside its namespace', () => {
    expect(graph.startsWith('flowchart LR\n')).toBe(true);
    for (const module of catalog) expect(graph).toContain(`mod_${module.name.replace(/-/g, '_')}["${module.name}"]`);
    expect(graph).toContain('subgraph ns_icv_vehicle["namespace icv-vehicle"]');
    expect(graph).toContain('subgraph ns_icv_frontend["namespace icv-frontend"]');
  });

  it('draws nodes with roles, dependencies, stateful services, Harbor and entry points', () => {
    expect(graph).toContain('host_w1["w1<br/>10.10.0.11<br/>worker<br/>5 CPU / 10 GiB"]');
    expect(graph).toContain('host_cp1["cp1<br/>10.10.0.10<br/>etcd, control-plane<br/>5 CPU / 10 GiB"]');
    expect(graph).toContain('mod_vehicle_access --> mod_vehicle_state');
    expect(graph).toContain('mod_portal --> mod_vehicle_state');
    expect(graph).toContain('mod_vehicle_state -.-> vm_mysql');
    expect(graph).toContain('mod_vehicle_access -.-> vm_redis');
    expect(graph).toContain(`harbor[("Harbor<br/>${env.registry.host}")]`);
    expect(graph).toContain('route_www_fixture_example_cn -->|"/api"| mod_portal');
    expect(graph).toContain('nodeport_vehicle_access --> mod_vehicle_access');
  });

  it('is deterministic: the catalog order does not matter', () => {
    expect(renderPlatformGraph(env, [...catalog].reverse())).toBe(graph);
  });

  it('the page wraps the diagram in a heading and a mermaid block', () => {
    const page = renderPlatformPage(env, catalog);
    expect(page).toMatch(/^# icv-platform: fixture-test\n/);
    expect(page).toContain('```mermaid\nflowchart LR\n');
    expect(page.trimEnd().endsWith('```')).toBe(true);
  });

  it('for both real environments, names every catalog module', () => {
    for (const { env: real, catalog: modules } of loadInputs()) {
      const text = renderPlatformGraph(real, modules);
      for (const module of modules) expect(text, `${real.name}: ${module.name}`).toContain(`["${module.name}"]`);
    }
  });
});

describe('npm run graph', () => {
  it('writes <out>/<env>/platform.md for every environment and nothing else', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'prod'));
    writeFileSync(join(out, 'prod', 'keep.txt'), 'synth output');
    const { result, stdout } = await captureOutput(() => main(['--out', out]));
    expect(result).toBe(0);
    expect(stdout).toMatch(/^test: wrote .*test\/platform\.md$/m);
    expect(readFileSync(join(out, 'prod', 'platform.md'), 'utf8')).toMatch(/^# icv-platform: prod\n[\s\S]*```mermaid\nflowchart LR\n/);
    expect(readFileSync(join(out, 'test', 'platform.md'), 'utf8')).toContain('# icv-platform: test');
    expect(readFileSync(join(out, 'prod', 'keep.txt'), 'utf8')).toBe('synth output');
  });

  it('--env narrows it; an unknown environment exits 2', async () => {
    const out = tempDir();
    expect((await captureOutput(() => main(['--env', 'test', '--out', out]))).result).toBe(0);
    expect((await captureOutput(() => main(['--env', 'nope', '--out', out]))).result).toBe(2);
  });
});
