import { describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/model/types.js';
import { BUILD_RECIPES, GITLAB_URL, Jenkinsfile } from '../../infra/synth/devops/jenkinsfile.js';
import { built } from '../support/platforms.js';

const prod = built.find((b) => b.env.name === 'prod')!;
const test = built.find((b) => b.env.name === 'test')!;
const moduleOf = (b: typeof prod, name: string) => b.catalog.find((m) => m.name === name)!;
const jenkinsfilesOf = (platform: Platform) =>
  new Map(platform.units.find((u) => u.id === 'devops')!.artifacts.map((a) => [a.path.replace(/^pipelines\/(.*)\.Jenkinsfile$/, '$1'), a.content]));

/** The block that follows `head` (a line such as `stage('Push image') {`), up to its matching brace. */
function block(text: string, head: string): string {
  const start = text.indexOf(head);
  if (start < 0) throw new Error(`no '${head}' in the Jenkinsfile`);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced block after '${head}'`);
}
const stage = (text: string, name: string) => block(text, `stage('${name}') {`);
const stageNames = (text: string) => [...text.matchAll(/^\s*stage\('([^']+)'\) \{$/gm)].map((m) => m[1]);

describe('a representative Jenkinsfile: vehicle-registry (Java) in prod, stage by stage', () => {
  const text = jenkinsfilesOf(prod.platform).get('vehicle-registry')!;

  it('runs on KubeSphere\'s maven agent with retention, no concurrent builds and a timeout', () => {
    expect(block(text, 'agent {')).toBe("agent {\n    node {\n      label 'maven'\n    }\n  }");
    const options = block(text, 'options {');
    expect(options).toContain("buildDiscarder(logRotator(daysToKeepStr: '30', numToKeepStr: '20'))");
    expect(options).toContain('disableConcurrentBuilds()');
    expect(options).toContain("timeout(time: 90, unit: 'MINUTES')");
  });

  it('has the stages in order, approval before the release merge request', () => {
    expect(stageNames(text)).toEqual(['Checkout', 'Unit tests', 'Integration tests', 'Build image', 'Push image', 'Approve release', 'Release merge request']);
  });

  it('checks out the module\'s repository with the GitLab credential and tags <version>-<commit>', () => {
    expect(text).toContain("SOURCE_URL = 'https://gitlab.icv.example.cn/icv/vehicle/vehicle-registry.git'");
    const checkout = stage(text, 'Checkout');
    expect(checkout).toContain("checkout([$class: 'GitSCM', branches: [[name: params.GIT_REF]], userRemoteConfigs: [[url: env.SOURCE_URL, credentialsId: 'gitlab']]])");
    expect(checkout).toContain("sh(returnStdout: true, script: 'mvn -B -q help:evaluate -Dexpression=project.version -DforceStdout')");
    expect(checkout).toContain("sh(returnStdout: true, script: 'git rev-parse --short=7 HEAD')");
    expect(checkout).toContain('env.IMAGE_TAG = "${version}-${commit}"');
  });

  it('runs the unit tests, then the integration suite, in the maven container', () => {
    expect(stage(text, 'Unit tests')).toContain("container('maven') {\n          sh 'mvn -B test'");
    expect(stage(text, 'Integration tests')).toContain("sh 'mvn -B verify -Pintegration'");
  });

  it('packages and builds the image with podman, verifying Harbor\'s certificate in prod', () => {
    const build = stage(text, 'Build image');
    expect(build).toContain("sh 'mvn -B -DskipTests package'");
    expect(build).toContain('sh \'podman build --tls-verify="$TLS_VERIFY" --tag "$IMAGE:$IMAGE_TAG" .\'');
    expect(text).toContain("TLS_VERIFY = 'true'");
    expect(text).not.toMatch(/\bdocker\s+(build|push|login)\b/);
  });

  it('logs in with the Harbor push robot and pushes to prod\'s Harbor, unless the immutable tag is already there', () => {
    expect(text).toContain("IMAGE = 'harbor.icv.example.cn/icv/vehicle-registry'");
    const push = stage(text, 'Push image');
    expect(push).toContain("withCredentials([usernamePassword(credentialsId: 'harbor-push', usernameVariable: 'HARBOR_USER', passwordVariable: 'HARBOR_PASSWORD')])");
    expect(push).toContain('podman login --tls-verify="$TLS_VERIFY" --username "$HARBOR_USER" --password-stdin "$REGISTRY"');
    expect(push).toContain('"$HARBOR_ARTIFACTS_API/$IMAGE_TAG"');
    expect(push).toContain('podman push --tls-verify="$TLS_VERIFY" "$IMAGE:$IMAGE_TAG"');
    // Secrets are expanded by the shell inside a ''' string, never interpolated by Groovy.
    expect(push).toContain("sh '''");
    const outsideShellScripts = text.replace(/'''[\s\S]*?'''/g, '');
    expect(outsideShellScripts).not.toMatch(/\$\{?(HARBOR_PASSWORD|GITLAB_TOKEN)/);
  });

  it('waits for the workspace manager\'s approval, with its own timeout, only when releasing', () => {
    const approval = stage(text, 'Approve release');
    expect(approval).toContain('expression { params.RELEASE }');
    expect(approval).toContain("timeout(time: 30, unit: 'MINUTES')");
    expect(approval).toContain('input(message: "Release ${env.MODULE} ${env.IMAGE_TAG} to prod?", ok: \'Open the release merge request\', submitter: \'admin\')');
  });

  it('releases by changing the module\'s line in prod.yaml of this repository and opening a merge request', () => {
    const release = stage(text, 'Release merge request');
    expect(release).toContain('expression { params.RELEASE }');
    expect(release).toContain("withCredentials([usernamePassword(credentialsId: 'gitlab', usernameVariable: 'GITLAB_USER', passwordVariable: 'GITLAB_TOKEN')])");
    expect(text).toContain("INFRA_URL = 'https://gitlab.icv.example.cn/icv/icv-platform.git'");
    expect(text).toContain("RELEASES_FILE = 'environments/releases/prod.yaml'");
    expect(release).toContain('git clone --depth 1 --branch "$INFRA_BRANCH" "$INFRA_URL" infra');
    expect(release).toContain('sed -i "s|^  $MODULE: .*|  $MODULE: $IMAGE_TAG|" "$RELEASES_FILE"');
    expect(release).toContain('git push --quiet origin "$RELEASE_BRANCH"');
    expect(release).toContain('--header "PRIVATE-TOKEN: $GITLAB_TOKEN"');
    expect(release).toContain('"$MERGE_REQUESTS_API"');
    expect(text).toContain("MERGE_REQUESTS_API = 'https://gitlab.icv.example.cn/api/v4/projects/icv%2Ficv-platform/merge_requests'");
    // The token never lands in a URL.
    expect(text).not.toMatch(/https:\/\/[^'"\s]*\$GITLAB_TOKEN/);
  });

  it('has balanced braces and declares the parameters it reads', () => {
    expect(block(text, 'pipeline {').length).toBe(text.length - text.indexOf('pipeline {') - 1);
    expect(block(text, 'parameters {')).toContain("string(name: 'GIT_REF', defaultValue: 'main'");
    expect(block(text, 'parameters {')).toContain("booleanParam(name: 'RELEASE', defaultValue: true");
  });
});

describe('test differs from prod only where the environment does', () => {
  const text = jenkinsfilesOf(test.platform).get('vehicle-registry')!;

  it('has no approval step and a build-only timeout', () => {
    expect(stageNames(text)).toEqual(['Checkout', 'Unit tests', 'Integration tests', 'Build image', 'Push image', 'Release merge request']);
    expect(text).not.toContain('input(');
    expect(text).toContain("timeout(time: 60, unit: 'MINUTES')");
  });

  it('pushes to test\'s Harbor, skipping verification as the environment declares, and releases into test.yaml', () => {
    expect(text).toContain("IMAGE = 'harbor.test.icv.example.cn/icv/vehicle-registry'");
    expect(text).toContain("TLS_VERIFY = 'false'");
    expect(stage(text, 'Push image')).toContain('curl --fail --silent --output /dev/null --insecure');
    expect(text).toContain("RELEASES_FILE = 'environments/releases/test.yaml'");
  });
});

describe.each(built)('every Jenkinsfile of $env.name', ({ env, catalog, platform }) => {
  const files = jenkinsfilesOf(platform);

  it('exists once per module', () => {
    expect([...files.keys()].sort()).toEqual(catalog.map((m) => m.name).sort());
  });

  it('checks out that module\'s repository and pushes that module\'s image to this environment\'s Harbor', () => {
    for (const module of catalog) {
      const text = files.get(module.name)!;
      expect(text).toContain(`MODULE = '${module.name}'`);
      expect(text).toContain(`SOURCE_URL = '${GITLAB_URL}/${module.source.repository}.git'`);
      expect(text).toContain(`IMAGE = '${env.registry.host}/${env.registry.project}/${module.image ?? module.name}'`);
      expect(text).toContain(`REGISTRY = '${env.registry.host}'`);
      expect(text).toContain('podman push --tls-verify="$TLS_VERIFY" "$IMAGE:$IMAGE_TAG"');
      expect(text).toContain(`RELEASES_FILE = 'environments/releases/${env.name}.yaml'`);
    }
  });

  it('runs on the agent of the module\'s build stack', () => {
    for (const module of catalog) {
      const agent = BUILD_RECIPES[module.source.stack].agent;
      const text = files.get(module.name)!;
      expect(text).toContain(`label '${agent}'`);
      expect([...text.matchAll(/container\('([^']+)'\)/g)].every((m) => m[1] === agent)).toBe(true);
    }
  });

  it(env.production ? 'asks for an approval before every release' : 'releases without an approval step', () => {
    for (const module of catalog) {
      const text = files.get(module.name)!;
      expect(stageNames(text).includes('Approve release')).toBe(env.production);
      expect(text.includes('input(')).toBe(env.production);
    }
  });

  it('never applies anything to a cluster: no kubectl, helm, pulumi or kk', () => {
    for (const module of catalog) {
      const text = files.get(module.name)!;
      expect(text).not.toMatch(/\bkubectl\b/);
      expect(text).not.toMatch(/\bpulumi\s+(up|apply|destroy)\b/i);
      expect(text).not.toMatch(/\bhelm\s+(install|upgrade)\b/);
      expect(text).not.toMatch(/\bkk\s+create\b/);
    }
  });
});

describe('Jenkinsfile per build stack', () => {
  it.each([
    ['java', 'maven', 'mvn -B test'],
    ['node', 'nodejs', 'npm test'],
    ['go', 'go', 'go test ./...'],
    ['python', 'base', '.venv/bin/python -m pytest tests/unit'],
  ] as const)('%s builds on the %s agent and runs %s', (stack, agent, unitTest) => {
    const module = test.catalog.find((m) => m.source.stack === stack);
    expect(module, `a ${stack} module in the catalog`).toBeDefined();
    const jenkinsfile = new Jenkinsfile({ env: test.env, module: module! });
    expect(jenkinsfile.recipe.agent).toBe(agent);
    expect(stage(jenkinsfile.text, 'Unit tests')).toContain(`sh '${unitTest}'`);
  });

  it('quotes values for Groovy: a quote in a command cannot end the string', () => {
    const text = new Jenkinsfile({ env: test.env, module: test.catalog.find((m) => m.source.stack === 'node')! }).text;
    expect(text).toContain("script: 'node -p \"require(\\'./package.json\\').version\"'");
  });

  it('exposes its stages and timeout for other tools', () => {
    const jenkinsfile = new Jenkinsfile({ env: prod.env, module: moduleOf(prod, 'vehicle-registry') });
    expect(jenkinsfile.requiresApproval).toBe(true);
    expect(jenkinsfile.timeoutMinutes).toBe(90);
    expect(jenkinsfile.stageNames).toEqual(stageNames(jenkinsfile.text));
    expect(jenkinsfile.imageRepository).toBe('harbor.icv.example.cn/icv/vehicle-registry');
  });
});
