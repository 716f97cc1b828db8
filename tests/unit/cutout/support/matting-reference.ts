/**
 * web/src/cutout/matting.ts as it was at 52f86b8 (main, 2 December 2026), before the band's
 * bookkeeping, dilation and large-photo path were made faster: kept verbatim as the
 * specification of the new code's output, bit for bit. Only the imports changed (and the
 * exports, renamed with a Reference suffix where a test needs them).
 */
/**
 * Matting stage: photo + alpha matte -> the matte re-estimated in a band around its edge by
 * closed-form matting (Levin, Lischinski & Weiss, "A Closed-Form Solution to Natural Image
 * Matting", PAMI 2008). In every 3×3 window alpha is taken to be an affine function of the
 * colour, alpha ≈ a·RGB + b; that gives the matting Laplacian L, and α^T L α measures how
 * far a matte is from that model. Outside the band the matte is kept as it is (the
 * network is confident there) and serves as the constraints; inside it, alpha minimises
 *   α^T L α + λ Σ_band (α − α₀)²
 * where α₀ is the matte given: λ keeps the network's answer where the colours say nothing.
 * That is a sparse symmetric positive definite system over the band's pixels alone, solved
 * by conjugate gradients with a Jacobi preconditioner, starting from α₀.
 *
 * The band is every pixel within `band` of a semi-transparent pixel or of the matte's
 * 0.5 contour, `band` given in the network's map pixels (its uncertainty) and scaled to
 * the photo. Memory: one Int32 per photo pixel (which band pixel each is) and about 120
 * bytes per band pixel (its 25-entry row of L and the solver's vectors).
 */
import type { AlphaMatte, RgbaImage } from '../../../../web/src/cutout/image.ts';
import { bilinearAxis, DEFAULT_REFINE } from '../../../../web/src/cutout/refine.ts';
import { guidedCoefficientsReference as guidedCoefficients } from './refine-reference.ts';
import { resizeRgbAndMatte } from './resample-reference.ts';

export interface MattingOptions {
  /** Half-width of the band, in the network's map pixels (at least `minBand` photo pixels). */
  band: number;
  /** The least half-width of the band in photo pixels. */
  minBand: number;
  /** Alpha strictly between this and 1 − this (in [0, 1]) marks a pixel semi-transparent. */
  soft: number;
  /**
   * 0: the band grows from every semi-transparent pixel and from the 0.5 contour. Above 0:
   * only from semi-transparent regions at least about twice this many map pixels thick
   * (hair, fur, blur), so a crisp edge the network drew is left as it is.
   */
  thickness: number;
  /** ε: regulariser of each window's colour covariance (colours in [0, 1]). */
  epsilon: number;
  /** λ: how strongly the band is held to the matte given where it is 0.5. */
  prior: number;
  /** λ where the matte given is 0 or 1; in between it goes with (2α₀ − 1)². */
  confidentPrior: number;
  /** Photos with a longer side are solved at this side, then brought back by the guided filter. */
  maxSide: number;
  /** At most this many conjugate-gradient iterations. */
  iterations: number;
  /** Stop when the preconditioned residual falls below this share of the first one. */
  tolerance: number;
}

export const DEFAULT_MATTING: MattingOptions = {
  band: 1.5,
  minBand: 2,
  soft: 0.25,
  thickness: 1,
  epsilon: 1e-5,
  prior: 0.01,
  confidentPrior: 0.3,
  maxSide: 1536,
  iterations: 200,
  tolerance: 1e-3,
};

const toByte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0);

/** The band as a mask over the photo (1 = re-estimated), and the radius it was grown by. */
export function edgeBandReference(alpha: AlphaMatte, mapSize: number, options: Pick<MattingOptions, 'band' | 'minBand' | 'soft' | 'thickness'>): { mask: Uint8Array; radius: number } {
  const { width: w, height: h, data: a } = alpha;
  const lo = options.soft * 255, hi = 255 - lo;
  const seed = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, v = a[i];
      if (v > lo && v < hi) {
        seed[i] = 1;
        continue;
      }
      if (options.thickness > 0) continue;
      // The contour: a pixel whose right or lower neighbour is on the other side of 0.5.
      const fg = v >= 128;
      if ((x + 1 < w && a[i + 1] >= 128 !== fg) || (y + 1 < h && a[i + w] >= 128 !== fg)) {
        seed[i] = 1;
        if (x + 1 < w) seed[i + 1] = 1;
        if (y + 1 < h) seed[i + w] = 1;
      }
    }
  }
  const radius = Math.max(options.minBand, Math.round((options.band * Math.max(w, h)) / mapSize));
  if (options.thickness <= 0) return { mask: dilateReference(seed, w, h, radius), radius };
  // An opening: regions thinner than 2·thin + 1 pixels vanish, the others keep their extent.
  const thin = Math.max(1, Math.round((options.thickness * Math.max(w, h)) / mapSize));
  for (let i = 0; i < w * h; i++) seed[i] ^= 1;
  const core = dilateReference(seed, w, h, thin);
  for (let i = 0; i < w * h; i++) core[i] ^= 1;
  return { mask: dilateReference(core, w, h, thin + radius), radius };
}

/** Square dilation of a 0/1 mask by `r` pixels (separable, running counts). */
export function dilateReference(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const tmp = new Uint8Array(w * h), out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let count = 0;
    for (let x = 0; x < Math.min(r, w); x++) count += mask[row + x];
    for (let x = 0; x < w; x++) {
      if (x + r < w) count += mask[row + x + r];
      if (x - r - 1 >= 0) count -= mask[row + x - r - 1];
      tmp[row + x] = count > 0 ? 1 : 0;
    }
  }
  const counts = new Int32Array(w);
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) counts[x] += tmp[y * w + x];
  for (let y = 0; y < h; y++) {
    if (y + r < h) for (let x = 0, o = (y + r) * w; x < w; x++) counts[x] += tmp[o + x];
    if (y - r - 1 >= 0) for (let x = 0, o = (y - r - 1) * w; x < w; x++) counts[x] -= tmp[o + x];
    for (let x = 0, o = y * w; x < w; x++) out[o + x] = counts[x] > 0 ? 1 : 0;
  }
  return out;
}

/**
 * The rows of L + λI for the band's pixels, each as 25 coefficients over its 5×5
 * neighbourhood (two pixels share a 3×3 window only within it), and the right-hand side:
 * λα₀ minus L's coupling to the pixels outside the band, whose alpha is known.
 */
function buildSystem(
  image: RgbaImage,
  alpha: Float32Array,
  index: Int32Array,
  pixels: Int32Array,
  options: MattingOptions,
): { rows: Float32Array; rhs: Float32Array } {
  const { width: w, height: h, data: px } = image;
  const n = pixels.length;
  const rows = new Float32Array(n * 25);
  const inv255 = 1 / 255;
  const eps = options.epsilon / 9;
  const win = new Int32Array(9);
  const d = new Float64Array(27);
  // Where in a row of 25 window pixel kj lands, seen from window pixel ki.
  const offset = new Int32Array(81);
  for (let ki = 0; ki < 9; ki++) for (let kj = 0; kj < 9; kj++) offset[ki * 9 + kj] = (((kj / 3) | 0) - ((ki / 3) | 0) + 2) * 5 + (kj % 3) - (ki % 3) + 2;
  // Rows of the photo with a band pixel: a window on rows with none is skipped whole.
  const rowHasBand = new Uint8Array(h);
  for (let u = 0; u < pixels.length; u++) rowHasBand[(pixels[u] / w) | 0] = 1;
  // Each window whose 3×3 holds a band pixel adds its share to those pixels' rows. A
  // window is visited from its band pixels, once: from the first of them in scan order.
  for (let y = 1; y < h - 1; y++) {
    if (!rowHasBand[y - 1] && !rowHasBand[y] && !rowHasBand[y + 1]) continue;
    for (let x = 1; x < w - 1; x++) {
      const c = y * w + x;
      let any = false;
      for (let k = 0, dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++, k++) {
        win[k] = c + dy * w + dx;
        if (index[win[k]] >= 0) any = true;
      }
      if (!any) continue;
      // Mean and covariance of the window's colours.
      let m0 = 0, m1 = 0, m2 = 0;
      for (let k = 0; k < 9; k++) {
        const p = win[k] * 4;
        m0 += px[p]; m1 += px[p + 1]; m2 += px[p + 2];
      }
      m0 *= inv255 / 9; m1 *= inv255 / 9; m2 *= inv255 / 9;
      let s00 = 0, s01 = 0, s02 = 0, s11 = 0, s12 = 0, s22 = 0;
      for (let k = 0; k < 9; k++) {
        const p = win[k] * 4;
        const d0 = px[p] * inv255 - m0, d1 = px[p + 1] * inv255 - m1, d2 = px[p + 2] * inv255 - m2;
        d[k * 3] = d0; d[k * 3 + 1] = d1; d[k * 3 + 2] = d2;
        s00 += d0 * d0; s01 += d0 * d1; s02 += d0 * d2; s11 += d1 * d1; s12 += d1 * d2; s22 += d2 * d2;
      }
      s00 = s00 / 9 + eps; s01 /= 9; s02 /= 9; s11 = s11 / 9 + eps; s12 /= 9; s22 = s22 / 9 + eps;
      // Inverse by cofactors (symmetric).
      const i00 = s11 * s22 - s12 * s12, i01 = s02 * s12 - s01 * s22, i02 = s01 * s12 - s02 * s11;
      const i11 = s00 * s22 - s02 * s02, i12 = s01 * s02 - s00 * s12, i22 = s00 * s11 - s01 * s01;
      const det = s00 * i00 + s01 * i01 + s02 * i02;
      const q00 = i00 / det, q01 = i01 / det, q02 = i02 / det, q11 = i11 / det, q12 = i12 / det, q22 = i22 / det;
      for (let ki = 0; ki < 9; ki++) {
        const u = index[win[ki]];
        if (u < 0) continue;
        const a0 = d[ki * 3], a1 = d[ki * 3 + 1], a2 = d[ki * 3 + 2];
        const v0 = q00 * a0 + q01 * a1 + q02 * a2, v1 = q01 * a0 + q11 * a1 + q12 * a2, v2 = q02 * a0 + q12 * a1 + q22 * a2;
        const row = u * 25, o = ki * 9;
        for (let kj = 0; kj < 9; kj++) {
          const value = (ki === kj ? 1 : 0) - (1 + v0 * d[kj * 3] + v1 * d[kj * 3 + 1] + v2 * d[kj * 3 + 2]) / 9;
          rows[row + offset[o + kj]] += value;
        }
      }
    }
  }
  // λ on the diagonal; the known neighbours' terms move to the right-hand side (their
  // coefficients are zeroed, so the solver's products see the band alone).
  const rhs = new Float32Array(n);
  for (let u = 0; u < n; u++) {
    const p = pixels[u], row = u * 25;
    const c = 2 * alpha[p] - 1;
    const prior = options.prior + (options.confidentPrior - options.prior) * c * c;
    rows[row + 12] += prior;
    let b = prior * alpha[p];
    for (let k = 0; k < 25; k++) {
      const coef = rows[row + k];
      if (coef === 0) continue;
      const q = p + (((k / 5) | 0) - 2) * w + (k % 5) - 2;
      if (index[q] < 0) {
        b -= coef * alpha[q];
        rows[row + k] = 0;
      }
    }
    rhs[u] = b;
  }
  return { rows, rhs };
}

/**
 * Where each band pixel's five rows of neighbours start in the band's numbering, when all five
 * of a row are band pixels (then they are numbered one after another, the band being numbered
 * in scan order), else −1: such a row is read from `runs` alone, not from `neighbours`.
 */
export function neighbourRunsReference(neighbours: Int32Array): Int32Array {
  const n = neighbours.length / 25;
  const runs = new Int32Array(n * 5);
  for (let u = 0; u < n; u++) {
    for (let r = 0; r < 5; r++) {
      const o = u * 25 + r * 5, j = neighbours[o];
      let whole = j >= 0;
      for (let k = 1; k < 5 && whole; k++) whole = neighbours[o + k] === j + k;
      runs[u * 5 + r] = whole ? j : -1;
    }
  }
  return runs;
}

/**
 * y = A·x for the band's system (rows of 25 over each pixel's 5×5 neighbourhood), returning
 * x·y. A row of five band pixels is read as a run; the others through `neighbours`, skipping
 * those outside the band: the same products added in the same order either way, so the same sums.
 */
export function multiplyReference(rows: Float32Array, x: Float32Array, y: Float32Array, neighbours: Int32Array, runs: Int32Array): number {
  const n = x.length;
  let xy = 0;
  for (let u = 0; u < n; u++) {
    let s = 0;
    for (let r = 0, o = u * 25, t = u * 5; r < 5; r++, o += 5, t++) {
      const j = runs[t];
      if (j >= 0) {
        s += rows[o] * x[j];
        s += rows[o + 1] * x[j + 1];
        s += rows[o + 2] * x[j + 2];
        s += rows[o + 3] * x[j + 3];
        s += rows[o + 4] * x[j + 4];
        continue;
      }
      for (let k = o; k < o + 5; k++) {
        const i = neighbours[k];
        if (i >= 0) s += rows[k] * x[i];
      }
    }
    y[u] = s;
    // x·y as the solver's separate loop summed it: y read back as stored (float32).
    xy += x[u] * y[u];
  }
  return xy;
}

/** Solves A·x = b by Jacobi-preconditioned conjugate gradients from x's values, in place; returns the iterations run. */
function solve(rows: Float32Array, neighbours: Int32Array, b: Float32Array, x: Float32Array, options: MattingOptions): number {
  const n = b.length;
  const runs = neighbourRunsReference(neighbours);
  const r = new Float32Array(n), z = new Float32Array(n), p = new Float32Array(n), q = new Float32Array(n);
  const invDiag = new Float32Array(n);
  for (let u = 0; u < n; u++) invDiag[u] = 1 / rows[u * 25 + 12];
  multiplyReference(rows, x, q, neighbours, runs);
  let rz = 0;
  for (let u = 0; u < n; u++) {
    r[u] = b[u] - q[u];
    z[u] = r[u] * invDiag[u];
    p[u] = z[u];
    rz += r[u] * z[u];
  }
  const stop = rz * options.tolerance * options.tolerance;
  let it = 0;
  for (; it < options.iterations && rz > stop && rz > 0; it++) {
    const pq = multiplyReference(rows, p, q, neighbours, runs);
    const step = rz / pq;
    let next = 0;
    for (let u = 0; u < n; u++) {
      x[u] += step * p[u];
      r[u] -= step * q[u];
      z[u] = r[u] * invDiag[u];
      next += r[u] * z[u];
    }
    const beta = next / rz;
    rz = next;
    for (let u = 0; u < n; u++) p[u] = z[u] + beta * p[u];
  }
  return it;
}

/**
 * The matte with its edge band re-estimated by closed-form matting (a new matte; the same
 * values outside the band). `mapSize` is the side of the network's map the matte came
 * from, which sets the band's width. A photo larger than `maxSide` is solved at that size
 * and the result brought back to the photo's by the guided filter, in the band alone.
 */
export function matteEdgesReference(image: RgbaImage, matte: AlphaMatte, mapSize: number, options: MattingOptions = DEFAULT_MATTING): AlphaMatte {
  const { width: w, height: h } = matte;
  if (image.width !== w || image.height !== h) throw new Error(`the matte is ${w}x${h}, the photo ${image.width}x${image.height}`);
  const scale = options.maxSide / Math.max(w, h);
  if (scale >= 1) return solveBand(image, matte, mapSize, options).matte;
  const ws = Math.max(1, Math.round(w * scale)), hs = Math.max(1, Math.round(h * scale));
  const { image: small, matte: shrunk } = resizeRgbAndMatte(image, matte, ws, hs);
  const smallData = new Uint8Array(ws * hs);
  for (let i = 0; i < ws * hs; i++) smallData[i] = toByte(shrunk[i]);
  const solved = solveBand(small, { width: ws, height: hs, data: smallData }, mapSize, options);
  // The guided filter's coefficients at the working size, applied to the photo's own colours.
  const n = ws * hs;
  const guide = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) guide[c * n + i] = small.data[i * 4 + c] / 255;
  const solvedAlpha = shrunk;
  for (let i = 0; i < n; i++) solvedAlpha[i] = solved.matte.data[i] / 255;
  return applyInBandReference(image, matte, solved.mask, guidedCoefficients(solvedAlpha, guide, ws, hs, DEFAULT_REFINE), ws, hs);
}

/**
 * The guided filter's coefficients (a0, a1, a2, b at the `ws`×`hs` working size) applied,
 * bilinearly interpolated, to the photo's own colours at the pixels whose nearest working
 * pixel is in `mask`; the matte elsewhere (a new matte).
 */
export function applyInBandReference(image: RgbaImage, matte: AlphaMatte, mask: Uint8Array, coefficients: Float32Array[], ws: number, hs: number): AlphaMatte {
  const { width: w, height: h } = matte;
  const [a0, a1, a2, b] = coefficients;
  const ax = bilinearAxis(ws, w), ay = bilinearAxis(hs, h);
  // The nearest working column never decreases along a row, so each working column owns
  // one run of photo columns (none when the photo is narrower): only the band's runs are
  // visited, not the whole photo (1% of it at 24 megapixels).
  const runStart = new Int32Array(ws).fill(w), runEnd = new Int32Array(ws);
  for (let x = 0; x < w; x++) {
    const j = ax.f[x] < 0.5 ? ax.i0[x] : ax.i1[x];
    if (x < runStart[j]) runStart[j] = x;
    runEnd[j] = x + 1;
  }
  const data = matte.data.slice();
  const px = image.data, inv = 1 / 255;
  for (let y = 0; y < h; y++) {
    const r0 = ay.i0[y] * ws, r1 = ay.i1[y] * ws, fy = ay.f[y];
    const near = fy < 0.5 ? r0 : r1;
    for (let j = 0; j < ws; j++) {
      if (!mask[near + j]) continue;
      for (let x = runStart[j], o = y * w + x; x < runEnd[j]; x++, o++) {
        const j0 = ax.i0[x], j1 = ax.i1[x], fx = ax.f[x];
        // Bilinear weights of the four working pixels around this one.
        const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        const k00 = r0 + j0, k01 = r0 + j1, k10 = r1 + j0, k11 = r1 + j1;
        const c0 = a0[k00] * w00 + a0[k01] * w01 + a0[k10] * w10 + a0[k11] * w11;
        const c1 = a1[k00] * w00 + a1[k01] * w01 + a1[k10] * w10 + a1[k11] * w11;
        const c2 = a2[k00] * w00 + a2[k01] * w01 + a2[k10] * w10 + a2[k11] * w11;
        const c3 = b[k00] * w00 + b[k01] * w01 + b[k10] * w10 + b[k11] * w11;
        const p = o * 4;
        data[o] = toByte((c0 * px[p] + c1 * px[p + 1] + c2 * px[p + 2]) * inv + c3);
      }
    }
  }
  return { width: w, height: h, data };
}

/** The band of `matte` re-estimated at its own size (a new matte), and the band's mask. */
function solveBand(image: RgbaImage, matte: AlphaMatte, mapSize: number, options: MattingOptions): { matte: AlphaMatte; mask: Uint8Array } {
  const { width: w, height: h } = matte;
  const { mask } = edgeBandReference(matte, mapSize, options);
  const index = new Int32Array(w * h).fill(-1);
  let n = 0;
  for (let i = 0; i < w * h; i++) if (mask[i]) index[i] = n++;
  const data = matte.data.slice();
  if (n === 0) return { matte: { width: w, height: h, data }, mask };
  const pixels = new Int32Array(n);
  for (let i = 0; i < w * h; i++) if (index[i] >= 0) pixels[index[i]] = i;
  const alpha = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) alpha[i] = matte.data[i] / 255;
  const { rows, rhs } = buildSystem(image, alpha, index, pixels, options);
  // Which band pixel each coefficient couples to (−1: none, its coefficient is 0).
  const neighbours = new Int32Array(n * 25).fill(-1);
  for (let u = 0; u < n; u++) {
    const p = pixels[u], x = p % w, y = (p - x) / w;
    for (let k = 0; k < 25; k++) {
      const xx = x + (k % 5) - 2, yy = y + ((k / 5) | 0) - 2;
      if (xx >= 0 && xx < w && yy >= 0 && yy < h) neighbours[u * 25 + k] = index[yy * w + xx];
    }
  }
  const x = new Float32Array(n);
  for (let u = 0; u < n; u++) x[u] = alpha[pixels[u]];
  solve(rows, neighbours, rhs, x, options);
  for (let u = 0; u < n; u++) data[pixels[u]] = toByte(x[u]);
  return { matte: { width: w, height: h, data }, mask };
}
