import { describe, expect, it } from 'vitest';
import { builtRepositories, checkProvenance } from '../../infra/checks/provenance.js';
import type { MirrorImage } from '../../infra/model/mirrors.js';
import type { KubeObject } from '../../infra/model/types.js';
import { mirrors } from '../../modules/mirrors.js';
import { built, objectsOf } from '../support/platforms.js';

const daemonSet = (image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'log-shipper', namespace: 'icv-logging' },
  spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'shipper', image }] } } },
});

describe.each(built)('image provenance of $env.name', ({ env, platform }) => {
  const objects = objectsOf(platform);
  const harbor = `${env.registry.host}/${env.registry.project}`;
  const busybox: MirrorImage = { name: 'busybox', upstream: 'docker.io/library/busybox:1.36.1', digest: `sha256:${'a'.repeat(64)}`, reason: 'test' };

  it('knows every module image from its pipeline, and passes on the real environment', () => {
    expect(builtRepositories(objects).size).toBe(platform.units.filter((u) => u.kind === 'Module').length);
    expect(checkProvenance({ objects, env, mirrors })).toEqual([]);
  });

  it('fails on an image that is neither built by a pipeline nor declared as a mirror (the old filebeat mirror)', () => {
    const findings = checkProvenance({ objects: [...objects, daemonSet(`${harbor}/mirror/filebeat:8.11.4`)], env, mirrors });
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'supply-chain.provenance', severity: 'error', object: 'DaemonSet/icv-logging/log-shipper', path: 'spec.template.spec.containers[shipper].image' }),
    ]);
  });

  it('passes a declared mirror referenced by its digest, and fails it by tag', () => {
    expect(checkProvenance({ objects: [...objects, daemonSet(`${harbor}/mirror/busybox@${busybox.digest}`)], env, mirrors: [busybox] })).toEqual([]);
    expect(checkProvenance({ objects: [...objects, daemonSet(`${harbor}/mirror/busybox:1.36.1`)], env, mirrors: [busybox] })).toHaveLength(1);
  });
});
