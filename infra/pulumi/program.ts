import * as pulumi from '@pulumi/pulumi';
import type { Tier } from '../schema/module.js';
import { CONFIG_NAMESPACE, readStackConfig, stackInputs } from './stack-config.js';
import { PlatformStack } from './platform-stack.js';

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
}

/**
 * The whole Pulumi program: reads the stack name and the `icv` config, builds the stack's environment as a
 * PlatformStack and returns its outputs. Synchronous and free of the working directory and of being the main module,
 * so that both `infra/pulumi/index.ts` (the `main` of Pulumi.yaml) and an Automation API inline program can run it.
 */
export function platformProgram(): PlatformOutputs {
  const stack = pulumi.getStack();
  const inputs = stackInputs(stack);
  const config = readStackConfig(new pulumi.Config(CONFIG_NAMESPACE), stack);
  const platform = new PlatformStack('platform', { ...inputs, config });
  return {
    publicHosts: platform.publicHosts,
    registryUrl: platform.registryUrl,
    workspace: platform.workspace,
    devopsProject: platform.devopsProject,
    modulesByTier: platform.modulesByTier,
    kubernetesResources: platform.kubernetesResources,
  };
}
