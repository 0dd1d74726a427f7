import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './engines.js';

/** A CustomResourceDefinition the project vendors (upstream copies, see their README), as the e2e run installs it. */
export interface VendoredCrd {
  /** Path relative to the project root. */
  readonly file: string;
  readonly object: Record<string, any>;
  readonly group: string;
  readonly kind: string;
  readonly versions: readonly string[];
}

/**
 * Every vendored CRD under infra/: files named `<group>_<plural>.yaml` holding a CustomResourceDefinition (the
 * layout of controller-gen's output that the project keeps). Found by walking, so moving the folder breaks nothing.
 */
export function vendoredCrds(dir = join(ROOT, 'infra')): VendoredCrd[] {
  const found: VendoredCrd[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...vendoredCrds(path));
    else if (/^[a-z0-9.-]+_[a-z0-9]+\.yaml$/.test(entry.name)) {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        const object = doc.toJS() as Record<string, any> | null;
        if (object?.kind !== 'CustomResourceDefinition') continue;
        found.push({
          file: relative(ROOT, path),
          object,
          group: object.spec.group,
          kind: object.spec.names.kind,
          versions: (object.spec.versions as { name: string }[]).map((v) => v.name),
        });
      }
    }
  }
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

/** The Pulumi type tokens of the custom resources those CRDs define: `kubernetes:<group>/<version>:<Kind>`. */
export function customResourceTypes(crds: readonly VendoredCrd[]): Set<string> {
  return new Set(crds.flatMap((crd) => crd.versions.map((v) => `kubernetes:${crd.group}/${v}:${crd.kind}`)));
}
