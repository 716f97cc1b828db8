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
 * stretched. Bounding the result by the map's local range changed nothing (tune-refine's
 * --bound still tries it, with the tests' reference code).
 */
import type { AlphaMatte, RgbaImage } from './image.ts';
import { boxMeanStream } from './box.ts';
import type { ModelInput } from './preprocess.ts';

/** Guided-filter settings, in pixels and intensities of the network's resolution. */
export interface RefineOptions {
  /** Box radius of the local linear model. */
  radius: number;
  /** Regulariser: larger keeps alpha smoother, smaller follows colour edges harder. */
  epsilon: number;
}

export const DEFAULT_REFINE: RefineOptions = { radius: 1, epsilon: 1e-4 };

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

/** Where red, green and blue sit in a pixel's four bytes read as one 32-bit word on this platform. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const RED = LITTLE_ENDIAN ? 0 : 24, GREEN = LITTLE_ENDIAN ? 8 : 16, BLUE = LITTLE_ENDIAN ? 16 : 8;

/** RGBA bytes as one word a pixel (one load instead of three), copied only if their buffer is not 4-byte aligned. */
function pixelWords(px: Uint8ClampedArray | Uint8Array, count: number): Uint32Array {
  const bytes = px.byteOffset % 4 === 0 ? px : px.slice(0, count * 4);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, count);
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
 * Writes row y of the guide's three planes and of the map (float32 values) to `rows` at
 * g0, g1, g2 and p, w values each.
 */
export type GuideRows = (y: number, rows: Float32Array, g0: number, g1: number, g2: number, p: number) => void;

/** GuideRows of a w×h map and its guide stored whole (3 planes, CHW). */
function planeRows(map: Float32Array, guide: Float32Array, w: number, h: number): GuideRows {
  const n = w * h;
  return (y, rows, g0, g1, g2, p) => {
    const o = y * w;
    rows.set(guide.subarray(o, o + w), g0);
    rows.set(guide.subarray(n + o, n + o + w), g1);
    rows.set(guide.subarray(2 * n + o, 2 * n + o + w), g2);
    rows.set(map.subarray(o, o + w), p);
  };
}

/**
 * The guided filter's smoothed coefficients (a0, a1, a2, b: alpha ≈ a·RGB + b) for a w×h
 * map with its guide (3 planes in [0, 1]): fitted in every (2r+1)² window, then averaged
 * over the windows that cover each pixel. A stream, the guide and map read a row at a time
 * through `input` (so neither need be stored whole): `emit(y, sums, k)` is called for rows
 * 0 to h − 1 in order, with coefficient q of row y at sums[q·w + x]·k (to be stored as a Float32).
 * With `last`, rows after it may be left out: the input stops at the last row it needs
 * (the rows before it are all needed: the box means' running sums carry their rounding).
 */
export function guidedCoefficientRows(
  w: number, h: number, options: RefineOptions, input: GuideRows,
  emit: (y: number, sums: Float64Array, k: number) => void, last = h - 1,
): void {
  const { radius: r, epsilon: eps } = options;
  // The second box mean, of the coefficients, is fed row by row by the first's solve.
  const w2 = 2 * w, w3 = 3 * w, w4 = 4 * w, w5 = 5 * w, w6 = 6 * w, w7 = 7 * w, w8 = 8 * w, w9 = 9 * w, w10 = 10 * w, w11 = 11 * w, w12 = 12 * w;
  const smooth = boxMeanStream(w, h, r, 4, emit);
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
  const [q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12] = at;
  // Coefficient row y is complete once input row y + 2r is in (one box mean after another).
  for (let y = 0, end = Math.min(h, last + 2 * r + 1); y < end; y++) {
    input(y, rows, q0, q1, q2, q3);
    // Each product is rounded to Float32 here, as it was in its own plane.
    for (let x = 0; x < w; x++) {
      const g0 = rows[q0 + x], g1 = rows[q1 + x], g2 = rows[q2 + x], v = rows[q3 + x];
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
}

/** For each x, the end (exclusive) of the run of equal `i0` values it is in. */
function runEnds(i0: Int32Array): Int32Array {
  const n = i0.length, end = new Int32Array(n);
  for (let x = n - 1; x >= 0; x--) end[x] = x + 1 < n && i0[x + 1] === i0[x] ? end[x + 1] : x + 1;
  return end;
}

/**
 * refineAlpha's last step, fed the coefficients' rows as the guided filter makes them
 * (`push(y, sums, k)`, rows in order): each photo row is made as soon as both map
 * rows it lies between are known, from a ring of the last two, so the S×S planes are never
 * stored whole (12.8 MB of fresh memory at 896²) and each row is read while in cache. The
 * coefficients are interpolated and applied run by run: each map column's vertical
 * interpolation (rounded to Float32 as in forEachRow's lines) made when a run first needs it
 * and handed on to the next run: no column is interpolated twice and none the photo does
 * not reach.
 */
function coefficientApplier(size: number, pixels: Uint32Array, data: Uint8Array, width: number, height: number, ax: ReturnType<typeof bilinearAxis>, runs: Int32Array) {
  // Map row j of coefficient q at (j & 1)·size in ring q, stored as the planes stored it.
  const p0 = new Float32Array(2 * size), p1 = new Float32Array(2 * size), p2 = new Float32Array(2 * size), p3 = new Float32Array(2 * size);
  const ay = bilinearAxis(size, height);
  let y = 0;
  return (j: number, sums: Float64Array, k: number): void => {
    const at = (j & 1) * size;
    for (let x = 0, s1 = size, s2 = 2 * size, s3 = 3 * size; x < size; x++) {
      p0[at + x] = sums[x] * k;
      p1[at + x] = sums[s1 + x] * k;
      p2[at + x] = sums[s2 + x] * k;
      p3[at + x] = sums[s3 + x] * k;
    }
    for (; y < height && ay.i1[y] <= j; y++) applyRow(p0, p1, p2, p3, (ay.i0[y] & 1) * size, (ay.i1[y] & 1) * size, ay.f[y], pixels, data, y * width, width, ax, runs);
  };
}

/** One photo row of coefficientApplier, from map rows at r0 and r1 of the planes with weight fy (its own function so the JIT keeps its values in registers, not in a closure's context). */
function applyRow(
  p0: Float32Array, p1: Float32Array, p2: Float32Array, p3: Float32Array, r0: number, r1: number, fy: number,
  pixels: Uint32Array, data: Uint8Array, row: number, width: number, ax: ReturnType<typeof bilinearAxis>, runs: Int32Array,
): void {
  const { i0, i1, f } = ax;
  const inv = 1 / 255, fr = Math.fround;
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
      const fx = f[x], q = pixels[o];
      const v = ((b0 + d0 * fx) * ((q >>> RED) & 255) + (b1 + d1 * fx) * ((q >>> GREEN) & 255) + (b2 + d2 * fx) * ((q >>> BLUE) & 255)) * inv + (b3 + d3 * fx);
      // toByte written out: Chromium's JIT did not always inline it.
      data[o] = v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0;
    }
  }
}

/**
 * Guided upsampling: fits alpha ≈ a·RGB + b in every (2r+1)² window of the S×S map with
 * the photo at S×S as guide, then applies the smoothed coefficients to the full-size
 * photo.
 */
export function refineAlpha(map: Float32Array, input: ModelInput, image: RgbaImage, options: RefineOptions = DEFAULT_REFINE): AlphaMatte {
  const { size } = input;
  const { width, height, data: px } = image;
  const data = new Uint8Array(width * height);
  // Photo columns between the same two map columns form one run (i0 never decreases along
  // a row), so each run reads its coefficients once and only fx and the colours per pixel:
  // the same arithmetic as per pixel, in the same order. The runs are the same in every row.
  const ax = bilinearAxis(size, width), runs = runEnds(ax.i0);
  guidedCoefficientRows(size, size, options, planeRows(map, input.guide, size, size), coefficientApplier(size, pixelWords(px, width * height), data, width, height, ax, runs));
  return { width, height, data };
}
