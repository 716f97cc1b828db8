import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageTooLargeError, UnsupportedImageError } from '../../../../web/src/cutout/errors.ts';
import type { RgbaImage } from '../../../../web/src/cutout/image.ts';
import { decodeNode, encodeNode } from '../../../../scripts/lib/node-codec.ts';
import { bmp, pngHeaderOnly, textFile, truncate } from '../../../fixtures/files.ts';
import { PHOTOS, readPhoto, rotatedWithExif } from '../../../fixtures/photos.ts';
import { rejection } from '../../../support/errors.ts';

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

  it('reads a 24-bit BMP, bottom-up or top-down, to the exact pixels (libvips has no BMP loader: clearcut reads it)', async () => {
    const colour = (x: number, y: number): [number, number, number] => [x * 40, y * 70, 200 - x * 10];
    for (const topDown of [false, true]) {
      const image = await decodeNode(bmp(5, 3, colour, topDown));
      expect([image.width, image.height]).toEqual([5, 3]);
      for (let y = 0; y < 3; y++) {
        for (let x = 0; x < 5; x++) expect(Array.from(image.data.subarray((y * 5 + x) * 4, (y * 5 + x) * 4 + 4))).toEqual([...colour(x, y), 255]);
      }
    }
  });

  it('reads 32-bit BMPs with alpha bit fields, an 8-bit palette, and 32 bits with alpha left at 0 as opaque', async () => {
    // BITMAPV4-style alpha: 2×1, a half-transparent red and an opaque blue.
    const withAlpha = bmpFile(32, 2, 1, [0x800000ff, 0xffff0000], { masks: [0xff0000, 0xff00, 0xff, 0xff000000] });
    expect(Array.from((await decodeNode(withAlpha)).data)).toEqual([0, 0, 255, 128, 255, 0, 0, 255]);
    const noAlpha = bmpFile(32, 2, 1, [0x00112233, 0x00445566]);
    expect(Array.from((await decodeNode(noAlpha)).data)).toEqual([0x11, 0x22, 0x33, 255, 0x44, 0x55, 0x66, 255]);
    const paletted = bmpFile(8, 3, 1, [2, 0, 1], { palette: [[10, 20, 30], [40, 50, 60], [70, 80, 90]] });
    expect(Array.from((await decodeNode(paletted)).data)).toEqual([70, 80, 90, 255, 10, 20, 30, 255, 40, 50, 60, 255]);
  });

  it('refuses an RLE-compressed BMP with a clear error', async () => {
    const rle = bmpFile(8, 2, 1, [0, 0], { palette: [[0, 0, 0]], compression: 1 });
    const err = await rejection(decodeNode(rle));
    expect(err).toBeInstanceOf(UnsupportedImageError);
    expect(err.message).toMatch(/BMP file is compressed/);
  });
});

/** A bottom-up BMP with a BITMAPINFOHEADER: pixel values (palette indices or 32-bit BGRA words), bit fields or a palette. */
function bmpFile(
  bpp: 8 | 32,
  width: number,
  height: number,
  values: number[],
  extra: { masks?: number[]; palette?: [number, number, number][]; compression?: number } = {},
): Uint8Array {
  const masks = extra.masks ?? [];
  const palette = extra.palette ?? [];
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const offset = 54 + masks.length * 4 + palette.length * 4;
  const out = new Uint8Array(offset + stride * height);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d], 0);
  view.setUint32(2, out.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bpp, true);
  view.setUint32(30, extra.compression ?? (masks.length === 4 ? 6 : masks.length ? 3 : 0), true);
  view.setUint32(46, palette.length, true);
  masks.forEach((m, i) => view.setUint32(54 + i * 4, m, true));
  palette.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + i * 4));
  for (let y = 0; y < height; y++) {
    const row = offset + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      if (bpp === 8) out[row + x] = v;
      else view.setUint32(row + x * 4, v >>> 0, true);
    }
  }
  return out;
}
