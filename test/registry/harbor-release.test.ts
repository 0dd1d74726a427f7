import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPlatform } from '../../infra/synth/render.js';
import { HARBOR_CHART, HarborRelease } from '../../infra/synth/registry/harbor-release.js';
import { built } from '../support/platforms.js';

describe.each(built)('Harbor in $env.name', ({ env, platform }) => {
  const unit = platform.units.find((u) => u.id === 'registry')!;
  const [release, ...others] = unit.helmReleases;
  const values: any = release!.values;

  it('is one Helm release of the pinned official chart, in namespace harbor', () => {
    expect(unit.kind).toBe('Registry');
    expect(others).toEqual([]);
    expect(release).toMatchObject({ name: 'harbor', namespace: 'harbor', chart: 'harbor', repository: 'https://helm.goharbor.io', version: HARBOR_CHART.version });
    expect(release!.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is exposed by the ingress at the registry host, and externalURL is exactly https:// + that host', () => {
    expect(values.expose).toMatchObject({
      type: 'ingress',
      tls: { enabled: true, certSource: 'secret', secret: { secretName: 'icv-wildcard-tls' } },
      ingress: { hosts: { core: env.registry.host }, className: 'nginx' },
    });
    expect(values.externalURL).toBe(`https://${values.expose.ingress.hosts.core}`);
    expect(values.externalURL).toBe(`https://${env.registry.host}`);
  });

  it('keeps its volumes on uninstall and sizes them from the environment', () => {
    expect(values.persistence.enabled).toBe(true);
    expect(values.persistence.resourcePolicy).toBe('keep');
    const claims = values.persistence.persistentVolumeClaim;
    const storage = env.sizing.harborStorage;
    const expected = { registry: storage.registry, database: storage.database, redis: storage.redis, trivy: storage.trivy };
    for (const [claim, size] of Object.entries(expected)) expect(claims[claim]).toEqual({ storageClass: env.sizing.storageClass, size });
    expect(claims.jobservice.jobLog).toEqual({ storageClass: env.sizing.storageClass, size: storage.jobLog });
  });

  it('takes the admin password as a redaction marker, never a value', () => {
    expect(values.harborAdminPassword).toBe('<redacted:secret:harborAdminPassword>');
    expect(renderPlatform(platform).get('helm/harbor.values.yaml')).toContain('harborAdminPassword: <redacted:secret:harborAdminPassword>');
  });

  it('scans with Trivy and runs the internal database and Redis, every component with requests and limits', () => {
    expect(values.trivy.enabled).toBe(true);
    expect(values.database.type).toBe('internal');
    expect(values.redis.type).toBe('internal');
    const components = [values.core, values.portal, values.jobservice, values.registry.registry, values.registry.controller, values.trivy, values.database.internal, values.redis.internal];
    for (const component of components) {
      expect(Object.keys(component.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(component.resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
  });

  it('renders its values to helm/harbor.values.yaml', () => {
    const file = renderPlatform(platform).get('helm/harbor.values.yaml')!;
    expect(parse(file)).toEqual(values);
  });

  it('puts the namespace in the workspace at the baseline Pod Security level, with the reason, and serves the wildcard certificate', () => {
    const namespace: any = unit.objects.find((o) => o.kind === 'Namespace');
    expect(namespace.metadata.name).toBe('harbor');
    expect(namespace.metadata.labels).toMatchObject({
      'kubesphere.io/workspace': 'icv-platform',
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(namespace.metadata.annotations['icv.io/pod-security-reason']).toMatch(/not restricted-compliant/);
    const tls: any = unit.objects.find((o) => o.kind === 'Secret');
    expect(tls).toMatchObject({
      metadata: { name: values.expose.tls.secret.secretName, namespace: 'harbor' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': '<redacted:secret:tlsCertificate>', 'tls.key': '<redacted:secret:tlsPrivateKey>' },
    });
  });
});

describe('HarborRelease', () => {
  const env = built[0]!.env;

  it('refuses a registry host the wildcard certificate does not cover', () => {
    const elsewhere = { ...env, registry: { ...env.registry, host: 'registry.example.org' } };
    expect(() => new HarborRelease({ env: elsewhere })).toThrow(`'registry.host' (registry.example.org) of environment '${env.name}' must be one label under 'domain' (${env.domain})`);
    const nested = { ...env, registry: { ...env.registry, host: `a.harbor.${env.domain}` } };
    expect(() => new HarborRelease({ env: nested })).toThrow(/must be one label under 'domain'/);
  });

  it('applies its defaults once and takes overrides', () => {
    expect(new HarborRelease({ env })).toMatchObject({ releaseName: 'harbor', trivy: true });
    const noScan = new HarborRelease({ env, trivy: false, releaseName: 'registry' });
    expect(noScan.values.trivy.enabled).toBe(false);
    expect(noScan.spec.name).toBe('registry');
  });
});
