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
 * Time and memory follow the edge, not the photo: levels up to `maxDenseSide`² pixels are
 * solved whole; the photo's own level only on its semi-transparent pixels, their neighbours
 * outside taken from the photo (F where α = 1, B where α = 0) and from the coarser answer,
 * at most `maxBandSide` pixels a side, from which a larger photo's edge pixels are each
 * fitted once (foreground-band.ts). A photo within `maxDenseSide`² has its own level solved
 * on the band and `ownBandMargin` (3) pixels around it: the whole level's colours to within
 * one level on a handful of pixels (cloth-1: 1 value of 87,894 off by one, animal-1 none;
 * the dev set's edge colour the same to five places), in about half the time of compose
 * (docs/model-frontier.md, issue #18).
 */
import { fitBandFromLevel, semiTransparent, sweepLevelBand } from './foreground-band.ts';
import { makeLevel, type ForegroundOptions, type LevelRows } from './foreground-level.ts';
import { ownBandColours } from './foreground-own-band.ts';
import { levelRows, ownLevelColours } from './foreground-own.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';

export type { ForegroundOptions } from './foreground-level.ts';

/** The paper's (and pymatting's) defaults; the two size limits bound time and memory. */
export const DEFAULT_FOREGROUND: ForegroundOptions = {
  regularization: 1e-5,
  gradientWeight: 1,
  smallSize: 32,
  smallIterations: 10,
  bigIterations: 2,
  maxDenseSide: 1024,
  maxBandSide: 2048,
  ownBandMargin: 3,
};

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The mean colour of the photo, the starting guess of the 1×1 level. */
export function meanColour(image: RgbaImage): [number, number, number] {
  const d = image.data, n = image.width * image.height;
  // Whole numbers, summed exactly in doubles (up to 2^53 / 255 pixels), so reading a pixel
  // as one word (where the bytes allow it) gives the same sums as reading its bytes.
  let r = 0, g = 0, b = 0;
  if (LITTLE_ENDIAN && d.byteOffset % 4 === 0) {
    const words = new Uint32Array(d.buffer, d.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const v = words[i];
      r += v & 255;
      g += (v >>> 8) & 255;
      b += (v >>> 16) & 255;
    }
  } else {
    for (let p = 0; p < n * 4; p += 4) {
      r += d[p];
      g += d[p + 1];
      b += d[p + 2];
    }
  }
  return [r / n / 255, g / n / 255, b / n / 255];
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
  const band = semiTransparent(alpha.data);
  if (band.length === 0) return { index: band, rgb: new Uint8ClampedArray(0) };
  const levels = Math.max(1, Math.ceil(Math.log2(Math.max(w0, h0))));
  const dense = options.maxDenseSide * options.maxDenseSide;
  const fill = meanColour(image);
  let prev: LevelRows | undefined;
  const iterations = (w: number, h: number) => (w <= options.smallSize && h <= options.smallSize ? options.smallIterations : options.bigIterations);
  for (let i = 0; i < levels; i++) {
    const w = Math.round(w0 ** (i / levels)), h = Math.round(h0 ** (i / levels));
    if (w * h > dense && prev) return { index: band, rgb: bandColours(image, alpha, band, prev, options) };
    // Nothing is solved yet: each level solves its rows as the next finer one asks for them.
    prev = levelRows(image, alpha, w, h, prev, fill, iterations(w, h), options);
  }
  // The photo's own level (levels ≥ 1, so there is a coarser one). Solved whole, it is solved
  // row by row: only its band's colours are kept.
  if (w0 * h0 > dense) return { index: band, rgb: bandColours(image, alpha, band, prev!, options) };
  if (options.ownBandMargin !== undefined) return { index: band, rgb: ownBandColours(image, alpha, band, prev!, iterations(w0, h0), options, options.ownBandMargin) };
  return { index: band, rgb: ownLevelColours(image, alpha, band, prev!, iterations(w0, h0), options) };
}

/**
 * The photo's own level, too large to solve whole (levels between it and `coarse` are
 * skipped): its edge band solved at the photo's size, or at `maxBandSide` and each of the
 * photo's edge pixels fitted from there.
 */
function bandColours(image: RgbaImage, alpha: AlphaMatte, band: Int32Array, coarse: LevelRows, o: ForegroundOptions): Uint8ClampedArray {
  const { width: w0, height: h0 } = image;
  const scale = Math.min(1, o.maxBandSide / Math.max(w0, h0));
  const w = Math.max(1, Math.round(w0 * scale)), h = Math.max(1, Math.round(h0 * scale));
  if (w === w0 && h === h0) return ownBandColours(image, alpha, band, coarse, o.bigIterations, o);
  const level = makeLevel(image, alpha, w, h, coarse);
  sweepLevelBand(level, o.bigIterations, o);
  return fitBandFromLevel(image, alpha, band, level, o);
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
