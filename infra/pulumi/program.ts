import * as pulumi from '@pulumi/pulumi';
import type { Tier } from '../schema/module.js';
import { SECRET_KEYS, type SecretKey } from '../model/secrets.js';
import { checkKubeContext, checkSecretValues } from './cluster-guard.js';
import { CONFIG_NAMESPACE, isSecretConfig, plainConfig, readStackConfig, stackInputs } from './stack-config.js';
import { PlatformStack } from './platform-stack.js';
import { mirrors } from '../../modules/mirrors.js';
import type { InputSources } from '../cli/inputs.js';

/** The stack outputs of the platform program. */
export interface PlatformOutputs {
  /** Public host names the Ingresses route, sorted. */
  readonly publicHosts: readonly string[];
  /** Harbor's URL. */
  readonly registryUrl: string;
  /** The KubeSphere workspace the platform's namespaces belong to. */
  readonly workspace: string;
  /** The KubeSphere DevOps project that holds the release pipelines. */
  readonly devopsProject: string;
  /** How many modules the stack applies, by tier. */
  readonly modulesByTier: Readonly<Record<Tier, number>>;
  /** Kubernetes resources the stack registers. */
  readonly kubernetesResources: number;
  /** The image each module runs, by module name: after an `up`, what was last applied. */
  readonly appliedImages: Readonly<Record<string, string>>;
}

/**
 * The whole Pulumi program: reads the stack name and the `icv` config, builds the stack's environment as a
 * PlatformStack and returns its outputs once every unit is created (`PlatformStack.ready`). Free of the working
 * directory and of being the main module, so that both `infra/pulumi/index.ts` (the `main` of Pulumi.yaml, which
 * awaits it at the top level) and an Automation API inline program can run it. `sources` replaces the repository's
 * catalog and release tags; `infra/pulumi/index.ts` never passes it, `npm run e2e:scaled` passes the bench's ×10
 * catalog (bench/scale-catalog.ts).
 */
export async function platformProgram(sources: InputSources = {}): Promise<PlatformOutputs> {
  const stack = pulumi.getStack();
  const inputs = stackInputs(stack, sources);
  const config = readStackConfig(new pulumi.Config(CONFIG_NAMESPACE), stack);
  // Before anything is registered: the kube context must be the environment's cluster, and every secret usable.
  checkKubeContext(inputs.env, stack, config.kubeContext, plainConfig('kubeconfig'), config.apiServer);
  const secretValues = Object.fromEntries((Object.keys(SECRET_KEYS) as SecretKey[]).map((key) => [key, plainConfig(key) ?? ''])) as Record<SecretKey, string>;
  checkSecretValues(stack, secretValues, isSecretConfig);
  const platform = new PlatformStack('platform', { ...inputs, config, mirrors });
  await platform.ready;
  return {
    publicHosts: platform.publicHosts,
    registryUrl: platform.registryUrl,
    workspace: platform.workspace,
    devopsProject: platform.devopsProject,
    modulesByTier: platform.modulesByTier,
    kubernetesResources: platform.kubernetesResources,
    appliedImages: platform.appliedImages,
  };
}
