/** The server's pricing rule and the PWA's export sizes agree on what is free. */
import { expect, it } from 'vitest';
import { exportCost, STANDARD_MAX_PIXELS } from '../../server/credits/pricing.ts';
import { exportDimensions, STANDARD_MAX_PIXELS as PWA_STANDARD_MAX_PIXELS } from '../../web/src/lib/export-size.ts';

const sizes: [number, number][] = [
  [1, 1],
  [640, 480],
  [1000, 1000],
  [1000, 1001],
  [1001, 1000],
  [999_999, 1],
  [1_000_000, 1],
  [1_000_001, 1],
  [1, 1_000_001],
  [1024, 976],
  [1024, 977],
  [1280, 781],
  [1280, 782],
  [1920, 1080],
  [3000, 2000],
  [4032, 3024],
  [6000, 4000],
  [12_000, 9_000],
];

it('uses the same one-megapixel limit', () => {
  expect(STANDARD_MAX_PIXELS).toBe(PWA_STANDARD_MAX_PIXELS);
});

it.each(sizes)('%i×%i: free on the PWA exactly when the server charges nothing', (width, height) => {
  const pwaFree = exportDimensions(width, height, 'full').free;
  expect(exportCost(width, height)).toBe(pwaFree ? 0 : 1);
  // The standard export is always free on both sides: its size never costs a credit on the server.
  const standard = exportDimensions(width, height, 'standard');
  expect(standard.free).toBe(true);
  expect(exportCost(standard.width, standard.height)).toBe(0);
});

it('agrees on every size around the limit', () => {
  for (let width = 900; width <= 1100; width++) {
    for (const height of [Math.floor(STANDARD_MAX_PIXELS / width), Math.floor(STANDARD_MAX_PIXELS / width) + 1]) {
      expect(exportCost(width, height)).toBe(exportDimensions(width, height, 'full').free ? 0 : 1);
    }
  }
});
