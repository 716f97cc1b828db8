import { describe, expect, it } from 'vitest';
import { STANDARD_MAX_PIXELS } from '../../../common/export-size.ts';
import { compose, TRANSPARENT } from '../../../web/src/cutout/compose.ts';
import { composeForDisplay, DISPLAY_MAX_SIDE, displaySize } from '../../../web/src/cutout/display.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { resizeRgba } from '../../../web/src/cutout/resample.ts';
import { noisyMatte, noisyRgba } from './support/noisy.ts';

describe('displaySize', () => {
  it('keeps a photo that fits within 2048×2048 at its own size', () => {
    for (const [w, h] of [[512, 512], [2048, 2048], [2048, 1000], [1000, 2048], [1, 1]]) expect(displaySize(w, h)).toEqual({ width: w, height: h });
    expect(DISPLAY_MAX_SIDE).toBe(2048);
  });

  it('fits a larger photo within 2048×2048, its shape kept to the nearest pixel', () => {
    expect(displaySize(6000, 4000)).toEqual({ width: 2048, height: 1365 });
    expect(displaySize(4000, 6000)).toEqual({ width: 1365, height: 2048 });
    expect(displaySize(2049, 2049)).toEqual({ width: 2048, height: 2048 });
    expect(displaySize(5657, 4243)).toEqual({ width: 2048, height: 1536 });
  });

  it("keeps a photo whose full size is free (within one megapixel) at its own size, however long a side: the card's Download gives that picture", () => {
    expect(displaySize(4000, 250)).toEqual({ width: 4000, height: 250 });
    expect(4000 * 250).toBeLessThanOrEqual(STANDARD_MAX_PIXELS);
    // Just over one megapixel, it is brought within the cap like any other.
    expect(displaySize(4000, 251)).toEqual({ width: 2048, height: 129 });
  });

  it('never gives a side of 0 pixels', () => {
    expect(displaySize(200_000, 6)).toEqual({ width: 2048, height: 1 });
  });

  it('takes another cap', () => {
    expect(displaySize(3000, 1500, 100)).toEqual({ width: 100, height: 50 });
  });
});

describe('composeForDisplay', () => {
  /** An opaque noisy photo over one megapixel (so it is not free), and a matte: the subject on the left, a noisy edge, nothing on the right. */
  const W = 1100, H = 1000, CAP = 64;
  const photo = (): RgbaImage => {
    const data = noisyRgba(W, H, 5);
    for (let p = 3; p < data.length; p += 4) data[p] = 255;
    return { width: W, height: H, data };
  };
  const matte: AlphaMatte = { width: W, height: H, data: noisyMatte(W, H, 11).map((a, i) => (i % W < 400 ? 255 : i % W >= 700 ? 0 : a)) };

  it('composes a photo above the cap at displaySize, with the alpha that shrinking the full-size cutout gives', () => {
    const shown = composeForDisplay(photo(), matte, TRANSPARENT, false, CAP);
    const { width, height } = displaySize(W, H, CAP);
    expect([shown.width, shown.height]).toEqual([width, height]);
    expect([width, height]).toEqual([64, 58]);
    // What the standard-size export does (export.ts): compose at full size, then shrink.
    const shrunk = resizeRgba(compose(photo(), matte, TRANSPARENT), width, height, true);
    for (let i = 0; i < width * height; i++) expect(shown.data[i * 4 + 3], `alpha of pixel ${i}`).toBe(shrunk.data[i * 4 + 3]);
  });

  it('gives every fully opaque pixel the colour of the photo shrunk, and a fully transparent one none', () => {
    const shown = composeForDisplay(photo(), matte, TRANSPARENT, false, CAP);
    const small = resizeRgba(photo(), shown.width, shown.height, false);
    let opaque = 0;
    for (let p = 0; p < shown.data.length; p += 4) {
      const a = shown.data[p + 3];
      if (a === 255) {
        opaque++;
        expect([...shown.data.subarray(p, p + 3)]).toEqual([...small.data.subarray(p, p + 3)]);
      } else if (a === 0) expect([...shown.data.subarray(p, p + 3)]).toEqual([0, 0, 0]);
    }
    expect(opaque).toBeGreaterThan(500);
  });

  it('leaves the photo it was given untouched when it shrinks it, even asked to compose in place', () => {
    const original = photo();
    const before = original.data.slice();
    composeForDisplay(original, matte, TRANSPARENT, true, CAP);
    expect(Buffer.from(original.data.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it('composes a photo within the cap exactly as compose does, in place when asked', () => {
    const small = { width: 40, height: 30, data: noisyRgba(40, 30, 3) };
    const alpha = { width: 40, height: 30, data: noisyMatte(40, 30, 4) };
    const want = compose(small, alpha, TRANSPARENT);
    const shown = composeForDisplay(small, alpha, TRANSPARENT, true);
    expect(shown.data).toEqual(want.data);
    expect(shown.data).toBe(small.data);
  });
});
