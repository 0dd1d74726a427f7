import { finding, type CheckInput, type Finding } from './finding.js';
import { asString, containersOf, podTemplates } from './kube.js';

/**
 * Rule family `supply-chain`: every image comes from the environment's Harbor and names an immutable version
 * (a tag other than `latest`, or a digest).
 */

export interface ImageReference {
  /** Registry host, or undefined for Docker Hub's implicit `docker.io`. */
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(image: string): ImageReference {
  const [name = '', digest] = image.split('@', 2) as [string, string | undefined];
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasRegistry ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const tagged = colon > path.lastIndexOf('/');
  return {
    ...(hasRegistry ? { registry: first } : {}),
    repository: tagged ? path.slice(0, colon) : path,
    ...(tagged ? { tag: path.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

export function checkSupplyChain(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const harbor = input.env?.registry.host;
  for (const template of podTemplates(input.objects)) {
    for (const { container, name, path } of containersOf(template)) {
      const image = asString(container.image);
      if (!image) continue;
      const ref = parseImage(image);
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
