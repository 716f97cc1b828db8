/** Pure helpers of scripts/edge-crop.ts: where two cutouts differ, and by how much in a crop. */
import type { AlphaMatte, RgbaImage } from '../../web/src/cutout/image.ts';

/** A square of an image: top-left corner and side, in pixels. */
export interface Square {
  x: number;
  y: number;
  size: number;
}

/**
 * The top-left corner of the `size`² square with the largest sum of `diff` (one value a
 * pixel, row-major), searched on a grid of cells an eighth of the square wide, so a 12 MP
 * photo needs no full-size table; the first such square in reading order on ties.
 */
export function densestSquare(diff: ArrayLike<number>, width: number, height: number, size: number): { x: number; y: number } {
  if (size > width || size > height) throw new Error(`a ${size}² square does not fit in ${width}×${height}`);
  const cell = Math.max(1, Math.floor(size / 8));
  const n = Math.floor(size / cell);
  const cw = Math.floor(width / cell), ch = Math.floor(height / cell);
  const sums = new Float64Array(cw * ch);
  for (let y = 0; y < ch * cell; y++) {
    const row = Math.floor(y / cell) * cw;
    for (let x = 0; x < cw * cell; x++) sums[row + Math.floor(x / cell)] += diff[y * width + x];
  }
  let best = { x: 0, y: 0 }, bestSum = -1;
  // The whole square must fit, not only the n cells summed (n·cell may be less than size).
  for (let cy = 0; cy * cell + size <= height; cy++) {
    for (let cx = 0; cx * cell + size <= width; cx++) {
      let sum = 0;
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) sum += sums[(cy + j) * cw + cx + i];
      if (sum > bestSum) {
        bestSum = sum;
        best = { x: cx * cell, y: cy * cell };
      }
    }
  }
  return best;
}

/** Per pixel, the summed absolute difference of the colours of two opaque images of one size. */
export function colourDifference(a: RgbaImage, b: RgbaImage): Float32Array {
  if (a.width !== b.width || a.height !== b.height) throw new Error('the two images differ in size');
  const out = new Float32Array(a.width * a.height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    out[i] = Math.abs(a.data[p] - b.data[p]) + Math.abs(a.data[p + 1] - b.data[p + 1]) + Math.abs(a.data[p + 2] - b.data[p + 2]);
  }
  return out;
}

/** What a crop of two cutouts (their mattes, and the cutouts over one colour) shows, for the report. */
export interface CropStats {
  /** Mean |Δalpha| over the crop, in [0, 1]. */
  meanAlphaDiff: number;
  /** Share of the crop's pixels whose alpha moved by more than 0.1. */
  movedShare: number;
  /** Share of the crop that is semi-transparent (SOFT) in each matte. */
  softShare: [number, number];
  /** Share of the crop that is semi-transparent in either matte: the fringe. */
  fringeShare: number;
  /**
   * Mean luma (0-255, Rec. 601) of each cutout over the colour, on the fringe's pixels (the
   * same pixels for both): on a dark colour a fringe of a light old background raises it.
   * Null without a fringe.
   */
  fringeLuma: [number, number] | null;
  /** Mean |Δ| of the two cutouts over the colour on the fringe, per channel (0-255); null without a fringe. */
  fringeColourDiff: number | null;
}

const luma = (d: ArrayLike<number>, p: number) => 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2];
/**
 * Semi-transparent enough to count as fringe: a network's map is rarely exactly 0 or 1
 * (1/255 and 254/255 are everywhere), so the ends are left out.
 */
export const SOFT = { min: 13, max: 242 };
const soft = (a: number) => a >= SOFT.min && a <= SOFT.max;

/** The figures of a crop `sq` of two mattes and the two cutouts flattened over one colour. */
export function cropStats(before: AlphaMatte, after: AlphaMatte, shownBefore: RgbaImage, shownAfter: RgbaImage, sq: Square): CropStats {
  let diff = 0, moved = 0, softBefore = 0, softAfter = 0, fringe = 0, lumaBefore = 0, lumaAfter = 0, colourDiff = 0;
  for (let y = sq.y; y < sq.y + sq.size; y++) {
    for (let x = sq.x; x < sq.x + sq.size; x++) {
      const i = y * before.width + x;
      const d = Math.abs(before.data[i] - after.data[i]);
      diff += d;
      if (d > 25.5) moved++;
      const sb = soft(before.data[i]), sa = soft(after.data[i]);
      if (sb) softBefore++;
      if (sa) softAfter++;
      if (sb || sa) {
        fringe++;
        lumaBefore += luma(shownBefore.data, i * 4);
        lumaAfter += luma(shownAfter.data, i * 4);
        for (let c = 0; c < 3; c++) colourDiff += Math.abs(shownBefore.data[i * 4 + c] - shownAfter.data[i * 4 + c]);
      }
    }
  }
  const n = sq.size * sq.size;
  return {
    meanAlphaDiff: diff / n / 255,
    movedShare: moved / n,
    softShare: [softBefore / n, softAfter / n],
    fringeShare: fringe / n,
    fringeLuma: fringe ? [lumaBefore / fringe, lumaAfter / fringe] : null,
    fringeColourDiff: fringe ? colourDiff / fringe / 3 : null,
  };
}
