/**
 * The foreground estimation's dense levels (foreground.ts), swept row by row: the same
 * wavefront as before, sweep t one row behind sweep t − 1 (row s − t in step s, t rising),
 * so a pixel reads exactly what it reads when each sweep covers the whole level before the
 * next starts (its left and upper neighbours from its own sweep, its right and lower ones and
 * itself from the one before) and the colours are the same to the bit. Each row's alpha and
 * colours are sampled from the photo's bytes as the wavefront reaches it (three rows of
 * alpha, one of colours), not into level-sized planes first. A coarser level keeps its F and
 * B whole, for the next level to start from; the photo's own level keeps only the
 * iterations + 2 rows the wavefront still reads and takes each row's band colours as soon as
 * its last sweep is done (at 1 MP, 40 B a pixel of fresh memory not written).
 */
import { BYTE_TO_UNIT, CONSTANTS, nearestAxis, rowConstants, sweepRow, writeSolution, type ForegroundOptions, type Solved } from './foreground-level.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';

/**
 * Sweeps the w×h level `iterations` times, starting from `prev` (nearest) or `fill`, with
 * row y of F and B at (y % rows)·3w; `done(y, at)` is called when row y (at `at`) has had its
 * last sweep. Returns F and B.
 */
function sweepRows(
  image: RgbaImage, alpha: AlphaMatte, w: number, h: number, prev: Solved | undefined, fill: [number, number, number],
  iterations: number, o: ForegroundOptions, rows: number, done?: (y: number, F: Float32Array, B: Float32Array, at: number) => void,
): { F: Float32Array; B: Float32Array } {
  const { width: W, data: src } = image;
  const a8 = alpha.data, unit = BYTE_TO_UNIT;
  const sweeps = Math.max(0, iterations), stride = w * 3;
  const xs = nearestAxis(W, w), ys = nearestAxis(image.height, h);
  const F = new Float32Array(rows * stride), B = new Float32Array(rows * stride);
  // Alpha of row y at (y % 3)·w; the colours of the row being readied.
  const A = new Float32Array(3 * w), I = new Float32Array(stride);
  // Row y's constants sit in slot y % sweeps from its first sweep to its last.
  const slots = Math.max(1, sweeps), constants = new Float64Array(slots * w * CONSTANTS);
  const slot = (y: number) => constants.subarray((y % slots) * w * CONSTANTS, ((y % slots) + 1) * w * CONSTANTS);
  const at = (y: number) => (y % rows) * stride;
  const px = prev ? nearestAxis(prev.w, w) : xs, py = prev ? nearestAxis(prev.h, h) : ys;
  const start = (y: number) => {
    const q0 = at(y);
    if (!prev) {
      for (let q = q0; q < q0 + stride; q += 3) {
        F[q] = B[q] = fill[0];
        F[q + 1] = B[q + 1] = fill[1];
        F[q + 2] = B[q + 2] = fill[2];
      }
      return;
    }
    const PF = prev.F, PB = prev.B, prevRow = py[y] * prev.w;
    for (let x = 0, q = q0; x < w; x++, q += 3) {
      const j = (prevRow + px[x]) * 3;
      F[q] = PF[j]; F[q + 1] = PF[j + 1]; F[q + 2] = PF[j + 2];
      B[q] = PB[j]; B[q + 1] = PB[j + 1]; B[q + 2] = PB[j + 2];
    }
  };
  const alphaRow = (y: number) => {
    for (let x = 0, q = (y % 3) * w, s = ys[y] * W; x < w; x++) A[q + x] = unit[a8[s + xs[x]]];
  };
  start(0);
  alphaRow(0);
  for (let s = 0; s < h + sweeps - 1 || (sweeps === 0 && s < h); s++) {
    if (s < h) {
      if (s + 1 < h) {
        start(s + 1);
        alphaRow(s + 1);
      }
      if (sweeps > 0) {
        for (let x = 0, row = ys[s] * W; x < w; x++) {
          const p = (row + xs[x]) * 4;
          I[x * 3] = unit[src[p]];
          I[x * 3 + 1] = unit[src[p + 1]];
          I[x * 3 + 2] = unit[src[p + 2]];
        }
        const a = (s % 3) * w;
        rowConstants(A, a, s > 0 ? ((s - 1) % 3) * w : a, s < h - 1 ? ((s + 1) % 3) * w : a, I, 0, w, o.regularization, o.gradientWeight, slot(s));
      }
    }
    for (let t = 0; t < sweeps; t++) {
      const y = s - t;
      if (y >= 0 && y < h) sweepRow(F, B, w, at(y), y > 0 ? at(y - 1) - at(y) : 0, y < h - 1 ? at(y + 1) - at(y) : 0, slot(y));
    }
    // Row s − sweeps + 1 has had its last sweep.
    const last = s - Math.max(1, sweeps) + 1;
    if (done && last >= 0 && last < h) done(last, F, B, at(last));
  }
  return { F, B };
}

/** A coarser level (the photo sampled nearest at w×h), solved whole: its F and B. */
export function solveLevel(image: RgbaImage, alpha: AlphaMatte, w: number, h: number, prev: Solved | undefined, fill: [number, number, number], iterations: number, o: ForegroundOptions): Solved {
  const { F, B } = sweepRows(image, alpha, w, h, prev, fill, iterations, o, h);
  return { w, h, F, B };
}

/**
 * F at the `band` pixels (increasing indices) of the photo's own level, as RGB bytes, starting
 * from the coarser level `prev` and swept `iterations` times: the bytes a whole level's F
 * read at the band gave.
 */
export function ownLevelColours(image: RgbaImage, alpha: AlphaMatte, band: Int32Array, prev: Solved, iterations: number, o: ForegroundOptions): Uint8ClampedArray {
  const w = image.width, rgb = new Uint8ClampedArray(band.length * 3);
  let k = 0;
  sweepRows(image, alpha, w, image.height, prev, [0, 0, 0], iterations, o, Math.max(0, iterations) + 2, (y, F, _B, at) => {
    const end = (y + 1) * w, shift = at - y * w * 3;
    for (; k < band.length && band[k] < end; k++) {
      const q = shift + band[k] * 3;
      rgb[k * 3] = F[q] * 255;
      rgb[k * 3 + 1] = F[q + 1] * 255;
      rgb[k * 3 + 2] = F[q + 2] * 255;
    }
  });
  return rgb;
}

/**
 * The photo's own level on its band alone (bandColours when the band is solved at the
 * photo's size): sweepLevelBand's sweeps of the `band` pixels, without the level. A band
 * pixel's neighbour is either in the band (its F and B kept here, by band position) or
 * fixed for the whole solve: opaque, F its photo colour and B the coarser level's; clear,
 * the other way round. So only the band's F and B are stored and the photo's bytes are read
 * where needed, not sampled into four level-sized planes first (40 B a pixel at 1224×816 for
 * a 24 MP photo's display, of which the band is a small part). The same operations on the same values as sweepOnly.
 */
export function ownBandColours(image: RgbaImage, alpha: AlphaMatte, band: Int32Array, coarse: Solved, iterations: number, o: ForegroundOptions): Uint8ClampedArray {
  const { width: w, height: h, data: src } = image;
  const a8 = alpha.data, unit = BYTE_TO_UNIT, n = band.length;
  const eps = o.regularization, gw = o.gradientWeight;
  const px = nearestAxis(coarse.w, w), py = nearestAxis(coarse.h, h), cw = coarse.w, PF = coarse.F, PB = coarse.B;
  const F = new Float32Array(n * 3), B = new Float32Array(n * 3);
  // Band positions of each band pixel's upper and lower neighbours (-1: not in the band).
  const above = new Int32Array(n), below = new Int32Array(n);
  for (let k = 0, p = 0, q = 0; k < n; k++) {
    const i = band[k], x = i % w, y = (i - x) / w, c = (py[y] * cw + px[x]) * 3, at = k * 3;
    F[at] = PF[c]; F[at + 1] = PF[c + 1]; F[at + 2] = PF[c + 2];
    B[at] = PB[c]; B[at + 1] = PB[c + 1]; B[at + 2] = PB[c + 2];
    while (p < n && band[p] < i - w) p++;
    above[k] = p < n && band[p] === i - w ? p : -1;
    while (q < n && band[q] < i + w) q++;
    below[k] = q < n && band[q] === i + w ? q : -1;
  }
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < n; k++) {
      const i = band[k], x = i % w, y = (i - x) / w, s = i * 4;
      const a0 = unit[a8[i]], a1 = 1 - a0;
      let a00 = a0 * a0, a11 = a1 * a1;
      const a01 = a0 * a1;
      const I0 = unit[src[s]], I1 = unit[src[s + 1]], I2 = unit[src[s + 2]];
      let f0 = a0 * I0, f1 = a0 * I1, f2 = a0 * I2;
      let b0 = a1 * I0, b1 = a1 * I1, b2 = a1 * I2;
      for (let d = 0; d < 4; d++) {
        // Left, right, above, below, clamped at the border: the neighbour j at (jx, jy), and its band position m.
        let j = i, jx = x, jy = y, m = k;
        if (d === 0) { if (x > 0) { j = i - 1; jx = x - 1; m = k - 1; } }
        else if (d === 1) { if (x < w - 1) { j = i + 1; jx = x + 1; m = k + 1; } }
        else if (d === 2) { if (y > 0) { j = i - w; jy = y - 1; m = above[k]; } }
        else if (y < h - 1) { j = i + w; jy = y + 1; m = below[k]; }
        const aj = a8[j];
        const da = eps + gw * Math.abs(a0 - unit[aj]);
        a00 += da;
        a11 += da;
        if (aj !== 0 && aj !== 255) {
          const at = m * 3;
          f0 += da * F[at]; f1 += da * F[at + 1]; f2 += da * F[at + 2];
          b0 += da * B[at]; b1 += da * B[at + 1]; b2 += da * B[at + 2];
        } else {
          const c = (py[jy] * cw + px[jx]) * 3, t = j * 4;
          if (aj === 255) {
            f0 += da * unit[src[t]]; f1 += da * unit[src[t + 1]]; f2 += da * unit[src[t + 2]];
            b0 += da * PB[c]; b1 += da * PB[c + 1]; b2 += da * PB[c + 2];
          } else {
            f0 += da * PF[c]; f1 += da * PF[c + 1]; f2 += da * PF[c + 2];
            b0 += da * unit[src[t]]; b1 += da * unit[src[t + 1]]; b2 += da * unit[src[t + 2]];
          }
        }
      }
      writeSolution(a00, a11, a01, f0, f1, f2, b0, b1, b2, F, B, k * 3);
    }
  }
  const rgb = new Uint8ClampedArray(n * 3);
  for (let k = 0; k < n * 3; k++) rgb[k] = F[k] * 255;
  return rgb;
}
