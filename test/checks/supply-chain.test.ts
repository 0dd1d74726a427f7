import { describe, expect, it } from 'vitest';
import { checkSupplyChain } from '../../infra/checks/index.js';
import { parseImageRef as parseImage } from '../../infra/model/image-ref.js';
import { CONTAINER, container, DEPLOYMENT, expectFinding, fixtureEnv, moduleObjects, REGISTRY } from './fixtures.js';

function withImage(image: string, env = fixtureEnv()) {
  const objects = moduleObjects();
  container(objects).image = image;
  return checkSupplyChain({ objects, env });
}

describe('supply-chain', () => {
  it('parses registry, repository, tag and digest', () => {
    expect(parseImage('harbor.x.cn:8443/icv/a/b:1.2@sha256:ab')).toEqual({ registry: 'harbor.x.cn:8443', repository: 'icv/a/b', tag: '1.2', digest: 'sha256:ab' });
    expect(parseImage('nginx')).toEqual({ repository: 'nginx' });
    expect(parseImage('library/nginx:1.25')).toEqual({ repository: 'library/nginx', tag: '1.25' });
  });

  it('registry: an image from anywhere but the environment\'s Harbor', () => {
    const finding = expectFinding(withImage('docker.io/library/nginx:1.25'), 'supply-chain.registry', DEPLOYMENT, `${CONTAINER}.image`);
    expect(finding.message).toContain(REGISTRY);
  });

  it('registry: not checked without an environment', () => {
    const objects = moduleObjects();
    container(objects).image = 'docker.io/library/nginx:1.25';
    expect(checkSupplyChain({ objects })).toEqual([]);
  });

  it('image-tag: no tag, or latest', () => {
    expectFinding(withImage(`${REGISTRY}/icv/demo`), 'supply-chain.image-tag', DEPLOYMENT, `${CONTAINER}.image`);
    expect(expectFinding(withImage(`${REGISTRY}/icv/demo:latest`), 'supply-chain.image-tag', DEPLOYMENT, `${CONTAINER}.image`).message).toContain("'latest'");
  });

  it('image-tag: a digest pins the image', () => {
    expect(withImage(`${REGISTRY}/icv/demo@sha256:0123`)).toEqual([]);
    expect(withImage(`${REGISTRY}/icv/demo:latest@sha256:0123`)).toEqual([]);
  });
});
