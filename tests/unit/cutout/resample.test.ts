import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../web/src/cutout/image.ts';
import { resizeRgbAndMatteBytes, resizeRgba, resizeRgbaToInput, resizeRgbaWithMatte, tentTaps } from '../../../web/src/cutout/resample.ts';
import { noisyMatte, noisyRgba } from './support/noisy.ts';
import { resizeMatte, resizePlane } from './support/resample-reference.ts';

/** The taps of output `i` as [source index, weight] pairs. */
function tapsOf(taps: ReturnType<typeof tentTaps>, i: number): [number, number][] {
  return Array.from({ length: taps.count[i] }, (_, k) => [taps.start[i] + k, taps.weights[i * taps.stride + k]]);
}

describe('tentTaps', () => {
  const sizes: [number, number][] = [[1, 1], [1, 7], [2, 2], [4, 2], [5, 3], [3, 5], [7, 1024], [1024, 1024], [4032, 1024], [1000, 7], [5000, 1]];

  it.each(sizes)('maps %i samples onto %i with non-negative weights that sum to 1, inside the source', (src, dst) => {
    const taps = tentTaps(src, dst);
    for (let i = 0; i < dst; i++) {
      const pairs = tapsOf(taps, i);
      expect(pairs.length).toBeGreaterThan(0);
      expect(taps.start[i]).toBeGreaterThanOrEqual(0);
      expect(taps.start[i] + taps.count[i]).toBeLessThanOrEqual(src);
      for (const [, w] of pairs) expect(w).toBeGreaterThanOrEqual(0);
      expect(pairs.reduce((s, [, w]) => s + w, 0)).toBeCloseTo(1, 5);
    }
  });

  it('is the identity at the same size', () => {
    const taps = tentTaps(5, 5);
    for (let i = 0; i < 5; i++) {
      for (const [s, w] of tapsOf(taps, i)) expect(w).toBe(s === i ? 1 : 0);
    }
  });

  it('interpolates linearly between pixel centres when enlarging 2 -> 4', () => {
    // Output centres at source coordinates -0.25, 0.25, 0.75, 1.25 (clamped at the edges).
    const weightOn = (i: number, s: number) => tapsOf(tentTaps(2, 4), i).find(([t]) => t === s)?.[1] ?? 0;
    expect(weightOn(0, 0)).toBe(1);
    expect(weightOn(1, 0)).toBeCloseTo(0.75, 6);
    expect(weightOn(1, 1)).toBeCloseTo(0.25, 6);
    expect(weightOn(2, 0)).toBeCloseTo(0.25, 6);
    expect(weightOn(2, 1)).toBeCloseTo(0.75, 6);
    expect(weightOn(3, 1)).toBe(1);
  });

  it('widens the filter when shrinking, so every source sample is used', () => {
    const taps = tentTaps(4032, 1024);
    const used = new Uint8Array(4032);
    for (let i = 0; i < 1024; i++) for (const [s, w] of tapsOf(taps, i)) if (w > 0) used[s] = 1;
    expect(used.every((u) => u === 1)).toBe(true);
    // A quarter-scale tent reaches about four source pixels either side of its centre.
    expect(Math.max(...taps.count)).toBeGreaterThanOrEqual(7);
  });
});

/** resizeRgbaToInput's guide (3 planes in [0, 1]) of RGBA pixels, with the input's normalisation left out. */
const guideOf = (data: Uint8ClampedArray, sw: number, sh: number, dw: number, dh: number) =>
  resizeRgbaToInput(data, sw, sh, dw, dh, { mean: [0, 0, 0], scale: [1, 1, 1] }).guide;

/** The red plane of resizeRgbaToInput's guide for a grey photo whose levels are `plane` (values in [0, 1]) × 255. */
const resizeGrey = (plane: Float32Array, sw: number, sh: number, dw: number, dh: number) =>
  guideOf(Uint8ClampedArray.from({ length: sw * sh * 4 }, (_, i) => (i % 4 === 3 ? 255 : plane[i >> 2] * 255)), sw, sh, dw, dh).subarray(0, dw * dh);

describe("resizeRgbaToInput's guide, one plane", () => {
  it.each([[7, 5, 3, 3], [7, 5, 13, 11], [1, 1, 4, 4], [9, 9, 1, 1]])('keeps a constant %i×%i plane constant at %i×%i', (sw, sh, dw, dh) => {
    const out = resizeGrey(new Float32Array(sw * sh).fill(94 / 255), sw, sh, dw, dh);
    expect(out.length).toBe(dw * dh);
    for (const v of out) expect(v).toBeCloseTo(94 / 255, 6);
  });

  it('averages a one-pixel checkerboard instead of aliasing it', () => {
    // Point sampling would return all 0 or all 1; the tent filter keeps the mean, and in
    // the interior (away from the clamped border) every output is exactly the mean.
    const n = 16;
    const checker = Float32Array.from({ length: n * n }, (_, i) => ((i % n) + Math.floor(i / n)) % 2);
    const out = resizeGrey(checker, n, n, n / 2, n / 2);
    const mean = out.reduce((s, v) => s + v, 0) / out.length;
    expect(mean).toBeCloseTo(0.5, 6);
    for (const v of out) expect(Math.abs(v - 0.5)).toBeLessThan(0.25);
    for (let y = 1; y < n / 2 - 1; y++) for (let x = 1; x < n / 2 - 1; x++) expect(out[y * (n / 2) + x]).toBeCloseTo(0.5, 6);
  });

  it('averages a 4×4 checkerboard down to 2×2 around the mean', () => {
    const checker = Float32Array.from({ length: 16 }, (_, i) => ((i % 4) + Math.floor(i / 4)) % 2);
    const out = resizeGrey(checker, 4, 4, 2, 2);
    expect(out.reduce((s, v) => s + v, 0) / 4).toBeCloseTo(0.5, 6);
    for (const v of out) {
      expect(v).toBeGreaterThan(0.25);
      expect(v).toBeLessThan(0.75);
    }
  });
});

describe("resizeRgbaToInput's guide", () => {
  it('keeps a constant colour constant, channel by channel, in [0, 1]', () => {
    const sw = 7, sh = 5, dw = 4, dh = 6;
    const data = new Uint8ClampedArray(sw * sh * 4);
    for (let p = 0; p < data.length; p += 4) data.set([10, 200, 77, 255], p);
    const out = guideOf(data, sw, sh, dw, dh);
    expect(out.length).toBe(3 * dw * dh);
    const plane = dw * dh;
    for (let i = 0; i < plane; i++) {
      expect(out[i]).toBeCloseTo(10 / 255, 6);
      expect(out[plane + i]).toBeCloseTo(200 / 255, 6);
      expect(out[2 * plane + i]).toBeCloseTo(77 / 255, 6);
    }
  });

  it('ignores the alpha channel', () => {
    const opaque = new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 255]);
    const clear = new Uint8ClampedArray([1, 2, 3, 0, 4, 5, 6, 17]);
    expect(guideOf(clear, 2, 1, 3, 2)).toEqual(guideOf(opaque, 2, 1, 3, 2));
  });

  it('gives exactly what filtering the whole image first gave, bit for bit, while keeping only a few rows (shrinking, enlarging, both)', () => {
    const cases: [number, number, number, number][] = [[97, 61, 16, 16], [1000, 37, 24, 24], [5, 3, 16, 16], [40, 7, 9, 21], [13, 200, 32, 8], [1, 1, 4, 4]];
    for (const [sw, sh, dw, dh] of cases) {
      const data = noisyRgba(sw, sh, sw * 7 + sh);
      expect(guideOf(data, sw, sh, dw, dh), `${sw}×${sh} -> ${dw}×${dh}`).toEqual(resizeWholeImage(data, sw, sh, dw, dh));
    }
  });
});

/**
 * The previous implementation, kept as the specification of the output: the horizontal
 * pass over every source row into one `dw`×`sh` buffer, then the vertical pass.
 */
function resizeWholeImage(data: Uint8ClampedArray, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  // Horizontal pass into an interleaved RGB buffer, one source row at a time.
  const tmp = new Float32Array(dw * sh * 3);
  for (let y = 0; y < sh; y++) {
    const row = y * sw * 4;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const w = tx.weights[wo + k];
        const p = row + (s0 + k) * 4;
        r += data[p] * w;
        g += data[p + 1] * w;
        b += data[p + 2] * w;
      }
      const t = (y * dw + x) * 3;
      tmp[t] = r;
      tmp[t + 1] = g;
      tmp[t + 2] = b;
    }
  }
  const plane = dw * dh;
  const out = new Float32Array(plane * 3);
  const inv = 1 / 255;
  for (let y = 0; y < dh; y++) {
    const s0 = ty.start[y], n = ty.count[y], wo = y * ty.stride;
    for (let x = 0; x < dw; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const w = ty.weights[wo + k];
        const t = ((s0 + k) * dw + x) * 3;
        r += tmp[t] * w;
        g += tmp[t + 1] * w;
        b += tmp[t + 2] * w;
      }
      const o = y * dw + x;
      out[o] = r * inv;
      out[plane + o] = g * inv;
      out[2 * plane + o] = b * inv;
    }
  }
  return out;
}

/** An image from rows of [r, g, b, a] pixels. */
const image = (rows: number[][][]): RgbaImage => ({ width: rows[0].length, height: rows.length, data: Uint8ClampedArray.from(rows.flat(2)) });
const pixels = (img: RgbaImage) => Array.from({ length: img.width * img.height }, (_, i) => Array.from(img.data.subarray(i * 4, i * 4 + 4)));

describe('resizeRgba', () => {
  it('weights colours by alpha, so a subject next to transparency keeps its colour (no dark fringe)', () => {
    const edge = image([[[200, 100, 50, 255], [0, 0, 0, 0]]]);
    expect(pixels(resizeRgba(edge, 1, 1, true))).toEqual([[200, 100, 50, 128]]);
    // Filtering the straight values would darken it: what premultiplying avoids.
    expect(pixels(resizeRgba(edge, 1, 1, false))).toEqual([[100, 50, 25, 128]]);
  });

  it('averages with the tent filter when shrinking and returns the same image at the same size', () => {
    const img = image([[[0, 0, 0, 255], [100, 100, 100, 255], [0, 0, 0, 255], [100, 100, 100, 255]]]);
    // Output centres fall at 0.5 and 2.5: weights 3/7, 3/7, 1/7 over the three nearest.
    expect(pixels(resizeRgba(img, 2, 1))).toEqual([[43, 43, 43, 255], [57, 57, 57, 255]]);
    expect(resizeRgba(img, 4, 1)).toBe(img);
  });
});

/** Sizes for comparing two resizers exactly: shrinking, enlarging, both, and 1×1. */
const RESIZES: [number, number, number, number][] = [[97, 61, 16, 16], [1000, 37, 24, 24], [5, 3, 16, 16], [40, 7, 9, 21], [13, 200, 32, 8], [1, 1, 4, 4], [300, 200, 103, 69]];

describe('resizeRgba, keeping only a few rows', () => {
  it.each([true, false])('gives exactly what filtering the whole image first gave, bit for bit (premultiplied: %s)', (premultiplied) => {
    for (const [sw, sh, dw, dh] of RESIZES) {
      const photo = { width: sw, height: sh, data: noisyRgba(sw, sh, sw * 5 + sh) };
      expect(resizeRgba(photo, dw, dh, premultiplied).data, `${sw}×${sh} -> ${dw}×${dh}`).toEqual(resizeRgbaWholeImage(photo, dw, dh, premultiplied).data);
    }
  });
});

/** An opaque photo's matte brought to `dw`×`dh` by resizeRgbaWithMatte. */
const shrunkMatte = (matte: { width: number; height: number; data: Uint8Array }, dw: number, dh: number) =>
  resizeRgbaWithMatte({ width: matte.width, height: matte.height, data: noisyRgba(matte.width, matte.height, 3) }, matte, dw, dh).matte;

describe("resizeRgbaWithMatte's matte", () => {
  it("is the alpha resizeRgba gives a cutout whose alpha is the matte, exactly", () => {
    for (const [sw, sh, dw, dh] of RESIZES) {
      const matte = { width: sw, height: sh, data: noisyMatte(sw, sh, sw + sh * 3) };
      const cutout = { width: sw, height: sh, data: noisyRgba(sw, sh, 7) };
      for (let i = 0; i < sw * sh; i++) cutout.data[i * 4 + 3] = matte.data[i];
      const resized = resizeRgba(cutout, dw, dh, true);
      const want = Uint8Array.from({ length: dw * dh }, (_, i) => resized.data[i * 4 + 3]);
      const got = shrunkMatte(matte, dw, dh);
      expect([got.width, got.height]).toEqual([dw, dh]);
      expect(got.data, `${sw}×${sh} -> ${dw}×${dh}`).toEqual(want);
    }
  });

  it('rounds to the nearest level and keeps a constant matte constant', () => {
    // Weights 3/7, 3/7, 1/7 (as in resizeRgba's test): 255·3/7 = 109.3 and 255·4/7 = 145.7.
    expect([...shrunkMatte({ width: 4, height: 1, data: Uint8Array.from([0, 255, 0, 255]) }, 2, 1).data]).toEqual([109, 146]);
    const flat = { width: 9, height: 7, data: new Uint8Array(63).fill(201) };
    expect([...new Set(shrunkMatte(flat, 4, 3).data)]).toEqual([201]);
  });
});

describe('resizeRgbAndMatteBytes', () => {
  it("gives exactly resizeRgba's colours (alpha 255) and the matte in [0, 1] resized as a float plane (support/resample-reference.ts) rounded to bytes, in one pass", () => {
    for (const [sw, sh, dw, dh] of RESIZES) {
      const photo = { width: sw, height: sh, data: noisyRgba(sw, sh, sw + 2 * sh) };
      const matte = { width: sw, height: sh, data: noisyMatte(sw, sh, sh) };
      const got = resizeRgbAndMatteBytes(photo, matte, dw, dh);
      const colours = resizeRgba(photo, dw, dh, false).data.map((v, i) => (i % 4 === 3 ? 255 : v));
      expect(got.image.data, `colours ${sw}×${sh} -> ${dw}×${dh}`).toEqual(colours);
      const plane = resizePlane(Float32Array.from(matte.data, (v) => v / 255), sw, sh, dw, dh);
      expect(got.matte, `matte ${sw}×${sh} -> ${dw}×${dh}`).toEqual(Uint8Array.from(plane, (v) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0)));
    }
  });
});

describe('resizeRgbaWithMatte', () => {
  it('gives exactly resizeRgba (straight alpha) and the tent-filtered matte as resample.ts had it (support/resample-reference.ts), bit for bit, in one pass', () => {
    for (const [sw, sh, dw, dh] of RESIZES) {
      const photo = { width: sw, height: sh, data: noisyRgba(sw, sh, 3 * sw + sh) };
      const matte = { width: sw, height: sh, data: noisyMatte(sw, sh, sw) };
      const got = resizeRgbaWithMatte(photo, matte, dw, dh);
      expect(got.image.data, `photo ${sw}×${sh} -> ${dw}×${dh}`).toEqual(resizeRgba(photo, dw, dh, false).data);
      expect(got.matte.data, `matte ${sw}×${sh} -> ${dw}×${dh}`).toEqual(resizeMatte(matte, dw, dh).data);
      expect([got.matte.width, got.matte.height, got.image.width, got.image.height]).toEqual([dw, dh, dw, dh]);
    }
  });
});

/**
 * resizeRgba as it was, kept as the specification of its output: the horizontal pass over
 * every source row into one `dw`×`sh` buffer, then the vertical pass.
 */
function resizeRgbaWholeImage(image: RgbaImage, dw: number, dh: number, premultiplied: boolean): RgbaImage {
  const { width: sw, height: sh, data } = image;
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  const tmp = new Float32Array(dw * sh * 4);
  for (let y = 0; y < sh; y++) {
    const row = y * sw * 4;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < n; k++) {
        const p = row + (s0 + k) * 4;
        const w = tx.weights[wo + k];
        const wa = premultiplied ? (w * data[p + 3]) / 255 : w;
        r += data[p] * wa;
        g += data[p + 1] * wa;
        b += data[p + 2] * wa;
        a += data[p + 3] * w;
      }
      const t = (y * dw + x) * 4;
      tmp[t] = r;
      tmp[t + 1] = g;
      tmp[t + 2] = b;
      tmp[t + 3] = a;
    }
  }
  const out = new Uint8ClampedArray(dw * dh * 4);
  for (let y = 0; y < dh; y++) {
    const s0 = ty.start[y], n = ty.count[y], wo = y * ty.stride;
    for (let x = 0; x < dw; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < n; k++) {
        const w = ty.weights[wo + k];
        const t = ((s0 + k) * dw + x) * 4;
        r += tmp[t] * w;
        g += tmp[t + 1] * w;
        b += tmp[t + 2] * w;
        a += tmp[t + 3] * w;
      }
      const o = (y * dw + x) * 4;
      const k = premultiplied ? (a > 0 ? 255 / a : 0) : 1;
      out[o] = r * k;
      out[o + 1] = g * k;
      out[o + 2] = b * k;
      out[o + 3] = a;
    }
  }
  return { width: dw, height: dh, data: out };
}
