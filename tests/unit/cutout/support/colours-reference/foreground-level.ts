/**
 * One level of the foreground estimation's pyramid (foreground.ts): the photo and matte
 * sampled at the level's size, the F and B being solved, and the per-pixel solve that
 * every sweep, dense or on the edge band alone, is made of.
 */
import type { AlphaMatte, RgbaImage } from '../../../../../web/src/cutout/image.ts';

/** The solver's settings (foreground.ts documents them and holds the defaults). */
export interface ForegroundOptions {
  /** ε: the smoothness every neighbour pair gets, whatever the matte does there. */
  regularization: number;
  /** Weight of |∇α| in the smoothness: colours may change less where alpha changes. */
  gradientWeight: number;
  /** Levels whose sides are both at most this get `smallIterations` sweeps, larger ones `bigIterations`. */
  smallSize: number;
  smallIterations: number;
  bigIterations: number;
  /** Levels with more pixels than this side squared are solved on the semi-transparent pixels only. */
  maxDenseSide: number;
  /**
   * The photo's own level is solved at most this many pixels on its longer side; a larger
   * photo takes its colours from that level, each edge pixel fitted once to its own colour.
   */
  maxBandSide: number;
}

/** One level of the pyramid: colours and alpha in [0, 1], and the F and B being solved. */
export interface Level {
  w: number;
  h: number;
  image: Float32Array;
  alpha: Float32Array;
  F: Float32Array;
  B: Float32Array;
}

/** Clamps to [0, 1]. */
export const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Nearest-neighbour index of the source for `n` destination samples out of `src` (as pymatting). */
export function nearestAxis(src: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(src - 1, Math.floor((i * src) / n));
  return out;
}

/** The photo and matte sampled (nearest) at w×h, with F and B taken from the coarser level. */
export function makeLevel(image: RgbaImage, alpha: AlphaMatte, w: number, h: number, prev: Level | undefined, fill: [number, number, number]): Level {
  const xs = nearestAxis(image.width, w), ys = nearestAxis(image.height, h);
  const img = new Float32Array(w * h * 3), a = new Float32Array(w * h);
  const F = new Float32Array(w * h * 3), B = new Float32Array(w * h * 3);
  const px = prev ? nearestAxis(prev.w, w) : undefined, py = prev ? nearestAxis(prev.h, h) : undefined;
  const src = image.data, srcAlpha = alpha.data;
  for (let y = 0; y < h; y++) {
    const srcRow = ys[y] * image.width, prevRow = prev ? py![y] * prev.w : 0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x, s = srcRow + xs[x], o = i * 3;
      a[i] = srcAlpha[s] / 255;
      img[o] = src[s * 4] / 255;
      img[o + 1] = src[s * 4 + 1] / 255;
      img[o + 2] = src[s * 4 + 2] / 255;
      if (prev) {
        const j = (prevRow + px![x]) * 3;
        F[o] = prev.F[j]; F[o + 1] = prev.F[j + 1]; F[o + 2] = prev.F[j + 2];
        B[o] = prev.B[j]; B[o + 1] = prev.B[j + 1]; B[o + 2] = prev.B[j + 2];
      } else {
        F[o] = B[o] = fill[0];
        F[o + 1] = B[o + 1] = fill[1];
        F[o + 2] = B[o + 2] = fill[2];
      }
    }
  }
  return { w, h, image: img, alpha: a, F, B };
}

/**
 * Solves one pixel's 2×2 system, the same for each channel c,
 *   [a00 a01; a01 a11] · [F_c; B_c] = [f_c; b_c],
 * and writes F and B, clamped to [0, 1], at `at`. The caller sums the system: the pixel's
 * own equation αF + (1 − α)B = I, plus each neighbour's pull towards its colours.
 */
export function writeSolution(
  a00: number, a11: number, a01: number,
  f0: number, f1: number, f2: number,
  b0: number, b1: number, b2: number,
  F: Float32Array, B: Float32Array, at: number,
): void {
  const inv = 1 / (a00 * a11 - a01 * a01);
  const m00 = inv * a11, m01 = -inv * a01, m11 = inv * a00;
  F[at] = clamp01(m00 * f0 + m01 * b0);
  F[at + 1] = clamp01(m00 * f1 + m01 * b1);
  F[at + 2] = clamp01(m00 * f2 + m01 * b2);
  B[at] = clamp01(m01 * f0 + m11 * b0);
  B[at + 1] = clamp01(m01 * f1 + m11 * b1);
  B[at + 2] = clamp01(m01 * f2 + m11 * b2);
}

/**
 * Gauss–Seidel sweeps over the pixels of a level: every pixel, or with `only` those listed
 * (in increasing order), the others keeping their F and B. Each pixel's neighbours are
 * left, right, above and below, clamped at the border (a pixel there is its own neighbour).
 * This is the estimation's hot loop, so it works on plain locals, no temporary arrays.
 */
export function sweepLevel(l: Level, iterations: number, o: ForegroundOptions, only?: Int32Array): void {
  const { w, h, image, alpha, F, B } = l;
  const eps = o.regularization, gw = o.gradientWeight;
  const count = only ? only.length : w * h;
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < count; k++) {
      const i = only ? only[k] : k, x = i % w, y = (i - x) / w;
      const a0 = alpha[i], a1 = 1 - a0;
      let a00 = a0 * a0, a11 = a1 * a1;
      const a01 = a0 * a1;
      let f0 = a0 * image[i * 3], f1 = a0 * image[i * 3 + 1], f2 = a0 * image[i * 3 + 2];
      let b0 = a1 * image[i * 3], b1 = a1 * image[i * 3 + 1], b2 = a1 * image[i * 3 + 2];
      for (let d = 0; d < 4; d++) {
        const j = d === 0 ? (x > 0 ? i - 1 : i) : d === 1 ? (x < w - 1 ? i + 1 : i) : d === 2 ? (y > 0 ? i - w : i) : y < h - 1 ? i + w : i;
        const da = eps + gw * Math.abs(a0 - alpha[j]);
        a00 += da;
        a11 += da;
        f0 += da * F[j * 3]; f1 += da * F[j * 3 + 1]; f2 += da * F[j * 3 + 2];
        b0 += da * B[j * 3]; b1 += da * B[j * 3 + 1]; b2 += da * B[j * 3 + 2];
      }
      writeSolution(a00, a11, a01, f0, f1, f2, b0, b1, b2, F, B, i * 3);
    }
  }
}
