/**
 * The tuned resizers of resample.ts against their earlier code (support/resample-reference.ts),
 * bit for bit: shrinking and enlarging by many factors, one-pixel rows and columns, odd
 * sizes, noise, the committed photos, the shared photos and true mattes, and pixels whose
 * bytes are not 4-aligned (the path that copies them into words); and preprocess, which
 * normalises in the resize's pass, against its earlier code (support/preprocess-reference.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sharedTestdata } from '../../../scripts/lib/paths.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { manifest } from '../../../web/src/cutout/model.ts';
import { preprocess } from '../../../web/src/cutout/preprocess.ts';
import { resizeRgbAndMatteBytes, resizeRgbaToInput, resizeRgbaWithMatte } from '../../../web/src/cutout/resample.ts';
import { PHOTOS, readPhoto, type PhotoName } from '../../fixtures/photos.ts';
import { preprocess as preprocessReference } from './support/preprocess-reference.ts';
import * as reference from './support/resample-reference.ts';
import { noisyMatte, noisyRgba } from './support/noisy.ts';

/** The index of the first byte where two outputs differ, or -1. */
function firstDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  if (a.byteLength !== b.byteLength) return 0;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Checks the three resizers on one photo and matte at one output size. */
function expectSameBits(image: RgbaImage, matte: AlphaMatte, dw: number, dh: number, label: string): void {
  const what = `${label} ${image.width}×${image.height} -> ${dw}×${dh}`;
  const { width: sw, height: sh, data } = image;
  const { guide } = resizeRgbaToInput(data, sw, sh, dw, dh, { mean: [0, 0, 0], scale: [1, 1, 1] });
  expect(firstDifference(guide, reference.resizeRgbaToPlanes(data, sw, sh, dw, dh)), `planes ${what}`).toBe(-1);
  // The matting's working matte: the earlier code's colours, and its float matte rounded to bytes as matting.ts always did.
  const want = reference.resizeRgbAndMatte(image, matte, dw, dh);
  const bytes = resizeRgbAndMatteBytes(image, matte, dw, dh);
  expect(firstDifference(bytes.image.data, want.image.data), `rgb and matte bytes: colours ${what}`).toBe(-1);
  expect(firstDifference(bytes.matte, Uint8Array.from(want.matte, (v) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0))), `rgb and matte bytes: matte ${what}`).toBe(-1);
  const shown = resizeRgbaWithMatte(image, matte, dw, dh), wanted = reference.resizeRgbaWithMatte(image, matte, dw, dh);
  expect(firstDifference(shown.image.data, wanted.image.data), `rgba with matte: colours ${what}`).toBe(-1);
  expect(firstDifference(shown.matte.data, wanted.matte.data), `rgba with matte: matte ${what}`).toBe(-1);
  if (dw !== dh) return;
  // The manifest's normalisations (ISNet's v - 0.5 among them) and ImageNet's, whose scales are not powers of two.
  const normalisations = [...new Map([...manifest.models.map((m) => m.normalize), { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const].map((n) => [JSON.stringify(n), n])).values()];
  for (const normalize of normalisations) {
    const model = { inputSize: dw, normalize: { mean: [...normalize.mean], std: [...normalize.std] } as typeof manifest.models[number]['normalize'] };
    const input = preprocess(image, model), old = preprocessReference(image, model);
    expect(firstDifference(input.guide, old.guide), `preprocess guide ${what}`).toBe(-1);
    expect(firstDifference(input.tensor, old.tensor), `preprocess tensor ${what} (${normalize.std})`).toBe(-1);
  }
}

/** Output sizes for a `sw`×`sh` source: shrinking by 1.5 to 7 (the 24 MP photo's factors among them), the same size, enlarging, mixed, one pixel. */
function targets(sw: number, sh: number): [number, number][] {
  const by = (f: number, g = f): [number, number] => [Math.max(1, Math.round(sw / f)), Math.max(1, Math.round(sh / g))];
  return [by(1.5), by(2), by(3.9), by(4.9), by(5.86, 3.9), by(7), [sw, sh], by(0.97, 0.65), by(0.5), by(3, 0.4), by(0.4, 3), [1, 1], [1, sh], [sw, 1]];
}

describe('resizeRgbaToInput, resizeRgbAndMatteBytes and resizeRgbaWithMatte give the earlier code\'s bits', () => {
  it('on noise, at odd sizes, one-pixel rows and columns, shrinking and enlarging', () => {
    const sources: [number, number][] = [[1, 1], [1, 9], [9, 1], [2, 2], [3, 5], [7, 3], [1, 301], [301, 1], [97, 61], [61, 97], [1000, 37], [13, 200], [255, 129]];
    for (const [sw, sh] of sources) {
      const image = { width: sw, height: sh, data: noisyRgba(sw, sh, sw * 31 + sh) };
      const matte = { width: sw, height: sh, data: noisyMatte(sw, sh, sw + sh * 17) };
      for (const [dw, dh] of [...targets(sw, sh), [1, 7], [7, 1], [4, 4], [31, 17], [2, 1000]] as [number, number][]) expectSameBits(image, matte, dw, dh, 'noise');
    }
  });

  it("on pixels whose bytes do not start on a 4-byte boundary, and on a Node Buffer's", () => {
    const [sw, sh] = [53, 41];
    const bytes = new Uint8ClampedArray(sw * sh * 4 + 3);
    bytes.set(noisyRgba(sw, sh, 5), 3);
    const odd = { width: sw, height: sh, data: bytes.subarray(3) };
    const matte = { width: sw, height: sh, data: noisyMatte(sw, sh, 9) };
    const copy = Buffer.from(odd.data);
    const buffered = { width: sw, height: sh, data: new Uint8ClampedArray(copy.buffer, copy.byteOffset, copy.byteLength) };
    for (const [dw, dh] of targets(sw, sh)) {
      expectSameBits(odd, matte, dw, dh, 'unaligned');
      expectSameBits(buffered, matte, dw, dh, 'Buffer');
    }
  });

  it('on the committed photos', async () => {
    for (const name of Object.keys(PHOTOS) as PhotoName[]) {
      const image = await decode(readPhoto(name));
      const matte = greenMatte(image);
      for (const [dw, dh] of [...targets(image.width, image.height), [1024, 1024], [896, 896]] as [number, number][]) expectSameBits(image, matte, dw, dh, name);
    }
  });

  const gt = join(sharedTestdata, 'gt');
  const truths = existsSync(gt) ? readdirSync(gt).filter((f) => f.startsWith('am_') && f.endsWith('.mask.png')).slice(0, 2) : [];
  it.skipIf(!truths.length)('on shared photos with their true mattes', async () => {
    for (const mask of truths) {
      const base = join(gt, mask.replace('.mask.png', ''));
      const image = await decode(existsSync(`${base}.jpg`) ? `${base}.jpg` : `${base}.png`);
      const { data } = await sharp(join(gt, mask)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      const matte = { width: image.width, height: image.height, data: new Uint8Array(data) };
      for (const [dw, dh] of [...targets(image.width, image.height), [1024, 1024], [896, 896]] as [number, number][]) expectSameBits(image, matte, dw, dh, mask);
    }
  });

  const photos = join(sharedTestdata, 'photos');
  it.skipIf(!existsSync(photos))('on the shared photos, and one enlarged to 9 megapixels brought to the sizes a 24-megapixel one is', async () => {
    for (const name of ['animal-1', 'plants-1', 'cloth-1']) {
      const image = await decode(join(photos, `${name}.jpg`));
      for (const [dw, dh] of [[1024, 1024], [896, 896], ...targets(image.width, image.height).slice(0, 6)] as [number, number][]) expectSameBits(image, greenMatte(image), dw, dh, name);
    }
    const large = await decode(join(photos, 'animal-1.jpg'), 3674, 2450);
    // The matting's 1536 side, the page's picture and the network's square.
    for (const [dw, dh] of [[1536, 1024], [1224, 816], [1024, 1024]] as [number, number][]) expectSameBits(large, greenMatte(large), dw, dh, 'animal-1 enlarged');
  }, 60_000);
});

async function decode(file: string | Uint8Array, width?: number, height?: number): Promise<RgbaImage> {
  let pipeline = sharp(file).rotate();
  if (width && height) pipeline = pipeline.resize(width, height, { kernel: 'lanczos3' });
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

/** A matte from the photo's green channel: real edges and every level, for photos without a true matte. */
function greenMatte(image: RgbaImage): AlphaMatte {
  return { width: image.width, height: image.height, data: Uint8Array.from({ length: image.width * image.height }, (_, i) => image.data[i * 4 + 1]) };
}
