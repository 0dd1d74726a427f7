/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi up --stack test|prod` applies that environment.
 * Components and helpers are in `components.ts`; this file only wires config, environment and outputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { CONFIG_NAMESPACE, PlatformStack, readStackConfig, stackInputs } from './components.js';

const stack = pulumi.getStack();
const inputs = stackInputs(stack);
const config = readStackConfig(new pulumi.Config(CONFIG_NAMESPACE), stack);
const platform = new PlatformStack('platform', { ...inputs, config });

export const publicHosts = platform.publicHosts;
export const registryUrl = platform.registryUrl;
export const workspace = platform.workspace;
export const devopsProject = platform.devopsProject;
export const modulesByTier = platform.modulesByTier;
export const kubernetesResources = platform.kubernetesResources;
