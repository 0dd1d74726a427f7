import { prod } from './prod.js';
import { test } from './test.js';

/** Every environment, by name; the Pulumi stack of the same name applies it. */
export const environments = { test, prod } as const;
