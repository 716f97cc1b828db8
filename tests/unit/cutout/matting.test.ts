import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { DEFAULT_MATTING, matteEdges, multiply } from '../../../web/src/cutout/matting.ts';
import { applyInBand, dilate, edgeBand } from './support/matting-band.ts';
import { bilinearAxis } from '../../../web/src/cutout/refine.ts';
import { disc } from './support/matting-photo.ts';
import { multiplyReference, neighbourRunsReference } from './support/matting-reference.ts';
import { lcg, noisyMatte, noisyRgba } from './support/noisy.ts';

const W = 48, H = 16;
const RED = [230, 20, 30], BLUE = [20, 40, 220];

/** A blend of red over blue: alpha(x) ramps linearly from 0 to 1 across columns [from, to). */
function linearBlend(from: number, to: number): { image: RgbaImage; truth: Float32Array } {
  const data = new Uint8ClampedArray(W * H * 4);
  const truth = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const a = Math.min(1, Math.max(0, (x + 0.5 - from) / (to - from)));
      const i = y * W + x;
      truth[i] = a;
      // Rounded to bytes as a photo is; the blend is exact up to that rounding.
      for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round(a * RED[c] + (1 - a) * BLUE[c]);
      data[i * 4 + 3] = 255;
    }
  }
  return { image: { width: W, height: H, data }, truth };
}

/** A hard matte: 255 from column `edge` on, 0 before it (what a network's coarse mask looks like). */
function stepMatte(edge: number): AlphaMatte {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = edge; x < W; x++) data[y * W + x] = 255;
  return { width: W, height: H, data };
}

describe('matteEdges (closed-form matting in the edge band)', () => {
  // mapSize = W makes the band's half-width `band` photo pixels; a weak prior lets the colours decide.
  const options = { ...DEFAULT_MATTING, band: 8, minBand: 1, soft: 0.02, thickness: 0, prior: 1e-4, confidentPrior: 1e-4, iterations: 2000, tolerance: 1e-6 };

  it('recovers a linear blend of two colours from a hard step over it', () => {
    const { image, truth } = linearBlend(18, 30);
    const hard = stepMatte(24);
    const matte = matteEdges(image, hard, W, options);
    let worstBefore = 0, worst = 0;
    for (let i = 0; i < W * H; i++) {
      worstBefore = Math.max(worstBefore, Math.abs(hard.data[i] / 255 - truth[i]));
      worst = Math.max(worst, Math.abs(matte.data[i] / 255 - truth[i]));
    }
    expect(worstBefore).toBeGreaterThan(0.45);
    expect(worst).toBeLessThan(0.03);
  });

  it('keeps the matte as it is outside the band', () => {
    const { image } = linearBlend(18, 30);
    const hard = stepMatte(24);
    const { mask } = edgeBand(hard, W, options);
    const matte = matteEdges(image, hard, W, options);
    let outside = 0;
    for (let i = 0; i < W * H; i++) {
      if (mask[i]) continue;
      outside++;
      expect(matte.data[i]).toBe(hard.data[i]);
    }
    expect(outside).toBeGreaterThan(0);
  });

  it('with a prior that trusts a confident matte, keeps a hard edge hard but moves a soft one onto the colours', () => {
    const { image, truth } = linearBlend(18, 30);
    const confident = { ...options, prior: 1e-4, confidentPrior: 1e3 };
    expect(matteEdges(image, stepMatte(24), W, confident).data).toEqual(stepMatte(24).data);
    // The same edge drawn soft by the network (alpha 0.5 over the blend's middle columns) follows the blend.
    const soft = stepMatte(24);
    for (let y = 0; y < H; y++) for (let x = 20; x < 28; x++) soft.data[y * W + x] = 128;
    const matte = matteEdges(image, soft, W, confident);
    let worst = 0;
    for (let y = 0; y < H; y++) for (let x = 22; x < 26; x++) worst = Math.max(worst, Math.abs(matte.data[y * W + x] / 255 - truth[y * W + x]));
    expect(worst).toBeLessThan(0.1);
  });

  it('with a strong prior, keeps the matte given even where the colours say otherwise', () => {
    const { image } = linearBlend(18, 30);
    const hard = stepMatte(24);
    const matte = matteEdges(image, hard, W, { ...options, prior: 1e3, confidentPrior: 1e3 });
    for (let i = 0; i < W * H; i++) expect(Math.abs(matte.data[i] - hard.data[i])).toBeLessThanOrEqual(2);
  });

  it('leaves a matte with no edge unchanged', () => {
    const { image } = linearBlend(18, 30);
    const empty: AlphaMatte = { width: W, height: H, data: new Uint8Array(W * H) };
    expect(matteEdges(image, empty, W, options).data).toEqual(empty.data);
  });

  it('refuses a matte of another size than the photo', () => {
    const { image } = linearBlend(18, 30);
    expect(() => matteEdges(image, { width: 2, height: 2, data: new Uint8Array(4) }, W)).toThrow(/2x2/);
  });
});

describe('edgeBand', () => {
  it('covers the pixels within its radius of the 0.5 contour, scaled from map pixels to the photo', () => {
    // band 1 map pixel on a 48-wide photo from a 12-pixel map: 4 photo pixels on each side.
    const { mask, radius } = edgeBand(stepMatte(24), 12, { band: 1, minBand: 1, soft: 0.02, thickness: 0 });
    expect(radius).toBe(4);
    const row = [...mask.subarray(0, W)];
    expect(row.indexOf(1)).toBe(23 - 4);
    expect(row.lastIndexOf(1)).toBe(24 + 4);
  });

  it('takes in semi-transparent pixels away from the contour too', () => {
    const matte = stepMatte(40);
    matte.data[5 * W + 3] = 100;
    const { mask } = edgeBand(matte, W, { band: 1, minBand: 1, soft: 0.02, thickness: 0 });
    expect(mask[5 * W + 3]).toBe(1);
    expect(mask[5 * W + 10]).toBe(0);
  });
});

describe('edgeBand with a thickness', () => {
  it('grows only from semi-transparent regions thick enough, leaving a crisp edge and a thin soft line alone', () => {
    const matte = stepMatte(40);
    // A thin soft line (one column) and a thick soft patch (seven columns), both at alpha 0.5.
    for (let y = 0; y < H; y++) {
      matte.data[y * W + 5] = 128;
      for (let x = 20; x < 27; x++) matte.data[y * W + x] = 128;
    }
    const { mask } = edgeBand(matte, W, { band: 1, minBand: 1, soft: 0.25, thickness: 2 });
    const row = [...mask.subarray(8 * W, 9 * W)];
    expect(row.indexOf(1)).toBe(20 - 1);
    expect(row.lastIndexOf(1)).toBe(26 + 1);
  });
});

describe('dilate', () => {
  it('grows a single pixel into a (2r+1)² square, cut at the borders', () => {
    const mask = new Uint8Array(7 * 5);
    mask[1 * 7 + 1] = 1;
    const out = dilate(mask, 7, 5, 2);
    const on = [...out.keys()].filter((i) => out[i]).map((i) => [i % 7, Math.floor(i / 7)]);
    expect(on).toHaveLength(4 * 4);
    expect(on.every(([x, y]) => x <= 3 && y <= 3)).toBe(true);
  });
});

describe('applyInBand (a large photo\'s band brought back from the working size)', () => {
  it('gives exactly what visiting every photo pixel gave, bit for bit, visiting only the band', () => {
    // [photo w, h, working w, h]: enlarging by odd factors, by one, and a photo narrower than the working size.
    const cases: [number, number, number, number][] = [[97, 61, 31, 20], [300, 200, 64, 43], [40, 40, 40, 40], [17, 90, 30, 29], [5, 3, 7, 2]];
    for (const [w, h, ws, hs] of cases) {
      const image = { width: w, height: h, data: noisyRgba(w, h, w + h) };
      const matte = { width: w, height: h, data: noisyMatte(w, h, w * h) };
      const next = lcg(ws * 31 + hs);
      const mask = Uint8Array.from({ length: ws * hs }, () => (next() < 0.3 ? 1 : 0));
      const coefficients = [0, 1, 2, 3].map(() => Float32Array.from({ length: ws * hs }, () => next() * 2 - 0.5));
      const got = applyInBand(image, matte, mask, coefficients, ws, hs);
      expect(got.data, `${w}×${h} from ${ws}×${hs}`).toEqual(applyEveryPixel(image, matte, mask, coefficients, ws, hs));
      expect(got.data).not.toEqual(matte.data);
    }
  });
});

/** applyInBand as it was, kept as the specification of its output: every photo pixel checked against the mask. */
function applyEveryPixel(image: RgbaImage, matte: AlphaMatte, mask: Uint8Array, [a0, a1, a2, b]: Float32Array[], ws: number, hs: number): Uint8Array {
  const { width: w, height: h } = matte;
  const toByte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0);
  const ax = bilinearAxis(ws, w), ay = bilinearAxis(hs, h);
  const data = matte.data.slice();
  const px = image.data, inv = 1 / 255;
  for (let y = 0; y < h; y++) {
    const r0 = ay.i0[y] * ws, r1 = ay.i1[y] * ws, fy = ay.f[y];
    const near = fy < 0.5 ? r0 : r1;
    for (let x = 0, o = y * w; x < w; x++, o++) {
      const j0 = ax.i0[x], j1 = ax.i1[x], fx = ax.f[x];
      if (!mask[near + (fx < 0.5 ? j0 : j1)]) continue;
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
  return data;
}

describe('matteEdges output, pinned', () => {
  it('gives the bytes it gave before the solver and the system were made faster (sha256 of the matte from the code at 861a26a)', () => {
    const { image, matte } = disc(240, 180);
    const digest = (options: typeof DEFAULT_MATTING) => createHash('sha256').update(matteEdges(image, matte, 120, options).data).digest('hex');
    expect(digest(DEFAULT_MATTING)).toBe('19f2c2c3f603ccefc809cd30d829c6892ab685c6a06d20763d60817040202c87');
    // Through the large-photo path (solved at 100 pixels, brought back by the guided filter).
    expect(digest({ ...DEFAULT_MATTING, maxSide: 100 })).toBe('f3ef0b37a42c80353306728a91577d0134d00a9f55e1a63acf72ebe1b76959ad');
    // A band around every edge.
    expect(digest({ ...DEFAULT_MATTING, thickness: 0 })).toBe('b47d7efbb5f11d9fb8aff5c5000d66248875f32833fe96d67ade8d6169cc7f61');
  });

  it('stops the solver at 60 iterations by default (a weak prior over a wide band takes 62 to reach the tolerance)', () => {
    const { image, matte } = disc(240, 180);
    const weak = { ...DEFAULT_MATTING, band: 4, prior: 1e-4, confidentPrior: 1e-3 };
    const run = (options: typeof DEFAULT_MATTING) => {
      let iterations = 0;
      const hash = createHash('sha256').update(matteEdges(image, matte, 120, options, (n) => (iterations = n)).data).digest('hex');
      return { hash, iterations };
    };
    expect(run(weak)).toEqual({ hash: 'ed1e905806d118d7cf1ca5fb8734fa7c54ded081cf26b59045f9f1ee8d280756', iterations: 60 });
    // The cap of 200 it had before: the tolerance stops it.
    expect(run({ ...weak, iterations: 200 })).toEqual({ hash: 'c0762ca2580e019f532c3df1ea0bb3c2fffbdd0daca61a32af796e7e09136e30', iterations: 62 });
  });
});

describe('multiply (the band system times a vector)', () => {
  it('gives exactly the sums of the plain loop over every neighbour, and of the code before it, and their dot product with the vector, for bands with holes, edges and borders', () => {
    // The band's size modulo 4: pixels are summed four at a time, the last few one by one;
    // four side by side share their reads, four that are not take the general path.
    const tails = new Set<number>();
    let sideBySide = 0, apart = 0;
    for (const [w, h, share, seed] of [[40, 30, 0.9, 1], [33, 17, 0.5, 2], [64, 64, 0.99, 3], [7, 5, 0.7, 4], [9, 6, 0.6, 5], [3, 3, 1, 6], [11, 7, 0.6, 7], [13, 9, 0.4, 8], [21, 11, 0.3, 11]]) {
      const next = lcg(seed);
      // A band: blobs grown from random seeds, so there are whole runs of five and ragged ends.
      const mask = dilate(Uint8Array.from({ length: w * h }, () => (next() < share / 8 ? 1 : 0)), w, h, 2);
      const index = new Int32Array(w * h).fill(-1);
      let n = 0;
      for (let i = 0; i < w * h; i++) if (mask[i]) index[i] = n++;
      // Which band pixel each coefficient couples to, as solveBand numbers them: −1 where none,
      // and there the coefficient is 0, as buildSystem leaves it.
      const neighbours = new Int32Array(n * 25).fill(-1);
      for (let i = 0, u = 0; i < w * h; i++) {
        if (!mask[i]) continue;
        const x = i % w, y = (i - x) / w;
        for (let k = 0; k < 25; k++) {
          const xx = x + (k % 5) - 2, yy = y + ((k / 5) | 0) - 2;
          if (xx >= 0 && xx < w && yy >= 0 && yy < h) neighbours[u * 25 + k] = index[yy * w + xx];
        }
        u++;
      }
      // Large coefficients (±2^40) that cancel exactly among small ones (about 2^-20), with values
      // of a few exact sizes, so that any other order of the additions shows in the float32
      // results (with coefficients of one scale it would hide in the double sums' last bits).
      const rows = Float32Array.from({ length: n * 25 }, (_, k) => (neighbours[k] < 0 ? 0 : next() < 0.4 ? (next() < 0.5 ? -1 : 1) * 2 ** 40 : (next() * 2 - 1) * 2 ** -20));
      // v on a grid over the image grown by two pixels each side (0 outside the band), as the solver keeps it.
      const gw = w + 4, at = new Int32Array(n);
      for (let i = 0, u = 0; i < w * h; i++) if (mask[i]) at[u++] = ((i - (i % w)) / w + 2) * gw + (i % w) + 2;
      const grid = { width: gw, size: gw * (h + 4), at };
      // Negative values too: a product −0 must leave a sum as it was.
      const v = Float32Array.from({ length: n }, () => [1, -1, 0.5, 2, -0.25][(next() * 5) | 0]);
      const onGrid = new Float32Array(grid.size);
      for (let u = 0; u < n; u++) onGrid[at[u]] = v[u];
      const got = new Float32Array(n), want = new Float32Array(n), before = new Float32Array(n);
      expect(neighbours.includes(-1), `${w}×${h}: coefficients outside the band (n = ${n})`).toBe(true);
      tails.add(n % 4);
      for (let u = 0; u + 3 < n; u += 4) if (at[u + 3] === at[u] + 3) sideBySide++; else apart++;
      const dot = multiply(rows, onGrid, got, grid);
      multiplyEveryNeighbour(rows, v, want, neighbours);
      const dotBefore = multiplyReference(rows, v, before, neighbours, neighbourRunsReference(neighbours));
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `${w}×${h}`).toBe(true);
      expect(Buffer.from(got.buffer).equals(Buffer.from(before.buffer)), `${w}×${h}`).toBe(true);
      // And v·(Av) as the solver's own loop summed it, from the stored (float32) products.
      let plain = 0;
      for (let u = 0; u < n; u++) plain += v[u] * want[u];
      expect(Object.is(dot, plain), `${w}×${h}: ${dot} against ${plain}`).toBe(true);
      expect(Object.is(dot, dotBefore)).toBe(true);
    }
    expect([...tails].sort()).toEqual([0, 1, 2, 3]);
    expect(sideBySide).toBeGreaterThan(100);
    expect(apart).toBeGreaterThan(100);
  });
});

/** multiply as it was, kept as the specification of its sums: every neighbour looked up. */
function multiplyEveryNeighbour(rows: Float32Array, x: Float32Array, y: Float32Array, neighbours: Int32Array): void {
  for (let u = 0; u < x.length; u++) {
    let s = 0;
    for (let k = 0; k < 25; k++) {
      const j = neighbours[u * 25 + k];
      if (j >= 0) s += rows[u * 25 + k] * x[j];
    }
    y[u] = s;
  }
}
