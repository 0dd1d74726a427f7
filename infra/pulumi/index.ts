/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi up --stack test|prod` applies that environment.
 * The program itself is `platformProgram` (program.ts); this file only exports its outputs.
 */
import { platformProgram } from './program.js';

const outputs = await platformProgram();

export const publicHosts = outputs.publicHosts;
export const registryUrl = outputs.registryUrl;
export const workspace = outputs.workspace;
export const devopsProject = outputs.devopsProject;
export const modulesByTier = outputs.modulesByTier;
export const kubernetesResources = outputs.kubernetesResources;
export const appliedImages = outputs.appliedImages;
