/**
 * `npm run e2e:setup`: builds, once, the real engines `npm run e2e` runs, into the cache directory (engines.ts):
 * etcd (Debian's package, unpacked), kube-apiserver, kube-controller-manager and kubectl (one `go build` of
 * k8s.io/kubernetes), and the Pulumi CLI with the Kubernetes provider (one `go build`, so they share packages).
 * Idempotent and resumable: a step whose recipe is unchanged and whose outputs exist is skipped, a failed step
 * leaves no half-written output, and Go's build cache makes an interrupted build continue where it stopped.
 * Nothing is downloaded except Go modules (from GOPROXY) and the Debian package.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BINARIES,
  CACHE_ENV,
  GO_MODULES,
  LAUNCHER_DIR,
  PINS,
  binDir,
  binary,
  cacheDir,
  kubernetesLdflags,
  npmVersions,
  providerSchemaPath,
  pulumiLdflags,
  ROOT,
} from './engines.js';
import { customResourceTypes, vendoredCrds } from './crds.js';
import { missingFromSchema, registeredTypes } from './registered-types.js';

class SetupError extends Error {}

const cache = cacheDir();
const stamps = join(cache, 'stamps');
const timings: { step: string; seconds: number; skipped: boolean }[] = [];

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs a step unless its stamp records the same recipe and its outputs exist; times it; stamps it on success. */
async function step(name: string, recipe: string, outputs: readonly string[], run: () => Promise<void> | void): Promise<void> {
  const stamp = join(stamps, `${name}.sha256`);
  const digest = createHash('sha256').update(recipe).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && outputs.every((o) => existsSync(o))) {
    log(`· ${name}: up to date`);
    timings.push({ step: name, seconds: 0, skipped: true });
    return;
  }
  log(`▶ ${name}`);
  const started = performance.now();
  await run();
  const missing = outputs.filter((o) => !existsSync(o));
  if (missing.length > 0) throw new SetupError(`${name}: finished without producing ${missing.join(', ')}`);
  mkdirSync(stamps, { recursive: true });
  writeFileSync(stamp, digest);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  timings.push({ step: name, seconds, skipped: false });
  log(`✔ ${name} (${seconds} s)`);
}

/** Runs a command with its output streamed, failing the step with its exit code. */
function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  log(`  $ ${[command, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}   (in ${options.cwd})`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => reject(new SetupError(`${command}: ${error.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new SetupError(`${command} ${args[0] ?? ''} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

function goEnv(name: string): string {
  return execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
}

/** Copies a pinned Go module (go.mod, go.sum, tools.go) into the cache as a build directory. */
function prepareModule(pinned: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of ['go.mod', 'go.sum', 'tools.go']) copyFileSync(join(pinned, file), join(dir, file));
}

/** `go build -o <tmp>/ …`, then moves each binary into bin/: a failed or interrupted build leaves bin/ as it was. */
async function goBuild(dir: string, flags: readonly string[], packages: readonly string[], names: readonly string[]): Promise<void> {
  const out = join(cache, `build-out-${names[0]}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await run('go', ['build', '-trimpath', ...flags, '-o', `${out}/`, ...packages], { cwd: dir });
  mkdirSync(binDir(), { recursive: true });
  for (const name of names) renameSync(join(out, name), binary(name as (typeof BINARIES)[number]));
  rmSync(out, { recursive: true, force: true });
}

function requireLine(goMod: string, module: string): string | undefined {
  return new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(\\S+)`, 'm').exec(goMod)?.[1];
}

/** The pins agree with each other and with package.json; Go and the Debian tools are present. */
function checkPins(): void {
  const problems: string[] = [];
  const npm = npmVersions();
  if (npm.pulumi !== PINS.pulumi) problems.push(`test/e2e/versions.json pulumi: '${PINS.pulumi}' but package.json pins @pulumi/pulumi ${npm.pulumi}`);
  const k8sMod = readFileSync(join(GO_MODULES.k8s, 'go.mod'), 'utf8');
  if (requireLine(k8sMod, 'k8s.io/kubernetes') !== PINS.kubernetes) {
    problems.push(`test/e2e/go/k8s/go.mod: k8s.io/kubernetes is ${requireLine(k8sMod, 'k8s.io/kubernetes')}, versions.json kubernetes: '${PINS.kubernetes}'`);
  }
  const pulumiMod = readFileSync(join(GO_MODULES.pulumi, 'go.mod'), 'utf8');
  if (requireLine(pulumiMod, 'github.com/pulumi/pulumi/pkg/v3') !== `v${PINS.pulumi}`) {
    problems.push(`test/e2e/go/pulumi/go.mod: github.com/pulumi/pulumi/pkg/v3 is not v${PINS.pulumi}`);
  }
  const providerMod = readFileSync(join(GO_MODULES.provider, 'go.mod'), 'utf8');
  if (requireLine(providerMod, PINS.pulumiKubernetes.module) !== PINS.pulumiKubernetes.moduleVersion) {
    problems.push(`test/e2e/go/provider/go.mod: ${PINS.pulumiKubernetes.module} is not ${PINS.pulumiKubernetes.moduleVersion}`);
  }
  for (const tool of ['go', 'apt-get', 'dpkg', 'dpkg-deb']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      problems.push(`'${tool}' is not on PATH: e2e:setup needs Go (to build the engines) and Debian's apt-get/dpkg (for etcd)`);
    }
  }
  if (problems.length > 0) throw new SetupError(problems.join('\n'));
}

async function etcd(): Promise<void> {
  const { debianPackage, version, sha256 } = PINS.etcd;
  const dir = join(cache, 'etcd');
  await step('etcd', JSON.stringify(PINS.etcd), [binary('etcd')], async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'root'), { recursive: true });
    // apt-get download fetches the .deb alone: no install, no service, no dependency resolution. A fresh machine may
    // have no package lists yet (or old ones without this version): then update them once and try again.
    await run('apt-get', ['download', `${debianPackage}=${version}`], { cwd: dir }).catch(async () => {
      log(`  apt-get download of ${debianPackage}=${version} failed: updating the package lists once (apt-get update) and retrying`);
      await run('apt-get', ['update'], { cwd: dir });
      await run('apt-get', ['download', `${debianPackage}=${version}`], { cwd: dir });
    });
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    if (!deb) throw new SetupError(`apt-get download ${debianPackage}=${version} produced no .deb`);
    const actual = createHash('sha256').update(readFileSync(join(dir, deb))).digest('hex');
    if (actual !== sha256) throw new SetupError(`${deb}: sha256 ${actual}, test/e2e/versions.json etcd.sha256 pins ${sha256}`);
    await run('dpkg', ['-x', deb, 'root'], { cwd: dir });
    mkdirSync(binDir(), { recursive: true });
    copyFileSync(join(dir, 'root/usr/bin/etcd'), binary('etcd'));
    chmodSync(binary('etcd'), 0o755);
  });
}

async function kubernetes(): Promise<void> {
  const dir = join(cache, 'src/k8s');
  const names = ['kube-apiserver', 'kube-controller-manager', 'kubectl'];
  const ldflags = kubernetesLdflags();
  const recipe = `${moduleRecipe(GO_MODULES.k8s)}\n${ldflags}`;
  await step(`kubernetes ${PINS.kubernetes} (${names.join(', ')})`, recipe, names.map((n) => binary(n as never)), async () => {
    prepareModule(GO_MODULES.k8s, dir);
    // providerless drops the in-tree cloud providers' SDKs, which would make the build several times longer.
    await goBuild(dir, ['-tags', 'providerless', '-ldflags', ldflags], names.map((n) => `k8s.io/kubernetes/cmd/${n}`), names);
  });
}

/** The Pulumi CLI, stamped with its release (the Automation API checks the CLI's version). */
async function pulumiCli(): Promise<void> {
  const dir = join(cache, 'src/pulumi');
  const ldflags = pulumiLdflags();
  await step(`pulumi ${PINS.pulumi}`, `${moduleRecipe(GO_MODULES.pulumi)}\n${ldflags}`, [binary('pulumi')], async () => {
    prepareModule(GO_MODULES.pulumi, dir);
    await goBuild(dir, ['-ldflags', ldflags], ['github.com/pulumi/pulumi/pkg/v3/cmd/pulumi'], ['pulumi']);
  });
}

/**
 * The Kubernetes provider, from a module of its own: v4.25.0 compiles only against the github.com/pulumi/pulumi/pkg/v3
 * its go.mod requires (v3.215.0); against the CLI's v3.248.0 its pkg/gen fails (codegen/schema changed).
 * Its main package embeds two files that its Makefile generates before building (pulumi/pulumi-kubernetes v4.25.0,
 * Makefile, target `k8sprovider`: `VERSION=… go generate cmd/pulumi-resource-kubernetes/main.go`, which runs that
 * directory's generate.go: it sets the schema's version and writes schema.json and terraform-mapping.json minified
 * as schema-embed.json and terraform-mapping-embed.json). The module cache is read-only and `go build -overlay`
 * refuses files beneath GOMODCACHE, so setup copies main.go into a package of the build module in the cache, runs
 * the module's own generate.go there, and builds that package.
 */
async function kubernetesProvider(): Promise<void> {
  const dir = join(cache, 'src/provider');
  const providerCmd = join(dir, 'cmd/pulumi-resource-kubernetes');
  const { module, moduleVersion, release } = PINS.pulumiKubernetes;
  const upstream = join(goEnv('GOMODCACHE'), `${module}@${moduleVersion}`, 'cmd/pulumi-resource-kubernetes');
  const modules = moduleRecipe(GO_MODULES.provider);

  await step(`kubernetes provider ${release}: embedded schema`, `${modules}\n${release}`, [providerSchemaPath(), join(providerCmd, 'terraform-mapping-embed.json')], async () => {
    prepareModule(GO_MODULES.provider, dir);
    await run('go', ['mod', 'download', `${module}@${moduleVersion}`], { cwd: dir });
    if (!existsSync(join(upstream, 'main.go'))) throw new SetupError(`${upstream}/main.go is missing after go mod download ${module}`);
    rmSync(providerCmd, { recursive: true, force: true });
    mkdirSync(providerCmd, { recursive: true });
    for (const file of ['main.go', 'schema.json', 'terraform-mapping.json']) {
      copyFileSync(join(upstream, file), join(providerCmd, file));
      chmodSync(join(providerCmd, file), 0o644);
    }
    await run('go', ['run', join(upstream, 'generate.go')], { cwd: providerCmd, env: { ...process.env, VERSION: release } });
    for (const file of ['schema.json', 'terraform-mapping.json']) rmSync(join(providerCmd, file));
  });

  const ldflags = pulumiLdflags();
  await step(`pulumi-resource-kubernetes ${release}`, `${modules}\n${ldflags}`, [binary('pulumi-resource-kubernetes')], async () => {
    prepareModule(GO_MODULES.provider, dir);
    await goBuild(dir, ['-ldflags', ldflags], ['./cmd/pulumi-resource-kubernetes'], ['pulumi-resource-kubernetes']);
  });
}

function moduleRecipe(dir: string): string {
  return ['go.mod', 'go.sum', 'tools.go'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

/** Every resource type the program registers, in both stacks, is in the built provider's schema: fails loudly if not. */
async function checkProviderSchema(): Promise<{ gap: string; types: number }> {
  const schema = JSON.parse(readFileSync(providerSchemaPath(), 'utf8')) as { version: string; resources: Record<string, unknown> };
  const customTypes = customResourceTypes(vendoredCrds());
  const types = [...new Set((await Promise.all(['test', 'prod'].map(registeredTypes))).flat())].sort();
  const missing = missingFromSchema(types, schema, customTypes);
  const sdk = npmVersions().kubernetes;
  const gap = `provider ${schema.version} (the served ${PINS.pulumiKubernetes.moduleVersion}) vs @pulumi/kubernetes ${sdk}`;
  if (missing.length > 0) {
    throw new SetupError(
      `the Kubernetes provider built here (${gap}) lacks ${missing.length} resource type(s) the program registers: ${missing.join(', ')}`,
    );
  }
  const kube = types.filter((t) => t.startsWith('kubernetes:'));
  log(`✔ provider schema: all ${kube.length} kubernetes:* types the program registers are served (${gap})`);
  writeFileSync(join(cache, 'provider-gap.json'), `${JSON.stringify({ provider: schema.version, sdk, module: PINS.pulumiKubernetes.moduleVersion, types: kube }, null, 2)}\n`);
  return { gap, types: kube.length };
}

function checkLauncher(): void {
  const launcher = join(LAUNCHER_DIR, 'pulumi-resource-pulumi-nodejs');
  const entry = join(ROOT, 'node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js');
  if (!existsSync(entry)) throw new SetupError(`${entry} is missing: run npm ci first (the dynamic-provider plugin starts it)`);
  if (!existsSync(launcher)) throw new SetupError(`${launcher} is missing`);
}

async function main(): Promise<void> {
  const started = performance.now();
  log(`e2e:setup — cache ${cache} (override with ${CACHE_ENV})`);
  checkPins();
  checkLauncher();
  mkdirSync(cache, { recursive: true });
  await etcd();
  await kubernetes();
  await pulumiCli();
  await kubernetesProvider();
  for (const name of BINARIES) if (!existsSync(binary(name))) throw new SetupError(`${binary(name)} is missing`);
  const versions = execFileSync(binary('pulumi'), ['version'], { encoding: 'utf8', env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' } }).trim();
  if (versions !== `v${PINS.pulumi}`) throw new SetupError(`the built pulumi reports '${versions}', expected v${PINS.pulumi}`);
  await checkProviderSchema();
  const total = Math.round((performance.now() - started) / 100) / 10;
  writeFileSync(join(cache, 'setup-timings.json'), `${JSON.stringify({ total, steps: timings }, null, 2)}\n`);
  log(`e2e:setup done in ${total} s: ${timings.map((t) => `${t.step} ${t.skipped ? 'cached' : `${t.seconds} s`}`).join('; ')}`);
  // The copied build inputs stay for the next run; the cache holds no secret.
  cpSync(join(ROOT, 'test/e2e/versions.json'), join(cache, 'versions.json'));
}

try {
  await main();
} catch (error) {
  process.stderr.write(`e2e:setup FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
