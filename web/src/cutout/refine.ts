/**
 * Refine stage: the network's S×S probability map -> an alpha matte at the photo's own
 * size. `upsampleAlpha` is the plain bilinear baseline. `refineAlpha` is a fast guided
 * filter (He & Sun, 2015) with the photo's colours as the guide: the local linear model
 * alpha ≈ a·RGB + b is fitted at the network's resolution, and its coefficients are
 * upsampled and applied to the full-resolution photo, so the edges follow the photo's own
 * hair and fur rather than a blurred 1024-pixel blob.
 */
import type { AlphaMatte, RgbaImage } from './image.ts';
import type { ModelInput } from './preprocess.ts';

/** Guided-filter settings, in pixels and intensities of the network's resolution. */
export interface RefineOptions {
  /** Box radius of the local linear model. */
  radius: number;
  /** Regulariser: larger keeps alpha smoother, smaller follows colour edges harder. */
  epsilon: number;
}

export const DEFAULT_REFINE: RefineOptions = { radius: 4, epsilon: 1e-3 };

/** Mean over a (2r+1)² box, clamped at the borders (divides by the pixels inside). */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let x = 0; x <= Math.min(r, w - 1); x++) acc += src[row + x];
    for (let x = 0; x < w; x++) {
      const lo = x - r - 1, hi = x + r;
      if (hi < w && x > 0) acc += src[row + hi];
      if (lo >= 0) acc -= src[row + lo];
      tmp[row + x] = acc / (Math.min(w - 1, hi) - Math.max(0, x - r) + 1);
    }
  }
  const col = new Float32Array(w);
  for (let y = 0; y <= Math.min(r, h - 1); y++) for (let x = 0; x < w; x++) col[x] += tmp[y * w + x];
  for (let y = 0; y < h; y++) {
    const lo = y - r - 1, hi = y + r;
    if (hi < h && y > 0) for (let x = 0; x < w; x++) col[x] += tmp[hi * w + x];
    if (lo >= 0) for (let x = 0; x < w; x++) col[x] -= tmp[lo * w + x];
    const n = Math.min(h - 1, hi) - Math.max(0, y - r) + 1;
    for (let x = 0; x < w; x++) out[y * w + x] = col[x] / n;
  }
  return out;
}

/** Source coordinate and weights for bilinear sampling of `src` samples onto `dst`. */
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
 * Calls `emit(o, values)` for every output pixel with the bilinear samples of each S×S
 * plane at that pixel; row by row, so nothing full-size but the output is allocated.
 */
function sampleBilinear(planes: Float32Array[], size: number, width: number, height: number, emit: (o: number, v: Float32Array) => void): void {
  const ax = bilinearAxis(size, width);
  const ay = bilinearAxis(size, height);
  const v = new Float32Array(planes.length);
  for (let y = 0; y < height; y++) {
    const r0 = ay.i0[y] * size, r1 = ay.i1[y] * size, fy = ay.f[y];
    for (let x = 0; x < width; x++) {
      const c0 = ax.i0[x], c1 = ax.i1[x], fx = ax.f[x];
      for (let k = 0; k < planes.length; k++) {
        const p = planes[k];
        const top = p[r0 + c0] + (p[r0 + c1] - p[r0 + c0]) * fx;
        const bottom = p[r1 + c0] + (p[r1 + c1] - p[r1 + c0]) * fx;
        v[k] = top + (bottom - top) * fy;
      }
      emit(y * width + x, v);
    }
  }
}

/** Plain bilinear upsampling of the S×S map to `width`×`height` (the baseline). */
export function upsampleAlpha(map: Float32Array, size: number, width: number, height: number): AlphaMatte {
  const data = new Uint8Array(width * height);
  sampleBilinear([map], size, width, height, (o, v) => { data[o] = toByte(v[0]); });
  return { width, height, data };
}

/**
 * Guided upsampling: fits alpha ≈ a·RGB + b in every (2r+1)² window of the S×S map with
 * the photo at S×S as guide, then applies the smoothed coefficients to the full-size photo.
 */
export function refineAlpha(map: Float32Array, input: ModelInput, image: RgbaImage, options: RefineOptions = DEFAULT_REFINE): AlphaMatte {
  const { size } = input;
  const n = size * size;
  const { radius: r, epsilon: eps } = options;
  const I = [input.guide.subarray(0, n), input.guide.subarray(n, 2 * n), input.guide.subarray(2 * n, 3 * n)];
  const box = (p: Float32Array) => boxMean(p, size, size, r);
  const product = (a: Float32Array, b: Float32Array) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
    return out;
  };
  const mI = I.map(box);
  const mp = box(map);
  const mIp = I.map((c) => box(product(c, map)));
  const pairs: [number, number][] = [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]];
  const mII = pairs.map(([a, b]) => box(product(I[a], I[b])));
  const a0 = new Float32Array(n), a1 = new Float32Array(n), a2 = new Float32Array(n), bb = new Float32Array(n);
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
  const planes = [box(a0), box(a1), box(a2), box(bb)];
  const { width, height, data: px } = image;
  const data = new Uint8Array(width * height);
  const inv = 1 / 255;
  sampleBilinear(planes, size, width, height, (o, v) => {
    const p = o * 4;
    data[o] = toByte((v[0] * px[p] + v[1] * px[p + 1] + v[2] * px[p + 2]) * inv + v[3]);
  });
  return { width, height, data };
}
