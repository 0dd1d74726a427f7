/**
 * The one order of text that every sorted output uses (catalog order, environment variables, findings, reports).
 *
 * `String.prototype.localeCompare` without a locale collates by the process's default locale, which Node takes from
 * `LC_ALL` / `LANG`: under `lt_LT.UTF-8`, `'Y1'` sorts before `'J1'`; so the same inputs could give other bytes on a
 * reviewer's machine than in CI. This collator is pinned to `en-US`, the default locale here and in CI (`C.UTF-8`
 * resolves to it), so no file written so far changes order; `test/model/text-order.test.ts` runs it under another
 * locale.
 */
let collator: Intl.Collator | undefined;

/**
 * Compares two strings in the platform's one text order (see above): negative, zero or positive, as `sort` wants.
 * The collator is made on the first comparison (loading ICU's collation data costs 6–9 ms), not when a command starts.
 */
export function compareText(a: string, b: string): number {
  return (collator ??= new Intl.Collator('en-US')).compare(a, b);
}
