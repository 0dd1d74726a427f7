import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layout's rules, enforced over the source tree: arrows point down only, the data rooms (`modules/`,
 * `environments/`) are read by the shells, and file system, process and network access live in the shells
 * (`infra/cli`, `infra/pulumi`, `ci/`, `bench/`, `test/`).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What each room of infra/ and each data room may import of ours; the shells may import anything. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'infra/model': [],
  'infra/schema': ['infra/model'],
  'infra/compare': ['infra/model'],
  'infra/synth': ['infra/model', 'infra/schema'],
  'infra/checks': ['infra/model', 'infra/schema'],
  'infra/parity': ['infra/model', 'infra/schema', 'infra/compare', 'infra/checks'],
  'infra/preview': ['infra/model', 'infra/compare'],
  modules: ['infra/model', 'infra/schema'],
  environments: ['infra/model', 'infra/schema', 'infra/parity'],
};
const SHELLS = ['infra/cli', 'infra/pulumi', 'ci', 'bench', 'test'];
const DATA_ROOMS = ['modules', 'environments'];
/** Node modules that touch the file system, start processes or talk to the network. */
const IO_MODULES = /^(node:)?(fs|fs\/promises|child_process|http|https|http2|net|tls|dgram|dns|cluster|worker_threads)$/;
/** I/O without an import: the global fetch, and the working directory. */
const IO_GLOBALS = [/\bfetch\(/, /process\.cwd\(\)/];

interface SourceFile {
  /** Path relative to the root, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

function sources(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', 'build', '.git'].includes(entry.name) && !entry.name.startsWith('.')) walk(path);
      } else if (/\.(ts|mts|mjs|js)$/.test(entry.name)) out.push({ path, text: readFileSync(join(ROOT, path), 'utf8') });
    }
  };
  for (const top of ['infra', 'modules', 'environments', 'ci', 'bench', 'test']) walk(top);
  return out;
}

/** The room a path belongs to: `infra/<folder>` inside infra/, else its top-level folder. */
function roomOf(path: string): string {
  const [top, second] = path.split('/');
  return top === 'infra' && second && !second.includes('.') ? `infra/${second}` : top!;
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(file: SourceFile): string[] {
  return ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName);
}

/** The import rules a file breaks, one line each: `file: imports 'spec' (why)`. */
export function violations(files: readonly SourceFile[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const room = roomOf(file.path);
    const shell = SHELLS.includes(room);
    for (const spec of specifiers(file)) {
      if (IO_MODULES.test(spec)) {
        if (!shell) out.push(`${file.path}: imports '${spec}' (file system, process and network access belong in the shells: ${SHELLS.join(', ')})`);
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const target = relative(ROOT, join(ROOT, dirname(file.path), spec)).split(sep).join('/');
      const targetRoom = roomOf(target);
      if (targetRoom === room || shell) continue;
      if (DATA_ROOMS.includes(targetRoom)) {
        out.push(`${file.path}: imports '${spec}' (the data rooms ${DATA_ROOMS.join(', ')} are read by the shells, which hand the data in)`);
      } else if (!(MAY_IMPORT[room] ?? []).includes(targetRoom)) {
        out.push(`${file.path}: imports '${spec}' (${room} may import ${MAY_IMPORT[room]?.join(', ') || 'nothing of ours'}, not ${targetRoom})`);
      }
    }
    if (!shell) {
      for (const pattern of IO_GLOBALS) {
        if (pattern.test(file.text)) out.push(`${file.path}: uses ${pattern.source.replaceAll('\\', '')} (I/O belongs in the shells)`);
      }
    }
  }
  return out;
}

describe('the import graph', () => {
  const files = sources();

  it('reads the whole source tree', () => {
    expect(files.map((f) => roomOf(f.path))).toEqual(expect.arrayContaining([...Object.keys(MAY_IMPORT), ...SHELLS]));
  });

  it('points down only, keeps the data rooms to the shells and I/O in the shells', () => {
    expect(violations(files)).toEqual([]);
  });

  it('names the file and the offending import', () => {
    const broken: SourceFile[] = [
      { path: 'infra/model/names.ts', text: "import type { Environment } from '../schema/environment.js';" },
      { path: 'infra/synth/chart.ts', text: "import { readFileSync } from 'node:fs';" },
      { path: 'infra/schema/catalog.ts', text: "import { catalogSources } from '../../modules/index.js';" },
      { path: 'infra/checks/schema.ts', text: "const crds = await import('../cli/crds.js');" },
      { path: 'infra/preview/dist-tree.ts', text: 'export const root = process.cwd();' },
      { path: 'infra/cli/inputs.ts', text: "import { readFileSync } from 'node:fs';\nimport { environments } from '../../environments/index.js';" },
    ];
    expect(violations(broken)).toEqual([
      "infra/model/names.ts: imports '../schema/environment.js' (infra/model may import nothing of ours, not infra/schema)",
      "infra/synth/chart.ts: imports 'node:fs' (file system, process and network access belong in the shells: infra/cli, infra/pulumi, ci, bench, test)",
      "infra/schema/catalog.ts: imports '../../modules/index.js' (the data rooms modules, environments are read by the shells, which hand the data in)",
      "infra/checks/schema.ts: imports '../cli/crds.js' (infra/checks may import infra/model, infra/schema, not infra/cli)",
      'infra/preview/dist-tree.ts: uses process.cwd() (I/O belongs in the shells)',
    ]);
  });
});
