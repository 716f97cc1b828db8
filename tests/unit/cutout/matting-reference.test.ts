/**
 * The edge-band matting (matting.ts) against its code before the band was kept as runs and
 * the solver summed four pixels side by side (tests/unit/cutout/support/matting-reference.ts):
 * the same bytes, bit for bit, over many sizes, radii, band shapes and options, and on real
 * photos with their true masks, where this machine has them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sharedTestdata } from '../../../scripts/lib/paths.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { matteEdges, type MattingOptions } from '../../../web/src/cutout/matting.ts';
import { applyInBand, dilate, edgeBand } from './support/matting-band.ts';
import { disc } from './support/matting-photo.ts';
import { applyInBandReference, DEFAULT_MATTING as REFERENCE_DEFAULT, dilateReference, edgeBandReference, matteEdgesReference } from './support/matting-reference.ts';
import { lcg, noisyMatte, noisyRgba } from './support/noisy.ts';

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** A matte of soft-edged random blobs: runs that start, end, merge and split from row to row. */
function blobs(w: number, h: number, seed: number, count: number): Uint8Array {
  const next = lcg(seed);
  const centres = Array.from({ length: count }, () => [next() * w, next() * h, 1 + next() * Math.max(w, h) * 0.2, 0.5 + next() * 4]);
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let a = 0;
      for (const [cx, cy, r, soft] of centres) a = Math.max(a, Math.min(1, Math.max(0, (r - Math.hypot(x - cx, y - cy)) / soft + 0.5)));
      data[y * w + x] = Math.round(a * 255);
    }
  }
  return data;
}

/** Mattes of every kind for a w×h image: random bytes, blobs, flat ones and stripes. */
function mattes(w: number, h: number, seed: number): [string, Uint8Array][] {
  return [
    ['noise', noisyMatte(w, h, seed)],
    ['blobs', blobs(w, h, seed, 5)],
    ['many blobs', blobs(w, h, seed + 1, 40)],
    ['all 0', new Uint8Array(w * h)],
    ['all 255', new Uint8Array(w * h).fill(255)],
    ['all 128', new Uint8Array(w * h).fill(128)],
    ['stripes', Uint8Array.from({ length: w * h }, (_, i) => ((i % w) % 7 < 3 ? 255 : (i % w) % 7 === 3 ? 100 : 0))],
  ];
}

const SIZES: [number, number][] = [[1, 1], [1, 9], [9, 1], [2, 2], [3, 3], [5, 4], [17, 13], [40, 31], [64, 64], [100, 7], [7, 100]];

describe('dilate, against the running counts it replaced', () => {
  it('gives the same mask for many sizes, radii and densities', () => {
    for (const [w, h] of SIZES) {
      for (const share of [0, 0.01, 0.1, 0.5, 0.95, 1]) {
        const next = lcg(w * 131 + h * 7 + share * 1000);
        const mask = Uint8Array.from({ length: w * h }, () => (next() < share ? 1 : 0));
        for (const r of [0, 1, 2, 3, 5, 13, 40]) expect(same(dilate(mask, w, h, r), dilateReference(mask, w, h, r)), `${w}×${h}, ${share}, r ${r}`).toBe(true);
      }
    }
  });
});

describe('edgeBand, against the code before it', () => {
  it('gives the same band and radius for many mattes, sizes, widths, thicknesses and soft limits', () => {
    let nonEmpty = 0;
    for (const [w, h] of [...SIZES, [120, 90], [61, 200]] as [number, number][]) {
      for (const [name, aligned] of mattes(w, h, w + 17 * h)) {
        // Also a view one byte into its buffer: the band's scan reads whole words where it can.
        const unaligned = new Uint8Array(w * h + 1).subarray(1);
        unaligned.set(aligned);
        for (const data of [aligned, unaligned]) {
          const alpha: AlphaMatte = { width: w, height: h, data };
          for (const thickness of [0, 0.5, 1, 2, 3]) {
            for (const [band, minBand, mapSize] of [[1.5, 2, 896], [1.5, 2, 40], [1, 1, 12], [4, 0, 30], [0.2, 3, 100]]) {
              // Below 0 and above 0.5 too, where 0 or 255 count as semi-transparent or nothing does.
              for (const soft of [-0.1, 0, 0.02, 0.25, 0.6]) {
                const options = { band, minBand, soft, thickness };
                const got = edgeBand(alpha, mapSize, options), want = edgeBandReference(alpha, mapSize, options);
                expect(got.radius).toBe(want.radius);
                expect(same(got.mask, want.mask), `${w}×${h} ${name} ${JSON.stringify(options)} map ${mapSize}`).toBe(true);
                if (want.mask.includes(1) && want.mask.includes(0)) nonEmpty++;
              }
            }
          }
        }
      }
    }
    // Many of those bands are partial (neither empty nor everything).
    expect(nonEmpty).toBeGreaterThan(400);
  });
});

describe('applyInBand, against the code before it', () => {
  it('gives the same matte for many photo and working sizes and bands', () => {
    const cases: [number, number, number, number][] = [[97, 61, 31, 20], [300, 200, 64, 43], [40, 40, 40, 40], [17, 90, 30, 29], [5, 3, 7, 2], [1, 1, 1, 1], [1, 50, 1, 13], [250, 3, 77, 2], [64, 64, 63, 65]];
    for (const [w, h, ws, hs] of cases) {
      const image = { width: w, height: h, data: noisyRgba(w, h, w + h) };
      const matte = { width: w, height: h, data: noisyMatte(w, h, w * h) };
      const next = lcg(ws * 31 + hs);
      for (const share of [0, 0.05, 0.3, 1]) {
        const mask = Uint8Array.from({ length: ws * hs }, () => (next() < share ? 1 : 0));
        const coefficients = [0, 1, 2, 3].map(() => Float32Array.from({ length: ws * hs }, () => next() * 2 - 0.5));
        const got = applyInBand(image, matte, mask, coefficients, ws, hs);
        expect(same(got.data, applyInBandReference(image, matte, mask, coefficients, ws, hs).data), `${w}×${h} from ${ws}×${hs}, ${share}`).toBe(true);
      }
    }
  });
});

/**
 * Option sets that reach every path: the reference's default (the options it was written
 * for, before the solver's cap came down from 200 to 60 iterations), a band round every
 * edge, the large-photo path at two working sizes, and (`all`) a weak prior over a wide
 * band, which takes many iterations.
 */
function optionSets(w: number, h: number, all: boolean): [string, MattingOptions][] {
  const side = Math.max(w, h);
  const old = REFERENCE_DEFAULT;
  const sets: [string, MattingOptions][] = [
    ['default before the cap of 60', old],
    ['thickness 0', { ...old, thickness: 0 }],
    ['working size 0.6', { ...old, maxSide: Math.max(1, Math.round(side * 0.6)) }],
    ['working size 0.27, thickness 0', { ...old, maxSide: Math.max(1, Math.round(side * 0.27)), thickness: 0 }],
  ];
  if (all) sets.push(['weak prior, wide band', { ...old, band: 4, prior: 1e-4, confidentPrior: 1e-3, tolerance: 1e-5, iterations: 500 }]);
  return sets;
}

function expectSameMattes(image: RgbaImage, matte: AlphaMatte, mapSize: number, label: string, all = true): void {
  for (const [name, options] of optionSets(image.width, image.height, all)) {
    const got = matteEdges(image, matte, mapSize, options), want = matteEdgesReference(image, matte, mapSize, options);
    expect(same(got.data, want.data), `${label}, ${name}`).toBe(true);
  }
}

describe('matteEdges, against the code before it', () => {
  it.each([[240, 180], [101, 67], [33, 90], [12, 12]])('gives the same matte for the %i×%i disc photo', (w, h) => {
    const { image, matte } = disc(w, h);
    expectSameMattes(image, matte, Math.max(8, Math.round(Math.max(w, h) / 2)), `disc ${w}×${h}`);
  });

  // The app's own large-photo path (maxSide 1536): each photo row made from a ring of two
  // working rows of coefficients as they come, enlarging by a little and by about two.
  it.each([[1700, 1100], [2050, 3100]])('gives the same matte for the %i×%i disc photo at the default working size', (w, h) => {
    const { image, matte } = disc(w, h);
    const got = matteEdges(image, matte, 2048, REFERENCE_DEFAULT), want = matteEdgesReference(image, matte, 2048, REFERENCE_DEFAULT);
    expect(same(got.data, want.data)).toBe(true);
    expect(same(got.data, matte.data)).toBe(false);
  });

  it('gives the same matte for noisy photos with every kind of matte, tiny ones and lines among them', () => {
    for (const [w, h] of [...SIZES, [90, 70]] as [number, number][]) {
      const image = { width: w, height: h, data: noisyRgba(w, h, 3 * w + h) };
      for (const [name, data] of mattes(w, h, w * 5 + h)) expectSameMattes(image, { width: w, height: h, data }, Math.max(4, Math.round(Math.max(w, h) / 3)), `${w}×${h} ${name}`);
    }
  });

  const gt = join(sharedTestdata, 'gt');
  const truths = existsSync(gt) ? readdirSync(gt).filter((f) => f.endsWith('.mask.png')).filter((_, i) => i % 3 === 0) : [];
  // The (not redistributable) evaluation photos with their true masks, where this machine has them:
  // the mask as it is (soft for am_, binary for the others) and blurred (a soft band along every edge).
  it.skipIf(!truths.length).each(truths.length ? truths : ['none'])('gives the same matte for %s and its photo, the true mask as it is and blurred', async (mask) => {
    const base = join(gt, mask.replace('.mask.png', ''));
    const image = await decode(existsSync(`${base}.jpg`) ? `${base}.jpg` : `${base}.png`);
    for (const blur of [0, 3]) {
      let truth = sharp(join(gt, mask)).greyscale().resize(image.width, image.height, { fit: 'fill' });
      if (blur) truth = truth.blur(blur);
      const data = new Uint8Array(await truth.raw().toBuffer());
      expect(data.length).toBe(image.width * image.height);
      expectSameMattes(image, { width: image.width, height: image.height, data }, 896, `${mask}, blur ${blur}`, false);
    }
  });

  const photos = join(sharedTestdata, 'photos');
  const names = existsSync(photos) ? readdirSync(photos).filter((f) => f.endsWith('.jpg')) : [];
  // The benchmark photos have no true masks: their own brightness, thresholded steeply, gives
  // band shapes that follow the photo's edges (and a wide band on the leaves of plants-1).
  it.skipIf(!names.length).each(names.length ? names : ['none'])('gives the same matte for the photo %s with a matte from its brightness', async (name) => {
    const image = await decode(join(photos, name));
    const data = new Uint8Array(image.width * image.height);
    for (let i = 0, p = 0; i < data.length; i++, p += 4) {
      const v = (image.data[p] + image.data[p + 1] + image.data[p + 2]) / (3 * 255);
      data[i] = Math.round(255 / (1 + Math.exp(-(v - 0.5) * 40)));
    }
    expectSameMattes(image, { width: image.width, height: image.height, data }, 896, name, false);
  });
});

async function decode(file: string): Promise<RgbaImage> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}
