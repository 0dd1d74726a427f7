import { mirrorReference, type MirrorImage } from '../model/mirrors.js';
import { finding, type CheckInput, type Finding } from './finding.js';
import { asString, containersOf, podTemplates } from './kube.js';

/**
 * Rule `supply-chain.provenance`: every image a manifest runs is either built by one of the platform's pipelines
 * (the `IMAGE` a module's Jenkinsfile pushes) or declared as a mirror (`modules/mirrors.ts`), referenced by digest.
 * Runs when the objects include the platform's Pipelines (a full environment), so that what is built is known.
 */

/** Repositories the platform's pipelines push: the `IMAGE = '<registry>/<path>'` line of each Pipeline's Jenkinsfile. */
export function builtRepositories(objects: CheckInput['objects']): Set<string> {
  const built = new Set<string>();
  for (const obj of objects) {
    if (obj.kind !== 'Pipeline') continue;
    const jenkinsfile = asString((obj.spec as { pipeline?: { jenkinsfile?: unknown } } | undefined)?.pipeline?.jenkinsfile);
    const image = jenkinsfile?.match(/^\s*IMAGE = '([^']+)'/m)?.[1];
    if (image) built.add(image);
  }
  return built;
}

export function checkProvenance(input: CheckInput): Finding[] {
  const built = builtRepositories(input.objects);
  const env = input.env;
  if (built.size === 0 || !env) return [];
  const mirrored = new Set((input.mirrors ?? []).map((m: MirrorImage) => mirrorReference(env.registry.host, env.registry.project, m)));
  const findings: Finding[] = [];
  for (const template of podTemplates(input.objects)) {
    for (const { container, name, path } of containersOf(template)) {
      const image = asString(container.image);
      if (!image) continue;
      const repository = image.split('@')[0]!.replace(/:[^/:]+$/, '');
      if (built.has(repository) || mirrored.has(image)) continue;
      findings.push(
        finding(
          template.owner,
          'supply-chain.provenance',
          'error',
          `${path}.image`,
          `container '${name}' image '${image}' is neither built by a pipeline of the platform nor declared as a mirror`,
          `declare it in modules/mirrors.ts (upstream reference and digest) and reference it as ${env.registry.host}/${env.registry.project}/mirror/<name>@<digest>`,
        ),
      );
    }
  }
  return findings;
}
