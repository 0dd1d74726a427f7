import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { buildPlatform } from '../synth/build-platform.js';
import { ExitCode, InputError } from '../model/errors.js';
import { loadInputs, selectEnvironments, type InputSources } from './inputs.js';
import { renderPlatform } from '../synth/render.js';
import { PLATFORM_PAGE, renderPlatformPage } from '../synth/platform-graph.js';
import type { Platform } from '../model/types.js';
import type { ModuleSpec } from '../schema/module.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';

/**
 * `npm run synth [-- --env prod --out DIR]`: builds every environment through the pure core and writes
 * `DIR/<env>/` atomically. Invalid input: one message per problem, exit 2, nothing written.
 */
export async function main(argv: string[], sources: InputSources = {}): Promise<number> {
  return runCommand(() => {
    const program = testableProgram(new Command('synth'))
      .description('Synthesize dist/<env>/ for every environment (manifests, KubeKey config, pipelines, Helm values)')
      .option('--env <names...>', 'environments to synthesize (comma-separated or repeated); default: all')
      .option('--out <dir>', 'output directory', 'dist')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<{ env?: string[]; out: string }>();
    const inputs = loadInputs(selectEnvironments(options.env), sources);

    const rendered = inputs.map(({ env, catalog, warnings }) => {
      const platform = buildPlatform(env, catalog);
      // The picture of the platform goes beside the manifests, so a synth never leaves a stale one behind.
      const files = new Map(renderPlatform(platform)).set(PLATFORM_PAGE, renderPlatformPage(env, catalog));
      return { platform, catalog, warnings, files };
    });
    const out = resolve(options.out);
    writeAtomically(out, new Map(rendered.map(({ platform, files }) => [platform.env, files])));
    for (const { platform, catalog, warnings, files } of rendered) {
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(summary(platform, catalog, files, join(options.out, platform.env)));
    }
    return ExitCode.OK;
  });
}

/**
 * Writes every environment's tree to a sibling temporary directory first, and only when all of them are complete
 * swaps them in with renames: a failure while writing leaves every previous tree as it was.
 */
export function writeAtomically(out: string, trees: ReadonlyMap<string, ReadonlyMap<string, string>>): void {
  if (existsSync(out) && !statSync(out).isDirectory()) throw InputError.single('--out', '', `'${out}' exists and is not a directory`);
  mkdirSync(out, { recursive: true });
  const staged: { target: string; staging: string }[] = [];
  try {
    for (const [name, files] of trees) {
      const target = join(out, name);
      const staging = `${target}.tmp-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      staged.push({ target, staging });
      for (const [path, content] of files) {
        const file = join(staging, path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
    for (const { target, staging } of staged) {
      const previous = `${target}.old-${process.pid}`;
      rmSync(previous, { recursive: true, force: true });
      const hadPrevious = existsSync(target);
      if (hadPrevious) renameSync(target, previous);
      renameSync(staging, target);
      if (hadPrevious) rmSync(previous, { recursive: true, force: true });
    }
  } finally {
    for (const { staging } of staged) rmSync(staging, { recursive: true, force: true });
  }
}

function summary(platform: Platform, catalog: readonly ModuleSpec[], files: ReadonlyMap<string, string>, dir: string): string {
  const objects = platform.units.reduce((n, u) => n + u.objects.length, 0);
  const count = (key: (m: ModuleSpec) => string) =>
    [...catalog.reduce((acc, m) => acc.set(key(m), (acc.get(key(m)) ?? 0) + 1), new Map<string, number>())]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  return [
    `${platform.env}: wrote ${dir}/ — ${platform.units.length} units, ${objects} objects, ${files.size} files`,
    `  modules by tier:   ${count((m) => m.tier)}`,
    `  modules by domain: ${count((m) => m.domain)}`,
    '',
  ].join('\n');
}

runIfEntryPoint(import.meta.url, main);
