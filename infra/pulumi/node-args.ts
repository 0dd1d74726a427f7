import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The arguments `pulumi up` gives node when it starts the program: Pulumi.yaml's `runtime.options.nodeargs`. The
 * Node.js language host splits the string shell-style and puts the words before the program's entry
 * (pulumi/pulumi v3.248.0, `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`: `runtimeArgs, err =
 * shlex.Split(opts.nodeargs)`, then the run arguments appended). The harnesses that stand in for the language host
 * (bench/measure-pulumi.ts, `npm run e2e:scaled`) start node with the same words, so that the program runs there
 * with the V8 flags it runs with under `pulumi up`.
 *
 * The project's value carries no quotes, so whitespace splits it as shlex would; a quote fails here instead of
 * being split differently.
 */
export function pulumiNodeArgs(root: string): string[] {
  const file = join(root, 'Pulumi.yaml');
  const project = parse(readFileSync(file, 'utf8')) as { runtime?: { options?: { nodeargs?: unknown } } } | null;
  const nodeargs = project?.runtime?.options?.nodeargs ?? '';
  if (typeof nodeargs !== 'string') throw new Error(`${file}: runtime.options.nodeargs must be a string, not ${JSON.stringify(nodeargs)}`);
  if (/["'\\]/.test(nodeargs)) throw new Error(`${file}: runtime.options.nodeargs (${JSON.stringify(nodeargs)}) must not quote or escape: split it into plain words`);
  return nodeargs.split(/\s+/).filter(Boolean);
}

/** `pulumiNodeArgs` without `--import <loader>`: for a program that is already bundled JavaScript (the bench's). */
export function pulumiV8Args(root: string): string[] {
  const args = pulumiNodeArgs(root);
  return args.filter((arg, i) => arg !== '--import' && args[i - 1] !== '--import' && !arg.startsWith('--import='));
}
