/**
 * One level of the foreground estimation's pyramid (foreground.ts): the photo and matte
 * sampled at the level's size, the F and B being solved, and the per-pixel solve that
 * every sweep, dense or on the edge band alone, is made of.
 */
import type { AlphaMatte, RgbaImage } from './image.ts';

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
  /**
   * The photo's own level, when no larger than `maxDenseSide`², is solved on its band and this
   * many pixels around it (the pixels beyond held at their colours and the coarser level's
   * answer) instead of whole; absent: solved whole. Three pixels give the whole solve's colours
   * to within one level on a handful of pixels (foreground.ts).
   */
  ownBandMargin?: number;
}

/**
 * A level's answer as its rows come (foreground-own.ts levelRows): row(y) solves the level up
 * to row y's last sweep and gives where row y's F and B (3 values a pixel) start in F and B.
 */
export interface LevelRows {
  w: number;
  h: number;
  F: Float32Array;
  B: Float32Array;
  row(y: number): number;
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

/** Nearest-neighbour index of the source for `n` destination samples out of `src` (as pymatting). */
export function nearestAxis(src: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(src - 1, Math.floor((i * src) / n));
  return out;
}

/** v / 255 as a Float32Array stores it, for every byte: one load instead of a division per sample. */
export const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** The photo and matte sampled (nearest) at w×h, with F and B taken from the coarser level (the band's level, foreground.ts bandColours). */
export function makeLevel(image: RgbaImage, alpha: AlphaMatte, w: number, h: number, prev: LevelRows): Level {
  const xs = nearestAxis(image.width, w), ys = nearestAxis(image.height, h);
  const img = new Float32Array(w * h * 3), a = new Float32Array(w * h);
  const F = new Float32Array(w * h * 3), B = new Float32Array(w * h * 3);
  const src = image.data, srcAlpha = alpha.data, unit = BYTE_TO_UNIT;
  for (let y = 0; y < h; y++) {
    const srcRow = ys[y] * image.width;
    for (let x = 0, i = y * w, o = i * 3; x < w; x++, i++, o += 3) {
      const s = srcRow + xs[x], p = s * 4;
      a[i] = unit[srcAlpha[s]];
      img[o] = unit[src[p]];
      img[o + 1] = unit[src[p + 1]];
      img[o + 2] = unit[src[p + 2]];
    }
  }
  const px = nearestAxis(prev.w, w), py = nearestAxis(prev.h, h), PF = prev.F, PB = prev.B;
  for (let y = 0; y < h; y++) {
    const prevRow = prev.row(py[y]);
    for (let x = 0, o = y * w * 3; x < w; x++, o += 3) {
      const j = prevRow + px[x] * 3;
      F[o] = PF[j]; F[o + 1] = PF[j + 1]; F[o + 2] = PF[j + 2];
      B[o] = PB[j]; B[o + 1] = PB[j + 1]; B[o + 2] = PB[j + 2];
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
  // Clamped to [0, 1] in place, as in sweepRow.
  const u0 = m00 * f0 + m01 * b0, u1 = m00 * f1 + m01 * b1, u2 = m00 * f2 + m01 * b2;
  const v0 = m01 * f0 + m11 * b0, v1 = m01 * f1 + m11 * b1, v2 = m01 * f2 + m11 * b2;
  F[at] = u0 < 0 ? 0 : u0 > 1 ? 1 : u0;
  F[at + 1] = u1 < 0 ? 0 : u1 > 1 ? 1 : u1;
  F[at + 2] = u2 < 0 ? 0 : u2 > 1 ? 1 : u2;
  B[at] = v0 < 0 ? 0 : v0 > 1 ? 1 : v0;
  B[at + 1] = v1 < 0 ? 0 : v1 > 1 ? 1 : v1;
  B[at + 2] = v2 < 0 ? 0 : v2 > 1 ? 1 : v2;
}

/** Per pixel of a row, what its solve needs that no sweep changes (alpha is fixed): see rowConstants. */
export const CONSTANTS = 13;

/**
 * The parts of one row's systems that stay the same from sweep to sweep, so a pixel swept
 * twice works them out once: the four neighbours' weights (left, right, above, below), the
 * inverse of the 2×2 matrix and the pixel's own terms of the right-hand sides. Each is
 * reckoned with the same operations in the same order as sweepOnly does in every sweep.
 * The row's alpha is at `at` in `alpha`, the rows above and below at `up` and `down` (the
 * row's own at the level's top and bottom), its colours at `rgb` in `image`: a whole level's
 * planes or a few rows of them.
 */
export function rowConstants(
  alpha: Float32Array, at: number, up: number, down: number, image: Float32Array, rgb: number,
  w: number, eps: number, gw: number, out: Float64Array,
): void {
  for (let x = 0, i = at, u = up, d = down, c = rgb, o = 0; x < w; x++, i++, u++, d++, c += 3, o += CONSTANTS) {
    const a0 = alpha[i], a1 = 1 - a0;
    const dl = eps + gw * Math.abs(a0 - alpha[x > 0 ? i - 1 : i]);
    const dr = eps + gw * Math.abs(a0 - alpha[x < w - 1 ? i + 1 : i]);
    const du = eps + gw * Math.abs(a0 - alpha[u]);
    const dd = eps + gw * Math.abs(a0 - alpha[d]);
    let a00 = a0 * a0, a11 = a1 * a1;
    const a01 = a0 * a1;
    a00 += dl; a11 += dl;
    a00 += dr; a11 += dr;
    a00 += du; a11 += du;
    a00 += dd; a11 += dd;
    const inv = 1 / (a00 * a11 - a01 * a01);
    out[o] = dl; out[o + 1] = dr; out[o + 2] = du; out[o + 3] = dd;
    out[o + 4] = inv * a11; out[o + 5] = -inv * a01; out[o + 6] = inv * a00;
    out[o + 7] = a0 * image[c]; out[o + 8] = a0 * image[c + 1]; out[o + 9] = a0 * image[c + 2];
    out[o + 10] = a1 * image[c]; out[o + 11] = a1 * image[c + 1]; out[o + 12] = a1 * image[c + 2];
  }
}

/**
 * One sweep of a row from its constants (rowConstants): each pixel's F and B solved in turn,
 * left to right. The left neighbour's colours are the ones just solved, kept as the Float32
 * store rounds them rather than read back. The row's F and B start at `row`, the rows above
 * and below `up` and `down` from it (0 at the level's top and bottom).
 */
export function sweepRow(F: Float32Array, B: Float32Array, w: number, row: number, up: number, down: number, k: Float64Array): void {
  let lf0 = F[row], lf1 = F[row + 1], lf2 = F[row + 2], lb0 = B[row], lb1 = B[row + 1], lb2 = B[row + 2];
  for (let x = 0, at = row, o = 0; x < w; x++, at += 3, o += CONSTANTS) {
    const dl = k[o], dr = k[o + 1], du = k[o + 2], dd = k[o + 3];
    const jr = x < w - 1 ? at + 3 : at, ju = at + up, jd = at + down;
    let f0 = k[o + 7], f1 = k[o + 8], f2 = k[o + 9];
    let b0 = k[o + 10], b1 = k[o + 11], b2 = k[o + 12];
    f0 += dl * lf0; f1 += dl * lf1; f2 += dl * lf2;
    b0 += dl * lb0; b1 += dl * lb1; b2 += dl * lb2;
    f0 += dr * F[jr]; f1 += dr * F[jr + 1]; f2 += dr * F[jr + 2];
    b0 += dr * B[jr]; b1 += dr * B[jr + 1]; b2 += dr * B[jr + 2];
    f0 += du * F[ju]; f1 += du * F[ju + 1]; f2 += du * F[ju + 2];
    b0 += du * B[ju]; b1 += du * B[ju + 1]; b2 += du * B[ju + 2];
    f0 += dd * F[jd]; f1 += dd * F[jd + 1]; f2 += dd * F[jd + 2];
    b0 += dd * B[jd]; b1 += dd * B[jd + 1]; b2 += dd * B[jd + 2];
    const m00 = k[o + 4], m01 = k[o + 5], m11 = k[o + 6];
    // Clamped to [0, 1] in place: Chromium's JIT did not inline a clamp function here (a call per value).
    const u0 = m00 * f0 + m01 * b0, u1 = m00 * f1 + m01 * b1, u2 = m00 * f2 + m01 * b2;
    const v0 = m01 * f0 + m11 * b0, v1 = m01 * f1 + m11 * b1, v2 = m01 * f2 + m11 * b2;
    F[at] = lf0 = Math.fround(u0 < 0 ? 0 : u0 > 1 ? 1 : u0);
    F[at + 1] = lf1 = Math.fround(u1 < 0 ? 0 : u1 > 1 ? 1 : u1);
    F[at + 2] = lf2 = Math.fround(u2 < 0 ? 0 : u2 > 1 ? 1 : u2);
    B[at] = lb0 = Math.fround(v0 < 0 ? 0 : v0 > 1 ? 1 : v0);
    B[at + 1] = lb1 = Math.fround(v1 < 0 ? 0 : v1 > 1 ? 1 : v1);
    B[at + 2] = lb2 = Math.fround(v2 < 0 ? 0 : v2 > 1 ? 1 : v2);
  }
}

/**
 * Gauss–Seidel sweeps over the listed pixels of a level (`only`, in increasing order), the
 * others keeping their F and B. Each pixel's neighbours are left, right, above and below,
 * clamped at the border (a pixel there is its own neighbour). (The dense levels are swept in
 * foreground-own.ts.) This is the band's hot loop, so it works on plain locals, no temporary arrays.
 */
export function sweepOnly(l: Level, iterations: number, o: ForegroundOptions, only: Int32Array): void {
  const { w, h, image, alpha, F, B } = l;
  const eps = o.regularization, gw = o.gradientWeight;
  const count = only.length;
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < count; k++) {
      const i = only[k], x = i % w, y = (i - x) / w;
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
