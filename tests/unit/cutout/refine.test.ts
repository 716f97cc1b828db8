import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../web/src/cutout/image.ts';
import { preprocess } from '../../../web/src/cutout/preprocess.ts';
import { boxExtreme, boxMeanStream } from '../../../web/src/cutout/box.ts';
import { bilinearAxis, DEFAULT_REFINE, guidedCoefficientRows, refineAlpha, upsampleAlpha, type RefineOptions } from '../../../web/src/cutout/refine.ts';
import { randomBytes } from '../../fixtures/files.ts';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { modelInfo } from '../../../web/src/cutout/model.ts';
import { PHOTOS, readPhoto, type PhotoName } from '../../fixtures/photos.ts';
import { boxExtremeReference, boxMeanIntoReference, guidedCoefficientsReference, refineAlphaReference } from './support/refine-reference.ts';
import { lcg, noisyRgba } from './support/noisy.ts';
import { sharedTestdata } from '../../../scripts/lib/paths.ts';

const isnet = { mean: [0.5, 0.5, 0.5], std: [1, 1, 1] } as { mean: [number, number, number]; std: [number, number, number] };

/** The box mean of one whole plane, through the stream the guided filter feeds a row at a time. */
function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(w * h);
  const box = boxMeanStream(w, h, r, 1, (y, sums, k) => {
    for (let x = 0, o = y * w; x < w; x++) out[o + x] = sums[x] * k;
  });
  for (let y = 0; y < h; y++) {
    box.row.set(src.subarray(y * w, (y + 1) * w), box.at(0));
    box.push();
  }
  return out;
}

/** The mean over the (2r+1)² box, clamped at the borders, the slow obvious way. */
function boxMeanReference(src: Float32Array, w: number, h: number, r: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let sum = 0, n = 0;
    for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
      for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) { sum += src[yy * w + xx]; n++; }
    }
    out.push(sum / n);
  }
  return out;
}

/** An RGBA photo whose pixel (x, y) has colour `rgb(x, y)`. */
function photo(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...rgb(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
}

const isMonotonic = (row: ArrayLike<number>) => Array.from(row).every((v, i, a) => i === 0 || v >= a[i - 1]);

describe('boxMean', () => {
  it('averages a row over the window, dividing by the pixels inside at the borders', () => {
    expect(Array.from(boxMean(new Float32Array([1, 2, 3]), 3, 1, 1))).toEqual([1.5, 2, 2.5]);
  });

  it('averages a 3×3 image exactly with radius 1', () => {
    const out = boxMean(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), 3, 3, 1);
    expect(Array.from(out)).toEqual([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
  });

  it('is the identity with radius 0 and the global mean when the radius covers everything', () => {
    const src = Float32Array.from([4, 8, 15, 16, 23, 42]);
    expect(Array.from(boxMean(src, 3, 2, 0))).toEqual(Array.from(src));
    for (const v of boxMean(src, 3, 2, 5)) expect(v).toBeCloseTo(18, 5);
  });

  it.each([[1, 1, 1], [5, 1, 2], [1, 6, 2], [7, 5, 1], [7, 5, 2], [16, 9, 4], [9, 16, 3], [4, 4, 10]])(
    'matches the obvious sum on a %i×%i random image with radius %i',
    (w, h, r) => {
      const src = Float32Array.from(randomBytes(w * h, w * 31 + h * 7 + r), (b) => b / 255);
      const expected = boxMeanReference(src, w, h, r);
      Array.from(boxMean(src, w, h, r)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    },
  );
});

describe('upsampleAlpha', () => {
  it('keeps a constant map constant at any size', () => {
    const map = new Float32Array(16).fill(0.6);
    for (const [w, h] of [[4, 4], [10, 7], [3, 2], [1, 1]]) {
      const alpha = upsampleAlpha(map, 4, w, h);
      expect([alpha.width, alpha.height]).toEqual([w, h]);
      expect(alpha.data.length).toBe(w * h);
      expect(alpha.data.every((a) => a === 153)).toBe(true); // round(0.6 * 255)
    }
  });

  it('maps 0 to 0, 1 to 255 and clamps outside [0, 1], at the same size', () => {
    const alpha = upsampleAlpha(Float32Array.from([0, 1, -0.5, 1.5]), 2, 2, 2);
    expect(Array.from(alpha.data)).toEqual([0, 255, 0, 255]);
  });

  it('interpolates bilinearly between the map pixels when enlarging', () => {
    // A 2×2 map brought to 4×1: output centres at map x = -0.25, 0.25, 0.75, 1.25, row y = 0.5.
    const alpha = upsampleAlpha(Float32Array.from([0, 1, 0, 1]), 2, 4, 1);
    expect(Array.from(alpha.data)).toEqual([0, 64, 191, 255]);
  });

  it('keeps a step monotonic and stays within the step', () => {
    const size = 8;
    const map = Float32Array.from({ length: size * size }, (_, i) => (i % size >= size / 2 ? 1 : 0));
    const alpha = upsampleAlpha(map, size, 37, 11);
    for (let y = 0; y < 11; y++) {
      const row = alpha.data.subarray(y * 37, (y + 1) * 37);
      expect(isMonotonic(row)).toBe(true);
      expect(row[0]).toBe(0);
      expect(row[36]).toBe(255);
    }
  });
});

describe('refineAlpha', () => {
  it('keeps a constant map constant, whatever the photo looks like', () => {
    const size = 16;
    const noise = randomBytes(40 * 24 * 3, 7);
    const image = photo(40, 24, (x, y) => {
      const i = (y * 40 + x) * 3;
      return [noise[i], noise[i + 1], noise[i + 2]];
    });
    const input = preprocess(image, { inputSize: size, normalize: isnet });
    const alpha = refineAlpha(new Float32Array(size * size).fill(0.6), input, image);
    expect([alpha.width, alpha.height]).toEqual([40, 24]);
    const values = new Set(alpha.data);
    expect([...values]).toEqual([153]);
  });

  it('is 0 on the background and 255 on the subject, without wrapping around, and monotonic across a step', () => {
    const size = 32, width = 96, height = 40;
    // The photo: dark on the left, light on the right; the map agrees with it.
    const image = photo(width, height, (x) => (x < width / 2 ? [20, 30, 40] : [230, 220, 210]));
    const input = preprocess(image, { inputSize: size, normalize: isnet });
    const map = Float32Array.from({ length: size * size }, (_, i) => (i % size >= size / 2 ? 1 : 0));
    const alpha = refineAlpha(map, input, image);
    for (let y = 0; y < height; y++) {
      const row = alpha.data.subarray(y * width, (y + 1) * width);
      expect(isMonotonic(row)).toBe(true);
      expect(row.subarray(0, width / 2 - 4).every((a) => a === 0)).toBe(true);
      expect(row.subarray(width / 2 + 4).every((a) => a === 255)).toBe(true);
    }
  });

  it('moves a soft edge of the map onto the sharp edge of the photo, where bilinear keeps it soft', () => {
    const size = 32, width = 128, height = 32;
    const image = photo(width, height, (x) => (x < width / 2 ? [15, 15, 15] : [240, 240, 240]));
    const input = preprocess(image, { inputSize: size, normalize: isnet });
    // What the network gives at low resolution: a soft ramp, a few map pixels wide.
    const map = Float32Array.from({ length: size * size }, (_, i) => 1 / (1 + Math.exp(-((i % size) - size / 2 + 0.5) / 1.2)));
    const middle = (m: { data: Uint8Array }) => Array.from(m.data.subarray((height / 2) * width, (height / 2 + 1) * width));
    const plain = middle(upsampleAlpha(map, size, width, height));
    const refined = middle(refineAlpha(map, input, image));
    /** Where a row rises most from one pixel to the next, and by how much. */
    const steepest = (row: number[]) => {
      let at = 1;
      for (let x = 2; x < row.length; x++) if (row[x] - row[x - 1] > row[at] - row[at - 1]) at = x;
      return { at, jump: row[at] - row[at - 1] };
    };
    expect(steepest(plain).jump).toBeLessThan(40);
    // The photo's edge lies between x = 63 and x = 64.
    expect(steepest(refined)).toMatchObject({ at: width / 2 });
    expect(steepest(refined).jump).toBeGreaterThan(128);
    expect(refined[width / 2 - 1]).toBeLessThan(64);
    expect(refined[width / 2]).toBeGreaterThan(191);
  });
});

describe('refineAlpha and preprocess, reusing their buffers', () => {
  // Digests of the mattes the earlier version gave (one fresh plane per box, the whole
  // horizontally filtered photo kept while shrinking it); the buffer reuse must not move a byte.
  it.each([
    [301, 157, 64, 'a5b00a72bb13c61a'],
    [40, 90, 32, '0f584618ac6e8692'],
    [1500, 1000, 128, '2cc417e75ac39cee'],
  ])('gives the same matte, byte for byte, for a %i×%i noisy photo and a random %i² map', (width, height, size, digest) => {
    const image = { width, height, data: noisyRgba(width, height, width + height) };
    const input = preprocess(image, { inputSize: size, normalize: isnet });
    const next = lcg(size);
    const map = Float32Array.from({ length: size * size }, () => next());
    const { data } = refineAlpha(map, input, image);
    expect(createHash('sha256').update(data).digest('hex').slice(0, 16)).toBe(digest);
  });
});

describe('refineAlpha, a run of photo columns at a time', () => {
  it('gives exactly what computing every pixel on its own gave, bit for bit, enlarging and shrinking', () => {
    for (const [width, height, size] of [[301, 157, 64], [40, 90, 32], [20, 11, 32], [97, 97, 97]]) {
      const image = { width, height, data: noisyRgba(width, height, width * 3 + height) };
      const input = preprocess(image, { inputSize: size, normalize: isnet });
      const next = lcg(size);
      const map = Float32Array.from({ length: size * size }, () => next());
      expect(refineAlpha(map, input, image).data, `${width}×${height} from ${size}²`).toEqual(refineEveryPixel(map, input.guide, size, image, DEFAULT_REFINE));
    }
  });
});

/**
 * refineAlpha as it was, kept as the specification of its output: each pixel's coefficients
 * interpolated on their own (the coefficients themselves are checked against the reference below).
 */
function refineEveryPixel(map: Float32Array, guide: Float32Array, size: number, image: RgbaImage, options: RefineOptions): Uint8Array {
  const toByte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0);
  const planes = guidedCoefficientsReference(map, guide, size, size, options);
  const { width, height, data: px } = image;
  const data = new Uint8Array(width * height);
  const inv = 1 / 255;
  const ax = bilinearAxis(size, width), ay = bilinearAxis(size, height);
  const lines = planes.map(() => new Float32Array(size));
  for (let y = 0; y < height; y++) {
    const r0 = ay.i0[y] * size, r1 = ay.i1[y] * size, fy = ay.f[y];
    planes.forEach((p, k) => {
      for (let x = 0; x < size; x++) lines[k][x] = p[r0 + x] + (p[r1 + x] - p[r0 + x]) * fy;
    });
    const [l0, l1, l2, l3] = lines;
    for (let x = 0, o = y * width; x < width; x++, o++) {
      const j0 = ax.i0[x], j1 = ax.i1[x], fx = ax.f[x], p = o * 4;
      const c0 = l0[j0] + (l0[j1] - l0[j0]) * fx;
      const c1 = l1[j0] + (l1[j1] - l1[j0]) * fx;
      const c2 = l2[j0] + (l2[j1] - l2[j0]) * fx;
      const c3 = l3[j0] + (l3[j1] - l3[j0]) * fx;
      data[o] = toByte((c0 * px[p] + c1 * px[p + 1] + c2 * px[p + 2]) * inv + c3);
    }
  }
  return data;
}

/** The four coefficient planes of the guided filter's stream (guidedCoefficientRows), each stored whole. */
function coefficientPlanes(map: Float32Array, guide: Float32Array, w: number, h: number, options: RefineOptions): Float32Array[] {
  const n = w * h;
  const planes = [0, 1, 2, 3].map(() => new Float32Array(n));
  const input = (y: number, rows: Float32Array, g0: number, g1: number, g2: number, p: number) => {
    for (const [plane, at] of [[guide.subarray(0, n), g0], [guide.subarray(n, 2 * n), g1], [guide.subarray(2 * n), g2], [map, p]] as const) rows.set(plane.subarray(y * w, (y + 1) * w), at);
  };
  guidedCoefficientRows(w, h, options, input, (y, sums, k) => {
    planes.forEach((plane, q) => {
      for (let x = 0; x < w; x++) plane[y * w + x] = sums[q * w + x] * k;
    });
  });
  return planes;
}

/** Whether two Float32 planes hold the same bits, element for element (NaN and -0 included). */
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** A w×h guide (3 planes in [0, 1], CHW) and map of random values, the map with some exact 0s and 1s as the network gives. */
function randomGuideAndMap(w: number, h: number, seed: number) {
  const next = lcg(seed);
  const guide = Float32Array.from({ length: 3 * w * h }, () => next());
  const map = Float32Array.from({ length: w * h }, () => {
    const v = next();
    return v < 0.2 ? 0 : v > 0.8 ? 1 : next();
  });
  return { guide, map };
}

describe('the streamed guided filter, against the arithmetic it replaced (tests/unit/cutout/support/refine-reference.ts)', () => {
  const sizes = [[1, 1], [1, 9], [9, 1], [2, 3], [5, 4], [17, 13], [64, 64], [97, 41], [31, 128]];

  it.each([0, 1, 2, 4, 40])('gives the same box means, bit for bit, with radius %i', (r) => {
    for (const [w, h] of sizes) {
      const { guide } = randomGuideAndMap(w, h, w * 100 + h + r);
      const src = guide.subarray(0, w * h);
      const expected = new Float32Array(w * h);
      boxMeanIntoReference(src, expected, new Float32Array(w * h), w, h, r);
      expect(sameBits(boxMean(src, w, h, r), expected), `${w}×${h}`).toBe(true);
    }
  });

  it.each([[1, 1e-4], [0, 1e-4], [2, 1e-3], [4, 1e-2], [40, 1e-4]])('gives the same four coefficient planes, bit for bit, with radius %i and epsilon %f', (radius, epsilon) => {
    for (const [w, h] of sizes) {
      const { guide, map } = randomGuideAndMap(w, h, w * 7 + h * 3 + radius);
      const expected = guidedCoefficientsReference(map, guide, w, h, { radius, epsilon });
      const actual = coefficientPlanes(map, guide, w, h, { radius, epsilon });
      expect(actual).toHaveLength(4);
      actual.forEach((plane, k) => expect(sameBits(plane, expected[k]), `${w}×${h}, plane ${k}`).toBe(true));
    }
  });

  it('gives the same coefficients where the guide is flat (a singular covariance but for epsilon)', () => {
    const w = 23, h = 19;
    const guide = new Float32Array(3 * w * h).fill(0.25);
    const { map } = randomGuideAndMap(w, h, 5);
    const expected = guidedCoefficientsReference(map, guide, w, h, DEFAULT_REFINE);
    coefficientPlanes(map, guide, w, h, DEFAULT_REFINE).forEach((plane, k) => expect(sameBits(plane, expected[k])).toBe(true));
  });

  /** A soft map from the photo's own brightness at the network's size: smooth regions, soft and sharp edges, like the network's. */
  function brightnessMap(input: { guide: Float32Array; size: number }): Float32Array {
    const n = input.size * input.size;
    return Float32Array.from({ length: n }, (_, i) => {
      const v = (input.guide[i] + input.guide[n + i] + input.guide[2 * n + i]) / 3;
      return 1 / (1 + Math.exp(-(v - 0.5) * 12));
    });
  }

  it.each(Object.keys(PHOTOS) as PhotoName[])('gives the same matte, byte for byte, for the committed photo %s with the real 896² map size', async (name) => {
    const image = await decodeFixture(name);
    const input = preprocess(image, modelInfo());
    expect(input.size).toBe(896);
    const map = brightnessMap(input);
    expect(Buffer.from(refineAlpha(map, input, image).data).equals(Buffer.from(refineAlphaReference(map, input, image).data))).toBe(true);
  });

  const gt = join(sharedTestdata, 'gt');
  const truths = existsSync(gt) ? readdirSync(gt).filter((f) => f.endsWith('.mask.png')).slice(0, 6) : [];
  // The true masks of the (not redistributable) evaluation photos, where this machine has them, as the map.
  it.skipIf(!truths.length).each(truths.length ? truths : ['none'])('gives the same matte, byte for byte, for %s and its photo', async (mask) => {
    const base = join(gt, mask.replace('.mask.png', ''));
    const file = existsSync(`${base}.jpg`) ? `${base}.jpg` : `${base}.png`;
    const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
    const input = preprocess(image, modelInfo());
    const truth = await sharp(join(gt, mask)).greyscale().resize(input.size, input.size, { fit: 'fill' }).raw().toBuffer();
    const map = Float32Array.from(truth, (v) => v / 255);
    expect(Buffer.from(refineAlpha(map, input, image).data).equals(Buffer.from(refineAlphaReference(map, input, image).data))).toBe(true);
  });

  it.each([1, 2, 3])('gives the same matte, byte for byte, for a photo whose pixels start %i bytes into their buffer (read a word a pixel elsewhere)', (offset) => {
    const width = 53, height = 31, size = 16;
    const pixels = noisyRgba(width, height, offset);
    const shifted = new Uint8ClampedArray(pixels.length + offset).subarray(offset);
    shifted.set(pixels);
    const image = { width, height, data: shifted };
    const input = preprocess(image, { inputSize: size, normalize: isnet });
    const { map } = randomGuideAndMap(size, size, offset);
    const expected = refineAlphaReference(map, input, { width, height, data: pixels }).data;
    expect(Buffer.from(refineAlpha(map, input, image).data).equals(Buffer.from(expected))).toBe(true);
  });

  it.each([[1, 1, 4], [1, 37, 8], [37, 1, 8], [3, 500, 16], [1200, 2, 16], [333, 777, 97]])('gives the same matte, byte for byte, for a %i×%i noisy photo and a random %i² map', (width, height, size) => {
    const image = { width, height, data: noisyRgba(width, height, width + 3 * height) };
    const input = preprocess(image, { inputSize: size, normalize: isnet });
    const { map } = randomGuideAndMap(size, size, size);
    expect(Buffer.from(refineAlpha(map, input, image).data).equals(Buffer.from(refineAlphaReference(map, input, image).data))).toBe(true);
  });
});

async function decodeFixture(name: PhotoName): Promise<RgbaImage> {
  const { data, info } = await sharp(readPhoto(name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

describe('boxExtreme, against the plain scan it replaced', () => {
  const cases: [string, (w: number, h: number, seed: number) => Float32Array][] = [
    ['random values', (w, h, seed) => Float32Array.from(randomBytes(w * h, seed), (b) => b / 255)],
    ['a binary mask', (w, h, seed) => Float32Array.from(randomBytes(w * h, seed), (b) => (b < 40 ? 1 : 0))],
    ['zeros of both signs', (w, h, seed) => Float32Array.from(randomBytes(w * h, seed), (b) => (b < 100 ? -0 : b < 200 ? 0 : b / 255))],
    ['±Infinity and negatives', (w, h, seed) => Float32Array.from(randomBytes(w * h, seed), (b) => (b < 10 ? Infinity : b < 20 ? -Infinity : (b - 128) / 64))],
    ['NaN, ±Infinity and negatives', (w, h, seed) => Float32Array.from(randomBytes(w * h, seed), (b) => (b < 30 ? NaN : b < 40 ? Infinity : b < 50 ? -Infinity : (b - 128) / 64))],
  ];
  it.each(cases)('gives the same bits as the scan for %s, both ways, many sizes and radii', (_, make) => {
    for (const [w, h] of [[1, 1], [1, 12], [12, 1], [5, 4], [17, 13], [40, 31], [64, 64]]) {
      for (const r of [1, 2, 3, 5, 13, 40]) {
        const src = make(w, h, w * 1000 + h * 10 + r);
        for (const max of [true, false]) {
          expect(sameBits(boxExtreme(src, w, h, r, max), boxExtremeReference(src, w, h, r, max)), `${w}×${h}, r ${r}, ${max ? 'max' : 'min'}`).toBe(true);
        }
      }
    }
  });

  it('keeps a window of NaN as -Infinity for the highest value, as the scan did', () => {
    const out = boxExtreme(Float32Array.from([NaN, NaN, NaN, 1]), 4, 1, 1, true);
    expect(Array.from(out)).toEqual([-Infinity, -Infinity, 1, 1]);
  });
});
