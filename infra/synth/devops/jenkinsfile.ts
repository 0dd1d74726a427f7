import type { BuildStack, ModuleSpec } from '../../schema/module.js';
import type { Environment } from '../../schema/environment.js';
import { environmentFiles } from '../../schema/validate-environment.js';
import { moduleImage } from '../../model/names.js';
import { CREDENTIALS, GITLAB_CI_USER } from './pipeline-credentials.js';
import { WORKSPACE_MANAGER } from './workspace.js';

/**
 * The one GitLab that holds every module's source and this repository. It is not per-environment data: test and
 * prod pipelines build the same source, and both propose their release tags to the same repository.
 */
export const GITLAB_URL = 'https://gitlab.icv.example.cn';
/** GitLab project path of this repository, whose `environments/releases/<env>.yaml` the pipelines change. */
export const INFRA_REPOSITORY = 'icv/icv-platform';
/** Branch of this repository that `pulumi up` is run from; release merge requests target it. */
export const INFRA_BRANCH = 'main';

/** Build history Jenkins keeps per pipeline (also the Pipeline resource's `discarder`). */
export const BUILD_RETENTION = { daysToKeep: 30, numToKeep: 20 } as const;
/** Time a build may take from checkout to the release merge request. */
export const BUILD_TIMEOUT_MINUTES = 60;
/** Time a production release waits for its approval before the build is aborted (the image stays pushed). */
export const APPROVAL_TIMEOUT_MINUTES = 30;

/** A build parameter, declared once for both the Pipeline resource and the Jenkinsfile's `parameters` block. */
export interface PipelineParameter {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly defaultValue: string;
  readonly description: string;
}

export const PIPELINE_PARAMETERS: readonly PipelineParameter[] = [
  { name: 'GIT_REF', type: 'string', defaultValue: 'main', description: 'Branch, tag or commit of the module\'s repository to build' },
  { name: 'RELEASE', type: 'boolean', defaultValue: 'true', description: 'After pushing the image, open the merge request that releases it to this environment' },
];

/** How one build stack is built and tested on KubeSphere 3.4's built-in Jenkins agents. */
export interface BuildRecipe {
  /** Agent label; KubeSphere's pod template of that label has a container of the same name. */
  readonly agent: 'maven' | 'nodejs' | 'go' | 'base';
  /** Prints the version the image tag starts with. */
  readonly version: string;
  readonly unitTests: readonly string[];
  /** The module's automated integration suite, run before anything is pushed. */
  readonly integrationTests: readonly string[];
  /** Produces what the Dockerfile copies, if the Dockerfile does not build it itself. */
  readonly package: readonly string[];
}

/**
 * Conventions every module repository follows, per stack. Maven and npm projects carry their version in pom.xml
 * and package.json; Go and Python projects in a VERSION file. Integration suites are the Maven profile
 * `integration`, the npm script `test:integration`, the Go build tag `integration`, and `tests/integration`.
 * KubeSphere 3.4 has no Python agent, so Python builds on `base` in a virtual environment.
 */
export const BUILD_RECIPES: Readonly<Record<BuildStack, BuildRecipe>> = {
  java: {
    agent: 'maven',
    version: 'mvn -B -q help:evaluate -Dexpression=project.version -DforceStdout',
    unitTests: ['mvn -B test'],
    integrationTests: ['mvn -B verify -Pintegration'],
    package: ['mvn -B -DskipTests package'],
  },
  node: {
    agent: 'nodejs',
    version: 'node -p "require(\'./package.json\').version"',
    unitTests: ['npm ci', 'npm test'],
    integrationTests: ['npm run test:integration'],
    package: ['npm run build'],
  },
  go: {
    agent: 'go',
    version: 'cat VERSION',
    unitTests: ['go vet ./...', 'go test ./...'],
    integrationTests: ['go test -tags=integration ./...'],
    package: [],
  },
  python: {
    agent: 'base',
    version: 'cat VERSION',
    unitTests: ['python3 -m venv .venv', '.venv/bin/pip install -r requirements-dev.txt', '.venv/bin/python -m pytest tests/unit'],
    integrationTests: ['.venv/bin/python -m pytest tests/integration'],
    package: [],
  },
};

export interface JenkinsfileProps {
  /** The environment whose Harbor and release-tags file the pipeline targets. */
  readonly env: Environment;
  /** The catalog module the pipeline builds. */
  readonly module: ModuleSpec;
  /** KubeSphere user allowed to approve a production release. @default WORKSPACE_MANAGER ('admin') */
  readonly approver?: string;
}

/** A declarative stage: a name, an optional `when` expression and timeout, and its steps as Groovy lines. */
interface Stage {
  readonly name: string;
  readonly when?: string;
  readonly timeoutMinutes?: number;
  readonly steps: readonly string[];
}

/**
 * The declarative Jenkinsfile of one module's release pipeline in one environment: check out the module's GitLab
 * repository, run its unit and integration tests, build the image with podman (containerd nodes have no Docker
 * daemon), push it to the environment's Harbor as `<version>-<commit>`, and propose that tag in a merge request on
 * `environments/releases/<env>.yaml`. Production waits for an approval first. Merging the request is what deploys:
 * the pipeline itself never touches the cluster.
 */
export class Jenkinsfile {
  /** How the module's build stack is built and tested. */
  public readonly recipe: BuildRecipe;
  /** KubeSphere user who approves production releases. */
  public readonly approver: string;
  /** Whether a person approves the release (production) before the merge request is opened. */
  public readonly requiresApproval: boolean;
  /** Clone URL of the module's repository. */
  public readonly sourceUrl: string;
  /** Image repository the pipeline pushes to, without a tag: `<registry>/<project>/<image>`. */
  public readonly imageRepository: string;
  /** The release-tags file the merge request changes. */
  public readonly releasesFile: string;
  /** The whole build's timeout: the build budget, plus the approval window in production. */
  public readonly timeoutMinutes: number;
  /** Stage names, in order. */
  public readonly stageNames: readonly string[];
  /** The Jenkinsfile. */
  public readonly text: string;

  constructor(props: JenkinsfileProps) {
    const { env, module } = props;
    this.recipe = BUILD_RECIPES[module.source.stack];
    this.approver = props.approver ?? WORKSPACE_MANAGER;
    this.requiresApproval = env.production;
    this.sourceUrl = `${GITLAB_URL}/${module.source.repository}.git`;
    // The deployed reference minus its release tag, so the pipeline pushes exactly where the workloads pull from.
    const deployed = moduleImage(env, module);
    this.imageRepository = deployed.slice(0, deployed.lastIndexOf(':'));
    this.releasesFile = environmentFiles(env.name).releases;
    this.timeoutMinutes = BUILD_TIMEOUT_MINUTES + (this.requiresApproval ? APPROVAL_TIMEOUT_MINUTES : 0);

    const stages = this.stages(env);
    this.stageNames = stages.map((s) => s.name);
    this.text = this.render(env, module, stages);
  }

  private stages(env: Environment): Stage[] {
    const inAgent = (steps: readonly string[]) => [`container(${groovy(this.recipe.agent)}) {`, ...indent(steps), '}'];
    const sh = (commands: readonly string[]) => commands.map((c) => `sh ${groovy(c)}`);
    const release = 'expression { params.RELEASE }';
    const imageRef = '"$IMAGE:$IMAGE_TAG"';
    const curlTls = env.registry.tls.trust === 'skipVerify' ? ' --insecure' : '';
    const gitlabHost = new URL(GITLAB_URL).host;

    const stages: Stage[] = [
      {
        name: 'Checkout',
        steps: [
          `checkout([$class: 'GitSCM', branches: [[name: params.GIT_REF]], userRemoteConfigs: [[url: env.SOURCE_URL, credentialsId: ${groovy(CREDENTIALS.gitlab)}]]])`,
          ...inAgent([
            'script {',
            ...indent([
              `def version = sh(returnStdout: true, script: ${groovy(this.recipe.version)}).trim()`,
              'def commit = sh(returnStdout: true, script: \'git rev-parse --short=7 HEAD\').trim()',
              'env.IMAGE_TAG = "${version}-${commit}"',
              // The same rule the release-tags file is validated with (infra/schema/releases.ts).
              'if (!(env.IMAGE_TAG ==~ /[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}/)) {',
              '  error("version \'${version}\' does not make a valid image tag")',
              '}',
            ]),
            '}',
          ]),
        ],
      },
      { name: 'Unit tests', steps: inAgent(sh(this.recipe.unitTests)) },
      { name: 'Integration tests', steps: inAgent(sh(this.recipe.integrationTests)) },
      {
        name: 'Build image',
        steps: inAgent(sh([...this.recipe.package, `podman build --tls-verify="$TLS_VERIFY" --tag ${imageRef} .`])),
      },
      {
        name: 'Push image',
        steps: inAgent(
          withCredentials(CREDENTIALS.harborPush, 'HARBOR_USER', 'HARBOR_PASSWORD', [
            'echo "$HARBOR_PASSWORD" | podman login --tls-verify="$TLS_VERIFY" --username "$HARBOR_USER" --password-stdin "$REGISTRY"',
            // Harbor's tags are immutable: a rebuild of a commit that is already pushed keeps the pushed image.
            `if curl --fail --silent --output /dev/null${curlTls} --user "$HARBOR_USER:$HARBOR_PASSWORD" "$HARBOR_ARTIFACTS_API/$IMAGE_TAG"; then`,
            '  echo "$IMAGE:$IMAGE_TAG is already in Harbor; tags are immutable, not pushing again"',
            'else',
            `  podman push --tls-verify="$TLS_VERIFY" ${imageRef}`,
            'fi',
          ]),
        ),
      },
    ];
    if (this.requiresApproval) {
      stages.push({
        name: 'Approve release',
        when: release,
        timeoutMinutes: APPROVAL_TIMEOUT_MINUTES,
        steps: [`input(message: "Release \${env.MODULE} \${env.IMAGE_TAG} to ${env.name}?", ok: 'Open the release merge request', submitter: ${groovy(this.approver)})`],
      });
    }
    stages.push({
      name: 'Release merge request',
      when: release,
      steps: inAgent(
        withCredentials(CREDENTIALS.gitlab, 'GITLAB_USER', 'GITLAB_TOKEN', [
          // The token reaches git through a credential helper that reads the environment: never in a URL or a file.
          'git config --global credential.helper \'!f() { echo "username=$GITLAB_USER"; echo "password=$GITLAB_TOKEN"; }; f\'',
          'rm -rf infra',
          'git clone --depth 1 --branch "$INFRA_BRANCH" "$INFRA_URL" infra',
          'cd infra',
          'grep -q "^  $MODULE: " "$RELEASES_FILE" || { echo "$MODULE has no line in $RELEASES_FILE"; exit 1; }',
          'sed -i "s|^  $MODULE: .*|  $MODULE: $IMAGE_TAG|" "$RELEASES_FILE"',
          'if git diff --quiet; then echo "$TARGET_ENV already runs $MODULE $IMAGE_TAG"; exit 0; fi',
          'RELEASE_BRANCH="release/$TARGET_ENV/$MODULE-$IMAGE_TAG"',
          'git checkout -b "$RELEASE_BRANCH"',
          `git -c user.name="$GITLAB_USER" -c user.email="${GITLAB_CI_USER}@users.noreply.${gitlabHost}" commit --quiet --all --message "release($TARGET_ENV): $MODULE $IMAGE_TAG"`,
          'git push --quiet origin "$RELEASE_BRANCH"',
          [
            'curl --fail --silent --show-error --request POST --header "PRIVATE-TOKEN: $GITLAB_TOKEN"',
            '--data-urlencode "source_branch=$RELEASE_BRANCH" --data-urlencode "target_branch=$INFRA_BRANCH"',
            '--data-urlencode "title=release($TARGET_ENV): $MODULE $IMAGE_TAG"',
            '--data-urlencode "description=Built and tested by $BUILD_URL from $SOURCE_URL ($GIT_REF). Merging deploys it to $TARGET_ENV."',
            '--data-urlencode "remove_source_branch=true" "$MERGE_REQUESTS_API"',
          ].join(' '),
        ]),
      ),
    });
    return stages;
  }

  private render(env: Environment, module: ModuleSpec, stages: readonly Stage[]): string {
    const image = this.imageRepository.slice(`${env.registry.host}/${env.registry.project}/`.length);
    const environment: Record<string, string> = {
      MODULE: module.name,
      TARGET_ENV: env.name,
      SOURCE_URL: this.sourceUrl,
      REGISTRY: env.registry.host,
      IMAGE: this.imageRepository,
      // Harbor's API wants the repository name URL-encoded twice when it contains a slash.
      HARBOR_ARTIFACTS_API: `https://${env.registry.host}/api/v2.0/projects/${env.registry.project}/repositories/${encodeURIComponent(encodeURIComponent(image))}/artifacts`,
      TLS_VERIFY: String(env.registry.tls.trust !== 'skipVerify'),
      INFRA_URL: `${GITLAB_URL}/${INFRA_REPOSITORY}.git`,
      INFRA_BRANCH,
      RELEASES_FILE: this.releasesFile,
      MERGE_REQUESTS_API: `${GITLAB_URL}/api/v4/projects/${encodeURIComponent(INFRA_REPOSITORY)}/merge_requests`,
    };
    const lines = [
      `// Release pipeline of module '${module.name}' (${module.source.repository}) in environment '${env.name}'.`,
      '// Generated by icv-platform from modules/ and environments/: change those, not this file.',
      `// It tests, builds and pushes the image, then proposes its tag in ${this.releasesFile}; merging that is the deployment.`,
      'pipeline {',
      ...indent([
        'agent {',
        ...indent(['node {', `  label ${groovy(this.recipe.agent)}`, '}']),
        '}',
        'options {',
        ...indent([
          `buildDiscarder(logRotator(daysToKeepStr: '${BUILD_RETENTION.daysToKeep}', numToKeepStr: '${BUILD_RETENTION.numToKeep}'))`,
          'disableConcurrentBuilds()',
          `timeout(time: ${this.timeoutMinutes}, unit: 'MINUTES')`,
        ]),
        '}',
        'parameters {',
        ...indent(PIPELINE_PARAMETERS.map(renderParameter)),
        '}',
        'environment {',
        ...indent(Object.entries(environment).map(([key, value]) => `${key} = ${groovy(value)}`)),
        '}',
        'stages {',
        ...indent(stages.flatMap(renderStage)),
        '}',
      ]),
      '}',
      '',
    ];
    return lines.join('\n');
  }
}

/** A Groovy single-quoted string literal (no interpolation, so `$VAR` reaches the shell untouched). */
function groovy(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => (line === '' ? line : `  ${line}`));
}

function renderParameter(p: PipelineParameter): string {
  return p.type === 'boolean'
    ? `booleanParam(name: ${groovy(p.name)}, defaultValue: ${p.defaultValue === 'true'}, description: ${groovy(p.description)})`
    : `string(name: ${groovy(p.name)}, defaultValue: ${groovy(p.defaultValue)}, description: ${groovy(p.description)})`;
}

function renderStage(stage: Stage): string[] {
  return [
    `stage(${groovy(stage.name)}) {`,
    ...indent([
      ...(stage.when ? ['when {', `  ${stage.when}`, '}'] : []),
      ...(stage.timeoutMinutes ? ['options {', `  timeout(time: ${stage.timeoutMinutes}, unit: 'MINUTES')`, '}'] : []),
      'steps {',
      ...indent(stage.steps),
      '}',
    ]),
    '}',
  ];
}

/**
 * Binds a username/password credential to two variables around a shell script. The script is a Groovy `'''` string:
 * the shell, not Groovy, expands the variables, so secrets are never interpolated into the Groovy source.
 */
function withCredentials(id: string, userVariable: string, passwordVariable: string, script: readonly string[]): string[] {
  for (const line of script) {
    if (line.includes("'''") || line.includes('\\')) throw new Error(`shell line cannot go into a ''' string: ${line}`);
  }
  return [
    `withCredentials([usernamePassword(credentialsId: ${groovy(id)}, usernameVariable: ${groovy(userVariable)}, passwordVariable: ${groovy(passwordVariable)})]) {`,
    "  sh '''",
    ...indent(indent(script)),
    "  '''",
    '}',
  ];
}
