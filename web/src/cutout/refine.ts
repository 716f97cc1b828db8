/**
 * Refine stage: the network's S×S probability map -> an alpha matte at the photo's own
 * size. `upsampleAlpha` is the plain bilinear baseline. `refineAlpha` is a fast guided
 * filter (He & Sun, 2015) with the photo's colours as the guide: the local linear model
 * alpha ≈ a·RGB + b is fitted at the network's resolution, and its coefficients are
 * upsampled and applied to the full-resolution photo, so the edges follow the photo's own
 * hair and fur rather than a blurred 1024-pixel blob.
 *
 * DEFAULT_REFINE was chosen by a grid search (scripts/tune-refine.ts) on 36 photos with
 * true masks, both at their own size (smaller than the map) and with the map shrunk to
 * 256² to stand in for photos several times larger than it: a 3×3 window with a small
 * regulariser beats plain bilinear on MAE, IoU and edge error in both cases, while wider
 * windows (r = 4, 8) or larger ε smooth the map's edges and lose to bilinear when it is
 * stretched. Bounding the result by the map's local range (`bound`) changed nothing.
 */
import type { AlphaMatte, RgbaImage } from './image.ts';
import type { ModelInput } from './preprocess.ts';

/** Guided-filter settings, in pixels and intensities of the network's resolution. */
export interface RefineOptions {
  /** Box radius of the local linear model. */
  radius: number;
  /** Regulariser: larger keeps alpha smoother, smaller follows colour edges harder. */
  epsilon: number;
  /**
   * Radius of the neighbourhood whose lowest and highest map values bound the result
   * (0, the default: unbounded, the plain guided filter). Where the map is confidently 0
   * or 1 all around, the result is then the map; only near its transitions can colour
   * reshape it.
   */
  bound?: number;
}

export const DEFAULT_REFINE: RefineOptions = { radius: 1, epsilon: 1e-4, bound: 0 };

/** 1 / (the number of taps of a radius-r window inside [0, n)) at each position, in Float32 as the means have always been scaled. */
function inverseCounts(n: number, r: number): Float32Array {
  const inv = new Float32Array(n);
  for (let i = 0; i < n; i++) inv[i] = 1 / (Math.min(n - 1, i + r) - Math.max(0, i - r) + 1);
  return inv;
}

/**
 * A box mean of `count` planes at once, fed one row at a time: the caller writes row t of
 * plane q to `row` from `at(q)` (w values) and calls `push()`; `emit(y, sums, k)` is called
 * as soon as output row y is known, with that row's column sums of every plane (plane q from
 * q·w) and the factor k that makes them means, each stored to (or rounded as) a Float32 as
 * the old separate planes were. Only the 2r + 2 horizontally filtered rows the window still needs are kept, so a chain of
 * box means needs no full-size planes between its steps and each row is used while in cache.
 */
function boxMeanStream(w: number, h: number, r: number, count: number, emit: (y: number, sums: Float64Array, k: number) => void) {
  const invX = inverseCounts(w, r), invY = inverseCounts(h, r);
  // Each plane's row has r + 1 zeros before it and r after, so the horizontal running sum
  // needs no tests at the borders; see boxRow for why the zeros change no bit.
  const left = r + 1, stride = w + 2 * r + 1;
  const row = new Float32Array(count * stride);
  const slots = 2 * r + 2, size = count * w;
  const ring = new Float32Array(slots * size), zeros = new Float32Array(size), sums = new Float64Array(size);
  let t = 0;
  const push = () => {
    // Row t completes output row y = t - r, whose window loses row t - 2r - 1.
    const y = t - r, lo = y - r - 1;
    const o = (t % slots) * size, old = lo >= 0 ? ring : zeros, at = lo >= 0 ? (lo % slots) * size : 0;
    let q = 0;
    // Four or five planes at a time: their running sums are independent chains of additions
    // that the processor can overlap, where one plane's chain would wait on each addition.
    for (; q + 4 <= count && count - q !== 5; q += 4) boxRow4(row, q * stride + left, stride, w, r, invX, ring, o + q * w, old, at + q * w, sums, q * w);
    if (count - q === 5) boxRow5(row, q * stride + left, stride, w, r, invX, ring, o + q * w, old, at + q * w, sums, q * w);
    else for (; q < count; q++) boxRow(row, q * stride + left, w, r, invX, ring, o + q * w, old, at + q * w, sums, q * w);
    if (y >= 0) emit(y, sums, invY[y]);
    if (++t < h) return;
    // The last r output rows: nothing enters their windows any more.
    for (let y = Math.max(0, h - r); y < h; y++) {
      const lo = y - r - 1;
      if (lo >= 0) for (let i = 0, o = (lo % slots) * size; i < size; i++) sums[i] -= ring[o + i];
      emit(y, sums, invY[y]);
    }
  };
  return { row, at: (q: number) => q * stride + left, push };
}

/**
 * One row of one plane through both passes of a box mean: the horizontal sum of `src`
 * around `s` (zero-padded) is scaled and stored in the ring at `o`, added to the column sums
 * from `c`, and the row `old` at `at` (the one leaving the window, or zeros) taken off them.
 */
function boxRow(
  src: Float32Array, s: number, w: number, r: number, invX: Float32Array,
  ring: Float32Array, o: number, old: Float32Array, at: number,
  sums: Float64Array, c: number,
): void {
  // The running sums are doubles, added to before they are subtracted from, and rounded to
  // Float32 where each pass used to store its own plane: the arithmetic the box means have
  // always had, which their last bits depend on. Adding or subtracting the padding's +0
  // changes no sum: a sum that starts at +0 is never -0, and x + 0 = x - 0 = x for any other x.
  let acc = 0;
  for (let j = s; j < s + r; j++) acc += src[j];
  for (let x = 0; x < w; x++) {
    acc += src[s + x + r];
    acc -= src[s + x - r - 1];
    const v = Math.fround(acc * invX[x]);
    ring[o + x] = v;
    const sum = sums[c + x] + v - old[at + x];
    sums[c + x] = sum;
  }
}

/** boxRow for four planes, `stride` apart in `src` and w apart in the ring and the sums: the same arithmetic for each. */
function boxRow4(
  src: Float32Array, s: number, stride: number, w: number, r: number, invX: Float32Array,
  ring: Float32Array, o: number, old: Float32Array, at: number,
  sums: Float64Array, c: number,
): void {
  const s1 = s + stride, s2 = s1 + stride, s3 = s2 + stride;
  let acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
  for (let j = 0; j < r; j++) {
    acc0 += src[s + j];
    acc1 += src[s1 + j];
    acc2 += src[s2 + j];
    acc3 += src[s3 + j];
  }
  const back = r + 1;
  for (let x = 0; x < w; x++) {
    acc0 += src[s + x + r];
    acc0 -= src[s + x - back];
    acc1 += src[s1 + x + r];
    acc1 -= src[s1 + x - back];
    acc2 += src[s2 + x + r];
    acc2 -= src[s2 + x - back];
    acc3 += src[s3 + x + r];
    acc3 -= src[s3 + x - back];
    const f = invX[x];
    const v0 = Math.fround(acc0 * f), v1 = Math.fround(acc1 * f), v2 = Math.fround(acc2 * f), v3 = Math.fround(acc3 * f);
    const i0 = x, i1 = x + w, i2 = i1 + w, i3 = i2 + w;
    ring[o + i0] = v0;
    ring[o + i1] = v1;
    ring[o + i2] = v2;
    ring[o + i3] = v3;
    const u0 = sums[c + i0] + v0 - old[at + i0];
    const u1 = sums[c + i1] + v1 - old[at + i1];
    const u2 = sums[c + i2] + v2 - old[at + i2];
    const u3 = sums[c + i3] + v3 - old[at + i3];
    sums[c + i0] = u0;
    sums[c + i1] = u1;
    sums[c + i2] = u2;
    sums[c + i3] = u3;
  }
}

/** boxRow4 for five planes. */
function boxRow5(
  src: Float32Array, s: number, stride: number, w: number, r: number, invX: Float32Array,
  ring: Float32Array, o: number, old: Float32Array, at: number,
  sums: Float64Array, c: number,
): void {
  const s1 = s + stride, s2 = s1 + stride, s3 = s2 + stride, s4 = s3 + stride;
  let acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0, acc4 = 0;
  for (let j = 0; j < r; j++) {
    acc0 += src[s + j];
    acc1 += src[s1 + j];
    acc2 += src[s2 + j];
    acc3 += src[s3 + j];
    acc4 += src[s4 + j];
  }
  const back = r + 1;
  for (let x = 0; x < w; x++) {
    acc0 += src[s + x + r];
    acc0 -= src[s + x - back];
    acc1 += src[s1 + x + r];
    acc1 -= src[s1 + x - back];
    acc2 += src[s2 + x + r];
    acc2 -= src[s2 + x - back];
    acc3 += src[s3 + x + r];
    acc3 -= src[s3 + x - back];
    acc4 += src[s4 + x + r];
    acc4 -= src[s4 + x - back];
    const f = invX[x];
    const v0 = Math.fround(acc0 * f), v1 = Math.fround(acc1 * f), v2 = Math.fround(acc2 * f), v3 = Math.fround(acc3 * f), v4 = Math.fround(acc4 * f);
    const i0 = x, i1 = x + w, i2 = i1 + w, i3 = i2 + w, i4 = i3 + w;
    ring[o + i0] = v0;
    ring[o + i1] = v1;
    ring[o + i2] = v2;
    ring[o + i3] = v3;
    ring[o + i4] = v4;
    const u0 = sums[c + i0] + v0 - old[at + i0];
    const u1 = sums[c + i1] + v1 - old[at + i1];
    const u2 = sums[c + i2] + v2 - old[at + i2];
    const u3 = sums[c + i3] + v3 - old[at + i3];
    const u4 = sums[c + i4] + v4 - old[at + i4];
    sums[c + i0] = u0;
    sums[c + i1] = u1;
    sums[c + i2] = u2;
    sums[c + i3] = u3;
    sums[c + i4] = u4;
  }
}

/** Writes the mean over a (2r+1)² box of `src` to `out` (clamped at the borders: divides by the pixels inside). */
export function boxMeanInto(src: Float32Array, out: Float32Array, w: number, h: number, r: number): void {
  const box = boxMeanStream(w, h, r, 1, (y, sums, k) => {
    for (let x = 0, o = y * w; x < w; x++) out[o + x] = sums[x] * k;
  });
  for (let y = 0; y < h; y++) {
    box.row.set(src.subarray(y * w, (y + 1) * w), box.at(0));
    box.push();
  }
}

/**
 * Lowest (`max` false) or highest value over a (2r+1)² box, clamped at the borders. Each
 * pass uses the van Herk / Gil-Werman running extremes over blocks of 2r + 1, so its cost does
 * not grow with r. Which of two equal values is taken matters only when zeros of both signs
 * or NaN are present; then the plain scan (boxExtremeScan) is used, which takes the first,
 * as it is for small boxes.
 */
export function boxExtreme(src: Float32Array, w: number, h: number, r: number, max: boolean): Float32Array {
  // Up to a 5×5 box the scan is as fast (measured: r 2 1.1x the scan's time, r 3 0.7x, r 13 0.3x).
  if (r <= 2) return boxExtremeScan(src, w, h, r, max);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v !== v || (v === 0 && 1 / v < 0)) return boxExtremeScan(src, w, h, r, max);
  }
  const sign = max ? 1 : -1, k = 2 * r + 1, n = w * h;
  // Written for the maximum of sign·value, so one loop serves both.
  const tmp = new Float32Array(n);
  // Along x, per column: where a block starts and ends, and how each clamped window is read.
  const starts = new Uint8Array(w), ends = new Uint8Array(w), how = new Uint8Array(w);
  for (let x = 0; x < w; x++) {
    starts[x] = x % k === 0 ? 1 : 0;
    ends[x] = x === w - 1 || (x + 1) % k === 0 ? 1 : 0;
    const lo = Math.max(0, x - r), hi = Math.min(w - 1, x + r);
    how[x] = Math.floor(lo / k) !== Math.floor(hi / k) ? 2 : lo % k === 0 ? 1 : 0;
  }
  const line = new Float64Array(w), fromStart = new Float64Array(w), toEnd = new Float64Array(w);
  for (let y = 0, row = 0; y < h; y++, row += w) {
    for (let x = 0; x < w; x++) line[x] = sign * src[row + x];
    for (let x = 0; x < w; x++) fromStart[x] = starts[x] || line[x] > fromStart[x - 1] ? line[x] : fromStart[x - 1];
    for (let x = w - 1; x >= 0; x--) toEnd[x] = ends[x] || line[x] > toEnd[x + 1] ? line[x] : toEnd[x + 1];
    for (let x = 0; x < w; x++) {
      // Two blocks: the end of lo's and the start of hi's. One: from its start to hi, or
      // from lo to its end (then hi is the clamped last column).
      const a = toEnd[x > r ? x - r : 0], b = fromStart[x + r < w ? x + r : w - 1], m = how[x];
      tmp[row + x] = m === 2 ? (a > b ? a : b) : m === 1 ? b : a;
    }
  }
  const down = new Float32Array(n), up = new Float32Array(n), out = new Float32Array(n);
  for (let y = 0, row = 0; y < h; y++, row += w) {
    if (y % k === 0) down.set(tmp.subarray(row, row + w), row);
    else for (let x = 0; x < w; x++) down[row + x] = tmp[row + x] > down[row - w + x] ? tmp[row + x] : down[row - w + x];
  }
  for (let y = h - 1, row = y * w; y >= 0; y--, row -= w) {
    if (y === h - 1 || (y + 1) % k === 0) up.set(tmp.subarray(row, row + w), row);
    else for (let x = 0; x < w; x++) up[row + x] = tmp[row + x] > up[row + w + x] ? tmp[row + x] : up[row + w + x];
  }
  for (let y = 0, row = 0; y < h; y++, row += w) {
    const lo = y > r ? y - r : 0, hi = y + r < h ? y + r : h - 1;
    const a = lo * w, b = hi * w;
    if (Math.floor(lo / k) === Math.floor(hi / k)) {
      // One block: from its start to hi, or from lo to its (clamped) end.
      const plane = lo % k === 0 ? down : up, o = lo % k === 0 ? b : a;
      for (let x = 0; x < w; x++) out[row + x] = plane[o + x] * sign;
    } else {
      for (let x = 0; x < w; x++) out[row + x] = (up[a + x] > down[b + x] ? up[a + x] : down[b + x]) * sign;
    }
  }
  return out;
}

/** boxExtreme by scanning each window: the first of equal values, NaN never the extreme. */
function boxExtremeScan(src: Float32Array, w: number, h: number, r: number, max: boolean): Float32Array {
  const sign = max ? 1 : -1;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let v = -Infinity;
      for (let k = row + Math.max(0, x - r), end = row + Math.min(w - 1, x + r); k <= end; k++) {
        const s = sign * src[k];
        if (s > v) v = s;
      }
      tmp[row + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    out.set(tmp.subarray(row, row + w), row);
    for (let k = Math.max(0, y - r), end = Math.min(h - 1, y + r); k <= end; k++) {
      const o = k * w;
      for (let x = 0; x < w; x++) if (tmp[o + x] > out[row + x]) out[row + x] = tmp[o + x];
    }
    for (let x = 0; x < w; x++) out[row + x] *= sign;
  }
  return out;
}

/** Source index pair and weight for bilinear sampling of `src` samples onto `dst`, centres aligned. */
export function bilinearAxis(src: number, dst: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(dst), i1 = new Int32Array(dst), f = new Float32Array(dst);
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    const c = Math.min(src - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const lo = Math.floor(c);
    i0[i] = lo;
    i1[i] = Math.min(src - 1, lo + 1);
    f[i] = c - lo;
  }
  return { i0, i1, f };
}

const toByte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0);

/**
 * Calls `row(y, lines, ax)` for every output row with each S×S plane interpolated
 * vertically to that row (`lines[k]`, S values); the caller interpolates along x with
 * `ax`. Only S-long buffers are allocated, whatever the output size.
 */
function forEachRow(
  planes: Float32Array[],
  size: number,
  width: number,
  height: number,
  row: (y: number, lines: Float32Array[], ax: ReturnType<typeof bilinearAxis>) => void,
): void {
  const ax = bilinearAxis(size, width);
  const ay = bilinearAxis(size, height);
  const lines = planes.map(() => new Float32Array(size));
  let lastR0 = -1, lastFy = -1;
  for (let y = 0; y < height; y++) {
    const r0 = ay.i0[y] * size, r1 = ay.i1[y] * size, fy = ay.f[y];
    if (r0 !== lastR0 || fy !== lastFy) {
      for (let k = 0; k < planes.length; k++) {
        const p = planes[k], line = lines[k];
        for (let x = 0; x < size; x++) line[x] = p[r0 + x] + (p[r1 + x] - p[r0 + x]) * fy;
      }
      lastR0 = r0;
      lastFy = fy;
    }
    row(y, lines, ax);
  }
}

/** Plain bilinear upsampling of the S×S map to `width`×`height` (the baseline). */
export function upsampleAlpha(map: Float32Array, size: number, width: number, height: number): AlphaMatte {
  const data = new Uint8Array(width * height);
  forEachRow([map], size, width, height, (y, [line], { i0, i1, f }) => {
    for (let x = 0, o = y * width; x < width; x++, o++) {
      const a = line[i0[x]];
      data[o] = toByte(a + (line[i1[x]] - a) * f[x]);
    }
  });
  return { width, height, data };
}

/**
 * The guided filter's smoothed coefficients (a0, a1, a2, b: alpha ≈ a·RGB + b) for a
 * w×h map with its guide (3 planes in [0, 1], CHW): fitted in every (2r+1)² window, then
 * averaged over the windows that cover each pixel.
 */
export function guidedCoefficients(map: Float32Array, guide: Float32Array, w: number, h: number, options: RefineOptions): Float32Array[] {
  const n = w * h;
  const { radius: r, epsilon: eps } = options;
  const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  // The second box mean, of the coefficients, is fed row by row by the first's solve.
  const w2 = 2 * w, w3 = 3 * w, w4 = 4 * w, w5 = 5 * w, w6 = 6 * w, w7 = 7 * w, w8 = 8 * w, w9 = 9 * w, w10 = 10 * w, w11 = 11 * w, w12 = 12 * w;
  const [o0, o1, o2, o3] = out;
  const smooth = boxMeanStream(w, h, r, 4, (y, sums, k) => {
    for (let x = 0, o = y * w; x < w; x++, o++) {
      o0[o] = sums[x] * k;
      o1[o] = sums[w + x] * k;
      o2[o] = sums[w2 + x] * k;
      o3[o] = sums[w3 + x] * k;
    }
  });
  const coefficients = smooth.row;
  const a0 = smooth.at(0), a1 = smooth.at(1), a2 = smooth.at(2), a3 = smooth.at(3);
  // Means of I0, I1, I2, p, I0·p, I1·p, I2·p, I0·I0, I0·I1, I0·I2, I1·I1, I1·I2, I2·I2, in that order.
  const means = boxMeanStream(w, h, r, 13, (_y, m, k) => {
    const f = Math.fround;
    for (let x = 0; x < w; x++) {
      // Each mean rounded to Float32, as when it had a plane of its own.
      const m0 = f(m[x] * k), m1 = f(m[w + x] * k), m2 = f(m[w2 + x] * k), pm = f(m[w3 + x] * k);
      const mp0 = f(m[w4 + x] * k), mp1 = f(m[w5 + x] * k), mp2 = f(m[w6 + x] * k);
      const m00 = f(m[w7 + x] * k), m01 = f(m[w8 + x] * k), m02 = f(m[w9 + x] * k);
      const m11 = f(m[w10 + x] * k), m12 = f(m[w11 + x] * k), m22 = f(m[w12 + x] * k);
      // Covariance of the guide's colours (3×3, symmetric) plus eps·I, and of colour with alpha.
      const s00 = m00 - m0 * m0 + eps, s01 = m01 - m0 * m1, s02 = m02 - m0 * m2;
      const s11 = m11 - m1 * m1 + eps, s12 = m12 - m1 * m2, s22 = m22 - m2 * m2 + eps;
      const c0 = mp0 - m0 * pm, c1 = mp1 - m1 * pm, c2 = mp2 - m2 * pm;
      // Inverse by cofactors.
      const i00 = s11 * s22 - s12 * s12, i01 = s02 * s12 - s01 * s22, i02 = s01 * s12 - s02 * s11;
      const i11 = s00 * s22 - s02 * s02, i12 = s01 * s02 - s00 * s12, i22 = s00 * s11 - s01 * s01;
      const det = s00 * i00 + s01 * i01 + s02 * i02;
      const x0 = (i00 * c0 + i01 * c1 + i02 * c2) / det;
      const x1 = (i01 * c0 + i11 * c1 + i12 * c2) / det;
      const x2 = (i02 * c0 + i12 * c1 + i22 * c2) / det;
      coefficients[a0 + x] = x0;
      coefficients[a1 + x] = x1;
      coefficients[a2 + x] = x2;
      coefficients[a3 + x] = pm - x0 * m0 - x1 * m1 - x2 * m2;
    }
    smooth.push();
  });
  const rows = means.row;
  const at = Array.from({ length: 13 }, (_, q) => means.at(q));
  const [, , , , q4, q5, q6, q7, q8, q9, q10, q11, q12] = at;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const I0 = guide.subarray(o, o + w), I1 = guide.subarray(n + o, n + o + w), I2 = guide.subarray(2 * n + o, 2 * n + o + w);
    const p = map.subarray(o, o + w);
    rows.set(I0, at[0]);
    rows.set(I1, at[1]);
    rows.set(I2, at[2]);
    rows.set(p, at[3]);
    // Each product is rounded to Float32 here, as it was in its own plane.
    for (let x = 0; x < w; x++) {
      const g0 = I0[x], g1 = I1[x], g2 = I2[x], v = p[x];
      rows[q4 + x] = g0 * v;
      rows[q5 + x] = g1 * v;
      rows[q6 + x] = g2 * v;
      rows[q7 + x] = g0 * g0;
      rows[q8 + x] = g0 * g1;
      rows[q9 + x] = g0 * g2;
      rows[q10 + x] = g1 * g1;
      rows[q11 + x] = g1 * g2;
      rows[q12 + x] = g2 * g2;
    }
    means.push();
  }
  return out;
}

/** For each x, the end (exclusive) of the run of equal `i0` values it is in. */
function runEnds(i0: Int32Array): Int32Array {
  const n = i0.length, end = new Int32Array(n);
  for (let x = n - 1; x >= 0; x--) end[x] = x + 1 < n && i0[x + 1] === i0[x] ? end[x + 1] : x + 1;
  return end;
}

/**
 * refineAlpha's last step without `bound`: the coefficients interpolated and applied run by
 * run as there, but each map column's vertical interpolation made when a run first needs it
 * (rounded to Float32 as in forEachRow's lines) and handed on to the next run, instead of
 * whole lines per row: no column is interpolated twice and none the photo does not reach.
 */
function applyCoefficients(planes: Float32Array[], size: number, px: Uint8ClampedArray | Uint8Array, data: Uint8Array, width: number, height: number, runs: Int32Array): void {
  const [p0, p1, p2, p3] = planes;
  const { i0, i1, f } = bilinearAxis(size, width);
  const ay = bilinearAxis(size, height);
  const inv = 1 / 255, fr = Math.fround;
  for (let y = 0; y < height; y++) {
    const r0 = ay.i0[y] * size, r1 = ay.i1[y] * size, fy = ay.f[y], row = y * width;
    // The last run's right-hand column, and its four values.
    let last = -1, e0 = 0, e1 = 0, e2 = 0, e3 = 0;
    for (let x = 0; x < width; ) {
      const j0 = i0[x], j1 = i1[x];
      let b0, b1, b2, b3;
      if (j0 === last) {
        b0 = e0; b1 = e1; b2 = e2; b3 = e3;
      } else {
        const a = r0 + j0, b = r1 + j0;
        b0 = fr(p0[a] + (p0[b] - p0[a]) * fy);
        b1 = fr(p1[a] + (p1[b] - p1[a]) * fy);
        b2 = fr(p2[a] + (p2[b] - p2[a]) * fy);
        b3 = fr(p3[a] + (p3[b] - p3[a]) * fy);
      }
      if (j1 === j0) {
        e0 = b0; e1 = b1; e2 = b2; e3 = b3;
      } else {
        const a = r0 + j1, b = r1 + j1;
        e0 = fr(p0[a] + (p0[b] - p0[a]) * fy);
        e1 = fr(p1[a] + (p1[b] - p1[a]) * fy);
        e2 = fr(p2[a] + (p2[b] - p2[a]) * fy);
        e3 = fr(p3[a] + (p3[b] - p3[a]) * fy);
      }
      last = j1;
      const d0 = e0 - b0, d1 = e1 - b1, d2 = e2 - b2, d3 = e3 - b3;
      for (let o = row + x, end = runs[x]; x < end; x++, o++) {
        const fx = f[x], p = o * 4;
        data[o] = toByte(((b0 + d0 * fx) * px[p] + (b1 + d1 * fx) * px[p + 1] + (b2 + d2 * fx) * px[p + 2]) * inv + (b3 + d3 * fx));
      }
    }
  }
}

/**
 * Guided upsampling: fits alpha ≈ a·RGB + b in every (2r+1)² window of the S×S map with
 * the photo at S×S as guide, then applies the smoothed coefficients to the full-size
 * photo, within the map's own local range when `bound` > 0.
 */
export function refineAlpha(map: Float32Array, input: ModelInput, image: RgbaImage, options: RefineOptions = DEFAULT_REFINE): AlphaMatte {
  const { size } = input;
  const { bound = 0 } = options;
  const planes = guidedCoefficients(map, input.guide, size, size, options);
  if (bound > 0) planes.push(boxExtreme(map, size, size, bound, false), boxExtreme(map, size, size, bound, true));
  const { width, height, data: px } = image;
  const data = new Uint8Array(width * height);
  const inv = 1 / 255;
  // Photo columns between the same two map columns form one run (i0 never decreases along
  // a row), so each run reads its coefficients once and only fx and the colours per pixel:
  // the same arithmetic as per pixel, in the same order. The runs are the same in every row.
  const runs = runEnds(bilinearAxis(size, width).i0);
  if (!(bound > 0)) {
    applyCoefficients(planes, size, px, data, width, height, runs);
    return { width, height, data };
  }
  forEachRow(planes, size, width, height, (y, lines, { i0, i1, f }) => {
    const [l0, l1, l2, l3, lo, hi] = lines;
    const row = y * width;
    for (let x = 0; x < width; ) {
      const j0 = i0[x], j1 = i1[x];
      const b0 = l0[j0], d0 = l0[j1] - b0, b1 = l1[j0], d1 = l1[j1] - b1;
      const b2 = l2[j0], d2 = l2[j1] - b2, b3 = l3[j0], d3 = l3[j1] - b3;
      const end = runs[x];
      if (lo) {
        const blo = lo[j0], dlo = lo[j1] - blo, bhi = hi[j0], dhi = hi[j1] - bhi;
        for (let o = row + x; x < end; x++, o++) {
          const fx = f[x], p = o * 4;
          let v = (((b0 + d0 * fx) * px[p] + (b1 + d1 * fx) * px[p + 1] + (b2 + d2 * fx) * px[p + 2]) * inv) + (b3 + d3 * fx);
          const vlo = blo + dlo * fx, vhi = bhi + dhi * fx;
          v = v < vlo ? vlo : v > vhi ? vhi : v;
          data[o] = toByte(v);
        }
      } else {
        for (let o = row + x; x < end; x++, o++) {
          const fx = f[x], p = o * 4;
          data[o] = toByte(((b0 + d0 * fx) * px[p] + (b1 + d1 * fx) * px[p + 1] + (b2 + d2 * fx) * px[p + 2]) * inv + (b3 + d3 * fx));
        }
      }
    }
  });
  return { width, height, data };
}
