/**
 * The server's one rule for what an export costs. It must agree with the PWA's
 * `web/src/lib/export-size.ts` (tests/server/credits-pricing.test.ts compares them):
 * an export that fits within one megapixel is free; anything larger costs one credit.
 */

/** The largest free export, in pixels (the PWA's STANDARD_MAX_PIXELS). */
export const STANDARD_MAX_PIXELS = 1_000_000;

/** Credits charged for one full-resolution export. */
export const FULL_RESOLUTION_COST = 1;

/** Credits an export of `width`×`height` pixels costs: 0 within one megapixel, otherwise 1. */
export function exportCost(width: number, height: number): number {
  return width * height <= STANDARD_MAX_PIXELS ? 0 : FULL_RESOLUTION_COST;
}
