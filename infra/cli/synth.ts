import { join } from 'node:path';
import { Command } from 'commander';
import { buildPlatform } from '../synth/build-platform.js';
import { ExitCode } from '../model/errors.js';
import { loadInputs, selectEnvironments, type InputSources } from './inputs.js';
import { renderPlatform } from '../synth/render.js';
import { PLATFORM_PAGE, renderPlatformPage } from '../synth/platform-graph.js';
import type { Platform } from '../model/types.js';
import type { ModuleSpec } from '../schema/module.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';
import { outputDirectory, replaceTrees } from './output-target.js';
import { compareText } from '../model/text-order.js';

/**
 * `npm run synth [-- --env prod --out DIR]`: builds every environment through the pure core and writes
 * `DIR/<env>/` atomically, only where the tool owns the content (output-target.ts). Invalid input or a refused or
 * failing output path: one message per problem, exit 2, nothing written.
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
    const out = outputDirectory('--out', options.out);
    const inputs = loadInputs(selectEnvironments(options.env), sources);

    const rendered = inputs.map(({ env, catalog, warnings }) => {
      const platform = buildPlatform(env, catalog);
      // The picture of the platform goes beside the manifests, so a synth never leaves a stale one behind.
      const files = new Map(renderPlatform(platform)).set(PLATFORM_PAGE, renderPlatformPage(env, catalog));
      return { platform, catalog, warnings, files };
    });
    replaceTrees(out, '--out', new Map(rendered.map(({ platform, files }) => [platform.env, files])));
    for (const { platform, catalog, warnings, files } of rendered) {
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(summary(platform, catalog, files, join(options.out, platform.env)));
    }
    return ExitCode.OK;
  });
}

function summary(platform: Platform, catalog: readonly ModuleSpec[], files: ReadonlyMap<string, string>, dir: string): string {
  const objects = platform.units.reduce((n, u) => n + u.objects.length, 0);
  const count = (key: (m: ModuleSpec) => string) =>
    [...catalog.reduce((acc, m) => acc.set(key(m), (acc.get(key(m)) ?? 0) + 1), new Map<string, number>())]
      .sort(([a], [b]) => compareText(a, b))
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
