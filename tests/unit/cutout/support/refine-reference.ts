/**
 * web/src/cutout/refine.ts as it was at 861a26a (main, 2 December 2026), before the guided
 * filter was streamed row by row: kept verbatim as the specification of the new code's
 * output, bit for bit. Only the imports changed, and RefineOptions gained back `bound`, which
 * the app dropped (scripts/tune-refine.ts still tries it here).
 */
import type { AlphaMatte, RgbaImage } from '../../../../web/src/cutout/image.ts';
import type { ModelInput } from '../../../../web/src/cutout/preprocess.ts';
import { DEFAULT_REFINE, type RefineOptions as GuidedOptions } from '../../../../web/src/cutout/refine.ts';

export interface RefineOptions extends GuidedOptions {
  /**
   * Radius of the neighbourhood whose lowest and highest map values bound the result
   * (0, the default: unbounded, the plain guided filter). Where the map is confidently 0
   * or 1 all around, the result is then the map; only near its transitions can colour
   * reshape it.
   */
  bound?: number;
}

/** Writes the mean over a (2r+1)² box of `src` to `out` (clamped at the borders: divides by the pixels inside); `tmp` is scratch. */
export function boxMeanIntoReference(src: Float32Array, out: Float32Array, tmp: Float32Array, w: number, h: number, r: number): void {
  // 1 / (number of taps inside the image) for each position along x and along y.
  const invX = new Float32Array(w), invY = new Float32Array(h);
  for (let x = 0; x < w; x++) invX[x] = 1 / (Math.min(w - 1, x + r) - Math.max(0, x - r) + 1);
  for (let y = 0; y < h; y++) invY[y] = 1 / (Math.min(h - 1, y + r) - Math.max(0, y - r) + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let x = 0; x <= Math.min(r, w - 1); x++) acc += src[row + x];
    for (let x = 0; x < w; x++) {
      const lo = x - r - 1, hi = x + r;
      if (hi < w && x > 0) acc += src[row + hi];
      if (lo >= 0) acc -= src[row + lo];
      tmp[row + x] = acc * invX[x];
    }
  }
  const col = new Float64Array(w);
  for (let y = 0; y <= Math.min(r, h - 1); y++) for (let x = 0; x < w; x++) col[x] += tmp[y * w + x];
  for (let y = 0; y < h; y++) {
    const lo = y - r - 1, hi = y + r;
    if (hi < h && y > 0) for (let x = 0, o = hi * w; x < w; x++) col[x] += tmp[o + x];
    if (lo >= 0) for (let x = 0, o = lo * w; x < w; x++) col[x] -= tmp[o + x];
    const k = invY[y];
    for (let x = 0, o = y * w; x < w; x++) out[o + x] = col[x] * k;
  }
}

/** Lowest (`max` false) or highest value over a (2r+1)² box, clamped at the borders. */
export function boxExtremeReference(src: Float32Array, w: number, h: number, r: number, max: boolean): Float32Array {
  const sign = max ? 1 : -1;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  // Written for the maximum of sign·value, so one loop serves both.
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
function bilinearAxis(src: number, dst: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
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

/**
 * The guided filter's smoothed coefficients (a0, a1, a2, b: alpha ≈ a·RGB + b) for a
 * w×h map with its guide (3 planes in [0, 1], CHW): fitted in every (2r+1)² window, then
 * averaged over the windows that cover each pixel.
 */
export function guidedCoefficientsReference(map: Float32Array, guide: Float32Array, w: number, h: number, options: RefineOptions): Float32Array[] {
  const n = w * h;
  const { radius: r, epsilon: eps } = options;
  const I = [guide.subarray(0, n), guide.subarray(n, 2 * n), guide.subarray(2 * n, 3 * n)];
  const tmp = new Float32Array(n), prod = new Float32Array(n);
  const box = (src: Float32Array) => {
    const out = new Float32Array(n);
    boxMeanIntoReference(src, out, tmp, w, h, r);
    return out;
  };
  const boxProduct = (a: Float32Array, b: Float32Array) => {
    for (let i = 0; i < n; i++) prod[i] = a[i] * b[i];
    return box(prod);
  };
  const mI = I.map(box);
  const mp = box(map);
  const mIp = I.map((c) => boxProduct(c, map));
  const pairs: [number, number][] = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]];
  const mII = pairs.map(([a, b]) => boxProduct(I[a], I[b]));
  // The coefficients overwrite planes that are no longer needed once read.
  const [a0, a1, a2] = mIp, bb = mp;
  for (let i = 0; i < n; i++) {
    const m0 = mI[0][i], m1 = mI[1][i], m2 = mI[2][i], pm = mp[i];
    // Covariance of the guide's colours (3×3, symmetric) plus eps·I, and of colour with alpha.
    const s00 = mII[0][i] - m0 * m0 + eps, s01 = mII[1][i] - m0 * m1, s02 = mII[2][i] - m0 * m2;
    const s11 = mII[3][i] - m1 * m1 + eps, s12 = mII[4][i] - m1 * m2, s22 = mII[5][i] - m2 * m2 + eps;
    const c0 = mIp[0][i] - m0 * pm, c1 = mIp[1][i] - m1 * pm, c2 = mIp[2][i] - m2 * pm;
    // Inverse by cofactors.
    const i00 = s11 * s22 - s12 * s12, i01 = s02 * s12 - s01 * s22, i02 = s01 * s12 - s02 * s11;
    const i11 = s00 * s22 - s02 * s02, i12 = s01 * s02 - s00 * s12, i22 = s00 * s11 - s01 * s01;
    const det = s00 * i00 + s01 * i01 + s02 * i02;
    const x0 = (i00 * c0 + i01 * c1 + i02 * c2) / det;
    const x1 = (i01 * c0 + i11 * c1 + i12 * c2) / det;
    const x2 = (i02 * c0 + i12 * c1 + i22 * c2) / det;
    a0[i] = x0; a1[i] = x1; a2[i] = x2;
    bb[i] = pm - x0 * m0 - x1 * m1 - x2 * m2;
  }
  // The smoothed coefficients go into four of the covariance planes, read for the last time above.
  return [a0, a1, a2, bb].map((c, k) => {
    boxMeanIntoReference(c, mII[k], tmp, w, h, r);
    return mII[k];
  });
}

/**
 * Guided upsampling: fits alpha ≈ a·RGB + b in every (2r+1)² window of the S×S map with
 * the photo at S×S as guide, then applies the smoothed coefficients to the full-size
 * photo, within the map's own local range when `bound` > 0.
 */
export function refineAlphaReference(map: Float32Array, input: ModelInput, image: RgbaImage, options: RefineOptions = DEFAULT_REFINE): AlphaMatte {
  const { size } = input;
  const { bound = 0 } = options;
  const planes = guidedCoefficientsReference(map, input.guide, size, size, options);
  if (bound > 0) planes.push(boxExtremeReference(map, size, size, bound, false), boxExtremeReference(map, size, size, bound, true));
  const { width, height, data: px } = image;
  const data = new Uint8Array(width * height);
  const inv = 1 / 255;
  // Photo columns between the same two map columns form one run (i0 never decreases along
  // a row), so each run reads its coefficients once and only fx and the colours per pixel:
  // the same arithmetic as per pixel, in the same order.
  forEachRow(planes, size, width, height, (y, lines, { i0, i1, f }) => {
    const [l0, l1, l2, l3, lo, hi] = lines;
    const row = y * width;
    for (let x = 0; x < width; ) {
      const j0 = i0[x], j1 = i1[x];
      const b0 = l0[j0], d0 = l0[j1] - b0, b1 = l1[j0], d1 = l1[j1] - b1;
      const b2 = l2[j0], d2 = l2[j1] - b2, b3 = l3[j0], d3 = l3[j1] - b3;
      let end = x + 1;
      while (end < width && i0[end] === j0) end++;
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
