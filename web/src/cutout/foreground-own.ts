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
import { BYTE_TO_UNIT, CONSTANTS, nearestAxis, rowConstants, sweepRow, type ForegroundOptions, type Solved } from './foreground-level.ts';
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
