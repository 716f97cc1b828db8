/**
 * The cutout engine in Node with the real ISNet models on the fixture photos. Inference
 * takes seconds per photo on a small machine, so this file runs the network seven times in
 * all and shares one session per model (node-engine caches them) between its tests.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageTooLargeError, UnsupportedImageError } from '../../web/src/cutout/errors.ts';
import type { AlphaMatte, RgbaImage } from '../../web/src/cutout/image.ts';
import { modelInfo } from '../../web/src/cutout/model.ts';
import { cutPixels } from '../../web/src/cutout/pipeline.ts';
import { decodeNode } from '../../scripts/lib/node-codec.ts';
import { closeNodeSessions, cutFileNode, inferNode, type NodeCutout } from '../../scripts/lib/node-engine.ts';
import { rootDir } from '../../scripts/lib/paths.ts';
import { pngHeaderOnly, textFile, truncate } from '../fixtures/files.ts';
import { PHOTOS, readPhoto, rotatedWithExif } from '../fixtures/photos.ts';
import { rejection } from '../support/errors.ts';

/** The largest alpha in a `size`×`size` square at (x0, y0). */
function maxIn(alpha: AlphaMatte, x0: number, y0: number, size = 16): number {
  let max = 0;
  for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) max = Math.max(max, alpha.data[y * alpha.width + x]);
  return max;
}

/** The smallest alpha in a `size`×`size` square centred on (cx, cy). */
function minAround(alpha: AlphaMatte, cx: number, cy: number, size = 16): number {
  let min = 255;
  for (let y = cy - size / 2; y < cy + size / 2; y++) for (let x = cx - size / 2; x < cx + size / 2; x++) min = Math.min(min, alpha.data[y * alpha.width + x]);
  return min;
}

/** The share of pixels that two mattes put on the same side of one half. */
function agreement(a: AlphaMatte, b: AlphaMatte): number {
  let same = 0;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] >= 128 === b.data[i] >= 128) same++;
  return same / a.data.length;
}

/** The share of pixels that are clearly foreground. */
const opaqueShare = (alpha: AlphaMatte) => alpha.data.filter((a) => a >= 128).length / alpha.data.length;

afterAll(closeNodeSessions);

describe('a cup of coffee seen from above (600×400)', () => {
  let standard: NodeCutout;
  let quality: NodeCutout;
  let fast: NodeCutout;

  beforeAll(async () => {
    // The models one after the other, never two at once: each wants every core.
    standard = await cutFileNode(readPhoto('coffee'));
    quality = await cutFileNode(readPhoto('coffee'), { modelId: 'isnet-fp16' });
    fast = await cutFileNode(readPhoto('coffee'), { modelId: 'isnet-quint8-640' });
  });

  it("is cut out at the photo's own size by the default model, the static int8 graph at 896²", () => {
    expect(standard.model.id).toBe('isnet-int8-896');
    expect(standard.model.inputSize).toBe(896);
    expect([standard.alpha.width, standard.alpha.height]).toEqual([600, 400]);
    expect([standard.cutout.width, standard.cutout.height]).toEqual([600, 400]);
    expect(standard.cutout.data.length).toBe(600 * 400 * 4);
  });

  it('is transparent at the four corners (the wooden table)', () => {
    for (const cutout of [standard, quality, fast]) {
      const { alpha } = cutout;
      expect(maxIn(alpha, 0, 0)).toBeLessThan(16);
      expect(maxIn(alpha, alpha.width - 16, 0)).toBeLessThan(16);
      expect(maxIn(alpha, 0, alpha.height - 16)).toBeLessThan(16);
      expect(maxIn(alpha, alpha.width - 16, alpha.height - 16)).toBeLessThan(16);
    }
  });

  it('is opaque on the cup and the saucer', () => {
    for (const cutout of [standard, quality, fast]) {
      expect(minAround(cutout.alpha, 285, 145)).toBeGreaterThan(240); // the coffee in the cup
      expect(minAround(cutout.alpha, 150, 300)).toBeGreaterThan(240); // the saucer's rim, lower left
      // The cup and saucer fill a good part of the frame, not all of it.
      expect(opaqueShare(cutout.alpha)).toBeGreaterThan(0.3);
      expect(opaqueShare(cutout.alpha)).toBeLessThan(0.8);
    }
  });

  it("keeps the photo's colours under the matte", async () => {
    const photo = await decodeNode(readPhoto('coffee'));
    const p = (145 * 600 + 285) * 4;
    expect(Array.from(standard.cutout.data.subarray(p, p + 3))).toEqual(Array.from(photo.data.subarray(p, p + 3)));
    expect(standard.cutout.data[p + 3]).toBe(standard.alpha.data[145 * 600 + 285]);
  });

  it('is cut out the same way by every model on almost every pixel, the fast one from its 640² rewritten graph', () => {
    expect(agreement(quality.alpha, standard.alpha)).toBeGreaterThan(0.97);
    expect(fast.model.id).toBe('isnet-quint8-640');
    expect(fast.model.inputSize).toBe(640);
    expect([fast.alpha.width, fast.alpha.height]).toEqual([600, 400]);
    expect(agreement(quality.alpha, fast.alpha)).toBeGreaterThan(0.95);
  });

  it("is what the empty page's before/after example shows: its committed cutout is this one", async () => {
    // web/src/workbench/sample-cutout.webp, made by scripts/make-sample-cutout.ts; run it again when this fails.
    const { data, info } = await sharp(join(rootDir, 'web', 'src', 'workbench', 'sample-cutout.webp')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([600, 400]);
    const shown: AlphaMatte = { width: 600, height: 400, data: new Uint8Array(600 * 400) };
    let difference = 0;
    for (let i = 0; i < shown.data.length; i++) {
      shown.data[i] = data[i * 4 + 3];
      difference += Math.abs(shown.data[i] - standard.alpha.data[i]);
    }
    expect(agreement(shown, standard.alpha)).toBeGreaterThan(0.995);
    expect(difference / shown.data.length).toBeLessThan(1);
  });

  it('reports a time for every stage', () => {
    for (const stage of ['decode', 'preprocess', 'infer', 'refine', 'compose'] as const) {
      expect(standard.timings[stage]).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('an astronaut in front of a flag and a shuttle model (512×512)', () => {
  it('keeps her face and drops the backdrop above her shoulders', async () => {
    const { alpha } = await cutFileNode(readPhoto('astronaut'), { modelId: 'isnet-quint8-640' });
    expect([alpha.width, alpha.height]).toEqual([512, 512]);
    expect(minAround(alpha, 230, 100)).toBeGreaterThan(240); // her face
    expect(minAround(alpha, 150, 420)).toBeGreaterThan(240); // the orange suit, lower left
    expect(maxIn(alpha, 0, 0)).toBeLessThan(16); // the flag, top left
    expect(maxIn(alpha, 512 - 16, 0)).toBeLessThan(16); // the grey backdrop, top right
    expect(maxIn(alpha, 380, 40)).toBeLessThan(16); // the backdrop between her hair and the shuttle
  });
});

describe('a small subject in a wide frame: the astronaut in the middle of a grey 1536×1536 photo', () => {
  it('is cut twice by Fast, the second time zoomed in on her, and the matte is at the photo size', async () => {
    const model = modelInfo('isnet-quint8-640');
    const small = await decodeNode(readPhoto('astronaut'));
    const image: RgbaImage = { width: 1536, height: 1536, data: new Uint8ClampedArray(1536 * 1536 * 4).fill(128) };
    for (let y = 0; y < 512; y++) image.data.set(small.data.subarray(y * 512 * 4, (y + 1) * 512 * 4), ((512 + y) * 1536 + 512) * 4);
    const sizes: number[] = [];
    const { alpha, timings } = await cutPixels(image, model, (input, m) => (sizes.push(input.size), inferNode(m, input)));
    expect(model.zoom).toBeDefined();
    expect(sizes).toEqual([640, 640]);
    expect(timings.zoom).toBeGreaterThan(0);
    expect([alpha.width, alpha.height]).toEqual([1536, 1536]);
    expect(minAround(alpha, 512 + 230, 512 + 100)).toBeGreaterThan(240); // her face
    expect(maxIn(alpha, 0, 0)).toBeLessThan(16); // the grey frame, far from her
    expect(maxIn(alpha, 1536 - 16, 1536 - 16)).toBeLessThan(16);
  });
});

describe('bad files, and the engine afterwards', () => {
  it('rejects each with its specific error, then cuts out a photo with EXIF orientation upright', async () => {
    const cases: [string, Uint8Array, typeof UnsupportedImageError | typeof ImageTooLargeError, RegExp, number?][] = [
      ['empty', new Uint8Array(), UnsupportedImageError, /empty/],
      ['truncated JPEG', truncate(readPhoto('coffee')), UnsupportedImageError, /JPEG file is truncated/],
      ['truncated PNG', truncate(readPhoto('chelsea')), UnsupportedImageError, /PNG file is truncated/],
      ['text', textFile, UnsupportedImageError, /not an image/],
      ['10000×10000 PNG header', pngHeaderOnly(10_000, 10_000), ImageTooLargeError, /100 megapixels.*limit is 50/],
      ['photo over a lower limit', readPhoto('coffee'), ImageTooLargeError, /600×400/, 100_000],
    ];
    for (const [what, bytes, type, message, maxPixels] of cases) {
      const err = await rejection(cutFileNode(bytes, { maxPixels }));
      expect(err, what).toBeInstanceOf(type);
      expect(err.name, what).toBe(type.name);
      expect(err.message, what).toMatch(message);
    }

    // The next photo works. It is stored sideways (300×451) with EXIF orientation 6; the
    // cutout must be upright, at the displayed size. By the default model (int8 at 896²),
    // so "clearly" is within 1/8 of the range here, not 1/16 as for the coffee above.
    const { alpha, cutout } = await cutFileNode(await rotatedWithExif('chelsea'));
    expect([alpha.width, alpha.height]).toEqual([PHOTOS.chelsea.width, PHOTOS.chelsea.height]);
    expect([cutout.width, cutout.height]).toEqual([451, 300]);
    expect(minAround(alpha, 225, 150)).toBeGreaterThan(240); // between the cat's eyes and nose
    expect(minAround(alpha, 170, 110)).toBeGreaterThan(224); // its left eye (as we see it)
    expect(maxIn(alpha, 0, 0)).toBeLessThan(32); // background, top left
    expect(maxIn(alpha, 451 - 16, 0)).toBeLessThan(32); // background, top right
    expect(maxIn(alpha, 451 - 16, 300 - 16)).toBeLessThan(32); // background, bottom right
  });
});
