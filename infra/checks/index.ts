import { applyExceptions, sortFindings, type CheckInput, type Finding, type Rule } from './finding.js';
import { checkNetwork } from './network.js';
import { checkPodSecurity } from './pss-restricted.js';
import { checkReliability } from './reliability.js';
import { checkSchema } from './schema.js';
import { checkSecrets } from './secrets.js';
import { checkSupplyChain } from './supply-chain.js';
import { checkTopology } from './topology.js';

export * from './capacity.js';
export * from './finding.js';
export * from './network.js';
export * from './pss-restricted.js';
export * from './reliability.js';
export * from './schema.js';
export * from './secrets.js';
export * from './supply-chain.js';
export * from './topology.js';

/** Every rule family, each implemented once. */
export const RULES: readonly Rule[] = [checkSchema, checkPodSecurity, checkReliability, checkNetwork, checkSupplyChain, checkSecrets, checkTopology];

/** Runs every rule, applies the declared exceptions, and sorts the findings. */
export function runChecks(input: CheckInput): Finding[] {
  return sortFindings(applyExceptions(RULES.flatMap((rule) => rule(input)), input.objects));
}
