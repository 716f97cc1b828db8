/**
 * What an export costs. Which exports are free is the rule the PWA and the CLI apply too,
 * so it lives in common/export-size.ts: within one megapixel is free, anything larger
 * costs one credit.
 */
import { exportIsFree } from '../../common/export-size.ts';

/** Credits charged for one full-resolution export. */
export const FULL_RESOLUTION_COST = 1;

/** Credits an export of `width`×`height` pixels costs: 0 within one megapixel, otherwise 1. */
export function exportCost(width: number, height: number): number {
  return exportIsFree(width, height) ? 0 : FULL_RESOLUTION_COST;
}
