import { describe, expect, it } from 'vitest';
import { exportDimensions, STANDARD_MAX_PIXELS } from '../../../common/export-size.ts';
import { compose, TRANSPARENT } from '../../../web/src/cutout/compose.ts';
import { composeForDisplay, displaySize } from '../../../web/src/cutout/display.ts';
import { renderExport } from '../../../web/src/cutout/export.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { resizeRgba, resizeRgbaWithMatte } from '../../../web/src/cutout/resample.ts';
import { noisyMatte, noisyRgba } from './support/noisy.ts';

describe('displaySize', () => {
  it('keeps a photo whose full size is free (within one megapixel) at its own size, however long a side', () => {
    for (const [w, h] of [[512, 512], [1000, 1000], [4000, 250], [250, 4000], [1, 1], [1_000_000, 1]]) expect(displaySize(w, h)).toEqual({ width: w, height: h });
  });

  it('gives a photo over one megapixel exactly the standard export size, which is free', () => {
    for (const [w, h] of [[6000, 4000], [4000, 6000], [2048, 2048], [2304, 2304], [1500, 1000], [4000, 251], [5657, 4243], [200_000, 6]]) {
      const want = exportDimensions(w, h, 'standard');
      expect(displaySize(w, h)).toEqual({ width: want.width, height: want.height });
      expect(want.width * want.height).toBeLessThanOrEqual(STANDARD_MAX_PIXELS);
    }
    // The 24-megapixel photo of the bench, and one just over the limit.
    expect(displaySize(6000, 4000)).toEqual({ width: 1224, height: 816 });
    expect(displaySize(1001, 1000)).toEqual({ width: 1000, height: 999 });
  });

  it('never gives a side of 0 pixels', () => {
    expect(displaySize(200_000, 6)).toEqual({ width: 182_574, height: 5 });
    expect(displaySize(2_000_000, 1)).toEqual({ width: 1_000_000, height: 1 });
  });
});

describe('composeForDisplay', () => {
  /** An opaque noisy photo over one megapixel (so it is not free), and a matte: the subject on the left, a noisy edge, nothing on the right. */
  const W = 1100, H = 1000;
  const photo = (): RgbaImage => {
    const data = noisyRgba(W, H, 5);
    for (let p = 3; p < data.length; p += 4) data[p] = 255;
    return { width: W, height: H, data };
  };
  const matte: AlphaMatte = { width: W, height: H, data: noisyMatte(W, H, 11).map((a, i) => (i % W < 400 ? 255 : i % W >= 700 ? 0 : a)) };
  const shown = composeForDisplay(photo(), matte, TRANSPARENT);

  it("composes a photo over one megapixel at the standard size, with exactly the standard export's alpha", () => {
    const standard = renderExport(photo(), matte, 'standard', { kind: 'transparent' });
    expect([shown.width, shown.height]).toEqual([standard.width, standard.height]);
    expect([shown.width, shown.height]).toEqual([1048, 953]);
    let differ = 0;
    for (let p = 3; p < shown.data.length; p += 4) if (shown.data[p] !== standard.data[p]) differ++;
    expect(differ, 'pixels whose alpha differs from the standard export').toBe(0);
  });

  it('gives every fully opaque pixel the colour of the photo shrunk, and a fully transparent one none', () => {
    const small = resizeRgba(photo(), shown.width, shown.height, false);
    let opaque = 0;
    for (let p = 0; p < shown.data.length; p += 4) {
      const a = shown.data[p + 3];
      if (a === 255) {
        opaque++;
        if (shown.data[p] !== small.data[p] || shown.data[p + 1] !== small.data[p + 1] || shown.data[p + 2] !== small.data[p + 2]) {
          expect([...shown.data.subarray(p, p + 3)], `pixel ${p / 4}`).toEqual([...small.data.subarray(p, p + 3)]);
        }
      } else if (a === 0 && (shown.data[p] | shown.data[p + 1] | shown.data[p + 2]) !== 0) expect([...shown.data.subarray(p, p + 3)], `pixel ${p / 4}`).toEqual([0, 0, 0]);
    }
    expect(opaque).toBeGreaterThan(300_000);
  });

  it('leaves the photo it was given untouched when it shrinks it, even asked to compose in place', () => {
    const original = photo();
    const before = original.data.slice();
    composeForDisplay(original, matte, TRANSPARENT, true);
    expect(Buffer.from(original.data.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it('composes a free photo exactly as compose does, in place when asked', () => {
    const small = { width: 40, height: 30, data: noisyRgba(40, 30, 3) };
    const alpha = { width: 40, height: 30, data: noisyMatte(40, 30, 4) };
    const want = compose(small, alpha, TRANSPARENT);
    const shown = composeForDisplay(small, alpha, TRANSPARENT, true);
    expect(shown.data).toEqual(want.data);
    expect(shown.data).toBe(small.data);
  });
});

describe("composeForDisplay's edge colours", () => {
  // A photo over 1 MP that is an exact blend I = αF + (1 − α)B: an orange subject (F) whose soft
  // 60-pixel rim lies over a blue-to-green ground (B), so the subject's own colour is known.
  const W = 1200, H = 1000;
  const F = [235, 120, 35];
  const ground = (x: number, y: number) => [30 + (x * 60) / W, 70 + (y * 120) / H, 210 - (x * 80) / W];
  const data = new Uint8ClampedArray(W * H * 4);
  const matte = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const a = Math.min(1, Math.max(0, (380 - Math.hypot(x - 600, y - 500)) / 60 + 0.5));
      const i = y * W + x, b = ground(x, y);
      matte[i] = Math.round(a * 255);
      for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round(a * F[c] + (1 - a) * b[c]);
      data[i * 4 + 3] = 255;
    }
  }
  const photo: RgbaImage = { width: W, height: H, data };
  const alpha: AlphaMatte = { width: W, height: H, data: matte };

  /** Mean distance from the subject's own colour over the semi-transparent pixels, premultiplied (as seen). */
  const edgeError = (out: RgbaImage) => {
    let sum = 0, n = 0;
    for (let p = 0; p < out.data.length; p += 4) {
      const a = out.data[p + 3];
      if (a === 0 || a === 255) continue;
      n++;
      for (let c = 0; c < 3; c++) sum += (Math.abs(out.data[p + c] - F[c]) * a) / 255;
    }
    return sum / n / 3;
  };

  it("are the subject's own, as close to it as solving the picture's whole level gives", () => {
    const shown = composeForDisplay(photo, alpha, TRANSPARENT);
    const { width, height } = displaySize(W, H);
    const small = resizeRgbaWithMatte(photo, alpha, width, height);
    const whole = compose(small.image, small.matte, TRANSPARENT);
    const none = compose(small.image, small.matte, TRANSPARENT, false, null);
    const [got, dense, blended] = [edgeError(shown), edgeError(whole), edgeError(none)];
    expect(blended, 'the old ground left in, unestimated').toBeGreaterThan(10);
    expect(got).toBeLessThan(blended / 4);
    expect(got).toBeLessThanOrEqual(dense * 1.05);
  });
});
