import { describe, expect, it } from 'vitest';
import { PARITY, PARITY_DECLARATIONS } from '../../environments/parity.js';
import type { Platform } from '../../infra/model/types.js';
import { checkParity, parityReport, parsePathPattern, validateDeclarations, type ParityDeclaration } from '../../infra/parity/index.js';
import { built } from '../support/platforms.js';

const [test, prod] = built.map((b) => b.platform) as [Platform, Platform];

/** A deep copy of prod to break one thing of. */
function prodWith(change: (platform: any) => void): Platform {
  const copy = structuredClone(prod) as any;
  change(copy);
  return copy;
}

function objectOf(platform: any, kind: string, namespace: string | undefined, name: string): any {
  for (const unit of platform.units) {
    const found = unit.objects.find((o: any) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
    if (found) return found;
  }
  throw new Error(`no ${kind} ${namespace}/${name}`);
}

function differencesOf(result: ReturnType<typeof checkParity>, id: string) {
  return result.declared.find((d) => d.declaration.id === id)!.differences;
}

describe('checkParity on the real environments', () => {
  const result = checkParity(test, prod, PARITY);

  it('finds no undeclared difference and the same objects on both sides', () => {
    expect(result.findings).toEqual([]);
    expect(result.envs).toEqual(['test', 'prod']);
    const ids = (p: Platform) => p.units.flatMap((u) => u.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).sort();
    expect(ids(prod)).toEqual(ids(test));
    expect(result.compared.objects).toBe(ids(prod).length);
    expect(result.compared.helmReleases).toBe(1);
  });

  it('attributes each environment difference to the declaration that allows it', () => {
    const paths = (id: string) => new Set(differencesOf(result, id).map((d) => `${d.object} ${d.path}`));
    const tagged = Object.keys(built[0]!.env.releases).find((m) => built[0]!.env.releases[m]!.tag !== built[1]!.env.releases[m]!.tag)!;
    const deployment = [...paths('release-tags')].find((p) => p.includes(`/${tagged} spec.template.spec.containers`))!;
    expect(deployment).toMatch(/^Deployment\/icv-[a-z]+\/[-a-z]+ spec\.template\.spec\.containers\[name=[-a-z]+\]\.image@tag$/);
    expect([...paths('registry-host')]).toContain(deployment.replace('@tag', '@registry'));
    expect(paths('registry-host')).toContain('HelmRelease/harbor/harbor values.externalURL');
    expect(paths('registry-host')).toContain('Secret/icv-data/harbor-pull stringData[".dockerconfigjson"]');
    expect(paths('public-domain')).toContain('Ingress/icv-gateway/api-gateway spec.rules[0].host');
    expect(paths('vm-addresses')).toContain('EndpointSlice/icv-stateful/elasticsearch-vms endpoints[1].addresses[0]');
    expect(paths('cluster-identity')).toContain('Artifact/kubekey/cluster.yaml spec.kubernetes.clusterName');
    expect(paths('registry-tls-trust')).toEqual(
      new Set([
        'Artifact/kubekey/cluster.yaml spec.registry.auths["harbor.test.icv.example.cn"].skipTLSVerify',
        'Artifact/kubekey/cluster.yaml spec.registry.auths["harbor.icv.example.cn"].certsPath',
      ]),
    );
  });

  it('renders a report that passes and lists the declared differences under their declaration', () => {
    const report = parityReport(result);
    expect(report).toContain('Parity test ≡ prod');
    expect(report).toContain('PASS: no undeclared difference');
    expect(report).toMatch(/\n {2}registry-host: \d+ difference\(s\) in \d+ object\(s\)\n {4}why: Each environment has its own Harbor/);
    expect(report).toContain('    HelmRelease/harbor/harbor values.externalURL: test "https://harbor.test.icv.example.cn" → prod "https://harbor.icv.example.cn"');
    expect(report).toMatch(/\n {2}replica-floor: 4 difference\(s\) in 1 object\(s\)\n/);
    expect(report).toContain('    HelmRelease/harbor/harbor values.core.replicas: test 1 → prod 2');
  });
});

describe('checkParity on a prod that drifted', () => {
  it('fails naming the object and path of a changed container port', () => {
    const drifted = prodWith((p) => {
      const container = objectOf(p, 'Deployment', 'icv-vehicle', 'vehicle-access').spec.template.spec.containers[0];
      container.ports[0].containerPort += 1;
    });
    const { findings } = checkParity(test, drifted, PARITY);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'parity.undeclared-difference',
      severity: 'error',
      object: 'Deployment/icv-vehicle/vehicle-access',
      path: expect.stringMatching(/^spec\.template\.spec\.containers\[name=vehicle-access\]\.ports\[name=[a-z]+\]\.containerPort$/),
      fix: expect.stringContaining('environments/parity.ts'),
    });
    expect(findings[0]!.message).toMatch(/^test and prod differ at .*containerPort: test \d+, prod \d+, and no declaration in environments\/parity\.ts allows it$/);
  });

  it('fails on an environment variable only prod has, as one finding at the variable', () => {
    const drifted = prodWith((p) => {
      objectOf(p, 'Deployment', 'icv-vehicle', 'vehicle-access').spec.template.spec.containers[0].env.push({ name: 'DEBUG', value: 'true' });
    });
    const result = checkParity(test, drifted, PARITY);
    expect(result.findings.map((f) => `${f.object} ${f.path}`)).toEqual([
      'Deployment/icv-vehicle/vehicle-access spec.template.spec.containers[name=vehicle-access].env[name=DEBUG]',
    ]);
    expect(result.findings[0]!.message).toContain('test (absent), prod {"name":"DEBUG","value":"true"}');
    expect(parityReport(result)).toContain('FAIL: 1 undeclared difference(s)');
  });

  it('fails when an image differs in its repository, which no declaration allows', () => {
    const drifted = prodWith((p) => {
      const container = objectOf(p, 'Deployment', 'icv-vehicle', 'vehicle-access').spec.template.spec.containers[0];
      container.image = container.image.replace('/vehicle-access:', '/vehicle-access-hotfix:');
    });
    expect(checkParity(test, drifted, PARITY).findings.map((f) => f.path)).toEqual(['spec.template.spec.containers[name=vehicle-access].image@repository']);
  });

  it('reports an object that exists in one environment only', () => {
    const drifted = prodWith((p) => {
      const unit = p.units.find((u: any) => u.id === 'module/vehicle-access');
      unit.objects = unit.objects.filter((o: any) => o.kind !== 'PodDisruptionBudget');
    });
    expect(checkParity(test, drifted, PARITY).findings).toEqual([
      expect.objectContaining({ rule: 'parity.object-set', object: 'PodDisruptionBudget/icv-vehicle/vehicle-access', message: expect.stringContaining('exists in test but not in prod') }),
    ]);
  });

  it('compares Helm values and artifacts too', () => {
    const drifted = prodWith((p) => {
      const registry = p.units.find((u: any) => u.id === 'registry');
      registry.helmReleases[0].values.trivy.enabled = false;
      const cluster = p.units.find((u: any) => u.id === 'cluster');
      const kubekey = cluster.artifacts.find((a: any) => a.path === 'kubekey/cluster.yaml');
      kubekey.content = kubekey.content.replace('version: v1.26.15', 'version: v1.27.9');
    });
    expect(checkParity(test, drifted, PARITY).findings.map((f) => `${f.object} ${f.path}`)).toEqual([
      'Artifact/kubekey/cluster.yaml spec.kubernetes.version',
      'HelmRelease/harbor/harbor values.trivy.enabled',
    ]);
  });

  it('allows a declared path only in the kinds it is declared for', () => {
    const drifted = prodWith((p) => {
      objectOf(p, 'Service', 'icv-vehicle', 'vehicle-access').metadata.labels['app.kubernetes.io/version'] = 'x';
    });
    expect(checkParity(test, drifted, PARITY).findings.map((f) => `${f.object} ${f.path}`)).toEqual([
      'Service/icv-vehicle/vehicle-access metadata.labels["app.kubernetes.io/version"]',
    ]);
  });
});

describe('the parity declarations', () => {
  it('are valid: unique ids, a reason each, readable paths', () => {
    expect(() => validateDeclarations(PARITY_DECLARATIONS, 'environments/parity.ts')).not.toThrow();
  });

  it('are checked before comparing, naming the entry', () => {
    const broken: ParityDeclaration[] = [{ id: 'typo', reason: 'a reason that is long enough', where: [{ kinds: ['Deployment'], paths: ['spec..replicas'] }] }];
    expect(() => checkParity(test, prod, { ...PARITY, declarations: broken })).toThrow(/environments\/parity\.ts: PARITY_DECLARATIONS\[\d+\]\.where\[0\]\.paths\[0\]: path pattern 'spec\.\.replicas' cannot be read/);
  });

  it('read paths in the diff report\'s syntax with wildcards and image parts', () => {
    expect(parsePathPattern('spec.template.spec.containers[name=*].image@tag')).toEqual({
      source: 'spec.template.spec.containers[name=*].image@tag',
      segments: [{ key: 'spec' }, { key: 'template' }, { key: 'spec' }, { key: 'containers' }, { by: 'name', value: '*' }, { key: 'image' }],
      imagePart: 'tag',
    });
    expect(parsePathPattern('metadata.labels["app.kubernetes.io/version"]').segments).toEqual([{ key: 'metadata' }, { key: 'labels' }, { key: 'app.kubernetes.io/version' }]);
    expect(parsePathPattern('spec.registry.auths.*.certsPath').segments[3]).toEqual({ any: true });
    expect(() => parsePathPattern('spec.image@size')).toThrow("'@' must be followed by one of registry, repository, tag, digest");
  });
});

describe('parity understands digests', () => {
  const [testBuilt, prodBuilt] = built as [(typeof built)[number], (typeof built)[number]];
  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  /** Both environments rebuilt with vehicle-access at one tag, with the given digest in each. */
  async function withDigests(testDigest: string, prodDigest: string) {
    const { buildPlatform } = await import('../../infra/synth/build-platform.js');
    const tag = testBuilt.env.releases['vehicle-access']!.tag;
    const rebuild = (b: typeof testBuilt, d: string) => buildPlatform({ ...b.env, releases: { ...b.env.releases, 'vehicle-access': { tag, digest: d } } }, b.catalog);
    return checkParity(rebuild(testBuilt, testDigest), rebuild(prodBuilt, prodDigest), PARITY);
  }
  const imagePaths = (result: ReturnType<typeof checkParity>, id: string) =>
    differencesOf(result, id).filter((d) => d.object.endsWith('/vehicle-access') && d.path.includes('.image@')).map((d) => d.path.replace(/^.*\.image/, 'image'));

  it('sees the same digest in two registries as a registry difference only', async () => {
    const result = await withDigests(digest('a'), digest('a'));
    expect(result.findings).toEqual([]);
    expect(imagePaths(result, 'registry-host')).toEqual(['image@registry']);
    expect(imagePaths(result, 'release-tags')).toEqual([]);
  });

  it('attributes a different digest (a release still being tested) to release-tags', async () => {
    const result = await withDigests(digest('a'), digest('b'));
    expect(result.findings).toEqual([]);
    expect(imagePaths(result, 'release-tags')).toEqual(['image@digest']);
  });
});
