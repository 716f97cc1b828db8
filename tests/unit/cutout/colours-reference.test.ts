/**
 * The foreground estimation and compose give the same bytes as the
 * code they were made faster from, kept verbatim in support/colours-reference/: on random
 * photos and mattes of awkward sizes, on every setting the solvers branch on, and on the
 * shared test photos with their true masks when those are present.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colorBackground, compose } from '../../../web/src/cutout/compose.ts';
import { DEFAULT_FOREGROUND, foregroundColours, meanColour, type ForegroundOptions } from '../../../web/src/cutout/foreground.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { compose as composeReference } from './support/colours-reference/compose.ts';
import { foregroundColours as foregroundColoursReference } from './support/colours-reference/foreground.ts';
import { disc } from './support/matting-photo.ts';
import { noisyMatte, noisyRgba } from './support/noisy.ts';
import { sharedTestdata } from '../../../scripts/lib/paths.ts';

const noisy = (width: number, height: number, seed: number): { image: RgbaImage; matte: AlphaMatte } => ({
  image: { width, height, data: noisyRgba(width, height, seed) },
  matte: { width, height, data: noisyMatte(width, height, seed + 1) },
});

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  // One comparison over the bytes, not an element-by-element diff of a million numbers.
  expect(Buffer.compare(Buffer.from(Uint8Array.from(a)), Buffer.from(Uint8Array.from(b)))).toBe(0);
};

const sizes: [number, number][] = [[1, 1], [1, 37], [41, 1], [2, 2], [3, 50], [97, 41], [64, 64], [130, 77]];
/**
 * The defaults with the photo's own level solved whole, as the old code solved it when it is
 * no larger than maxDenseSide²: the bits compared here. (Solved on its band and a margin, the
 * default, it is compared with the whole solve below.)
 */
const WHOLE: ForegroundOptions = { ...DEFAULT_FOREGROUND, ownBandMargin: undefined };
const settings: [string, ForegroundOptions][] = [
  ['the defaults, the own level whole', WHOLE],
  ['the defaults, the own level on its band and a margin covering the photo (200 px)', { ...DEFAULT_FOREGROUND, ownBandMargin: 200 }],
  ['one big sweep', { ...WHOLE, bigIterations: 1 }],
  ['three big sweeps, small levels up to 8', { ...WHOLE, bigIterations: 3, smallSize: 8 }],
  ['no sweeps on big levels', { ...WHOLE, bigIterations: 0 }],
  ['the band alone from 24² on', { ...WHOLE, maxDenseSide: 24 }],
  ['the band alone from 24² on, no sweeps', { ...WHOLE, maxDenseSide: 24, bigIterations: 0 }],
  ['the band alone from 24² on, one sweep', { ...WHOLE, maxDenseSide: 24, bigIterations: 1 }],
  ['the band alone from 24² on, three sweeps', { ...WHOLE, maxDenseSide: 24, bigIterations: 3 }],
  ['the band fitted from 40 px', { ...WHOLE, maxDenseSide: 16, maxBandSide: 40 }],
  ['a gradient weight of 3', { ...WHOLE, gradientWeight: 3, regularization: 1e-3 }],
];

describe('foreground colours, the same bytes as the old code', () => {
  it.each(settings)('with %s, on random photos and mattes from 1×1 to 130×77', (_, options) => {
    for (const [w, h] of sizes) {
      const { image, matte } = noisy(w, h, w * 31 + h);
      // The old code has no ownBandMargin: it solves the own level whole.
      const oldOptions = { ...options, ownBandMargin: undefined };
      const now = foregroundColours(image, matte, options), old = foregroundColoursReference(image, matte, oldOptions);
      same(now.index, old.index);
      same(now.rgb, old.rgb);
    }
  });

  it("the 1×1 level's start, the photo's mean colour, is the byte-by-byte sums' also where the pixels start 1 to 3 bytes into their buffer", () => {
    for (const shift of [0, 1, 2, 3]) {
      const { image } = noisy(97, 41, shift);
      const data = new Uint8ClampedArray(new ArrayBuffer(image.data.length + shift), shift, image.data.length);
      data.set(image.data);
      const sums = [0, 0, 0];
      for (let p = 0; p < data.length; p += 4) for (let c = 0; c < 3; c++) sums[c] += data[p + c];
      expect(meanColour({ ...image, data })).toEqual(sums.map((v) => v / (97 * 41) / 255));
    }
  });

  it('on a soft-edged disc, through compose over nothing, a colour and in place', () => {
    const { image, matte } = disc(301, 203);
    for (const background of [undefined, colorBackground('#336699')]) {
      same(compose(image, matte, background, false, WHOLE).data, composeReference(image, matte, background).data);
      const copy = { ...image, data: image.data.slice() }, copyOld = { ...image, data: image.data.slice() };
      same(compose(copy, matte, background, true, WHOLE).data, composeReference(copyOld, matte, background, true).data);
    }
  });

  it('through compose on a photo with its own alpha, over nothing, a colour and in place', () => {
    const { image, matte } = noisy(97, 41, 7);
    for (const background of [undefined, colorBackground('#336699')]) {
      same(compose(image, matte, background, false, WHOLE).data, composeReference(image, matte, background).data);
      const copy = { ...image, data: image.data.slice() }, copyOld = { ...image, data: image.data.slice() };
      same(compose(copy, matte, background, true, WHOLE).data, composeReference(copyOld, matte, background, true).data);
    }
  });

  const gt = join(sharedTestdata, 'gt');
  const truths = existsSync(gt) ? readdirSync(gt).filter((f) => f.endsWith('.mask.png')).slice(0, 6) : [];
  /** A dev photo and its true matte, softened a little as a network's matte is (the truths are mostly 0 and 255). */
  async function softTruth(mask: string): Promise<{ image: RgbaImage; matte: AlphaMatte }> {
    const base = `${gt}/${mask.replace('.mask.png', '')}`;
    const file = existsSync(`${base}.jpg`) ? `${base}.jpg` : `${base}.png`;
    const photo = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = photo.info;
    const truth = await sharp(`${gt}/${mask}`).resize(width, height).extractChannel(0).raw().toBuffer();
    const soft = await sharp(truth, { raw: { width, height, channels: 1 } }).blur(1.5).extractChannel(0).raw().toBuffer();
    return { image: { width, height, data: new Uint8ClampedArray(photo.data) }, matte: { width, height, data: new Uint8Array(soft) } };
  }
  it.skipIf(!truths.length).each(truths.length ? truths : ['none'])('on %s and its photo (a true matte, at the photo\'s size and enlarged past 1024², its band solved at its own size)', async (mask) => {
    const { image, matte } = await softTruth(mask);
    same(compose(image, matte, undefined, false, WHOLE).data, composeReference(image, matte).data);
    const big = { ...WHOLE, maxDenseSide: 256, maxBandSide: 300 };
    same(foregroundColours(image, matte, big).rgb, foregroundColoursReference(image, matte, big).rgb);
    // The band solved at the photo's own size, as composeForDisplay's colours for a large photo are.
    const ownBand = { ...WHOLE, maxDenseSide: 256 };
    same(foregroundColours(image, matte, ownBand).rgb, foregroundColoursReference(image, matte, ownBand).rgb);
  });

  it.skipIf(!truths.length).each(truths.length ? truths : ['none'])(
    "on %s, the photo's own level solved on its band and 3 px around it (the default) gives the whole solve's colours to within one level, on at most 0.1% of the values",
    async (mask) => {
      const { image, matte } = await softTruth(mask);
      const { width, height } = image;
      expect(width * height).toBeLessThanOrEqual(DEFAULT_FOREGROUND.maxDenseSide ** 2);
      const banded = foregroundColours(image, matte).rgb, whole = foregroundColoursReference(image, matte, DEFAULT_FOREGROUND).rgb;
      let off = 0;
      for (let i = 0; i < whole.length; i++) {
        expect(Math.abs(banded[i] - whole[i])).toBeLessThanOrEqual(1);
        if (banded[i] !== whole[i]) off++;
      }
      expect(off).toBeLessThanOrEqual(whole.length / 1000);
    },
  );
});
