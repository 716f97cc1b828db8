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
 * the photo. Memory: one Int32 per photo pixel (which band pixel each is), about 140
 * bytes per band pixel (its 25-entry row of L and the solver's vectors) and one float per
 * pixel of the band's bounding box (a copy of the solver's search direction, see BandGrid).
 */
import type { AlphaMatte, RgbaImage } from './image.ts';
import { bilinearAxis, DEFAULT_REFINE, type GuideRows, guidedCoefficientRows } from './refine.ts';
import { dilateRuns, erodeRuns, type MaskRuns, runsArea, runsBetween, runsOfMask } from './mask-runs.ts';
import { resizeRgbAndMatteBytes } from './resample.ts';

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
  // A wide band (plants-1's leaves, 9% of the photo) ran to 77 iterations; stopping at 60
  // left the dev set's means unchanged to the 4th decimal and no photo's MAE worse by
  // 0.0001, while a looser tolerance (2e-3 and up) cost boundary F in the 4th decimal
  // (docs/model-frontier.md, "Matting: the solver's stopping rule").
  iterations: 60,
  tolerance: 1e-3,
};

const toByte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0);
/** A byte's value in [0, 1] as float32: what storing v / 255 in a Float32Array gives, looked up. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** The band as runs over the photo (the pixels re-estimated), and the radius it was grown by. */
export function bandRuns(alpha: AlphaMatte, mapSize: number, options: Pick<MattingOptions, 'band' | 'minBand' | 'soft' | 'thickness'>): { runs: MaskRuns; radius: number } {
  const { width: w, height: h, data: a } = alpha;
  const lo = options.soft * 255, hi = 255 - lo;
  const radius = Math.max(options.minBand, Math.round((options.band * Math.max(w, h)) / mapSize));
  if (options.thickness <= 0) return { runs: dilateRuns(runsOfMask(softAndContour(alpha, lo, hi), w, h), radius), radius };
  // An opening: regions thinner than 2·thin + 1 pixels vanish, the others keep their extent.
  const thin = Math.max(1, Math.round((options.thickness * Math.max(w, h)) / mapSize));
  return { runs: dilateRuns(erodeRuns(runsBetween(a, w, h, lo, hi), thin), thin + radius), radius };
}

/** The semi-transparent pixels (alpha strictly between `lo` and `hi`) and both sides of the 0.5 contour. */
function softAndContour(alpha: AlphaMatte, lo: number, hi: number): Uint8Array {
  const { width: w, height: h, data: a } = alpha;
  const seed = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, v = a[i];
      if (v > lo && v < hi) {
        seed[i] = 1;
        continue;
      }
      // The contour: a pixel whose right or lower neighbour is on the other side of 0.5.
      const fg = v >= 128;
      if ((x + 1 < w && a[i + 1] >= 128 !== fg) || (y + 1 < h && a[i + w] >= 128 !== fg)) {
        seed[i] = 1;
        if (x + 1 < w) seed[i + 1] = 1;
        if (y + 1 < h) seed[i + w] = 1;
      }
    }
  }
  return seed;
}

/**
 * The rows of L + λI for the band's pixels, each as 25 coefficients over its 5×5
 * neighbourhood (two pixels share a 3×3 window only within it), and the right-hand side:
 * λα₀ minus L's coupling to the pixels outside the band, whose alpha is known. `alpha` is
 * the matte's bytes, `index` each photo pixel's band number + 1 (0 outside the band),
 * `windows` the band grown by one pixel (the centres of the windows that touch it).
 */
function buildSystem(
  image: RgbaImage,
  alpha: Uint8Array,
  index: Int32Array,
  pixels: Int32Array,
  windows: MaskRuns,
  options: MattingOptions,
): { rows: Float32Array; rhs: Float32Array } {
  const { width: w, height: h, data: px } = image;
  const n = pixels.length;
  const rows = new Float32Array(n * 25);
  const inv255 = 1 / 255;
  const eps = options.epsilon / 9;
  const win = new Int32Array(9);
  const d = new Float64Array(27);
  // Each window whose 3×3 holds a band pixel adds its share to those pixels' rows, the
  // windows taken in scan order (the order the rows' float32 sums were always made in).
  const { start, x: xs } = windows;
  for (let y = 1; y < h - 1; y++) {
    for (let t = start[y]; t < start[y + 1]; t++) for (let x = Math.max(1, xs[2 * t]), end = Math.min(w - 1, xs[2 * t + 1]); x < end; x++) {
      const c = y * w + x;
      for (let k = 0, dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++, k++) win[k] = c + dy * w + dx;
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
        const u = index[win[ki]] - 1;
        if (u < 0) continue;
        const a0 = d[ki * 3], a1 = d[ki * 3 + 1], a2 = d[ki * 3 + 2];
        const v0 = q00 * a0 + q01 * a1 + q02 * a2, v1 = q01 * a0 + q11 * a1 + q12 * a2, v2 = q02 * a0 + q12 * a1 + q22 * a2;
        // The nine window pixels written out at their fixed places in the row of 25, r + (kj / 3)·5
        // + kj % 3 (ki itself at the centre, 12): constant offsets, no table read per coefficient.
        const r = u * 25 + 12 - ((ki / 3) | 0) * 5 - (ki % 3);
        rows[r] += (ki === 0 ? 1 : 0) - (1 + v0 * d[0] + v1 * d[1] + v2 * d[2]) / 9;
        rows[r + 1] += (ki === 1 ? 1 : 0) - (1 + v0 * d[3] + v1 * d[4] + v2 * d[5]) / 9;
        rows[r + 2] += (ki === 2 ? 1 : 0) - (1 + v0 * d[6] + v1 * d[7] + v2 * d[8]) / 9;
        rows[r + 5] += (ki === 3 ? 1 : 0) - (1 + v0 * d[9] + v1 * d[10] + v2 * d[11]) / 9;
        rows[r + 6] += (ki === 4 ? 1 : 0) - (1 + v0 * d[12] + v1 * d[13] + v2 * d[14]) / 9;
        rows[r + 7] += (ki === 5 ? 1 : 0) - (1 + v0 * d[15] + v1 * d[16] + v2 * d[17]) / 9;
        rows[r + 10] += (ki === 6 ? 1 : 0) - (1 + v0 * d[18] + v1 * d[19] + v2 * d[20]) / 9;
        rows[r + 11] += (ki === 7 ? 1 : 0) - (1 + v0 * d[21] + v1 * d[22] + v2 * d[23]) / 9;
        rows[r + 12] += (ki === 8 ? 1 : 0) - (1 + v0 * d[24] + v1 * d[25] + v2 * d[26]) / 9;
      }
    }
  }
  // λ on the diagonal; the known neighbours' terms move to the right-hand side (their
  // coefficients are zeroed, so the solver's products see the band alone).
  const rhs = new Float32Array(n);
  for (let u = 0; u < n; u++) {
    const p = pixels[u], row = u * 25;
    const ap = UNIT[alpha[p]];
    const c = 2 * ap - 1;
    const prior = options.prior + (options.confidentPrior - options.prior) * c * c;
    rows[row + 12] += prior;
    let b = prior * ap;
    for (let k = 0; k < 25; k++) {
      const coef = rows[row + k];
      if (coef === 0) continue;
      const q = p + (((k / 5) | 0) - 2) * w + (k % 5) - 2;
      if (index[q] === 0) {
        b -= coef * UNIT[alpha[q]];
        rows[row + k] = 0;
      }
    }
    rhs[u] = b;
  }
  return { rows, rhs };
}

/**
 * Where the solver keeps the vector multiply() reads: the band's bounding box grown by two
 * pixels on every side (`width` wide, `size` in all), so each band pixel's 5×5 neighbourhood
 * lies in it at fixed offsets and is read in five runs of five, with no list of which band
 * pixel each coefficient couples to (a load fewer per product, and 4 bytes fewer per
 * coefficient to stream); `at` is each band pixel's place in it. Pixels outside the band hold 0.
 */
export interface BandGrid {
  width: number;
  size: number;
  at: Int32Array;
}

/**
 * y = A·x for the band's system (rows of 25 over each pixel's 5×5 neighbourhood), returning
 * x·y, with x on the grid. A coefficient whose neighbour is outside the band is 0 and so is
 * that neighbour's x, so it adds +0 (a sum that starts at +0 is never −0, and s + 0 = s for
 * every other s): the sums are those of the band's pixels alone.
 *
 * Each pixel's 25 products are added in the order they always were; four pixels are summed
 * side by side, since one pixel's sum is a chain of dependent additions the processor would
 * otherwise wait on. x·y adds the products of y as stored (float32), pixel after pixel.
 */
export function multiply(rows: Float32Array, x: Float32Array, y: Float32Array, grid: BandGrid): number {
  const n = y.length, at = grid.at, gw = grid.width;
  let xy = 0, u = 0;
  for (; u + 3 < n; u += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    // The top-left corner of each pixel's 5×5 neighbourhood, moved down a row at a time.
    let g0 = at[u] - 2 * gw - 2, g1 = at[u + 1] - 2 * gw - 2, g2 = at[u + 2] - 2 * gw - 2, g3 = at[u + 3] - 2 * gw - 2;
    if (g3 === g0 + 3) {
      // Four pixels side by side (most of a wide band): each row of their neighbourhoods is
      // eight values of x, read once for all four.
      for (let k = u * 25, end = k + 25; k < end; k += 5, g0 += gw) {
        const x0 = x[g0], x1 = x[g0 + 1], x2 = x[g0 + 2], x3 = x[g0 + 3], x4 = x[g0 + 4], x5 = x[g0 + 5], x6 = x[g0 + 6], x7 = x[g0 + 7];
        s0 += rows[k] * x0; s1 += rows[k + 25] * x1; s2 += rows[k + 50] * x2; s3 += rows[k + 75] * x3;
        s0 += rows[k + 1] * x1; s1 += rows[k + 26] * x2; s2 += rows[k + 51] * x3; s3 += rows[k + 76] * x4;
        s0 += rows[k + 2] * x2; s1 += rows[k + 27] * x3; s2 += rows[k + 52] * x4; s3 += rows[k + 77] * x5;
        s0 += rows[k + 3] * x3; s1 += rows[k + 28] * x4; s2 += rows[k + 53] * x5; s3 += rows[k + 78] * x6;
        s0 += rows[k + 4] * x4; s1 += rows[k + 29] * x5; s2 += rows[k + 54] * x6; s3 += rows[k + 79] * x7;
      }
    } else {
      for (let k = u * 25, end = k + 25; k < end; k += 5, g0 += gw, g1 += gw, g2 += gw, g3 += gw) {
        for (let c = 0; c < 5; c++) {
          s0 += rows[k + c] * x[g0 + c];
          s1 += rows[k + 25 + c] * x[g1 + c];
          s2 += rows[k + 50 + c] * x[g2 + c];
          s3 += rows[k + 75 + c] * x[g3 + c];
        }
      }
    }
    y[u] = s0;
    y[u + 1] = s1;
    y[u + 2] = s2;
    y[u + 3] = s3;
    xy += x[at[u]] * y[u];
    xy += x[at[u + 1]] * y[u + 1];
    xy += x[at[u + 2]] * y[u + 2];
    xy += x[at[u + 3]] * y[u + 3];
  }
  for (; u < n; u++) {
    let s = 0;
    let g = at[u] - 2 * gw - 2;
    for (let k = u * 25, end = k + 25; k < end; k += 5, g += gw) for (let c = 0; c < 5; c++) s += rows[k + c] * x[g + c];
    y[u] = s;
    xy += x[at[u]] * y[u];
  }
  return xy;
}

/**
 * Solves A·x = b by Jacobi-preconditioned conjugate gradients from x's values, in place;
 * returns the iterations run. The search direction p is kept twice: by band pixel for the
 * vector updates, and on the grid for multiply() (a copy written as p is updated, cheaper
 * than reaching p through the grid in every update).
 */
function solve(rows: Float32Array, grid: BandGrid, b: Float32Array, x: Float32Array, options: MattingOptions): number {
  const n = b.length, at = grid.at;
  const r = new Float32Array(n), z = new Float32Array(n), p = new Float32Array(n), q = new Float32Array(n);
  // p again, on the grid, for multiply().
  const pg = new Float32Array(grid.size);
  const invDiag = new Float32Array(n);
  for (let u = 0; u < n; u++) invDiag[u] = 1 / rows[u * 25 + 12];
  // A·x first, with x put on the grid where p will be.
  for (let u = 0; u < n; u++) pg[at[u]] = x[u];
  multiply(rows, pg, q, grid);
  let rz = 0;
  for (let u = 0; u < n; u++) {
    r[u] = b[u] - q[u];
    z[u] = r[u] * invDiag[u];
    p[u] = z[u];
    pg[at[u]] = z[u];
    rz += r[u] * z[u];
  }
  const stop = rz * options.tolerance * options.tolerance;
  let it = 0;
  for (; it < options.iterations && rz > stop && rz > 0; it++) {
    const pq = multiply(rows, pg, q, grid);
    const step = rz / pq;
    let next = 0;
    for (let u = 0; u < n; u++) {
      x[u] += step * p[u];
      // What r[u] and z[u] read back as once stored (float32).
      const ru = Math.fround(r[u] - step * q[u]), zu = Math.fround(ru * invDiag[u]);
      r[u] = ru;
      z[u] = zu;
      next += ru * zu;
    }
    const beta = next / rz;
    rz = next;
    for (let u = 0; u < n; u++) {
      const v = Math.fround(z[u] + beta * p[u]);
      p[u] = v;
      pg[at[u]] = v;
    }
  }
  return it;
}

/**
 * The matte with its edge band re-estimated by closed-form matting (a new matte; the same
 * values outside the band). `mapSize` is the side of the network's map the matte came
 * from, which sets the band's width. A photo larger than `maxSide` is solved at that size
 * and the result brought back to the photo's by the guided filter, in the band alone.
 * `solved`, if given, hears how many solver iterations ran (for tuning the stopping rule).
 */
export function matteEdges(
  image: RgbaImage,
  matte: AlphaMatte,
  mapSize: number,
  options: MattingOptions = DEFAULT_MATTING,
  solved?: (iterations: number) => void,
): AlphaMatte {
  const { width: w, height: h } = matte;
  if (image.width !== w || image.height !== h) throw new Error(`the matte is ${w}x${h}, the photo ${image.width}x${image.height}`);
  const scale = options.maxSide / Math.max(w, h);
  if (scale >= 1) {
    const data = matte.data.slice();
    const iterations = solveBand(image, matte.data, bandRuns(matte, mapSize, options).runs, options, data);
    solved?.(iterations);
    return { width: w, height: h, data };
  }
  const ws = Math.max(1, Math.round(w * scale)), hs = Math.max(1, Math.round(h * scale));
  // The working matte comes in bytes; the band's pixels are solved in place.
  const { image: small, matte: smallData } = resizeRgbAndMatteBytes(image, matte, ws, hs);
  const { runs } = bandRuns({ width: ws, height: hs, data: smallData }, mapSize, options);
  const data = matte.data.slice();
  // No band: the guided filter would be applied nowhere.
  if (runsArea(runs) === 0) return { width: w, height: h, data };
  const iterations = solveBand(small, smallData, runs, options, smallData);
  solved?.(iterations);
  // The guided filter's coefficients at the working size, made a row at a time from the
  // working photo's and matte's bytes (the float32 values of v / 255 its planes held) and
  // applied to the photo's own colours as they come: no working-size plane is stored.
  const px = small.data;
  const guideRows: GuideRows = (y, rows, g0, g1, g2, p) => {
    for (let x = 0, i = y * ws, q = i * 4; x < ws; x++, i++, q += 4) {
      rows[g0 + x] = UNIT[px[q]];
      rows[g1 + x] = UNIT[px[q + 1]];
      rows[g2 + x] = UNIT[px[q + 2]];
      rows[p + x] = UNIT[smallData[i]];
    }
  };
  // The working rows below the band's last (and the one after it, which photo rows near it
  // lie towards) are needed by no photo row.
  let bottom = hs - 1;
  while (runs.start[bottom] === runs.start[bottom + 1]) bottom--;
  guidedCoefficientRows(ws, hs, DEFAULT_REFINE, guideRows, bandApplier(image, data, runs, ws, hs), Math.min(hs - 1, bottom + 1));
  return { width: w, height: h, data };
}

/** The grid over the band's bounding box (see BandGrid), the band's pixels placed in scan order. */
function bandGrid(band: MaskRuns): BandGrid {
  const { height: h, start, x: xs } = band;
  let top = 0, bottom = h, left = Infinity, right = 0;
  while (start[top] === start[top + 1]) top++;
  while (start[bottom - 1] === start[bottom]) bottom--;
  for (let t = start[top]; t < start[bottom]; t++) {
    left = Math.min(left, xs[2 * t]);
    right = Math.max(right, xs[2 * t + 1]);
  }
  const width = right - left + 4, at = new Int32Array(runsArea(band));
  for (let y = top, u = 0; y < bottom; y++) {
    for (let t = start[y]; t < start[y + 1]; t++) for (let g = (y - top + 2) * width + xs[2 * t] - left + 2, end = g + xs[2 * t + 1] - xs[2 * t]; g < end; g++) at[u++] = g;
  }
  return { width, size: width * (bottom - top + 4), at };
}

/** Calls `f` with the index of every pixel of the runs, in scan order. */
function forEachRunPixel(runs: MaskRuns, f: (i: number) => void): void {
  const { width: w, height: h, start, x } = runs;
  for (let y = 0; y < h; y++) for (let t = start[y]; t < start[y + 1]; t++) for (let i = y * w + x[2 * t], end = y * w + x[2 * t + 1]; i < end; i++) f(i);
}

/**
 * The guided filter's coefficients (a0, a1, a2, b at the `ws`×`hs` working size) applied,
 * bilinearly interpolated, to the photo's own colours at the pixels whose nearest working
 * pixel is in `band`, written into `data`. Fed the coefficients' working rows in order
 * (`push(j, sums, k)`: coefficient q of column x is sums[q·ws + x]·k, stored as float32), as
 * guidedCoefficientRows makes them: each photo row is made as soon as both working rows it
 * lies between are known, from a ring of the last two (the same values as the planes held,
 * so the same sums), so the working-size planes are never stored (25 MB of fresh memory at 1536 px).
 */
export function bandApplier(image: RgbaImage, data: Uint8Array, band: MaskRuns, ws: number, hs: number) {
  const { width: w, height: h } = image;
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
  // Working row j of coefficient q at (j & 1)·ws in ring q.
  const a0 = new Float32Array(2 * ws), a1 = new Float32Array(2 * ws), a2 = new Float32Array(2 * ws), b = new Float32Array(2 * ws);
  let y = 0;
  return (j: number, sums: Float64Array, k: number): void => {
    const at = (j & 1) * ws;
    for (let x = 0, s1 = ws, s2 = 2 * ws, s3 = 3 * ws; x < ws; x++) {
      a0[at + x] = sums[x] * k;
      a1[at + x] = sums[s1 + x] * k;
      a2[at + x] = sums[s2 + x] * k;
      b[at + x] = sums[s3 + x] * k;
    }
    for (; y < h && ay.i1[y] <= j; y++) {
      const fy = ay.f[y], near = fy < 0.5 ? ay.i0[y] : ay.i1[y];
      bandRow(a0, a1, a2, b, (ay.i0[y] & 1) * ws, (ay.i1[y] & 1) * ws, fy, band, near, runStart, runEnd, ax, image.data, data, y * w);
    }
  };
}

/** One photo row of bandApplier: the band's runs in working row `near`, from ring rows r0 and r1 with weight fy. */
function bandRow(
  a0: Float32Array, a1: Float32Array, a2: Float32Array, b: Float32Array, r0: number, r1: number, fy: number,
  band: MaskRuns, near: number, runStart: Int32Array, runEnd: Int32Array, ax: ReturnType<typeof bilinearAxis>,
  px: Uint8ClampedArray | Uint8Array, data: Uint8Array, row: number,
): void {
  const { start, x: bx } = band;
  const inv = 1 / 255;
  for (let t = start[near]; t < start[near + 1]; t++) for (let j = bx[2 * t]; j < bx[2 * t + 1]; j++) {
    for (let x = runStart[j], o = row + x; x < runEnd[j]; x++, o++) {
      const j0 = ax.i0[x], j1 = ax.i1[x], fx = ax.f[x];
      // Bilinear weights of the four working pixels around this one.
      const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      const k00 = r0 + j0, k01 = r0 + j1, k10 = r1 + j0, k11 = r1 + j1;
      const c0 = a0[k00] * w00 + a0[k01] * w01 + a0[k10] * w10 + a0[k11] * w11;
      const c1 = a1[k00] * w00 + a1[k01] * w01 + a1[k10] * w10 + a1[k11] * w11;
      const c2 = a2[k00] * w00 + a2[k01] * w01 + a2[k10] * w10 + a2[k11] * w11;
      const c3 = b[k00] * w00 + b[k01] * w01 + b[k10] * w10 + b[k11] * w11;
      const p = o * 4;
      const v = (c0 * px[p] + c1 * px[p + 1] + c2 * px[p + 2]) * inv + c3;
      data[o] = v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0;
    }
  }
}

/**
 * Re-estimates the pixels of `band` in the matte `alpha` (bytes at the photo's size) and
 * writes them to `out` (which may be `alpha` itself: it is read before any is written);
 * returns the solver's iterations.
 */
function solveBand(image: RgbaImage, alpha: Uint8Array, band: MaskRuns, options: MattingOptions, out: Uint8Array): number {
  const { width: w, height: h } = image;
  const n = runsArea(band);
  if (n === 0) return 0;
  // Each photo pixel's band number + 1, 0 outside the band: a zeroed array is written only
  // where the band is (filling 4 bytes a pixel with −1 cost more than the rest at 1 MP).
  const index = new Int32Array(w * h);
  const pixels = new Int32Array(n);
  let u = 0;
  forEachRunPixel(band, (i) => {
    pixels[u] = i;
    index[i] = ++u;
  });
  const { rows, rhs } = buildSystem(image, alpha, index, pixels, dilateRuns(band, 1), options);
  const x = new Float32Array(n);
  for (let u = 0; u < n; u++) x[u] = UNIT[alpha[pixels[u]]];
  const iterations = solve(rows, bandGrid(band), rhs, x, options);
  for (let u = 0; u < n; u++) out[pixels[u]] = toByte(x[u]);
  return iterations;
}
