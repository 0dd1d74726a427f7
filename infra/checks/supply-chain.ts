import { parseImageRef } from '../model/image-ref.js';
import { finding, type CheckInput, type Finding } from './finding.js';
import { asString, containersOf, podTemplates } from './kube.js';

/**
 * Rule family `supply-chain`: every image comes from the environment's Harbor and names an immutable version
 * (a tag other than `latest`, or a digest).
 */

export function checkSupplyChain(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const harbor = input.env?.registry.host;
  for (const template of podTemplates(input.objects)) {
    for (const { container, name, path } of containersOf(template)) {
      const image = asString(container.image);
      if (!image) continue;
      const ref = parseImageRef(image);
      if (!ref.tag && !ref.digest) {
        findings.push(finding(template.owner, 'supply-chain.image-tag', 'error', `${path}.image`, `container '${name}' image '${image}' has no tag: it runs whatever 'latest' is`, 'pin the image to an immutable release tag or a digest'));
      } else if (ref.tag === 'latest' && !ref.digest) {
        findings.push(finding(template.owner, 'supply-chain.image-tag', 'error', `${path}.image`, `container '${name}' image '${image}' uses the moving tag 'latest'`, 'pin the image to an immutable release tag or a digest'));
      }
      if (harbor !== undefined && ref.registry !== harbor) {
        findings.push(
          finding(template.owner, 'supply-chain.registry', 'error', `${path}.image`, `container '${name}' image '${image}' is not pulled from the environment's Harbor '${harbor}'`, `push the image to ${harbor} and reference it there`),
        );
      }
    }
  }
  return findings;
}
