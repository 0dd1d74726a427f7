import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';
import { toolsCache } from './render-charts.js';

/**
 * Independent scanners on the synthesized manifests: kube-score (github.com/zegl/kube-score) and Checkov (PyPI),
 * as `ci/tools/build-tools.sh` builds them into the tools cache. Their findings are compared with the README's
 * "Deliberate scanner findings" table; anything not listed there is a finding to fix.
 *
 *   npx tsx infra/cli/scanners.ts DIST_DIR     # exit 1 on an unlisted finding, 2 when a scanner is missing
 */

/** One scanner finding: `kube-score container-image-pull-policy Deployment/icv-vehicle/vehicle-access`. */
export interface ScannerFinding {
  readonly scanner: 'kube-score' | 'checkov';
  readonly check: string;
  /** `Kind/namespace/name`. */
  readonly object: string;
}

/** A README row: scanner, check, the objects it covers (a glob over `Kind/namespace/name`), and why. */
export interface DeliberateFinding {
  readonly scanner: string;
  readonly check: string;
  readonly objects: string;
  readonly reason: string;
}

export function kubeScoreBinary(): string | undefined {
  const bin = process.env.ICV_KUBE_SCORE ?? join(toolsCache(), 'bin', 'kube-score');
  return existsSync(bin) ? bin : undefined;
}

export function checkovBinary(): string | undefined {
  const bin = process.env.ICV_CHECKOV ?? join(toolsCache(), 'checkov', 'bin', 'checkov');
  return existsSync(bin) ? bin : undefined;
}

/** kube-score's CRITICAL (grade 1) and WARNING (grade 5) results on the YAML files. */
export function runKubeScore(bin: string, files: readonly string[]): ScannerFinding[] {
  const run = spawnSync(bin, ['score', '--output-format', 'json', ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`kube-score failed (${run.status}): ${run.stderr}`);
  const results = JSON.parse(run.stdout) as { object_meta: { name: string; namespace?: string }; type_meta: { kind: string }; checks: { check: { id: string }; grade: number; skipped: boolean }[] }[];
  return results.flatMap((o) =>
    o.checks
      .filter((c) => !c.skipped && c.grade < 10)
      .map((c) => ({ scanner: 'kube-score' as const, check: c.check.id, object: `${o.type_meta.kind}/${o.object_meta.namespace ?? ''}/${o.object_meta.name}` })),
  );
}

/** Checkov's failed Kubernetes checks on a directory (offline: no policy download). */
export function runCheckov(bin: string, dir: string): ScannerFinding[] {
  const home = mkdtempSync(join(tmpdir(), 'icv-checkov-'));
  try {
    const out = execFileSync(bin, ['-d', dir, '--framework', 'kubernetes', '-o', 'json', '--quiet', '--skip-download'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, HOME: home, BC_SKIP_MAPPING: 'TRUE' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    return parseCheckov(out);
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout) return parseCheckov(stdout);
    throw error;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function parseCheckov(out: string): ScannerFinding[] {
  const parsed = JSON.parse(out) as unknown;
  const reports = (Array.isArray(parsed) ? parsed : [parsed]) as { results?: { failed_checks?: { check_id: string; resource: string }[] } }[];
  return reports.flatMap((r) =>
    (r.results?.failed_checks ?? []).map((f) => {
      // resource: `Deployment.icv-vehicle.vehicle-access`
      const [kind, namespace, ...name] = f.resource.split('.');
      return { scanner: 'checkov' as const, check: f.check_id, object: `${kind}/${namespace}/${name.join('.')}` };
    }),
  );
}

/** The README's table of deliberate findings (the section "Deliberate scanner findings"). */
export function deliberateFindings(readme: string): DeliberateFinding[] {
  const section = readme.split(/^### Deliberate scanner findings$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => /^\|\s*(kube-score|checkov)\s*\|/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, '')))
    .map(([scanner, check, objects, reason]) => ({ scanner: scanner!, check: check!, objects: objects!, reason: reason! }));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

/** Findings no README row covers. */
export function unlisted(findings: readonly ScannerFinding[], deliberate: readonly DeliberateFinding[]): ScannerFinding[] {
  return findings.filter((f) => !deliberate.some((d) => d.scanner === f.scanner && d.check === f.check && globToRegExp(d.objects).test(f.object)));
}

/** Every YAML file under a directory, sorted. */
export function yamlFiles(dir: string): string[] {
  const out = execFileSync('find', [dir, '-name', '*.yaml', '-type', 'f'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

export function main(argv: string[]): number {
  const dir = argv[0];
  if (!dir || !existsSync(dir)) {
    process.stderr.write('usage: tsx infra/cli/scanners.ts <dist/<env>/manifests directory>\n');
    return 2;
  }
  const kubeScore = kubeScoreBinary();
  const checkov = checkovBinary();
  if (!kubeScore || !checkov) {
    process.stderr.write(`scanner missing in ${toolsCache()}: run ci/tools/build-tools.sh\n`);
    return 2;
  }
  const deliberate = deliberateFindings(readFileSync(join(projectRoot(), 'README.md'), 'utf8'));
  const findings = [...runKubeScore(kubeScore, yamlFiles(dir)), ...runCheckov(checkov, dir)];
  const left = unlisted(findings, deliberate);
  for (const f of left) process.stdout.write(`${f.scanner} ${f.check} ${f.object}: not listed in README "Deliberate scanner findings"\n`);
  process.stdout.write(`scanners: ${findings.length} findings, ${findings.length - left.length} deliberate, ${left.length} unlisted\n`);
  return left.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) process.exitCode = main(process.argv.slice(2));
