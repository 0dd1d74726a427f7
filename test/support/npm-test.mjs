// `npm test`: the type check (`npm run typecheck`) and the suite (`vitest run`, with the arguments given to npm test)
// side by side, and the first failure's exit code. On two cores the suite's two workers leave a part of a core idle
// while vitest waits on processes the tests start and on the main process; the single-threaded type check fits into
// that instead of running before the suite. Its output comes after the suite's, so the two never interleave.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a command in the project root; resolves to its exit code (1 for a signal) and, if captured, its output. */
function run(command, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 1, output: `${command}: ${error.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
const [typecheck, suite] = await Promise.all([
  run(npm[0], [...npm[1], 'run', '--silent', 'typecheck'], true),
  run(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...process.argv.slice(2)], false),
]);
if (typecheck.output) process.stderr.write(typecheck.output);
process.stderr.write(typecheck.code === 0 ? 'type check (npm run typecheck): no errors\n' : `type check (npm run typecheck) failed, exit ${typecheck.code}\n`);
process.exitCode = typecheck.code || suite.code;
