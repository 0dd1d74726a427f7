import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/synth.js';
import type { ModuleDeclaration } from '../../infra/schema/module.js';
import { catalogSources } from '../../modules/index.js';
import { captureOutput, tempDir } from '../support/inputs.js';

/** A deep copy of the real catalog with `mutate` applied to it. */
function brokenCatalog(mutate: (modules: Map<string, ModuleDeclaration & Record<string, any>>, sources: { file: string; modules: any[] }[]) => void) {
  const sources = catalogSources.map((s) => ({ file: s.file, modules: structuredClone(s.modules) as any[] }));
  const byName = new Map(sources.flatMap((s) => s.modules.map((m) => [m.name, m] as const)));
  mutate(byName, sources);
  return sources;
}

async function synthWith(options: { catalog?: ReturnType<typeof brokenCatalog>; releases?: Record<string, Record<string, string>> }) {
  const out = tempDir();
  const { result, stderr } = await captureOutput(() => main(['--out', out], options));
  return { code: result, stderr, wrote: readdirSync(out).length > 0 };
}

describe('catalog validation: exit 2, the module and field in the message, nothing written', () => {
  const cases: [string, Parameters<typeof brokenCatalog>[0], RegExp][] = [
    ['a duplicate name', (_, sources) => sources[1]!.modules.push(structuredClone(sources[0]!.modules[0])), /modules\[vehicle-access\]\.name: duplicate module name 'vehicle-access'/],
    ['a dependency on a module that does not exist', (m) => m.get('api-gateway')!.dependsOn!.modules!.push('billing-service'), /modules\[api-gateway\]\.dependsOn\.modules\[\d+\]: depends on unknown module 'billing-service'/],
    ['a dependency on a stateful service that does not exist', (m) => (m.get('report-service')!.dependsOn!.stateful as string[]).push('mongodb'), /modules\[report-service\]\.dependsOn\.stateful\[\d+\]: /],
    ['two routes on the same host and path', (m) => m.get('ops-console-web')!.routes!.push({ host: 'www', path: '/' }), /modules\[ops-console-web\]\.routes\[1\]: route host 'www' path '\/' is already routed to module 'portal-web'/],
    ['a module without resources', (m) => delete (m.get('audit-log') as any).resources, /modules\[audit-log\]\.resources: /],
    ['an image reference with a tag', (m) => (m.get('audit-log')!.image = 'audit-log:latest'), /modules\[audit-log\]\.image: must be a repository path/],
    ['an exception without a reason', (m) => (m.get('hdmap-service')!.exceptions![0]!.reason = '  '), /modules\[hdmap-service\]\.exceptions\[0\]\.reason: must give a reason/],
    ['a node port used twice', (m) => (m.get('rsu-access')!.external!.nodePort = 30900), /modules\[rsu-access\]\.external\.nodePort: 'external.nodePort' \(30900\) is already used by module 'vehicle-access'/],
  ];
  for (const [rule, mutate, message] of cases) {
    it(`rejects ${rule}`, async () => {
      const { code, stderr, wrote } = await synthWith({ catalog: brokenCatalog(mutate) });
      expect(code).toBe(2);
      expect(stderr).toMatch(/error: modules\/\w+\.ts: /);
      expect(stderr).toMatch(message);
      expect(wrote).toBe(false);
    });
  }

  it('names the file of the broken declaration', async () => {
    const { stderr } = await synthWith({ catalog: brokenCatalog((m) => delete (m.get('audit-log') as any).resources) });
    expect(stderr).toContain('error: modules/identity.ts: modules[audit-log].resources: ');
  });

  describe('release tags', () => {
    const releasesWith = (change: (tags: Record<string, string>) => void) => {
      const tags = Object.fromEntries(catalogSources.flatMap((s) => s.modules.map((m) => [m.name, '1.0.0-0000000'])));
      const prod = { ...tags };
      change(prod);
      return { test: tags, prod };
    };

    it('rejects the tag latest', async () => {
      const { code, stderr, wrote } = await synthWith({ releases: releasesWith((t) => (t['audit-log'] = 'latest')) });
      expect(code).toBe(2);
      expect(stderr).toContain("environments/releases/prod.yaml: modules.audit-log: image tag 'latest' of module 'audit-log' is a moving tag");
      expect(wrote).toBe(false);
    });

    it('rejects a module without a tag', async () => {
      const { code, stderr } = await synthWith({ releases: releasesWith((t) => delete t['audit-log']) });
      expect(code).toBe(2);
      expect(stderr).toContain("environments/releases/prod.yaml: modules.audit-log: module 'audit-log' has no image tag in environment 'prod'");
    });

    it('rejects a tag for a module that does not exist', async () => {
      const { code, stderr } = await synthWith({ releases: releasesWith((t) => (t['billing-service'] = '1.0.0-abcdef0')) });
      expect(code).toBe(2);
      expect(stderr).toContain("modules.billing-service: release tag for unknown module 'billing-service'");
    });
  });
});
