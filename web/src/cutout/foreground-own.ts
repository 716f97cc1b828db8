/**
 * The foreground estimation's dense levels (foreground.ts), swept row by row: the same
 * wavefront as before, sweep t one row behind sweep t − 1 (row s − t in step s, t rising),
 * so a pixel reads exactly what it reads when each sweep covers the whole level before the
 * next starts (its left and upper neighbours from its own sweep, its right and lower ones and
 * itself from the one before) and the colours are the same to the bit. Each row's alpha and
 * colours are sampled from the photo's bytes as the wavefront reaches it (three rows of
 * alpha, one of colours), not into level-sized planes first.
 *
 * No level is kept whole: each is solved as the next finer one asks for its rows (a row's
 * start is the coarser level's row, nearest, once that has had its last sweep), in a ring of
 * the few rows its wavefront and the finer level still read. So the whole pyramid runs as one
 * wavefront in memory that stays in cache, with no level-sized F and B to allocate (at
 * 527×763, 9.6 MB of fresh memory, several milliseconds of page faults in Chromium), and the
 * photo's own level takes each row's band colours as soon as its last sweep is done.
 */
import { BYTE_TO_UNIT, CONSTANTS, nearestAxis, rowConstants, sweepRow, type ForegroundOptions, type LevelRows } from './foreground-level.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';

/**
 * The w×h level (the photo sampled nearest), swept `iterations` times from `prev` (nearest) or
 * `fill`, solved as its rows are asked for: row y of F and B in a ring of `rows` rows at
 * (y % rows)·3w; `done(y, at)` is called when row y (at `at`) has had its last sweep. A
 * consumer may ask for rows in increasing order, and read back to two rows before the last
 * it asked for (the default ring holds those).
 */
export function levelRows(
  image: RgbaImage, alpha: AlphaMatte, w: number, h: number, prev: LevelRows | undefined, fill: [number, number, number],
  iterations: number, o: ForegroundOptions, rows = Math.min(h, Math.max(0, iterations) + 4),
  done?: (y: number, F: Float32Array, B: Float32Array, at: number) => void,
): LevelRows {
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
    const PF = prev.F, PB = prev.B, prevRow = prev.row(py[y]);
    for (let x = 0, q = q0; x < w; x++, q += 3) {
      const j = prevRow + px[x] * 3;
      F[q] = PF[j]; F[q + 1] = PF[j + 1]; F[q + 2] = PF[j + 2];
      B[q] = PB[j]; B[q + 1] = PB[j + 1]; B[q + 2] = PB[j + 2];
    }
  };
  const alphaRow = (y: number) => {
    for (let x = 0, q = (y % 3) * w, s = ys[y] * W; x < w; x++) A[q + x] = unit[a8[s + xs[x]]];
  };
  const steps = sweeps === 0 ? h : h + sweeps - 1;
  // Steps taken; the last row that has had its last sweep; the last row started.
  let s = 0, solved = -1, started = -1;
  const step = () => {
    if (s === 0) {
      start(0);
      alphaRow(0);
      started = 0;
    }
    if (s < h) {
      if (s + 1 < h) {
        start(s + 1);
        alphaRow(s + 1);
        started = s + 1;
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
    if (last >= 0 && last < h) {
      done?.(last, F, B, at(last));
      solved = last;
    }
    s++;
  };
  return {
    w, h, F, B,
    row(y: number): number {
      while (solved < y && s < steps) step();
      // A row the ring no longer holds (a consumer reading further back than it may) is a bug, not a colour.
      if (y > solved || y <= started - rows) throw new Error(`row ${y} of a ${w}×${h} level is not in its ring (rows ${started - rows + 1} to ${solved} solved)`);
      return at(y);
    },
  };
}

/**
 * F at the `band` pixels (increasing indices) of the photo's own level, as RGB bytes, starting
 * from the coarser level `prev` and swept `iterations` times: the bytes a whole level's F
 * read at the band gave.
 */
export function ownLevelColours(image: RgbaImage, alpha: AlphaMatte, band: Int32Array, prev: LevelRows, iterations: number, o: ForegroundOptions): Uint8ClampedArray {
  const w = image.width, h = image.height, rgb = new Uint8ClampedArray(band.length * 3);
  let k = 0;
  const own = levelRows(image, alpha, w, h, prev, [0, 0, 0], iterations, o, Math.min(h, Math.max(0, iterations) + 2), (y, F, _B, at) => {
    const end = (y + 1) * w, shift = at - y * w * 3;
    for (; k < band.length && band[k] < end; k++) {
      const q = shift + band[k] * 3;
      rgb[k * 3] = F[q] * 255;
      rgb[k * 3 + 1] = F[q + 1] * 255;
      rgb[k * 3 + 2] = F[q + 2] * 255;
    }
  });
  own.row(h - 1);
  return rgb;
}
