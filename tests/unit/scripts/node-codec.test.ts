import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageTooLargeError, UnsupportedImageError } from '../../../web/src/cutout/errors.ts';
import type { RgbaImage } from '../../../web/src/cutout/image.ts';
import { decodeNode, encodeNode } from '../../../scripts/lib/node-codec.ts';
import { bmp, pngHeaderOnly, textFile, truncate } from '../../fixtures/files.ts';
import { PHOTOS, readPhoto, rotatedWithExif } from '../../fixtures/photos.ts';
import { rejection } from '../../support/errors.ts';

/** A 4×2 cutout: opaque, half-transparent and fully transparent pixels. */
const cutout: RgbaImage = {
  width: 4,
  height: 2,
  data: new Uint8ClampedArray([
    255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 1,
    1, 2, 3, 255, 200, 100, 50, 64, 90, 90, 90, 192, 0, 0, 0, 255,
  ]),
};

describe('encodeNode', () => {
  it('writes a PNG that keeps every RGBA value, alpha included', async () => {
    const png = await encodeNode(cutout, 'png');
    expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([4, 2, 4]);
    // Every pixel with some alpha keeps its colour exactly (libvips' PNG writer keeps
    // colour under alpha 0 too, but that is not something to rely on).
    for (let i = 0; i < 8; i++) {
      expect(data[i * 4 + 3]).toBe(cutout.data[i * 4 + 3]);
      if (cutout.data[i * 4 + 3] > 0) expect(Array.from(data.subarray(i * 4, i * 4 + 3))).toEqual(Array.from(cutout.data.subarray(i * 4, i * 4 + 3)));
    }
  });

  it('writes a JPEG with no alpha channel, flattened onto white', async () => {
    const jpeg = await encodeNode(cutout, 'jpeg');
    expect([jpeg[0], jpeg[1], jpeg[2]]).toEqual([0xff, 0xd8, 0xff]);
    const meta = await sharp(jpeg).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.hasAlpha).toBe(false);
    expect(meta.channels).toBe(3);
    expect([meta.width, meta.height]).toEqual([4, 2]);
  });

  it('writes a WebP that keeps alpha', async () => {
    const webp = await encodeNode(cutout, 'webp');
    const meta = await sharp(webp).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.hasAlpha).toBe(true);
  });

  it('flattens a transparent JPEG onto white and keeps opaque pixels', async () => {
    const size = 16;
    const data = new Uint8ClampedArray(size * size * 4);
    for (let i = 0; i < size * size; i++) data.set(i % size < size / 2 ? [0, 0, 0, 0] : [20, 40, 200, 255], i * 4);
    const jpeg = await encodeNode({ width: size, height: size, data }, 'jpeg', 95);
    const { data: px } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => Array.from(px.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));
    for (const v of at(1, 8)) expect(v).toBeGreaterThan(245); // was transparent: white
    const [r, g, b] = at(14, 8);
    expect(Math.abs(r - 20) + Math.abs(g - 40) + Math.abs(b - 200)).toBeLessThan(30);
  });
});

describe('decodeNode', () => {
  it('decodes a photo to RGBA at its own size', async () => {
    const image = await decodeNode(readPhoto('chelsea'));
    expect([image.width, image.height]).toEqual([451, 300]);
    expect(image.data.length).toBe(451 * 300 * 4);
    expect(image.data[3]).toBe(255);
  });

  it('applies EXIF orientation 6: a photo stored sideways comes out upright', async () => {
    const bytes = await rotatedWithExif('chelsea');
    const stored = await sharp(bytes).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([300, 451, 6]);
    const image = await decodeNode(bytes);
    expect([image.width, image.height]).toEqual([PHOTOS.chelsea.width, PHOTOS.chelsea.height]);
    // Upright means the same pixels as the original, up to JPEG loss.
    const original = await decodeNode(readPhoto('chelsea'));
    let diff = 0;
    for (let i = 0; i < original.data.length; i++) diff += Math.abs(original.data[i] - image.data[i]);
    expect(diff / original.data.length).toBeLessThan(4);
  });

  it('rejects empty, truncated and non-image bytes with UnsupportedImageError', async () => {
    for (const [bytes, message] of [
      [new Uint8Array(), /empty/],
      [truncate(readPhoto('coffee')), /truncated/],
      [truncate(readPhoto('chelsea')), /truncated/],
      [textFile, /not an image/],
    ] as const) {
      const err = await rejection(decodeNode(bytes));
      expect(err).toBeInstanceOf(UnsupportedImageError);
      expect(err.name).toBe('UnsupportedImageError');
      expect(err.message).toMatch(message);
    }
  });

  it('rejects a file whose header is fine but whose pixels are corrupt, with UnsupportedImageError', async () => {
    const png = new Uint8Array(await sharp(readPhoto('chelsea')).resize(64).png({ compressionLevel: 0 }).toBuffer());
    for (let i = 100; i < png.length - 40; i += 7) png[i] ^= 0x5a; // scrambles the pixel data, keeps IHDR and IEND
    const err = await rejection(decodeNode(png));
    expect(err).toBeInstanceOf(UnsupportedImageError);
    expect(err.message).toMatch(/PNG file could not be decoded/);
  });

  it('rejects an over-limit image with ImageTooLargeError, by its header or by a lower limit', async () => {
    const bomb = await rejection(decodeNode(pngHeaderOnly(10_000, 10_000)));
    expect(bomb).toBeInstanceOf(ImageTooLargeError);
    expect(bomb.name).toBe('ImageTooLargeError');
    const small = await rejection(decodeNode(readPhoto('astronaut'), 512 * 512 - 1));
    expect(small).toBeInstanceOf(ImageTooLargeError);
  });

  it('refuses a BMP with a clear error (sharp has no BMP decoder; browsers read BMP)', async () => {
    const err = await rejection(decodeNode(bmp(5, 3, () => [1, 2, 3])));
    expect(err).toBeInstanceOf(UnsupportedImageError);
    expect(err.message).toMatch(/BMP/);
  });
});
