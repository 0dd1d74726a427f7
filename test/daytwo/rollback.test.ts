import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../infra/cli/rollback.js';
import { temporaryDirectory } from '../diff/fixtures.js';
import { git, repoRoot } from '../diff/scratch-repo.js';
import { fakeGitLabProject, projectEnvironment, type FakeGitLabProject } from './gitlab-fake.js';
import { captureOutput } from '../support/capture-output.js';

const FILE = 'environments/releases/test.yaml';
const original = readFileSync(join(repoRoot, FILE), 'utf8');

const io = captureOutput();
let gitlab: FakeGitLabProject | undefined;
afterEach(async () => {
  await gitlab?.close();
  gitlab = undefined;
});

const release = (text: string, module: string, tag: string) => {
  const next = text.replace(new RegExp(`^(  ${module}: ).*$`, 'm'), `$1${tag}`);
  expect(next).not.toBe(text);
  return next;
};

/**
 * A repository whose test release file has this history: the repository's file; a release of vehicle-access
 * (1.7.0); a release of api-gateway, with an inline comment on vehicle-access's line kept by later edits; another
 * release of vehicle-access (1.7.1).
 */
function releaseRepository(): { repo: string; versions: string[] } {
  // Built with git once per file, then copied for each test: a copy is a repository of its own.
  template ??= buildReleaseRepository();
  const repo = temporaryDirectory('icv-rollback-');
  cpSync(template.repo, repo, { recursive: true });
  return { repo, versions: [...template.versions] };
}
let template: { repo: string; versions: string[] } | undefined;

function buildReleaseRepository(): { repo: string; versions: string[] } {
  const repo = temporaryDirectory('icv-rollback-template-');
  git(repo, 'init', '-q', '-b', 'main');
  mkdirSync(join(repo, 'environments/releases'), { recursive: true });
  const versions: string[] = [original];
  const commit = (text: string, message: string) => {
    writeFileSync(join(repo, FILE), text);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', message);
    versions.push(text);
  };
  writeFileSync(join(repo, FILE), original);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'test releases');
  commit(release(original, 'vehicle-access', '1.7.0-aaaaaaa'), 'Release vehicle-access 1.7.0-aaaaaaa to test');
  commit(release(versions[1]!, 'api-gateway', '1.11.0-bbbbbbb # canary'), 'Release api-gateway 1.11.0-bbbbbbb to test');
  commit(release(versions[2]!, 'vehicle-access', '1.7.1-ccccccc'), 'Release vehicle-access 1.7.1-ccccccc to test');
  return { repo, versions };
}

const diffLines = (repo: string, args: string[]) =>
  git(repo, 'diff', '--unified=0', ...args, '--', FILE)
    .split('\n')
    .filter((l) => /^[-+][^-+]/.test(l));

describe('npm run rollback -- --env test --module vehicle-access --steps 1', () => {
  it('writes exactly the change that undoes the last release of that module, and nothing else', async () => {
    const { repo, versions } = releaseRepository();
    expect(await main(['--env', 'test', '--module', 'vehicle-access', '--steps', '1', '--no-commit'], { root: repo, env: {} })).toBe(0);
    expect(diffLines(repo, [])).toEqual(['-  vehicle-access: 1.7.1-ccccccc', '+  vehicle-access: 1.7.0-aaaaaaa']);
    // Byte for byte: the current file (comments, api-gateway's later release) with that one line restored.
    expect(readFileSync(join(repo, FILE), 'utf8')).toBe(versions[3]!.replace('vehicle-access: 1.7.1-ccccccc', 'vehicle-access: 1.7.0-aaaaaaa'));
    expect(io.stdout).toContain(`${FILE}: modules.vehicle-access: 1.7.1-ccccccc → 1.7.0-aaaaaaa`);
  });

  it('prepares the merge request: a branch with one commit holding only that change', async () => {
    const { repo } = releaseRepository();
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await main(['--env', 'test', '--module', 'vehicle-access', '--steps', '1'], { root: repo, env: {} })).toBe(0);
    const branch = git(repo, 'rev-parse', '--abbrev-ref', 'HEAD');
    expect(branch).toMatch(/^rollback\/test-vehicle-access-[0-9a-f]{7}$/);
    expect(git(repo, 'rev-list', '--count', `${head}..HEAD`)).toBe('1');
    expect(git(repo, 'diff', '--name-only', head, 'HEAD')).toBe(FILE);
    expect(diffLines(repo, [head, 'HEAD'])).toEqual(['-  vehicle-access: 1.7.1-ccccccc', '+  vehicle-access: 1.7.0-aaaaaaa']);
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('Roll back vehicle-access in test to 1.7.0-aaaaaaa');
    expect(git(repo, 'log', '-1', '--format=%b')).toContain('- vehicle-access: 1.7.1-ccccccc → 1.7.0-aaaaaaa');
    expect(io.stdout).toContain(`git push -u origin ${branch}`);
  });

  it('pushes the branch and opens the merge request through GitLab when a token is set', async () => {
    const { repo } = releaseRepository();
    const remote = temporaryDirectory('icv-rollback-remote-');
    git(tmpdir(), 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', remote);
    gitlab = await fakeGitLabProject();
    expect(await main(['--env', 'test', '--module', 'vehicle-access'], { root: repo, env: projectEnvironment(gitlab) })).toBe(0);
    const branch = git(repo, 'rev-parse', '--abbrev-ref', 'HEAD');
    expect(git(remote, 'rev-parse', branch)).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({ source_branch: branch, target_branch: 'main', title: 'Roll back vehicle-access in test to 1.7.0-aaaaaaa' }),
    ]);
    expect(io.stdout).toContain('opened merge request !1: http://127.0.0.1:');
  });
});

describe('npm run rollback, other forms', () => {
  it('--steps 2 goes back two releases of the module, skipping versions that did not change it', async () => {
    const { repo } = releaseRepository();
    expect(await main(['--env', 'test', '--module', 'vehicle-access', '--steps', '2', '--no-commit'], { root: repo, env: {} })).toBe(0);
    expect(diffLines(repo, [])).toEqual(['-  vehicle-access: 1.7.1-ccccccc', '+  vehicle-access: 1.6.0-8c15db4']);
  });

  it('--to <ref> restores the module as it was at that commit, keeping the line\'s comment', async () => {
    const { repo } = releaseRepository();
    git(repo, 'tag', 'good', 'HEAD~3');
    expect(await main(['--env', 'test', '--module', 'api-gateway', '--to', 'good', '--no-commit'], { root: repo, env: {} })).toBe(0);
    expect(diffLines(repo, [])).toEqual(['-  api-gateway: 1.11.0-bbbbbbb # canary', '+  api-gateway: 1.10.8-96345f9 # canary']);
  });

  it('without --module, restores the whole file\'s previous version', async () => {
    const { repo, versions } = releaseRepository();
    expect(await main(['--env', 'test', '--steps', '2', '--no-commit'], { root: repo, env: {} })).toBe(0);
    expect(readFileSync(join(repo, FILE), 'utf8')).toBe(versions[3]!.replace('vehicle-access: 1.7.1-ccccccc', 'vehicle-access: 1.7.0-aaaaaaa').replace('api-gateway: 1.11.0-bbbbbbb # canary', 'api-gateway: 1.10.8-96345f9 # canary'));
  });
});

describe('npm run rollback refuses, naming why, and writes nothing', () => {
  /** A history where `legacy-gateway` was released, then removed from the catalog and the file. */
  function withRemovedModule(): string {
    const { repo, versions } = releaseRepository();
    const withLegacy = versions[3]!.replace('  api-gateway:', '  legacy-gateway: 0.9.0-ddddddd\n  api-gateway:');
    writeFileSync(join(repo, FILE), withLegacy);
    git(repo, 'commit', '-qam', 'legacy-gateway');
    writeFileSync(join(repo, FILE), versions[3]!);
    git(repo, 'commit', '-qam', 'remove legacy-gateway');
    return repo;
  }

  const refuses = async (repo: string, argv: string[], message: RegExp) => {
    const before = readFileSync(join(repo, FILE), 'utf8');
    const head = git(repo, 'rev-parse', 'HEAD');
    const from = io.stderr.length;
    expect(await main(argv, { root: repo, env: {} })).toBe(2);
    const stderr = io.stderr.slice(from);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(repo, FILE), 'utf8')).toBe(before);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  };

  it('when a module of the target state is no longer in the catalog', async () => {
    const repo = withRemovedModule();
    await refuses(repo, ['--env', 'test', '--steps', '1'], /modules\.legacy-gateway: module 'legacy-gateway' \(released at [0-9a-f]{7}\) is no longer in the catalog/);
    await refuses(repo, ['--env', 'test', '--module', 'legacy-gateway'], /--module: \(root\): module 'legacy-gateway' is not in the catalog/);
  });

  it("when the target entry does not fit today's schema", async () => {
    const { repo, versions } = releaseRepository();
    writeFileSync(join(repo, FILE), release(versions[3]!, 'vehicle-access', '"1.7.2 oops"'));
    git(repo, 'commit', '-qam', 'bad tag');
    writeFileSync(join(repo, FILE), versions[3]!);
    git(repo, 'commit', '-qam', 'fix tag');
    await refuses(repo, ['--env', 'test', '--module', 'vehicle-access'], /modules\.vehicle-access: schema mismatch, the entry as at [0-9a-f]{7} does not fit today's schema: must be an image tag/);
  });

  it('when the module has no release that far back, or the file has uncommitted changes', async () => {
    const { repo, versions } = releaseRepository();
    await refuses(repo, ['--env', 'test', '--module', 'vehicle-access', '--steps', '3'], /--steps: \(root\): module 'vehicle-access' has 2 earlier release\(s\)/);
    writeFileSync(join(repo, FILE), `${versions[3]!}# local edit\n`);
    expect(await main(['--env', 'test', '--module', 'vehicle-access'], { root: repo, env: {} })).toBe(2);
    expect(io.stderr).toContain(`${FILE}: (root): has uncommitted changes`);
  });

  it.each([
    [['--env', 'staging', '--module', 'vehicle-access'], /unknown environment\(s\) 'staging'/],
    [['--env', 'test', '--steps', '0'], /option '--steps <n>' argument '0' is invalid/],
    [['--env', 'test', '--steps', 'two'], /argument 'two' is invalid/],
    [['--env', 'test', '--steps', '1', '--to', 'HEAD~1'], /give --to or --steps, not both/],
    [['--env', 'test', '--to', 'no-such-ref'], /'no-such-ref' is not a commit, tag or branch/],
    [['--module', 'vehicle-access'], /required option '--env <name>'/],
    [['--env', 'test', 'extra'], /too many arguments/],
  ])('on bad arguments %j: exit 2', async (argv, message) => {
    const { repo } = releaseRepository();
    await refuses(repo, argv, message);
  });
});
