import { describe, expect, it } from 'vitest';
import { describeImageChange, shortDigest } from '../../infra/model/image-ref.js';
import { diffTrees } from '../../infra/preview/index.js';
import { loadDistTree } from '../../infra/cli/read-dist-tree.js';
import { deployment, writeTree } from './fixtures.js';

/** Made-up digests, visibly so: they name no image anywhere. */
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const REPO = 'harbor.icv.local/icv/vehicle-access';

describe('the diff understands digests', () => {
  it('renders a release as tag → tag with the digests shortened', () => {
    expect(describeImageChange(`${REPO}:1.2.0@${D1}`, `${REPO}:1.3.0@${D2}`)).toBe('tag 1.2.0 (sha256:111111111111) → 1.3.0 (sha256:222222222222)');
  });

  it('renders the first recorded digest of the same tag, and a digest-only change', () => {
    expect(describeImageChange(`${REPO}:1.2.0`, `${REPO}:1.2.0@${D1}`)).toBe('digest (none) → sha256:111111111111');
    expect(describeImageChange(`${REPO}:1.2.0@${D1}`, `${REPO}:1.2.0@${D2}`)).toBe('digest sha256:111111111111 → sha256:222222222222');
  });

  it('keeps tag-only changes as they were', () => {
    expect(describeImageChange(`${REPO}:1.2.0`, `${REPO}:1.3.0`)).toBe('tag 1.2.0 → 1.3.0');
  });

  it('shortens only digests longer than 12 hex digits', () => {
    expect(shortDigest(D1)).toBe('sha256:111111111111');
    expect(shortDigest('sha256:abc')).toBe('sha256:abc');
  });

  it("names the change in a merge request's diff of two dist trees", () => {
    const tree = (image: string) => ({ test: { 'manifests/module/vehicle-access.yaml': [deployment('vehicle-access', { image })] } });
    const report = diffTrees(loadDistTree(writeTree(tree(`${REPO}:1.2.0@${D1}`))), loadDistTree(writeTree(tree(`${REPO}:1.3.0@${D2}`))), { from: 'before', to: 'after' });
    const intents = report.changes.flatMap((c) => (c.intents ?? []).map((i) => i.text));
    expect(intents).toContain('container app image: tag 1.2.0 (sha256:111111111111) → 1.3.0 (sha256:222222222222)');
  });
});
