import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import type { DriftResult } from '../daytwo/drift.js';
import { renderStatusHtml, renderStatusMarkdown, statusPage, type AppliedState } from '../daytwo/status.js';
import { ExitCode, InputError } from '../model/errors.js';
import { isRecord } from '../model/json.js';
import { buildPlatform } from '../synth/build-platform.js';
import { platformCapacity } from './platform-capacity.js';
import { runCommand, runIfEntryPoint, testableProgram } from './cli-support.js';
import { loadInputs, selectEnvironments } from './inputs.js';
import { MARKER_CONTENT, OUTPUT_MARKER, outputDirectory, writeFilesTogether } from './output-target.js';
import { projectRoot } from './project-root.js';

/**
 * `npm run status -- --env <env> [--outputs FILE] [--drift FILE] [--out DIR]`: writes `<out>/<env>/status.md` and
 * `status.html` (default out: dist). `--outputs` is the JSON of `pulumi stack output --json --stack <env>`; `--drift`
 * the JSON of `npm run drift -- --json-out`. Without them the page is built offline and says what it does not know.
 * Exit 0 written; 2 usage or an unreadable input (nothing written).
 */

interface StatusOptions {
  env: string;
  outputs?: string;
  drift?: string;
  out: string;
}

export async function main(argv: string[], deps: { readonly root?: string } = {}): Promise<number> {
  return runCommand(() => {
    const program = testableProgram(new Command('status'))
      .description("Write an environment's status page: declared and applied releases, drift, cutover, capacity headroom")
      .requiredOption('--env <name>', 'environment to describe')
      .option('--outputs <file>', 'stack outputs as JSON (pulumi stack output --json)')
      .option('--drift <file>', 'drift report as JSON (npm run drift -- --json-out)')
      .option('--out <dir>', 'directory the page is written under, as <dir>/<env>/status.md', 'dist')
      .allowExcessArguments(false);
    program.parse(argv, { from: 'user' });
    const options = program.opts<StatusOptions>();
    const names = selectEnvironments([options.env]);
    if (names.length !== 1) throw InputError.single('--env', '', `status describes one environment at a time, not ${names.join(', ')}`);
    const root = deps.root ?? projectRoot();
    const out = outputDirectory('--out', options.out, root);
    const { env, catalog } = loadInputs(names, { root })[0]!;
    const applied = options.outputs === undefined ? undefined : readOutputs(resolve(root, options.outputs), options.outputs);
    const drift = options.drift === undefined ? undefined : readDrift(resolve(root, options.drift), options.drift, env.name);
    const platform = buildPlatform(env, catalog);
    const commit = headCommit(root);
    const page = statusPage({ env, platform, capacity: platformCapacity(env, platform), ...(applied && { applied }), ...(drift && { drift }) });
    const dir = join(out.path, env.name);
    const marker = join(out.path, OUTPUT_MARKER);
    writeFilesTogether([
      { option: '--out', path: join(dir, 'status.md'), content: renderStatusMarkdown(page, commit) },
      { option: '--out', path: join(dir, 'status.html'), content: renderStatusHtml(page, commit) },
      ...(existsSync(marker) ? [] : [{ option: '--out', path: marker, content: MARKER_CONTENT }]),
    ]);
    process.stdout.write(`wrote ${join(options.out, env.name, 'status.md')} and status.html (${page.modules.length} modules)\n`);
    return ExitCode.OK;
  });
}

function readJson(path: string, shown: string): unknown {
  if (!existsSync(path)) throw InputError.single(shown, '', 'does not exist');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw InputError.single(shown, '', 'is not JSON');
  }
}

/** Stack outputs as `pulumi stack output --json` prints them; `appliedImages` must map module names to images. */
function readOutputs(path: string, shown: string): AppliedState {
  const outputs = readJson(path, shown);
  if (!isRecord(outputs)) throw InputError.single(shown, '', 'is not an object of stack outputs');
  const images = outputs.appliedImages;
  if (images === undefined) return { source: shown };
  if (!isRecord(images) || !Object.values(images).every((v) => typeof v === 'string')) throw InputError.single(shown, 'appliedImages', 'must map module names to image references');
  return { source: shown, images: images as Record<string, string> };
}

function readDrift(path: string, shown: string, env: string): DriftResult {
  const drift = readJson(path, shown);
  if (!isRecord(drift) || typeof drift.drifted !== 'boolean' || !Array.isArray(drift.units) || !isRecord(drift.report)) {
    throw InputError.single(shown, '', 'is not a drift report (write it with npm run drift -- --json-out)');
  }
  if (drift.env !== env) throw InputError.single(shown, 'env', `is the drift of '${String(drift.env)}', not of '${env}'`);
  return drift as unknown as DriftResult;
}

function headCommit(root: string): string | undefined {
  const result = spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

runIfEntryPoint(import.meta.url, main);
