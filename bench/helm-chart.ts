import { dump } from 'js-yaml';
import { stringify } from 'yaml';
import type { Platform } from '../infra/model/types.js';

/**
 * The same objects as one Helm chart that loops over the catalog: `chart/templates/units.yaml` ranges over the
 * units of `.Values.units` and renders each object with `toYaml`; `values-<env>.yaml` holds an environment's units
 * (id and objects, as our synthesis built them). `helm template icv chart -f values-<env>.yaml` renders
 * environment `<env>`. Generated from our own output, so the bench can check that Helm renders exactly our
 * objects. A hand-written chart would template each field from smaller values; this one keeps the template to a
 * loop, so Helm's cost is reading the values, running the template and splitting what it printed.
 */

/** Helm's release name in the bench; the objects do not use it. */
export const HELM_RELEASE = 'icv';

const CHART = { apiVersion: 'v2', name: 'icv-platform', description: 'The icv-platform objects, one loop over the catalog (bench input)', type: 'application', version: '0.1.0' };

/** `range` over units, then over each unit's objects; `toYaml` prints an object's keys sorted, which parses back equal. */
const TEMPLATE = `{{- range $unit := .Values.units }}
{{- range $object := $unit.objects }}
---
# unit: {{ $unit.id }}
{{ toYaml $object }}
{{- end }}
{{- end }}
`;

/** Files of the Helm tree, path → content: `chart/Chart.yaml`, `chart/templates/units.yaml`, `values-<env>.yaml`. */
export function helmTree(platforms: readonly Platform[]): Map<string, string> {
  const files = new Map<string, string>([
    ['chart/Chart.yaml', stringify(CHART)],
    ['chart/templates/units.yaml', TEMPLATE],
  ]);
  for (const platform of platforms) {
    const units = platform.units.filter((u) => u.objects.length > 0).map((u) => ({ id: u.id, objects: u.objects }));
    files.set(`values-${platform.env}.yaml`, dump({ units }, { noRefs: true, lineWidth: -1 }));
  }
  return files;
}
