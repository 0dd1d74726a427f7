import { describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/model/types.js';
import { BUILD_RECIPES, GITLAB_URL, Jenkinsfile, JenkinsfileStages, PROMOTION_AGENT } from '../../infra/synth/devops/jenkinsfile.js';
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

describe('a representative Jenkinsfile: vehicle-registry (Java) in test, stage by stage', () => {
  const text = jenkinsfilesOf(test.platform).get('vehicle-registry')!;

  it('runs on KubeSphere\'s maven agent with retention, no concurrent builds and a timeout', () => {
    expect(block(text, 'agent {')).toBe("agent {\n    node {\n      label 'maven'\n    }\n  }");
    const options = block(text, 'options {');
    expect(options).toContain("buildDiscarder(logRotator(daysToKeepStr: '30', numToKeepStr: '20'))");
    expect(options).toContain('disableConcurrentBuilds()');
    expect(options).toContain("timeout(time: 60, unit: 'MINUTES')");
  });

  it('has the stages in order, without an approval', () => {
    expect(stageNames(text)).toEqual(['Checkout', 'Unit tests', 'Integration tests', 'Build image', 'Push image', 'Release merge request']);
    expect(text).not.toContain('input(');
  });

  it('checks out the module\'s repository with the GitLab credential and tags <version>-<commit>', () => {
    expect(text).toContain("SOURCE_URL = 'https://gitlab.icv.example.cn/icv/vehicle/vehicle-registry.git'");
    const checkout = stage(text, 'Checkout');
    expect(checkout).toContain("checkout([$class: 'GitSCM', branches: [[name: params.GIT_REF]], userRemoteConfigs: [[url: env.SOURCE_URL, credentialsId: 'gitlab']]])");
    expect(checkout).toContain("sh(returnStdout: true, script: 'mvn -B -q help:evaluate -Dexpression=project.version -DforceStdout')");
    expect(checkout).toContain("sh(returnStdout: true, script: 'git rev-parse --short=7 HEAD')");
    expect(checkout).toContain('env.IMAGE_TAG = "${version}-${commit}"');
    expect(checkout).toContain('if (!(env.IMAGE_TAG ==~ /[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}/)) {');
  });

  it('runs the unit tests, then the integration suite, in the maven container', () => {
    expect(stage(text, 'Unit tests')).toContain("container('maven') {\n          sh 'mvn -B test'");
    expect(stage(text, 'Integration tests')).toContain("sh 'mvn -B verify -Pintegration'");
  });

  it('packages and builds the image with podman, skipping verification of test\'s Harbor as the environment declares', () => {
    const build = stage(text, 'Build image');
    expect(build).toContain("sh 'mvn -B -DskipTests package'");
    expect(build).toContain('sh \'podman build --tls-verify="$TLS_VERIFY" --tag "$IMAGE:$IMAGE_TAG" .\'');
    expect(text).toContain("TLS_VERIFY = 'false'");
    expect(text).not.toMatch(/\bdocker\s+(build|push|login)\b/);
  });

  it('pushes once to test\'s Harbor and records the digest the push reports (or the one Harbor holds for the immutable tag)', () => {
    expect(text).toContain("IMAGE = 'harbor.test.icv.example.cn/icv/vehicle-registry'");
    const push = stage(text, 'Push image');
    expect(push).toContain("withCredentials([usernamePassword(credentialsId: 'harbor-push', usernameVariable: 'HARBOR_USER', passwordVariable: 'HARBOR_PASSWORD')])");
    expect(push).toContain('podman login --tls-verify="$TLS_VERIFY" --username "$HARBOR_USER" --password-stdin "$REGISTRY"');
    expect(push).toContain('curl --fail --silent --output /dev/null --insecure');
    expect(push).toContain('"$HARBOR_ARTIFACTS_API/$IMAGE_TAG"');
    expect(push).toContain('podman push --tls-verify="$TLS_VERIFY" --digestfile .image-digest "$IMAGE:$IMAGE_TAG"');
    expect(push).toContain("podman image inspect --format '{{.Digest}}' \"$IMAGE:$IMAGE_TAG\" > .image-digest");
    expect(push).toContain("env.IMAGE_DIGEST = readFile('.image-digest').trim()");
    expect(push).toContain('if (!(env.IMAGE_DIGEST ==~ /sha256:[0-9a-f]{64}/)) {');
    // Secrets are expanded by the shell inside a ''' string, never interpolated by Groovy.
    expect(push).toContain("sh '''");
    const outsideShellScripts = text.replace(/'''[\s\S]*?'''/g, '');
    expect(outsideShellScripts).not.toMatch(/\$\{?(HARBOR_PASSWORD|GITLAB_TOKEN)/);
  });

  it('releases by writing tag and digest into test.yaml of this repository and opening a merge request', () => {
    const release = stage(text, 'Release merge request');
    expect(release).toContain('expression { params.RELEASE }');
    expect(release).toContain("withCredentials([usernamePassword(credentialsId: 'gitlab', usernameVariable: 'GITLAB_USER', passwordVariable: 'GITLAB_TOKEN')])");
    expect(text).toContain("INFRA_URL = 'https://gitlab.icv.example.cn/icv/icv-platform.git'");
    expect(text).toContain("RELEASES_FILE = 'environments/releases/test.yaml'");
    expect(release).toContain('git clone --depth 1 --branch "$INFRA_BRANCH" "$INFRA_URL" infra');
    expect(release).toContain('sed -i "s|^  $MODULE: .*|  $MODULE: { tag: $IMAGE_TAG, digest: $IMAGE_DIGEST }|" "$RELEASES_FILE"');
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

describe('prod promotes: it never builds, and copies exactly the digest test recorded', () => {
  const text = jenkinsfilesOf(prod.platform).get('vehicle-registry')!;

  it('reads test\'s entry, waits for the approval, copies by digest, opens the merge request: in that order', () => {
    expect(stageNames(text)).toEqual(['Read tested release', 'Approve release', 'Promote image', 'Release merge request']);
    expect(block(text, 'agent {')).toContain("label 'base'");
    expect(block(text, 'options {')).toContain("timeout(time: 90, unit: 'MINUTES')");
  });

  it('has no build, test, push-from-source or checkout of the module\'s source, and no GIT_REF', () => {
    expect(text).not.toMatch(/\bpodman\s+(build|push)\b/);
    expect(text).not.toMatch(/\b(buildah|kaniko)\b|\bdocker\s+(build|push)\b/);
    expect(text).not.toContain('GitSCM');
    expect(text).not.toContain('SOURCE_URL');
    for (const recipe of Object.values(BUILD_RECIPES)) {
      for (const command of [...recipe.unitTests, ...recipe.integrationTests, ...recipe.package]) expect(text).not.toContain(command);
    }
    expect(text).not.toContain('GIT_REF');
  });

  it('reads tag and digest from test.yaml and refuses an entry without a digest', () => {
    const read = stage(text, 'Read tested release');
    expect(text).toContain("SOURCE_RELEASES_FILE = 'environments/releases/test.yaml'");
    expect(read).toContain("grep -oE 'digest: \"?sha256:[0-9a-f]{64}'");
    expect(read).toContain('has recorded no digest for $MODULE');
    expect(read).toContain("env.IMAGE_TAG = readFile('infra/.image-tag').trim()");
    expect(read).toContain("env.IMAGE_DIGEST = readFile('infra/.image-digest').trim()");
  });

  it('asks the workspace manager, naming tag and digest, before anything reaches prod\'s Harbor', () => {
    const approval = stage(text, 'Approve release');
    expect(approval).toContain('expression { params.RELEASE }');
    expect(approval).toContain("timeout(time: 30, unit: 'MINUTES')");
    expect(approval).toContain('input(message: "Release ${env.MODULE} ${env.IMAGE_TAG} (${env.IMAGE_DIGEST}) to prod?", ok: \'Open the release merge request\', submitter: \'admin\')');
  });

  it('copies by digest only, from test\'s Harbor to prod\'s, and checks the digest it copied', () => {
    const promote = stage(text, 'Promote image');
    expect(text).toContain("SOURCE_IMAGE = 'harbor.test.icv.example.cn/icv/vehicle-registry'");
    expect(text).toContain("IMAGE = 'harbor.icv.example.cn/icv/vehicle-registry'");
    const copies = [...promote.matchAll(/skopeo copy [^\n]*/g)].map((m) => m[0]);
    expect(copies).toEqual(['skopeo copy --all --preserve-digests --src-tls-verify=false --dest-tls-verify=true "docker://$SOURCE_IMAGE@$IMAGE_DIGEST" "docker://$IMAGE:$IMAGE_TAG"']);
    expect(promote).toContain("skopeo inspect --tls-verify=true --format '{{.Digest}}' \"docker://$IMAGE:$IMAGE_TAG\"");
    expect(promote).toContain('if [ "$COPIED" != "$IMAGE_DIGEST" ]; then');
    expect(promote).toContain("usernamePassword(credentialsId: 'harbor-source-pull', usernameVariable: 'SOURCE_USER', passwordVariable: 'SOURCE_PASSWORD')");
    const outsideShellScripts = text.replace(/'''[\s\S]*?'''/g, '');
    expect(outsideShellScripts).not.toMatch(/\$\{?(HARBOR_PASSWORD|SOURCE_PASSWORD|GITLAB_TOKEN)/);
  });

  it('writes the same tag and digest into prod.yaml', () => {
    const release = stage(text, 'Release merge request');
    expect(text).toContain("RELEASES_FILE = 'environments/releases/prod.yaml'");
    expect(release).toContain('sed -i "s|^  $MODULE: .*|  $MODULE: { tag: $IMAGE_TAG, digest: $IMAGE_DIGEST }|" "$RELEASES_FILE"');
  });

  it('has balanced braces and only the RELEASE parameter', () => {
    expect(block(text, 'pipeline {').length).toBe(text.length - text.indexOf('pipeline {') - 1);
    expect(block(text, 'parameters {')).toBe("parameters {\n    booleanParam(name: 'RELEASE', defaultValue: true, description: 'Copy the digest tested in the source environment into this Harbor and open the merge request that releases it')\n  }");
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
      expect(text).toContain(`IMAGE = '${env.registry.host}/${env.registry.project}/${module.image ?? module.name}'`);
      expect(text).toContain(`REGISTRY = '${env.registry.host}'`);
      expect(text).toContain(`RELEASES_FILE = 'environments/releases/${env.name}.yaml'`);
      if (env.promotesFrom === undefined) {
        expect(text).toContain(`SOURCE_URL = '${GITLAB_URL}/${module.source.repository}.git'`);
        expect(text).toContain('podman push --tls-verify="$TLS_VERIFY" --digestfile .image-digest "$IMAGE:$IMAGE_TAG"');
      } else {
        expect(text).toContain(`SOURCE_IMAGE = '${env.promotesFrom.registry.host}/${env.promotesFrom.registry.project}/${module.image ?? module.name}'`);
        expect(text).toContain('"docker://$SOURCE_IMAGE@$IMAGE_DIGEST" "docker://$IMAGE:$IMAGE_TAG"');
        expect(text).not.toMatch(/\bpodman\s+(build|push)\b/);
      }
    }
  });

  it(env.promotesFrom === undefined ? 'runs on the agent of the module\'s build stack' : 'runs on the base agent (skopeo)', () => {
    for (const module of catalog) {
      const agent = env.promotesFrom === undefined ? BUILD_RECIPES[module.source.stack].agent : PROMOTION_AGENT;
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

describe('stages shared between the pipelines of one environment (JenkinsfileStages)', () => {
  it.each(built)('every Jenkinsfile of $env.name is the one rendered alone, stages included', ({ env, catalog, platform }) => {
    const unit = jenkinsfilesOf(platform);
    expect(new Set(catalog.map((m) => m.source.stack)).size).toBeGreaterThan(1);
    for (const module of catalog) {
      const alone = new Jenkinsfile({ env, module });
      expect(unit.get(module.name), module.name).toBe(alone.text);
    }
  });

  it('keeps the stages of each build stack and approver apart', () => {
    const stages = new JenkinsfileStages(prod.env);
    const java = moduleOf(prod, 'vehicle-registry');
    const other = prod.catalog.find((m) => m.source.stack !== java.source.stack)!;
    const first = new Jenkinsfile({ env: prod.env, module: java, stages });
    const byOps = new Jenkinsfile({ env: prod.env, module: java, approver: 'ops', stages });
    const otherStack = new Jenkinsfile({ env: prod.env, module: other, stages });
    expect(first.text).toContain("submitter: 'admin'");
    expect(byOps.text).toContain("submitter: 'ops'");
    expect(byOps.text).toBe(new Jenkinsfile({ env: prod.env, module: java, approver: 'ops' }).text);
    expect(otherStack.text).toBe(new Jenkinsfile({ env: prod.env, module: other }).text);
    expect(otherStack.stageNames).toEqual(stageNames(otherStack.text));
  });

  it("refuses another environment's stages", () => {
    const module = moduleOf(prod, 'vehicle-registry');
    expect(() => new Jenkinsfile({ env: prod.env, module, stages: new JenkinsfileStages(test.env) })).toThrow(
      "Jenkinsfile of module 'vehicle-registry' in environment 'prod': props.stages are those of environment 'test'",
    );
  });
});
