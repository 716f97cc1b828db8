import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPixelLimit, DEFAULT_MAX_PIXELS, inspectImage, isSvgFile, jpegIsUpright, readImageHeader, SVG_REFUSAL, type ImageFormat } from '../../../web/src/cutout/decode.ts';
import { ImageTooLargeError, UnsupportedImageError } from '../../../web/src/cutout/errors.ts';
import { bmp, pngHeaderOnly, randomBytes, textFile, truncate } from '../../fixtures/files.ts';
import { readPhoto } from '../../fixtures/photos.ts';
import { thrown } from '../../support/errors.ts';

/** A small gradient photo of `width`×`height` (RGBA), for sharp to encode in any format. */
function gradient(width: number, height: number) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x * 7, y * 5, (x + y) * 3, 255 - x], (y * width + x) * 4);
  return sharp(data, { raw: { width, height, channels: 4 } });
}

const encoded: Record<string, Uint8Array> = {};
const W = 37, H = 23;

beforeAll(async () => {
  const make = async (name: string, f: (s: Sharp) => Sharp) => { encoded[name] = new Uint8Array(await f(gradient(W, H)).toBuffer()); };
  await make('jpeg', (s) => s.jpeg({ quality: 80 }));
  await make('jpeg-progressive', (s) => s.jpeg({ quality: 80, progressive: true }));
  await make('png', (s) => s.png());
  await make('png-interlaced', (s) => s.png({ progressive: true }));
  await make('webp-lossy', (s) => s.removeAlpha().webp({ quality: 80 }));
  await make('webp-lossless', (s) => s.webp({ lossless: true }));
  await make('webp-alpha', (s) => s.webp({ quality: 80, alphaQuality: 80 })); // lossy with alpha: VP8X + ALPH
  await make('gif', (s) => s.gif());
  await make('avif', (s) => s.avif({ quality: 50 }));
});

describe('readImageHeader', () => {
  it.each<[string, ImageFormat]>([
    ['jpeg', 'jpeg'], ['jpeg-progressive', 'jpeg'], ['png', 'png'], ['png-interlaced', 'png'],
    ['webp-lossy', 'webp'], ['webp-lossless', 'webp'], ['webp-alpha', 'webp'], ['gif', 'gif'], ['avif', 'avif'],
  ])('reads the format and size of a %s file', (name, format) => {
    expect(readImageHeader(encoded[name])).toEqual({ format, width: W, height: H });
  });

  it('reads a BMP written by hand, bottom-up and top-down', () => {
    const px = (x: number, y: number): [number, number, number] => [x * 40, y * 60, 100];
    expect(readImageHeader(bmp(5, 3, px))).toEqual({ format: 'bmp', width: 5, height: 3 });
    expect(readImageHeader(bmp(5, 3, px, true))).toEqual({ format: 'bmp', width: 5, height: 3 });
  });

  it('reads the committed fixture photos', () => {
    expect(readImageHeader(readPhoto('astronaut'))).toEqual({ format: 'jpeg', width: 512, height: 512 });
    expect(readImageHeader(readPhoto('chelsea'))).toEqual({ format: 'png', width: 451, height: 300 });
    expect(readImageHeader(readPhoto('coffee'))).toEqual({ format: 'jpeg', width: 600, height: 400 });
    expect(readImageHeader(readPhoto('rocket'))).toEqual({ format: 'jpeg', width: 640, height: 427 });
  });

  it('reports the stored size of a JPEG with an EXIF orientation (rotation is the decoder’s job)', async () => {
    const rotated = new Uint8Array(await gradient(W, H).jpeg().withMetadata({ orientation: 6 }).toBuffer());
    expect(readImageHeader(rotated)).toEqual({ format: 'jpeg', width: W, height: H });
  });

  it('accepts bytes after the end of a PNG (some tools append data)', () => {
    const padded = new Uint8Array([...encoded.png, ...new Uint8Array(100)]);
    expect(readImageHeader(padded)).toEqual({ format: 'png', width: W, height: H });
  });
});

/** A JPEG with an APP1 EXIF block holding `tiff` put right after its SOI marker. */
function withExifBlock(jpeg: Uint8Array, tiff: number[]): Uint8Array {
  const body = [...'Exif\0\0'].map((c) => c.charCodeAt(0)).concat(tiff);
  const length = body.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 255, ...body, ...jpeg.subarray(2)]);
}

/** A little-endian TIFF block whose first IFD holds one entry: the orientation tag (0x0112) = `value`. */
const littleTiff = (value: number) => [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, value, 0, 0, 0, 0, 0, 0, 0];

describe('jpegIsUpright (whether the VideoFrame readback, which ignores EXIF turns, may be used)', () => {
  it('is true without EXIF, and with an EXIF orientation of 1 (sharp writes big-endian TIFF)', async () => {
    expect(jpegIsUpright(encoded.jpeg)).toBe(true);
    expect(jpegIsUpright(encoded['jpeg-progressive'])).toBe(true);
    expect(jpegIsUpright(readPhoto('astronaut'))).toBe(true);
    expect(jpegIsUpright(new Uint8Array(await gradient(W, H).jpeg().withMetadata({ orientation: 1 }).toBuffer()))).toBe(true);
    expect(jpegIsUpright(withExifBlock(encoded.jpeg, littleTiff(1)))).toBe(true);
  });

  it('is false for every other orientation, in either byte order', async () => {
    for (let orientation = 2; orientation <= 8; orientation++) {
      const turned = new Uint8Array(await gradient(W, H).jpeg().withMetadata({ orientation }).toBuffer());
      expect(jpegIsUpright(turned), `orientation ${orientation}`).toBe(false);
      expect(jpegIsUpright(withExifBlock(encoded.jpeg, littleTiff(orientation))), `little-endian ${orientation}`).toBe(false);
    }
  });

  it('is false when an EXIF block cannot be read: the browser may still find a turn in it', () => {
    expect(jpegIsUpright(withExifBlock(encoded.jpeg, [0x49, 0x49, 42, 0, 200, 0, 0, 0]))).toBe(false); // IFD past the end
    expect(jpegIsUpright(withExifBlock(encoded.jpeg, [0x58, 0x58, 42, 0, 8, 0, 0, 0]))).toBe(false); // no byte order
    expect(jpegIsUpright(withExifBlock(encoded.jpeg, littleTiff(6).slice(0, 16)))).toBe(false); // entry cut short
  });
});

describe('bad files', () => {
  it('refuses an empty file as empty', () => {
    const err = thrown(() => readImageHeader(new Uint8Array()));
    expect(err).toBeInstanceOf(UnsupportedImageError);
    expect(err.name).toBe('UnsupportedImageError');
    expect(err.message).toMatch(/empty/i);
  });

  it.each([
    ['JPEG', 'jpeg', 0.5], ['JPEG', 'jpeg', 0.9], ['JPEG', 'jpeg', 0.02], ['JPEG', 'jpeg-progressive', 0.6],
    ['PNG', 'png', 0.5], ['PNG', 'png', 0.9], ['PNG', 'png', 0.1], ['WebP', 'webp-lossy', 0.5],
  ])('refuses a truncated %s (%s cut at %f) as truncated', (label, name, fraction) => {
    const err = thrown(() => readImageHeader(truncate(encoded[name], fraction)));
    expect(err).toBeInstanceOf(UnsupportedImageError);
    expect(err.name).toBe('UnsupportedImageError');
    expect(err.message).toMatch(/truncated/);
    expect(err.message).toContain(label);
  });

  it('refuses a GIF and a BMP cut short anywhere', async () => {
    const gif = new Uint8Array(await sharp(readPhoto('chelsea')).resize(120).gif().toBuffer());
    const bitmap = bmp(50, 40, (x, y) => [x * 5, y * 6, 7]);
    for (const [label, file] of [['GIF', gif], ['BMP', bitmap]] as const) {
      expect(readImageHeader(file).format).toBe(label.toLowerCase());
      // Every length short of the whole (a GIF missing only its trailer byte is the case below).
      for (let n = 1; n < file.length - 1; n += 7) {
        const err = thrown(() => readImageHeader(file.slice(0, n)));
        expect(err, `${label} cut to ${n} of ${file.length} bytes`).toBeInstanceOf(UnsupportedImageError);
        if (n >= 14) expect(err.message, `${label} cut to ${n} bytes`).toMatch(new RegExp(`${label} file is truncated`));
      }
    }
  });

  it('accepts a complete GIF that lacks only its trailer byte, as browsers do', () => {
    expect(readImageHeader(encoded.gif.slice(0, -1))).toEqual({ format: 'gif', width: W, height: H });
  });

  it('refuses a real photo cut short, and a PNG signature alone', () => {
    expect(() => readImageHeader(truncate(readPhoto('coffee'), 0.7))).toThrow(/JPEG file is truncated/);
    expect(() => readImageHeader(truncate(readPhoto('chelsea'), 0.7))).toThrow(/PNG file is truncated/);
    expect(() => readImageHeader(encoded.png.slice(0, 8))).toThrow(/PNG file is truncated/);
    expect(() => readImageHeader(encoded.jpeg.slice(0, 3))).toThrow(/JPEG file is truncated/);
  });

  it.each([
    ['a text file', textFile],
    ['random bytes', randomBytes(4096)],
    ['an HTML page', new TextEncoder().encode('<!doctype html><title>x</title>')],
    ['a PDF', new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj')],
    ['one byte', new Uint8Array([0xff])],
  ])('refuses %s as not an image', (_, bytes) => {
    const err = thrown(() => readImageHeader(bytes));
    expect(err).toBeInstanceOf(UnsupportedImageError);
    expect(err.name).toBe('UnsupportedImageError');
    expect(err.message).toMatch(/not an image/);
  });

  it.each([
    ['a bare SVG', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'],
    ['an SVG with a byte-order mark, an XML declaration and a comment', '\ufeff<?xml version="1.0"?>\n<!-- drawn by hand -->\n<svg viewBox="0 0 1 1"></svg>'],
  ])('refuses %s as a drawing, not a photo, saying what to do', (_, text) => {
    const err = thrown(() => readImageHeader(new TextEncoder().encode(text)));
    expect(err).toBeInstanceOf(UnsupportedImageError);
    expect(err.message).toBe(SVG_REFUSAL);
    expect(err.message).not.toMatch(/not an image/);
  });

  it('tells an SVG by its type or name, before reading it', () => {
    expect(isSvgFile({ name: 'logo.svg', type: '' })).toBe(true);
    expect(isSvgFile({ name: 'LOGO.SVGZ', type: '' })).toBe(true);
    expect(isSvgFile({ name: 'logo', type: 'image/svg+xml' })).toBe(true);
    expect(isSvgFile({ name: 'photo.png', type: 'image/png' })).toBe(false);
  });

  it('refuses an image that says it has no pixels', () => {
    expect(() => readImageHeader(pngHeaderOnly(0, 10))).toThrow(UnsupportedImageError);
    expect(() => readImageHeader(pngHeaderOnly(10, 0))).toThrow(/no pixels/);
  });
});

describe('pixel limit', () => {
  it('is 50 megapixels by default', () => {
    expect(DEFAULT_MAX_PIXELS).toBe(50_000_000);
    expect(() => checkPixelLimit({ width: 10_000, height: 5_000 })).not.toThrow();
    expect(() => checkPixelLimit({ width: 10_000, height: 5_001 })).toThrow(ImageTooLargeError);
  });

  it('refuses a PNG whose header declares 10000×10000, before any pixel is decoded', () => {
    const bomb = pngHeaderOnly(10_000, 10_000);
    expect(readImageHeader(bomb)).toEqual({ format: 'png', width: 10_000, height: 10_000 });
    const err = thrown(() => inspectImage(bomb));
    expect(err).toBeInstanceOf(ImageTooLargeError);
    expect(err.name).toBe('ImageTooLargeError');
    expect(err.message).toBe('This photo is 10000×10000 (100 megapixels); the limit is 50 megapixels.');
  });

  it('refuses a real photo over a lower limit and accepts it at its own size', () => {
    const coffee = readPhoto('coffee'); // 600×400 = 240,000 pixels
    const err = thrown(() => inspectImage(coffee, 239_999));
    expect(err).toBeInstanceOf(ImageTooLargeError);
    expect(err.name).toBe('ImageTooLargeError');
    expect(err.message).toContain('600×400');
    expect(inspectImage(coffee, 240_000)).toEqual({ format: 'jpeg', width: 600, height: 400 });
  });

  it('checks a BMP, a GIF and a WebP against the limit by their headers', () => {
    expect(() => inspectImage(bmp(5, 3, () => [0, 0, 0]), 14)).toThrow(ImageTooLargeError);
    expect(() => inspectImage(encoded.gif, W * H - 1)).toThrow(ImageTooLargeError);
    expect(() => inspectImage(encoded['webp-lossless'], W * H - 1)).toThrow(ImageTooLargeError);
    expect(() => inspectImage(encoded.avif, W * H - 1)).toThrow(ImageTooLargeError);
  });
});
