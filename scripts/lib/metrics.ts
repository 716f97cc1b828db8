/**
 * Quality metrics of an alpha matte against a true mask, for the evaluation. Pure
 * functions on 8-bit planes of one size (row-major, 255 = foreground); an optional
 * ignore plane (>= 128 = leave the pixel out) excludes pixels from every score.
 */

/** A single-channel 8-bit plane. */
export interface Plane {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The scores of one matte. `null` where a score is undefined (nothing to measure). */
export interface Scores {
  /** Mean absolute error of alpha, in [0, 1]. */
  mae: number;
  /** Intersection over union of the masks thresholded at 0.5. */
  iou: number;
  /** Mean absolute error on the pixels within `band` px of the true edge. */
  edgeMae: number | null;
  /** F-measure of the thresholded edges, matched within a tolerance (DAVIS's boundary F). */
  boundaryF: number;
}

export interface ScoreOptions {
  /** Half-width of the edge band, in pixels (Euclidean distance to the true edge). */
  band?: number;
  /** Edge match tolerance in pixels; by default DAVIS's ceil(0.008 · image diagonal). */
  tolerance?: number;
}

/** Edge band half-width used unless told otherwise. */
export const DEFAULT_BAND = 8;

function checkSizes(planes: (Plane | undefined)[]): void {
  const [first] = planes;
  for (const p of planes) {
    if (!p) continue;
    if (p.width !== first!.width || p.height !== first!.height || p.data.length !== p.width * p.height) {
      throw new Error(`plane sizes differ: ${first!.width}x${first!.height} and ${p.width}x${p.height} (${p.data.length} values)`);
    }
  }
}

const ignored = (ignore: Plane | undefined, i: number) => ignore !== undefined && ignore.data[i] >= 128;

/** Mean absolute difference in [0, 1] over the pixels not ignored (0 when none are left). */
export function meanAbsoluteError(alpha: Plane, truth: Plane, ignore?: Plane): number {
  checkSizes([alpha, truth, ignore]);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < alpha.data.length; i++) {
    if (ignored(ignore, i)) continue;
    sum += Math.abs(alpha.data[i] - truth.data[i]);
    n++;
  }
  return n === 0 ? 0 : sum / n / 255;
}

/** IoU of `alpha >= 0.5` and `truth >= 0.5` (1 when both are empty). */
export function iou(alpha: Plane, truth: Plane, ignore?: Plane): number {
  checkSizes([alpha, truth, ignore]);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < alpha.data.length; i++) {
    if (ignored(ignore, i)) continue;
    const a = alpha.data[i] >= 128, t = truth.data[i] >= 128;
    if (a && t) inter++;
    if (a || t) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * Edge pixels of a plane thresholded at 0.5: the foreground pixels with a background
 * 4-neighbour (a one-pixel line just inside the object). The image border is no edge.
 */
export function edgePixels(plane: Plane): Uint8Array {
  const { width: w, height: h, data } = plane;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (data[i] < 128) continue;
      if ((x > 0 && data[i - 1] < 128) || (x < w - 1 && data[i + 1] < 128) || (y > 0 && data[i - w] < 128) || (y < h - 1 && data[i + w] < 128)) out[i] = 1;
    }
  }
  return out;
}

/** 1D squared distance transform of `f` (Felzenszwalb & Huttenlocher, 2012) into `d`. */
function distance1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    if (f[q] === Infinity) continue;
    if (f[v[k]] === Infinity) {
      v[k] = q;
      continue;
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = f[v[k]] === Infinity ? Infinity : (q - v[k]) ** 2 + f[v[k]];
  }
}

/** Exact squared Euclidean distance from every pixel to the nearest set pixel of `seeds`. */
export function squaredDistance(seeds: Uint8Array, width: number, height: number): Float64Array {
  const n = Math.max(width, height);
  const f = new Float64Array(n), d = new Float64Array(n), z = new Float64Array(n + 1);
  const v = new Int32Array(n);
  const out = new Float64Array(width * height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = seeds[y * width + x] ? 0 : Infinity;
    distance1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = out[row + x];
    distance1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[row + x] = d[x];
  }
  return out;
}

/** The pixels within `band` px (Euclidean) of the true edge, as 0/1. */
export function edgeBand(truth: Plane, band = DEFAULT_BAND): Uint8Array {
  const dist = squaredDistance(edgePixels(truth), truth.width, truth.height);
  const out = new Uint8Array(dist.length);
  const limit = band * band;
  for (let i = 0; i < dist.length; i++) out[i] = dist[i] <= limit ? 1 : 0;
  return out;
}

/** Mean absolute error in [0, 1] over the edge band of the truth (null without an edge). */
export function edgeMeanAbsoluteError(alpha: Plane, truth: Plane, ignore?: Plane, band = DEFAULT_BAND): number | null {
  checkSizes([alpha, truth, ignore]);
  const inBand = edgeBand(truth, band);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < inBand.length; i++) {
    if (!inBand[i] || ignored(ignore, i)) continue;
    sum += Math.abs(alpha.data[i] - truth.data[i]);
    n++;
  }
  return n === 0 ? null : sum / n / 255;
}

/** DAVIS's default edge tolerance: ceil(0.008 · diagonal) pixels. */
export function defaultTolerance(width: number, height: number): number {
  return Math.ceil(0.008 * Math.hypot(width, height));
}

/**
 * Boundary F: precision = share of the predicted edge within `tolerance` px of the true
 * edge, recall = share of the true edge within `tolerance` px of the predicted one, F
 * their harmonic mean. 1 when neither has an edge, 0 when only one has. The ignore plane
 * is not applied: where there is one it marks the uncertain band along the true edge, so
 * it would hide the very edge measured, and the tolerance already absorbs that band.
 */
export function boundaryF(alpha: Plane, truth: Plane, tolerance = defaultTolerance(alpha.width, alpha.height)): number {
  checkSizes([alpha, truth]);
  const { width: w, height: h } = alpha;
  const pe = edgePixels(alpha), te = edgePixels(truth);
  const dToTruth = squaredDistance(te, w, h), dToPred = squaredDistance(pe, w, h);
  const limit = tolerance * tolerance;
  let pn = 0, pHit = 0, tn = 0, tHit = 0;
  for (let i = 0; i < pe.length; i++) {
    if (pe[i]) {
      pn++;
      if (dToTruth[i] <= limit) pHit++;
    }
    if (te[i]) {
      tn++;
      if (dToPred[i] <= limit) tHit++;
    }
  }
  if (pn === 0 && tn === 0) return 1;
  if (pn === 0 || tn === 0) return 0;
  const precision = pHit / pn, recall = tHit / tn;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** Every score of one matte against its truth. */
export function scoreMatte(alpha: Plane, truth: Plane, ignore?: Plane, options: ScoreOptions = {}): Scores {
  return {
    mae: meanAbsoluteError(alpha, truth, ignore),
    iou: iou(alpha, truth, ignore),
    edgeMae: edgeMeanAbsoluteError(alpha, truth, ignore, options.band ?? DEFAULT_BAND),
    boundaryF: boundaryF(alpha, truth, options.tolerance),
  };
}

/** Mean of each score over several mattes (an undefined edge MAE is left out of its mean). */
export function meanScores(all: Scores[]): Scores {
  const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const edges = all.map((s) => s.edgeMae).filter((x): x is number => x !== null);
  return {
    mae: mean(all.map((s) => s.mae)),
    iou: mean(all.map((s) => s.iou)),
    edgeMae: edges.length === 0 ? null : mean(edges),
    boundaryF: mean(all.map((s) => s.boundaryF)),
  };
}

/** A score in a report: `digits` decimals, or '-' where there is none (null or NaN). */
export function formatScore(x: number | null, digits = 4): string {
  return x === null || Number.isNaN(x) ? '-' : x.toFixed(digits);
}
