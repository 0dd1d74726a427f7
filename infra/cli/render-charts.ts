import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { InputError } from '../model/errors.js';
import type { HelmReleaseSpec, KubeObject } from '../model/types.js';

/**
 * `npm run check -- --chart-dir DIR`: renders each Helm release with `helm template` from a local copy of its chart
 * (`DIR/<chart>-<version>/`, as `ci/tools/build-tools.sh chart` puts it in the tools cache) so the rules check the
 * objects the release creates, not only its values. Helm is the pinned build in the tools cache
 * (`$ICV_TOOLS_CACHE/bin/helm`), `$ICV_HELM`, or `helm` on PATH. Values are rendered with their redaction markers;
 * nothing is written outside a temporary directory that is removed afterwards.
 */

/** The tools cache `ci/tools/build-tools.sh` fills. */
export function toolsCache(): string {
  return process.env.ICV_TOOLS_CACHE ?? join(homedir(), '.cache', 'icv-platform', 'tools');
}

/** How one release was checked. */
export interface ReleaseRendering {
  /** `harbor/harbor`. */
  readonly release: string;
  /** `rendered`: its objects are checked; `values-only`: only its values could be. */
  readonly checked: 'rendered' | 'values-only';
  /** Why only its values were checked, or which chart directory rendered it. */
  readonly detail: string;
  readonly objects: readonly KubeObject[];
  /** Set when helm could not render the release with its values: `pulumi up` would fail the same way. */
  readonly failed?: string;
}

function helmBinary(): string | undefined {
  const candidates = [process.env.ICV_HELM, join(toolsCache(), 'bin', 'helm')].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  try {
    execFileSync('helm', ['version', '--short'], { stdio: 'ignore' });
    return 'helm';
  } catch {
    return undefined;
  }
}

/** Renders every release whose chart is in `chartDir`; the others are reported as values-only. */
export function renderReleases(releases: readonly HelmReleaseSpec[], chartDir: string | undefined): ReleaseRendering[] {
  if (chartDir !== undefined && !existsSync(chartDir)) throw InputError.single('--chart-dir', '', `directory '${chartDir}' does not exist (ci/tools/build-tools.sh chart fills ${join(toolsCache(), 'charts')})`);
  const helm = chartDir === undefined ? undefined : helmBinary();
  return releases.map((release) => {
    const ref = `${release.namespace}/${release.name}`;
    const valuesOnly = (detail: string): ReleaseRendering => ({ release: ref, checked: 'values-only', detail, objects: [] });
    if (chartDir === undefined) return valuesOnly('no --chart-dir given');
    const dir = [join(chartDir, `${release.chart}-${release.version}`), join(chartDir, release.chart)].find((d) => existsSync(join(d, 'Chart.yaml')));
    if (!dir) return valuesOnly(`no chart ${release.chart} ${release.version} in ${chartDir} (expected ${join(chartDir, `${release.chart}-${release.version}`)})`);
    if (!helm) return valuesOnly(`helm not found: run ci/tools/build-tools.sh helm, or set ICV_HELM`);
    const work = mkdtempSync(join(tmpdir(), 'icv-helm-'));
    try {
      const valuesFile = join(work, 'values.yaml');
      writeFileSync(valuesFile, stringify(release.values));
      const out = execFileSync(helm, ['template', release.name, dir, '--namespace', release.namespace, '--values', valuesFile], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config'), HELM_DATA_HOME: join(work, 'data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const objects = parseAllDocuments(out)
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null && typeof o === 'object' && typeof o.kind === 'string')
        .map((o) => (o.metadata?.namespace ? o : { ...o, metadata: { ...o.metadata, namespace: release.namespace } }));
      return { release: ref, checked: 'rendered', detail: `rendered from ${dir}`, objects };
    } catch (error) {
      const stderr = (error as { stderr?: Buffer | string }).stderr?.toString().trim().split('\n')[0];
      const failed = `helm template ${release.name} ${dir} failed: ${stderr || String(error)}`;
      return { ...valuesOnly(failed), failed };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
