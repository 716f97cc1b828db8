/**
 * The photo's own level on its band alone (foreground.ts bandColours when the band is solved
 * at the photo's size): the Gauss–Seidel sweeps of the band's pixels, in reading order, that
 * sweepLevelBand gives a whole level, without the level. A band pixel's neighbour is either in
 * the band (its F and B being solved) or fixed for the whole solve: opaque, F its photo colour
 * and B the coarser level's; clear, the other way round.
 *
 * Swept as the dense levels are (foreground-own.ts): a wavefront, sweep t one row behind sweep
 * t − 1, so each pixel reads what it reads when each sweep covers the whole band before the
 * next starts, and the colours are the same to the bit. F and B live in a ring of
 * `iterations` + 2 photo-wide rows, where a band pixel's fixed neighbours are written too, so
 * the sweep reads every neighbour alike (left, right, above, below: no test of which kind it
 * is); each row's unchanging terms (neighbour weights, the 2×2 inverse, the pixel's own terms)
 * are worked out once for all its sweeps. Fresh memory: the answer and a few rows, not F and B
 * for the whole band.
 */
import { BYTE_TO_UNIT, CONSTANTS, nearestAxis, type ForegroundOptions, type LevelRows } from './foreground-level.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';
import { dilateRuns, maskOfRuns, runsOfMask } from './mask-runs.ts';

/**
 * F at the `semi` pixels (increasing indices, from semiTransparent) of the photo's own level,
 * as RGB bytes, starting from the coarser level `coarse` and swept `iterations` times. With a
 * `margin` the pixels within that many of the band (Chebyshev) are solved too, opaque and
 * clear ones among them, and only those beyond are held fixed.
 */
export function ownBandColours(
  image: RgbaImage, alpha: AlphaMatte, semi: Int32Array, coarse: LevelRows, iterations: number, options: ForegroundOptions, margin = 0,
): Uint8ClampedArray {
  const { width: w, height: h, data: src } = image;
  const a8 = alpha.data, unit = BYTE_TO_UNIT;
  const eps = options.regularization, gw = options.gradientWeight;
  const px = nearestAxis(coarse.w, w), py = nearestAxis(coarse.h, h), PF = coarse.F, PB = coarse.B;
  const rgb = new Uint8ClampedArray(semi.length * 3);
  if (semi.length === 0) return rgb;
  const mask = margin > 0 ? dilate(semi, w, h, margin) : undefined;
  const band = mask ? listed(mask) : semi, n = band.length;
  // The band's pixels of row y are band[first[y]] up to band[first[y + 1]].
  const first = new Int32Array(h + 1);
  for (let y = 0, k = 0; y <= h; y++) {
    while (k < n && band[k] < y * w) k++;
    first[y] = k;
  }
  const sweeps = Math.max(0, iterations), stride = w * 3, rows = sweeps + 2;
  const F = new Float32Array(rows * stride), B = new Float32Array(rows * stride);
  const at = (y: number) => (y % rows) * stride;
  // Row y's constants, by its band pixels in order, sit in slot y % sweeps from its first sweep to its last.
  const slots = Math.max(1, sweeps), constants = new Float64Array(slots * w * CONSTANTS);
  /** The fixed F and B of pixel j in column jx, not in the band, written at q; its coarser row at `coarseRow`. */
  const fixed = (j: number, jx: number, coarseRow: number, q: number) => {
    const c = coarseRow + px[jx] * 3, t = j * 4;
    if (a8[j] === 255) {
      F[q] = unit[src[t]]; F[q + 1] = unit[src[t + 1]]; F[q + 2] = unit[src[t + 2]];
      B[q] = PB[c]; B[q + 1] = PB[c + 1]; B[q + 2] = PB[c + 2];
    } else {
      F[q] = PF[c]; F[q + 1] = PF[c + 1]; F[q + 2] = PF[c + 2];
      B[q] = unit[src[t]]; B[q + 1] = unit[src[t + 1]]; B[q + 2] = unit[src[t + 2]];
    }
  };
  // Outside what is solved: beyond the margin, or (without one) opaque or clear.
  const outside = (j: number) => (mask ? mask[j] === 0 : a8[j] === 0 || a8[j] === 255);
  /** Row r joins the ring: its band pixels from the coarser level, the fixed neighbours around them. */
  const enter = (r: number) => {
    if (first[r] === first[r + 1] && (r === 0 || first[r - 1] === first[r])) return;
    // The coarser level's rows for this row and the one above (asked for in that order: it solves as asked).
    const q0 = at(r), row = r * w, coarseRow = coarse.row(py[r]), coarseAbove = r > 0 ? coarse.row(py[r - 1]) : 0;
    for (let k = first[r]; k < first[r + 1]; k++) {
      const i = band[k], x = i - row, q = q0 + x * 3, c = coarseRow + px[x] * 3;
      F[q] = PF[c]; F[q + 1] = PF[c + 1]; F[q + 2] = PF[c + 2];
      B[q] = PB[c]; B[q + 1] = PB[c + 1]; B[q + 2] = PB[c + 2];
      if (x > 0 && outside(i - 1)) fixed(i - 1, x - 1, coarseRow, q - 3);
      if (x < w - 1 && outside(i + 1)) fixed(i + 1, x + 1, coarseRow, q + 3);
      if (r > 0 && outside(i - w)) fixed(i - w, x, coarseAbove, at(r - 1) + x * 3);
    }
    if (r > 0) {
      for (let k = first[r - 1], above = row - w; k < first[r]; k++) {
        const i = band[k];
        if (outside(i + w)) fixed(i + w, i - above, coarseRow, q0 + (i - above) * 3);
      }
    }
  };
  /** Row y's constants, as sweepOnly reckons them in every sweep. */
  const rowConstants = (y: number, out: Float64Array) => {
    const row = y * w;
    for (let k = first[y], o = 0; k < first[y + 1]; k++, o += CONSTANTS) {
      const i = band[k], x = i - row, s = i * 4;
      const a0 = unit[a8[i]], a1 = 1 - a0;
      const dl = eps + gw * Math.abs(a0 - unit[a8[x > 0 ? i - 1 : i]]);
      const dr = eps + gw * Math.abs(a0 - unit[a8[x < w - 1 ? i + 1 : i]]);
      const du = eps + gw * Math.abs(a0 - unit[a8[y > 0 ? i - w : i]]);
      const dd = eps + gw * Math.abs(a0 - unit[a8[y < h - 1 ? i + w : i]]);
      let a00 = a0 * a0, a11 = a1 * a1;
      const a01 = a0 * a1;
      a00 += dl; a11 += dl;
      a00 += dr; a11 += dr;
      a00 += du; a11 += du;
      a00 += dd; a11 += dd;
      const inv = 1 / (a00 * a11 - a01 * a01);
      const I0 = unit[src[s]], I1 = unit[src[s + 1]], I2 = unit[src[s + 2]];
      out[o] = dl; out[o + 1] = dr; out[o + 2] = du; out[o + 3] = dd;
      out[o + 4] = inv * a11; out[o + 5] = -inv * a01; out[o + 6] = inv * a00;
      out[o + 7] = a0 * I0; out[o + 8] = a0 * I1; out[o + 9] = a0 * I2;
      out[o + 10] = a1 * I0; out[o + 11] = a1 * I1; out[o + 12] = a1 * I2;
    }
  };
  const slot = (y: number) => constants.subarray((y % slots) * w * CONSTANTS, ((y % slots) + 1) * w * CONSTANTS);
  enter(0);
  let out = 0;
  for (let s = 0; s < h + sweeps - 1 || (sweeps === 0 && s < h); s++) {
    if (s < h) {
      if (s + 1 < h) enter(s + 1);
      if (sweeps > 0) rowConstants(s, slot(s));
    }
    for (let t = 0; t < sweeps; t++) {
      const y = s - t;
      if (y >= 0 && y < h && first[y] < first[y + 1]) {
        sweepBandRow(F, B, band, first[y], first[y + 1], y * w, w, at(y), y > 0 ? at(y - 1) - at(y) : 0, y < h - 1 ? at(y + 1) - at(y) : 0, slot(y));
      }
    }
    // Row s − sweeps + 1 has had its last sweep.
    const last = s - Math.max(1, sweeps) + 1;
    if (last >= 0 && last < h) {
      const q0 = at(last) - last * w * 3, end = (last + 1) * w;
      for (; out < semi.length && semi[out] < end; out++) {
        const q = q0 + semi[out] * 3;
        rgb[out * 3] = F[q] * 255;
        rgb[out * 3 + 1] = F[q + 1] * 255;
        rgb[out * 3 + 2] = F[q + 2] * 255;
      }
    }
  }
  return rgb;
}

/**
 * One sweep of a row's band pixels band[k0..k1) (row starting at pixel `row`), from their
 * constants: each pixel's F and B solved in turn, left to right, its neighbours read from
 * the ring (the row at q0, the rows above and below `up` and `down` from it; a pixel at the
 * photo's border is its own neighbour).
 */
function sweepBandRow(
  F: Float32Array, B: Float32Array, band: Int32Array, k0: number, k1: number, row: number, w: number,
  q0: number, up: number, down: number, k: Float64Array,
): void {
  for (let p = k0, o = 0; p < k1; p++, o += CONSTANTS) {
    const x = band[p] - row, at = q0 + x * 3;
    const jl = x > 0 ? at - 3 : at, jr = x < w - 1 ? at + 3 : at, ju = at + up, jd = at + down;
    const dl = k[o], dr = k[o + 1], du = k[o + 2], dd = k[o + 3];
    let f0 = k[o + 7], f1 = k[o + 8], f2 = k[o + 9];
    let b0 = k[o + 10], b1 = k[o + 11], b2 = k[o + 12];
    f0 += dl * F[jl]; f1 += dl * F[jl + 1]; f2 += dl * F[jl + 2];
    b0 += dl * B[jl]; b1 += dl * B[jl + 1]; b2 += dl * B[jl + 2];
    f0 += dr * F[jr]; f1 += dr * F[jr + 1]; f2 += dr * F[jr + 2];
    b0 += dr * B[jr]; b1 += dr * B[jr + 1]; b2 += dr * B[jr + 2];
    f0 += du * F[ju]; f1 += du * F[ju + 1]; f2 += du * F[ju + 2];
    b0 += du * B[ju]; b1 += du * B[ju + 1]; b2 += du * B[ju + 2];
    f0 += dd * F[jd]; f1 += dd * F[jd + 1]; f2 += dd * F[jd + 2];
    b0 += dd * B[jd]; b1 += dd * B[jd + 1]; b2 += dd * B[jd + 2];
    const m00 = k[o + 4], m01 = k[o + 5], m11 = k[o + 6];
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
}

/** The pixels within `margin` (Chebyshev) of the `band`'s, as a w×h mask: mask-runs.ts's square dilation. */
function dilate(band: Int32Array, w: number, h: number, margin: number): Uint8Array {
  const mask = new Uint8Array(w * h);
  for (let k = 0; k < band.length; k++) mask[band[k]] = 1;
  return maskOfRuns(dilateRuns(runsOfMask(mask, w, h), margin));
}

/** The indices set in `mask`, in increasing order. */
function listed(mask: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}
