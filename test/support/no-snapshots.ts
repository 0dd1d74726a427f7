import { expect } from 'vitest';

/**
 * Setup of vitest.mutation.config.ts only: every snapshot assertion passes without comparing or writing anything,
 * so a mutant is killed by a named assertion or not at all (a snapshot would "kill" any change, and one `vitest -u`
 * would accept it). `npm test` never loads this file.
 */
const pass = () => ({ pass: true, message: () => 'snapshot assertions are disabled under mutation testing' });
expect.extend({
  toMatchSnapshot: pass,
  toMatchInlineSnapshot: pass,
  toMatchFileSnapshot: pass,
  toThrowErrorMatchingSnapshot: pass,
  toThrowErrorMatchingInlineSnapshot: pass,
});
