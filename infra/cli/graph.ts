import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { ExitCode } from '../model/errors.js';
import { loadInputs, selectEnvironments, type InputSources } from './inputs.js';
import { PLATFORM_PAGE, renderPlatformPage } from '../synth/platform-graph.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';

/**
 * `npm run graph [-- --env prod --out DIR]`: writes `DIR/<env>/platform.md`, a Mermaid diagram of the platform,
 * for every environment. Writes that file only; the rest of `DIR/<env>/` is left as it is.
 */
export async function main(argv: string[], sources: InputSources = {}): Promise<number> {
  return runCommand(() => {
    const program = testableProgram(new Command('graph'))
      .description('Write dist/<env>/platform.md: a Mermaid diagram of nodes, namespaces, modules, stateful services, Harbor and routes')
      .option('--env <names...>', 'environments to draw (comma-separated or repeated); default: all')
      .option('--out <dir>', 'output directory', 'dist')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<{ env?: string[]; out: string }>();
    const pages = loadInputs(selectEnvironments(options.env), sources).map(({ env, catalog }) => ({ env: env.name, page: renderPlatformPage(env, catalog) }));
    for (const { env, page } of pages) {
      const dir = join(resolve(options.out), env);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, PLATFORM_PAGE), page);
      process.stdout.write(`${env}: wrote ${join(options.out, env, PLATFORM_PAGE)}\n`);
    }
    return ExitCode.OK;
  });
}

runIfEntryPoint(import.meta.url, main);
