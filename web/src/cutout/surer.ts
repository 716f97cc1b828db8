/**
 * The second opinion's choice (a manifest entry's `second`): of two mattes of one photo,
 * the one the network was surer of, counted as the share of pixels left unsure. On the dev
 * set ISNet's confident answer is usually its right one: Quality's fp16 matte against
 * Fast's, the surer one wins boundary F on 11 photos and loses on 5 (docs/model-frontier.md).
 */
import type { AlphaMatte } from './image.ts';

/** How many of the matte's pixels have alpha strictly between `unsure` and 1 − `unsure`. */
export function unsureCount(matte: AlphaMatte, unsure: number): number {
  const low = unsure * 255, high = 255 - low;
  let count = 0;
  for (const v of matte.data) if (v > low && v < high) count++;
  return count;
}

/** `first`, unless `second` (of the same size) has fewer unsure pixels. */
export function surer(first: AlphaMatte, second: AlphaMatte, unsure: number): AlphaMatte {
  if (first.width !== second.width || first.height !== second.height) {
    throw new Error(`the mattes are ${first.width}x${first.height} and ${second.width}x${second.height}`);
  }
  return unsureCount(second, unsure) < unsureCount(first, unsure) ? second : first;
}
