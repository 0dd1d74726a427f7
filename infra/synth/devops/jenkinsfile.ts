import type { BuildStack, ModuleSpec } from '../../schema/module.js';
import type { Environment } from '../../schema/environment.js';
import { environmentFiles } from '../../schema/validate-environment.js';
import { DIGEST_PATTERN, TAG_PATTERN } from '../../schema/releases.js';
import { moduleRepository } from '../../model/names.js';
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

/** A promotion pipeline builds nothing, so it has no source ref to pick. */
export const PROMOTION_PARAMETERS: readonly PipelineParameter[] = [
  { name: 'RELEASE', type: 'boolean', defaultValue: 'true', description: 'Copy the digest tested in the source environment into this Harbor and open the merge request that releases it' },
];

/** The parameters of an environment's pipelines: a build pipeline's, or a promotion pipeline's. */
export function pipelineParameters(env: Pick<Environment, 'promotesFrom'>): readonly PipelineParameter[] {
  return env.promotesFrom === undefined ? PIPELINE_PARAMETERS : PROMOTION_PARAMETERS;
}

/**
 * KubeSphere's `base` agent, where promotions run `skopeo` (the agent image must provide skopeo ≥ 1.7 for
 * `--preserve-digests`; see README, "Build once, promote the digest").
 */
export const PROMOTION_AGENT = 'base';

const RELEASE_WHEN = 'expression { params.RELEASE }';
/** Where a stage leaves the digest (and, when promoting, the tag) for the next, in the workspace. */
const DIGEST_FILE = '.image-digest';
const TAG_FILE = '.image-tag';

/**
 * The shell lines that change one module's entry of `$RELEASES_FILE` (in the clone of this repository) to
 * `{ tag: $IMAGE_TAG, digest: $IMAGE_DIGEST }`: the format of `infra/schema/releases.ts`, one line, whatever the
 * entry was (a plain tag or a tag and digest). test/devops/release-edit.test.ts runs exactly these.
 */
export const RELEASE_EDIT_LINES: readonly string[] = [
  'grep -q "^  $MODULE: " "$RELEASES_FILE" || { echo "$MODULE has no line in $RELEASES_FILE"; exit 1; }',
  'sed -i "s|^  $MODULE: .*|  $MODULE: { tag: $IMAGE_TAG, digest: $IMAGE_DIGEST }|" "$RELEASES_FILE"',
];

/**
 * The shell lines a promotion runs in the clone of this repository: the module's entry in the source environment's
 * release file (`$SOURCE_RELEASES_FILE`), which must hold a digest, split into `TAG_FILE` and `DIGEST_FILE`.
 * test/devops/release-edit.test.ts runs exactly these.
 */
export const PROMOTION_READ_LINES: readonly string[] = [
  'ENTRY="$(grep "^  $MODULE: " "$SOURCE_RELEASES_FILE")" || { echo "$MODULE has no line in $SOURCE_RELEASES_FILE"; exit 1; }',
  'DIGEST="$(echo "$ENTRY" | grep -oE \'digest: "?sha256:[0-9a-f]{64}\')" || { echo "$SOURCE_ENV has recorded no digest for $MODULE (${ENTRY#  }): its pipeline records the digest it pushes; run it first"; exit 1; }',
  'TAG="$(echo "$ENTRY" | grep -oE \'tag: [A-Za-z0-9_.-]+\')"',
  `echo "\${TAG#tag: }" > ${TAG_FILE}`,
  `echo "\${DIGEST#digest: }" | tr -d '"' > ${DIGEST_FILE}`,
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
  /**
   * The stages already rendered for other modules of the same environment, shared instead of rendered again
   * (devopsUnit shares one per environment). @default none shared: this Jenkinsfile renders its own
   */
  readonly stages?: JenkinsfileStages;
}

/**
 * The `stages` blocks of one environment's Jenkinsfiles, and the blocks before `environment` (agent, options,
 * parameters). They depend on the environment, the module's build stack and the approver only (what is the module's
 * own reaches the stages as variables of the `environment` block), so every module of a stack has the same text:
 * rendered once per stack and approver here, instead of once per module.
 */
export class JenkinsfileStages {
  private readonly rendered = new Map<string, SharedBlocks>();

  constructor(public readonly env: Environment) {}

  /** The blocks of `key` (stack and approver), rendered by `render` the first time. */
  of(key: string, render: () => SharedBlocks): SharedBlocks {
    let stages = this.rendered.get(key);
    if (stages === undefined) {
      stages = render();
      this.rendered.set(key, stages);
    }
    return stages;
  }
}

/** What the Jenkinsfiles of one stack and approver in one environment share, indented as inside `pipeline`. */
interface SharedBlocks {
  /** Stage names, in order. */
  readonly names: readonly string[];
  /** The `stages` block. */
  readonly text: string;
  /** The `agent`, `options` and `parameters` blocks. */
  readonly preamble: string;
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
  /** The build parameters (the Pipeline resource declares the same). */
  public readonly parameters: readonly PipelineParameter[];
  /** Agent label the stages run on: the build stack's, or `base` for a promotion (skopeo). */
  public readonly agent: string;
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
    // The repository the workloads pull from (moduleImage), so the pipeline pushes exactly there.
    this.imageRepository = moduleRepository(env, module);
    this.releasesFile = environmentFiles(env.name).releases;
    this.timeoutMinutes = BUILD_TIMEOUT_MINUTES + (this.requiresApproval ? APPROVAL_TIMEOUT_MINUTES : 0);

    this.parameters = pipelineParameters(env);
    this.agent = env.promotesFrom === undefined ? this.recipe.agent : PROMOTION_AGENT;
    if (props.stages !== undefined && props.stages.env !== env) {
      throw new Error(`Jenkinsfile of module '${module.name}' in environment '${env.name}': props.stages are those of environment '${props.stages.env.name}'`);
    }
    const stages = (props.stages ?? new JenkinsfileStages(env)).of(`${module.source.stack} ${this.approver}`, () => {
      const list = this.stages(env);
      return { names: list.map((s) => s.name), text: indent(['stages {', ...indent(list.flatMap(renderStage)), '}']).join('\n'), preamble: this.preamble() };
    });
    this.stageNames = stages.names;
    this.text = this.render(env, module, stages);
  }

  private stages(env: Environment): Stage[] {
    const stages = env.promotesFrom === undefined ? this.buildStages(env) : this.promotionStages(env, env.promotesFrom);
    if (this.requiresApproval) {
      // A build is approved once its image is pushed; a promotion before anything reaches this Harbor.
      stages.splice(env.promotesFrom === undefined ? stages.length : 1, 0, {
        name: 'Approve release',
        when: RELEASE_WHEN,
        timeoutMinutes: APPROVAL_TIMEOUT_MINUTES,
        steps: [`input(message: "Release \${env.MODULE} \${env.IMAGE_TAG} (\${env.IMAGE_DIGEST}) to ${env.name}?", ok: 'Open the release merge request', submitter: ${groovy(this.approver)})`],
      });
    }
    stages.push(this.releaseStage(env));
    return stages;
  }

  private inAgent(steps: readonly string[]): string[] {
    return [`container(${groovy(this.agent)}) {`, ...indent(steps), '}'];
  }

  /**
   * An environment that builds (test): check out, test, build and push once, and record the digest the push
   * reported (`podman push --digestfile`), or, when the immutable tag is already in Harbor, the digest Harbor holds
   * for it (the pipeline pulls it back; the local build is not pushed).
   */
  private buildStages(env: Environment): Stage[] {
    const sh = (commands: readonly string[]) => commands.map((c) => `sh ${groovy(c)}`);
    const imageRef = '"$IMAGE:$IMAGE_TAG"';
    const curlTls = env.registry.tls.trust === 'skipVerify' ? ' --insecure' : '';
    return [
      {
        name: 'Checkout',
        steps: [
          `checkout([$class: 'GitSCM', branches: [[name: params.GIT_REF]], userRemoteConfigs: [[url: env.SOURCE_URL, credentialsId: ${groovy(CREDENTIALS.gitlab)}]]])`,
          ...this.inAgent([
            'script {',
            ...indent([
              `def version = sh(returnStdout: true, script: ${groovy(this.recipe.version)}).trim()`,
              'def commit = sh(returnStdout: true, script: \'git rev-parse --short=7 HEAD\').trim()',
              'env.IMAGE_TAG = "${version}-${commit}"',
              // The rule the release files are validated with (TAG_PATTERN, infra/schema/releases.ts).
              `if (!(env.IMAGE_TAG ==~ /${TAG_PATTERN.source.replace(/^\^|\$$/g, '')}/)) {`,
              '  error("version \'${version}\' does not make a valid image tag")',
              '}',
            ]),
            '}',
          ]),
        ],
      },
      { name: 'Unit tests', steps: this.inAgent(sh(this.recipe.unitTests)) },
      { name: 'Integration tests', steps: this.inAgent(sh(this.recipe.integrationTests)) },
      {
        name: 'Build image',
        steps: this.inAgent(sh([...this.recipe.package, `podman build --tls-verify="$TLS_VERIFY" --tag ${imageRef} .`])),
      },
      {
        name: 'Push image',
        steps: this.inAgent([
          ...withCredentials([[CREDENTIALS.harborPush, 'HARBOR_USER', 'HARBOR_PASSWORD']], [
            'echo "$HARBOR_PASSWORD" | podman login --tls-verify="$TLS_VERIFY" --username "$HARBOR_USER" --password-stdin "$REGISTRY"',
            // Harbor's tags are immutable: a rebuild of a commit that is already pushed keeps the pushed image.
            `if curl --fail --silent --output /dev/null${curlTls} --user "$HARBOR_USER:$HARBOR_PASSWORD" "$HARBOR_ARTIFACTS_API/$IMAGE_TAG"; then`,
            '  echo "$IMAGE:$IMAGE_TAG is already in Harbor; tags are immutable, not pushing again"',
            `  podman pull --tls-verify="$TLS_VERIFY" ${imageRef}`,
            `  podman image inspect --format '{{.Digest}}' ${imageRef} > ${DIGEST_FILE}`,
            'else',
            `  podman push --tls-verify="$TLS_VERIFY" --digestfile ${DIGEST_FILE} ${imageRef}`,
            'fi',
          ]),
          ...readDigest(),
        ]),
      },
    ];
  }

  /**
   * An environment that promotes (prod): read the entry of the source environment's release file, which must hold a
   * digest; copy exactly that digest into this environment's Harbor with `skopeo copy --preserve-digests` (which
   * fails rather than re-encode); check the digest the copy now has. Nothing is built, tested or pushed from source.
   */
  private promotionStages(env: Environment, from: NonNullable<Environment['promotesFrom']>): Stage[] {
    const destTls = env.registry.tls.trust !== 'skipVerify';
    return [
      {
        name: 'Read tested release',
        steps: this.inAgent([
          ...withCredentials([[CREDENTIALS.gitlab, 'GITLAB_USER', 'GITLAB_TOKEN']], [
            ...cloneInfra(),
            ...PROMOTION_READ_LINES,
          ]),
          'script {',
          `  env.IMAGE_TAG = readFile(${groovy(`infra/${TAG_FILE}`)}).trim()`,
          '}',
          ...readDigest(`infra/${DIGEST_FILE}`),
        ]),
      },
      {
        name: 'Promote image',
        when: RELEASE_WHEN,
        steps: this.inAgent(
          withCredentials(
            [
              [CREDENTIALS.harborSource, 'SOURCE_USER', 'SOURCE_PASSWORD'],
              [CREDENTIALS.harborPush, 'HARBOR_USER', 'HARBOR_PASSWORD'],
            ],
            [
              `echo "$SOURCE_PASSWORD" | skopeo login --tls-verify=${from.registry.tls.verify} --username "$SOURCE_USER" --password-stdin "$SOURCE_REGISTRY"`,
              `echo "$HARBOR_PASSWORD" | skopeo login --tls-verify=${destTls} --username "$HARBOR_USER" --password-stdin "$REGISTRY"`,
              `skopeo copy --all --preserve-digests --src-tls-verify=${from.registry.tls.verify} --dest-tls-verify=${destTls} "docker://$SOURCE_IMAGE@$IMAGE_DIGEST" "docker://$IMAGE:$IMAGE_TAG"`,
              `COPIED="$(skopeo inspect --tls-verify=${destTls} --format '{{.Digest}}' "docker://$IMAGE:$IMAGE_TAG")"`,
              'if [ "$COPIED" != "$IMAGE_DIGEST" ]; then echo "$IMAGE:$IMAGE_TAG is $COPIED in $REGISTRY, not the tested $IMAGE_DIGEST"; exit 1; fi',
            ],
          ),
        ),
      },
    ];
  }

  /** Edits this environment's release file to the tag and digest, and opens the merge request that deploys it. */
  private releaseStage(env: Environment): Stage {
    const gitlabHost = new URL(GITLAB_URL).host;
    return {
      name: 'Release merge request',
      when: RELEASE_WHEN,
      steps: this.inAgent(
        withCredentials([[CREDENTIALS.gitlab, 'GITLAB_USER', 'GITLAB_TOKEN']], [
          ...cloneInfra(),
          ...RELEASE_EDIT_LINES,
          'if git diff --quiet; then echo "$TARGET_ENV already runs $MODULE $IMAGE_TAG ($IMAGE_DIGEST)"; exit 0; fi',
          'RELEASE_BRANCH="release/$TARGET_ENV/$MODULE-$IMAGE_TAG"',
          'git checkout -b "$RELEASE_BRANCH"',
          `git -c user.name="$GITLAB_USER" -c user.email="${GITLAB_CI_USER}@users.noreply.${gitlabHost}" commit --quiet --all --message "release($TARGET_ENV): $MODULE $IMAGE_TAG"`,
          'git push --quiet origin "$RELEASE_BRANCH"',
          [
            'curl --fail --silent --show-error --request POST --header "PRIVATE-TOKEN: $GITLAB_TOKEN"',
            '--data-urlencode "source_branch=$RELEASE_BRANCH" --data-urlencode "target_branch=$INFRA_BRANCH"',
            '--data-urlencode "title=release($TARGET_ENV): $MODULE $IMAGE_TAG"',
            `--data-urlencode "description=${env.promotesFrom === undefined ? 'Built and tested by $BUILD_URL from $SOURCE_URL ($GIT_REF), pushed as $IMAGE_DIGEST' : 'Promoted by $BUILD_URL: $IMAGE_DIGEST as tested in $SOURCE_ENV, copied by digest'}. Merging deploys it to $TARGET_ENV."`,
            '--data-urlencode "remove_source_branch=true" "$MERGE_REQUESTS_API"',
          ].join(' '),
        ]),
      ),
    };
  }

  /** The `agent`, `options` and `parameters` blocks, indented as inside `pipeline`. */
  private preamble(): string {
    return indent([
      'agent {',
      ...indent(['node {', `  label ${groovy(this.agent)}`, '}']),
      '}',
      'options {',
      ...indent([
        `buildDiscarder(logRotator(daysToKeepStr: '${BUILD_RETENTION.daysToKeep}', numToKeepStr: '${BUILD_RETENTION.numToKeep}'))`,
        'disableConcurrentBuilds()',
        `timeout(time: ${this.timeoutMinutes}, unit: 'MINUTES')`,
      ]),
      '}',
      'parameters {',
      ...indent(this.parameters.map(renderParameter)),
      '}',
    ]).join('\n');
  }

  /** The Jenkinsfile around the blocks it shares with the environment's other modules of its stack. */
  private render(env: Environment, module: ModuleSpec, shared: SharedBlocks): string {
    const image = this.imageRepository.slice(`${env.registry.host}/${env.registry.project}/`.length);
    const from = env.promotesFrom;
    const environment: Record<string, string> = {
      MODULE: module.name,
      TARGET_ENV: env.name,
      ...(from === undefined
        ? {
            SOURCE_URL: this.sourceUrl,
            REGISTRY: env.registry.host,
            IMAGE: this.imageRepository,
            // Harbor's API wants the repository name URL-encoded twice when it contains a slash.
            HARBOR_ARTIFACTS_API: `https://${env.registry.host}/api/v2.0/projects/${env.registry.project}/repositories/${encodeURIComponent(encodeURIComponent(image))}/artifacts`,
            TLS_VERIFY: String(env.registry.tls.trust !== 'skipVerify'),
          }
        : {
            SOURCE_ENV: from.environment,
            SOURCE_REGISTRY: from.registry.host,
            SOURCE_IMAGE: moduleRepository(from, module),
            SOURCE_RELEASES_FILE: environmentFiles(from.environment).releases,
            REGISTRY: env.registry.host,
            IMAGE: this.imageRepository,
          }),
      INFRA_URL: `${GITLAB_URL}/${INFRA_REPOSITORY}.git`,
      INFRA_BRANCH,
      RELEASES_FILE: this.releasesFile,
      MERGE_REQUESTS_API: `${GITLAB_URL}/api/v4/projects/${encodeURIComponent(INFRA_REPOSITORY)}/merge_requests`,
    };
    const lines = [
      `// Release pipeline of module '${module.name}' (${module.source.repository}) in environment '${env.name}'.`,
      '// Generated by icv-platform from modules/ and environments/: change those, not this file.',
      from === undefined
        ? `// It tests, builds and pushes the image once, then proposes its tag and digest in ${this.releasesFile}; merging that is the deployment.`
        : `// It builds nothing: it copies the digest ${from.environment}'s pipeline pushed and tested into this Harbor, then proposes it in ${this.releasesFile}; merging that is the deployment.`,
      'pipeline {',
      shared.preamble,
      ...indent(['environment {', ...indent(Object.entries(environment).map(([key, value]) => `${key} = ${groovy(value)}`)), '}']),
      shared.text,
      '}',
      '',
    ];
    return lines.join('\n');
  }
}

/** A Groovy single-quoted string literal (no interpolation, so `$VAR` reaches the shell untouched). */
function groovy(value: string): string {
  // Most values have nothing to escape: they skip the two replacements.
  if (!value.includes('\\') && !value.includes("'")) return `'${value}'`;
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

/** Clones this repository's release branch into `infra` and enters it; the GitLab token reaches git through the environment. */
function cloneInfra(): string[] {
  return [
    // The token reaches git through a credential helper that reads the environment: never in a URL or a file.
    'git config --global credential.helper \'!f() { echo "username=$GITLAB_USER"; echo "password=$GITLAB_TOKEN"; }; f\'',
    'rm -rf infra',
    'git clone --depth 1 --branch "$INFRA_BRANCH" "$INFRA_URL" infra',
    'cd infra',
  ];
}

/** Reads the digest a previous step wrote into `env.IMAGE_DIGEST`, refusing anything but `sha256:<64 hex>`. */
function readDigest(file: string = DIGEST_FILE): string[] {
  return [
    'script {',
    `  env.IMAGE_DIGEST = readFile(${groovy(file)}).trim()`,
    // The rule the release files are validated with (DIGEST_PATTERN, infra/schema/releases.ts).
    `  if (!(env.IMAGE_DIGEST ==~ /${DIGEST_PATTERN.source.replace(/^\^|\$$/g, '')}/)) {`,
    '    error("\'${env.IMAGE_DIGEST}\' is not an image digest")',
    '  }',
    '}',
  ];
}

/**
 * Binds username/password credentials, each to two variables, around a shell script. The script is a Groovy `'''`
 * string: the shell, not Groovy, expands the variables, so secrets are never interpolated into the Groovy source.
 */
function withCredentials(bindings: readonly (readonly [id: string, userVariable: string, passwordVariable: string])[], script: readonly string[]): string[] {
  for (const line of script) {
    if (line.includes("'''") || line.includes('\\')) throw new Error(`shell line cannot go into a ''' string: ${line}`);
  }
  const bound = bindings
    .map(([id, user, password]) => `usernamePassword(credentialsId: ${groovy(id)}, usernameVariable: ${groovy(user)}, passwordVariable: ${groovy(password)})`)
    .join(', ');
  return [`withCredentials([${bound}]) {`, "  sh '''", ...indent(indent(script)), "  '''", '}'];
}
