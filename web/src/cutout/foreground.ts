/**
 * Foreground stage: photo + alpha matte -> the subject's own colours where the matte is
 * semi-transparent. A pixel at the edge of hair is a mix of the subject and the old
 * background, I = αF + (1 − α)B; showing I with alpha α over a new background leaves a
 * fringe of the old one. This solves for F (and B) with multi-level foreground estimation
 * (Germer, Uelwer, Conrad & Harmeling, "Fast Multi-Level Foreground Estimation", ICPR
 * 2020; the algorithm of pymatting's `estimate_foreground_ml`): at each level of a pyramid
 * from 1×1 up to the photo, a few Gauss–Seidel sweeps minimise
 *   Σ (αF + (1 − α)B − I)² + Σ_neighbours (ε + |∇α|)(|∇F|² + |∇B|²),
 * starting from the coarser level's answer, so colours flow in from where the subject and
 * the background are seen pure. The paper's defaults are kept; none was tuned here.
 *
 * Memory stays small for any photo: levels up to `maxDenseSide`² pixels are solved whole;
 * the photo's own level is solved only on its semi-transparent pixels, their neighbours
 * outside taken from the photo (F where α = 1, B where α = 0) and from the coarser answer.
 */
import type { AlphaMatte, RgbaImage } from './image.ts';

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
}

/** The paper's (and pymatting's) defaults; the dense limit only bounds memory. */
export const DEFAULT_FOREGROUND: ForegroundOptions = {
  regularization: 1e-5,
  gradientWeight: 1,
  smallSize: 32,
  smallIterations: 10,
  bigIterations: 2,
  maxDenseSide: 1024,
};

/** One level of the pyramid: colours and alpha in [0, 1], and the F and B being solved. */
interface Level {
  w: number;
  h: number;
  image: Float32Array;
  alpha: Float32Array;
  F: Float32Array;
  B: Float32Array;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Nearest-neighbour index of the source for `n` destination samples out of `src` (as pymatting). */
function nearestAxis(src: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(src - 1, Math.floor((i * src) / n));
  return out;
}

/** The photo and matte sampled (nearest) at w×h, with F and B taken from the coarser level. */
function makeLevel(image: RgbaImage, alpha: AlphaMatte, w: number, h: number, prev: Level | undefined, fill: [number, number, number]): Level {
  const xs = nearestAxis(image.width, w), ys = nearestAxis(image.height, h);
  const img = new Float32Array(w * h * 3), a = new Float32Array(w * h);
  const F = new Float32Array(w * h * 3), B = new Float32Array(w * h * 3);
  const px = prev ? nearestAxis(prev.w, w) : undefined, py = prev ? nearestAxis(prev.h, h) : undefined;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, s = ys[y] * image.width + xs[x];
      a[i] = alpha.data[s] / 255;
      for (let c = 0; c < 3; c++) img[i * 3 + c] = image.data[s * 4 + c] / 255;
      if (prev) {
        const j = (py![y] * prev.w + px![x]) * 3;
        for (let c = 0; c < 3; c++) {
          F[i * 3 + c] = prev.F[j + c];
          B[i * 3 + c] = prev.B[j + c];
        }
      } else {
        for (let c = 0; c < 3; c++) F[i * 3 + c] = B[i * 3 + c] = fill[c];
      }
    }
  }
  return { w, h, image: img, alpha: a, F, B };
}

/**
 * Solves one pixel's 2×2 system (per channel) for F and B given its neighbours' values, in
 * place. `nF`/`nB` hold the four neighbours' colours (3 each), `na` their alphas.
 */
function solvePixel(
  a0: number,
  I0: number, I1: number, I2: number,
  na: Float32Array, nF: Float32Array, nB: Float32Array,
  o: ForegroundOptions,
  F: Float32Array, B: Float32Array, at: number,
): void {
  const a1 = 1 - a0;
  let a00 = a0 * a0, a11 = a1 * a1;
  const a01 = a0 * a1;
  let f0 = a0 * I0, f1 = a0 * I1, f2 = a0 * I2;
  let b0 = a1 * I0, b1 = a1 * I1, b2 = a1 * I2;
  for (let d = 0; d < 4; d++) {
    const da = o.regularization + o.gradientWeight * Math.abs(a0 - na[d]);
    a00 += da;
    a11 += da;
    f0 += da * nF[d * 3]; f1 += da * nF[d * 3 + 1]; f2 += da * nF[d * 3 + 2];
    b0 += da * nB[d * 3]; b1 += da * nB[d * 3 + 1]; b2 += da * nB[d * 3 + 2];
  }
  const inv = 1 / (a00 * a11 - a01 * a01);
  const m00 = inv * a11, m01 = -inv * a01, m11 = inv * a00;
  F[at] = clamp01(m00 * f0 + m01 * b0);
  F[at + 1] = clamp01(m00 * f1 + m01 * b1);
  F[at + 2] = clamp01(m00 * f2 + m01 * b2);
  B[at] = clamp01(m01 * f0 + m11 * b0);
  B[at + 1] = clamp01(m01 * f1 + m11 * b1);
  B[at + 2] = clamp01(m01 * f2 + m11 * b2);
}

const DX = [-1, 1, 0, 0], DY = [0, 0, -1, 1];

/** Gauss–Seidel sweeps over every pixel of a level (neighbours clamped at the border). */
function sweepDense(l: Level, iterations: number, o: ForegroundOptions): void {
  const { w, h, image, alpha, F, B } = l;
  const na = new Float32Array(4), nF = new Float32Array(12), nB = new Float32Array(12);
  for (let it = 0; it < iterations; it++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let d = 0; d < 4; d++) {
          const j = Math.min(h - 1, Math.max(0, y + DY[d])) * w + Math.min(w - 1, Math.max(0, x + DX[d]));
          na[d] = alpha[j];
          for (let c = 0; c < 3; c++) {
            nF[d * 3 + c] = F[j * 3 + c];
            nB[d * 3 + c] = B[j * 3 + c];
          }
        }
        const i = y * w + x;
        solvePixel(alpha[i], image[i * 3], image[i * 3 + 1], image[i * 3 + 2], na, nF, nB, o, F, B, i * 3);
      }
    }
  }
}

/** The mean colour of the photo, the starting guess of the 1×1 level. */
function meanColour(image: RgbaImage): [number, number, number] {
  const sum = [0, 0, 0];
  const n = image.width * image.height;
  for (let p = 0; p < n * 4; p += 4) for (let c = 0; c < 3; c++) sum[c] += image.data[p + c];
  return sum.map((s) => s / n / 255) as [number, number, number];
}

/** Indices of the semi-transparent pixels, in increasing order. */
function semiTransparent(alpha: AlphaMatte): Int32Array {
  let n = 0;
  for (const v of alpha.data) if (v > 0 && v < 255) n++;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < alpha.data.length; i++) if (alpha.data[i] > 0 && alpha.data[i] < 255) out[k++] = i;
  return out;
}

/**
 * The photo's own level, solved on its semi-transparent pixels only: their F and B start
 * from the coarse level; a neighbour outside the set is fixed, its colour being F where it
 * is opaque and B where it is clear, and the coarse answer for the other one.
 */
function sweepBand(image: RgbaImage, alpha: AlphaMatte, band: Int32Array, coarse: Level, iterations: number, o: ForegroundOptions): { F: Float32Array; B: Float32Array } {
  const { width: w, height: h, data: px } = image;
  const cx = nearestAxis(coarse.w, w), cy = nearestAxis(coarse.h, h);
  const n = band.length;
  const F = new Float32Array(n * 3), B = new Float32Array(n * 3);
  const coarseAt = (i: number) => (cy[Math.floor(i / w)] * coarse.w + cx[i % w]) * 3;
  for (let k = 0; k < n; k++) {
    const j = coarseAt(band[k]);
    for (let c = 0; c < 3; c++) {
      F[k * 3 + c] = coarse.F[j + c];
      B[k * 3 + c] = coarse.B[j + c];
    }
  }
  // Each band pixel's four neighbours (left, right, above, below; clamped at the border):
  // the neighbour's index in the band, or −1 − its pixel index when it is outside the band.
  // Found once, with pointers that only move forward as the band is in increasing order.
  const links = new Int32Array(n * 4);
  let up = 0, down = 0;
  for (let k = 0; k < n; k++) {
    const i = band[k], x = i % w, y = (i - x) / w;
    const left = x > 0 ? i - 1 : i, right = x < w - 1 ? i + 1 : i;
    const above = y > 0 ? i - w : i, below = y < h - 1 ? i + w : i;
    while (up < n && band[up] < above) up++;
    while (down < n && band[down] < below) down++;
    links[k * 4] = left === i ? k : k > 0 && band[k - 1] === left ? k - 1 : -1 - left;
    links[k * 4 + 1] = right === i ? k : k + 1 < n && band[k + 1] === right ? k + 1 : -1 - right;
    links[k * 4 + 2] = band[up] === above ? up : -1 - above;
    links[k * 4 + 3] = band[down] === below ? down : -1 - below;
  }
  const na = new Float32Array(4), nF = new Float32Array(12), nB = new Float32Array(12);
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < n; k++) {
      for (let d = 0; d < 4; d++) {
        const link = links[k * 4 + d];
        if (link >= 0) {
          na[d] = alpha.data[band[link]] / 255;
          for (let c = 0; c < 3; c++) {
            nF[d * 3 + c] = F[link * 3 + c];
            nB[d * 3 + c] = B[link * 3 + c];
          }
        } else {
          const j = -1 - link, cj = coarseAt(j), opaque = alpha.data[j] === 255;
          na[d] = alpha.data[j] / 255;
          for (let c = 0; c < 3; c++) {
            const seen = px[j * 4 + c] / 255;
            nF[d * 3 + c] = opaque ? seen : coarse.F[cj + c];
            nB[d * 3 + c] = opaque ? coarse.B[cj + c] : seen;
          }
        }
      }
      const p = band[k] * 4;
      solvePixel(alpha.data[band[k]] / 255, px[p] / 255, px[p + 1] / 255, px[p + 2] / 255, na, nF, nB, o, F, B, k * 3);
    }
  }
  return { F, B };
}

/** The estimated foreground colours of the semi-transparent pixels: their indices, in order, and RGB (3 per pixel). */
export interface ForegroundColours {
  index: Int32Array;
  rgb: Uint8ClampedArray;
}

/** Estimates F at the matte's semi-transparent pixels (the only ones where it differs from the photo). */
export function foregroundColours(image: RgbaImage, alpha: AlphaMatte, options: ForegroundOptions = DEFAULT_FOREGROUND): ForegroundColours {
  if (alpha.width !== image.width || alpha.height !== image.height) {
    throw new Error(`matte is ${alpha.width}×${alpha.height} but the photo is ${image.width}×${image.height}`);
  }
  const { width: w0, height: h0 } = image;
  const band = semiTransparent(alpha);
  const rgb = new Uint8ClampedArray(band.length * 3);
  if (band.length === 0) return { index: band, rgb };
  const levels = Math.max(1, Math.ceil(Math.log2(Math.max(w0, h0))));
  const dense = options.maxDenseSide * options.maxDenseSide;
  const fill = meanColour(image);
  let prev: Level | undefined;
  for (let i = 0; i <= levels; i++) {
    const w = Math.round(w0 ** (i / levels)), h = Math.round(h0 ** (i / levels));
    if (w * h > dense && prev) {
      // The photo's own level on the semi-transparent pixels alone (levels between are skipped).
      const { F } = sweepBand(image, alpha, band, prev, options.bigIterations, options);
      for (let k = 0; k < F.length; k++) rgb[k] = F[k] * 255;
      return { index: band, rgb };
    }
    const level = makeLevel(image, alpha, w, h, prev, fill);
    sweepDense(level, w <= options.smallSize && h <= options.smallSize ? options.smallIterations : options.bigIterations, options);
    prev = level;
  }
  // The last level was the photo's own size, solved whole.
  for (let k = 0; k < band.length; k++) for (let c = 0; c < 3; c++) rgb[k * 3 + c] = prev!.F[band[k] * 3 + c] * 255;
  return { index: band, rgb };
}

/** Writes estimated colours into RGBA pixels (alpha untouched). */
export function applyForeground(pixels: Uint8ClampedArray, colours: ForegroundColours): void {
  const { index, rgb } = colours;
  for (let k = 0; k < index.length; k++) {
    const p = index[k] * 4;
    pixels[p] = rgb[k * 3];
    pixels[p + 1] = rgb[k * 3 + 1];
    pixels[p + 2] = rgb[k * 3 + 2];
  }
}

/** The photo with the colours of its semi-transparent pixels replaced by the estimated foreground F. */
export function estimateForeground(image: RgbaImage, alpha: AlphaMatte, options: ForegroundOptions = DEFAULT_FOREGROUND): RgbaImage {
  const data = new Uint8ClampedArray(image.data);
  applyForeground(data, foregroundColours(image, alpha, options));
  return { width: image.width, height: image.height, data };
}
