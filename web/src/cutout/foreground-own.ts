/**
 * The foreground estimation's last level when it is the photo's own size and solved whole
 * (foreground.ts): the same sweeps as sweepLevel on a full level, in the same wavefront, but
 * with only the rows the wavefront still reads kept. Sweep t of row y reads rows y − 1 and
 * y + 1, and the last sweep runs iterations − 1 rows behind the first, so iterations + 2 rows
 * of F and B, three of alpha and one of colours are all it needs; each row's colours are
 * taken from its F as soon as its last sweep is done, and the photo's bytes are read as the
 * rows come. No level-sized plane is allocated: at 1 MP those were 40 MB of fresh memory,
 * written once and swept twice, out of cache.
 */
import { BYTE_TO_UNIT, CONSTANTS, nearestAxis, rowConstants, sweepRow, type ForegroundOptions, type Level } from './foreground-level.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';

/**
 * F at the `band` pixels (increasing indices) of the photo's own level, as RGB bytes, starting
 * from the coarser level `prev` and swept `iterations` times: the bytes makeLevel, sweepLevel
 * and reading F at the band give, since every value is made by the same operations.
 */
export function ownLevelColours(image: RgbaImage, alpha: AlphaMatte, band: Int32Array, prev: Level, iterations: number, o: ForegroundOptions): Uint8ClampedArray {
  const { width: w, height: h, data: src } = image;
  const a8 = alpha.data, unit = BYTE_TO_UNIT;
  const sweeps = Math.max(0, iterations);
  // Row y of F and B at (y % rows)·3w; of alpha at (y % 3)·w. At the level's own size the
  // nearest sampling makeLevel does is the identity, so the bytes are read in place.
  const rows = sweeps + 2, stride = w * 3;
  const F = new Float32Array(rows * stride), B = new Float32Array(rows * stride);
  const A = new Float32Array(3 * w), I = new Float32Array(stride);
  const slots = Math.max(1, sweeps), constants = new Float64Array(slots * w * CONSTANTS);
  const slot = (y: number) => constants.subarray((y % slots) * w * CONSTANTS, ((y % slots) + 1) * w * CONSTANTS);
  const at = (y: number) => (y % rows) * stride;
  const px = nearestAxis(prev.w, w), py = nearestAxis(prev.h, h), PF = prev.F, PB = prev.B;
  const start = (y: number) => {
    const prevRow = py[y] * prev.w;
    for (let x = 0, q = at(y); x < w; x++, q += 3) {
      const j = (prevRow + px[x]) * 3;
      F[q] = PF[j]; F[q + 1] = PF[j + 1]; F[q + 2] = PF[j + 2];
      B[q] = PB[j]; B[q + 1] = PB[j + 1]; B[q + 2] = PB[j + 2];
    }
  };
  const alphaRow = (y: number) => {
    for (let x = 0, q = (y % 3) * w, s = y * w; x < w; x++) A[q + x] = unit[a8[s + x]];
  };
  const rgb = new Uint8ClampedArray(band.length * 3);
  let k = 0;
  const finish = (y: number) => {
    const end = (y + 1) * w, shift = at(y) - y * stride;
    for (; k < band.length && band[k] < end; k++) {
      const q = shift + band[k] * 3;
      rgb[k * 3] = F[q] * 255;
      rgb[k * 3 + 1] = F[q + 1] * 255;
      rgb[k * 3 + 2] = F[q + 2] * 255;
    }
  };
  start(0);
  alphaRow(0);
  for (let s = 0; s < h + sweeps - 1 || (sweeps === 0 && s < h); s++) {
    if (s < h) {
      if (s + 1 < h) {
        start(s + 1);
        alphaRow(s + 1);
      }
      for (let x = 0, p = s * w * 4; x < stride; x += 3, p += 4) {
        I[x] = unit[src[p]];
        I[x + 1] = unit[src[p + 1]];
        I[x + 2] = unit[src[p + 2]];
      }
      const a = (s % 3) * w;
      if (sweeps > 0) rowConstants(A, a, s > 0 ? ((s - 1) % 3) * w : a, s < h - 1 ? ((s + 1) % 3) * w : a, I, 0, w, o.regularization, o.gradientWeight, slot(s));
    }
    for (let t = 0; t < sweeps; t++) {
      const y = s - t;
      if (y >= 0 && y < h) sweepRow(F, B, w, at(y), y > 0 ? at(y - 1) - at(y) : 0, y < h - 1 ? at(y + 1) - at(y) : 0, slot(y));
    }
    // Row s − sweeps + 1 has had its last sweep.
    const done = s - Math.max(1, sweeps) + 1;
    if (done >= 0 && done < h) finish(done);
  }
  return rgb;
}
