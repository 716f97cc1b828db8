/**
 * Decode stage: bytes -> RGBA pixels at the photo's own size, EXIF orientation honoured.
 * The header is read first, in pure code, so an empty, truncated, foreign or oversized
 * file is refused with a specific error before any decoder sees it (a decompression bomb
 * never gets to allocate its pixels).
 */
import { CANVAS_MAX_PIXELS } from './canvas-limit.ts';
import { ImageTooLargeError, UnsupportedImageError } from './errors.ts';
import type { RgbaImage } from './image.ts';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif';

/** What the header says, before decoding. Width and height are as stored (before EXIF rotation). */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Default limit on decoded pixels: 50 megapixels. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

const truncated = (what: string) => new UnsupportedImageError(`This ${what} file is truncated or corrupt: part of it is missing.`);

function jpegHeader(b: Uint8Array): ImageHeader {
  let i = 2;
  let size: { width: number; height: number } | undefined;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) throw truncated('JPEG');
    const marker = b[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    if (marker === 0xd9) break;
    const length = be16(b, i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && !size) {
      if (i + 9 > b.length) break;
      size = { height: be16(b, i + 5), width: be16(b, i + 7) };
    }
    if (marker === 0xda) {
      // Entropy-coded data follows; a real end-of-image marker (FF D9) can only appear
      // after it, since the encoder stuffs every other FF as FF 00.
      for (let j = i + 2 + length; j + 1 < b.length; j++) if (b[j] === 0xff && b[j + 1] === 0xd9) {
        if (!size) break;
        return { format: 'jpeg', ...size };
      }
      break;
    }
    i += 2 + length;
  }
  throw truncated('JPEG');
}

function pngHeader(b: Uint8Array): ImageHeader {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') throw truncated('PNG');
  // The IEND chunk closes every complete PNG; search the tail to allow trailing bytes.
  const tail = b.subarray(Math.max(0, b.length - 4096));
  let complete = false;
  for (let j = tail.length - 4; j >= 0 && !complete; j--) complete = tail[j] === 0x49 && ascii(tail, j, 4) === 'IEND';
  if (!complete) throw truncated('PNG');
  return { format: 'png', width: be32(b, 16), height: be32(b, 20) };
}

function gifHeader(b: Uint8Array): ImageHeader {
  if (b.length < 13) throw truncated('GIF');
  // Walk the blocks to the trailer (0x3B): a file cut short ends inside a block. A file
  // that ends cleanly after a complete image but lacks the trailer is accepted, as
  // browsers show it.
  let i = 13;
  if (b[10] & 0x80) i += 3 << ((b[10] & 7) + 1); // global colour table
  const subBlocks = () => {
    for (;;) {
      if (i >= b.length) throw truncated('GIF');
      const n = b[i++];
      if (n === 0) return;
      i += n;
    }
  };
  let images = 0;
  for (;;) {
    if (i >= b.length) {
      if (images > 0 && i === b.length) break;
      throw truncated('GIF');
    }
    const block = b[i++];
    if (block === 0x3b) break;
    if (block === 0x21) {
      i++; // extension label
      subBlocks();
    } else if (block === 0x2c) {
      if (i + 9 > b.length) throw truncated('GIF');
      const flags = b[i + 8];
      i += 9;
      if (flags & 0x80) i += 3 << ((flags & 7) + 1); // local colour table
      i++; // LZW minimum code size
      subBlocks();
      images++;
    } else {
      throw new UnsupportedImageError('This GIF file is corrupt: it has a block clearcut does not know.');
    }
  }
  if (images === 0) throw truncated('GIF');
  return { format: 'gif', width: le16(b, 6), height: le16(b, 8) };
}

function bmpHeader(b: Uint8Array): ImageHeader {
  if (b.length < 26) throw truncated('BMP');
  const dib = le32(b, 14);
  const width = dib === 12 ? le16(b, 18) : le32(b, 18) | 0;
  const height = dib === 12 ? le16(b, 20) : le32(b, 22) | 0;
  const offset = le32(b, 10);
  if (offset >= b.length) throw truncated('BMP');
  // Uncompressed rows (BI_RGB, BI_BITFIELDS) have a known size: all of them must be there.
  const bpp = dib === 12 ? le16(b, 24) : b.length >= 30 ? le16(b, 28) : 0;
  const compression = dib === 12 || b.length < 34 ? 0 : le32(b, 30);
  if ((compression === 0 || compression === 3) && bpp > 0) {
    const rowBytes = Math.ceil((Math.abs(width) * bpp) / 32) * 4;
    if (offset + rowBytes * Math.abs(height) > b.length) throw truncated('BMP');
  }
  return { format: 'bmp', width: Math.abs(width), height: Math.abs(height) };
}

function webpHeader(b: Uint8Array): ImageHeader {
  if (b.length < 30 || le32(b, 4) + 8 > b.length) throw truncated('WebP');
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') return { format: 'webp', width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = le32(b, 21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const w = b[24] | (b[25] << 8) | (b[26] << 16);
    const h = b[27] | (b[28] << 8) | (b[29] << 16);
    return { format: 'webp', width: w + 1, height: h + 1 };
  }
  throw new UnsupportedImageError('This WebP file uses a layout clearcut cannot read.');
}

function avifHeader(b: Uint8Array): ImageHeader {
  // The image spatial extents ('ispe') property carries the size; take the largest one
  // (the others describe thumbnails or alpha planes).
  let width = 0;
  let height = 0;
  const end = Math.min(b.length - 16, 1 << 20);
  for (let i = 4; i < end; i++) {
    if (b[i] === 0x69 && ascii(b, i, 4) === 'ispe') {
      const w = be32(b, i + 8);
      const h = be32(b, i + 12);
      if (w * h > width * height) { width = w; height = h; }
    }
  }
  if (!width || !height) throw truncated('AVIF');
  return { format: 'avif', width, height };
}

/** What an SVG gets: it is an image, a drawing the browser shows, but not a photo the model can cut out. */
export const SVG_REFUSAL = 'This is an SVG drawing, not a photo: clearcut cuts out JPEG, PNG, WebP, AVIF, GIF or BMP images. Save it as a PNG first.';

/** True when the file says it is an SVG by its type or name (the page refuses those before reading them). */
export function isSvgFile(file: { name: string; type: string }): boolean {
  return file.type === 'image/svg+xml' || /\.svgz?$/i.test(file.name);
}

/** True when the bytes start as an SVG document (an XML declaration, comments or a doctype first are fine). */
function looksLikeSvg(b: Uint8Array): boolean {
  const head = ascii(b, 0, Math.min(b.length, 1024)).replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart();
  return head.startsWith('<') && /<svg[\s>]/i.test(head);
}

/**
 * Reads the format and size from the first bytes of a file. Throws UnsupportedImageError
 * for empty, truncated or non-image bytes.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const b = bytes;
  if (b.length === 0) throw new UnsupportedImageError('The file is empty.');
  let header: ImageHeader | undefined;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) header = jpegHeader(b);
  else if (b.length >= 8 && be32(b, 0) === 0x89504e47 && be32(b, 4) === 0x0d0a1a0a) header = pngHeader(b);
  else if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) header = gifHeader(b);
  else if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) header = bmpHeader(b);
  else if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') header = webpHeader(b);
  else if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && ['avif', 'avis', 'mif1'].includes(ascii(b, 8, 4))) header = avifHeader(b);
  if (!header) {
    if (looksLikeSvg(b)) throw new UnsupportedImageError(SVG_REFUSAL);
    throw new UnsupportedImageError('This file is not an image clearcut can read (JPEG, PNG, WebP, AVIF, GIF or BMP).');
  }
  if (!(header.width > 0 && header.height > 0)) throw new UnsupportedImageError(`This ${header.format.toUpperCase()} file says it has no pixels.`);
  return header;
}

/** Throws ImageTooLargeError when the image has more pixels than `maxPixels`. */
export function checkPixelLimit(header: Pick<ImageHeader, 'width' | 'height'>, maxPixels = DEFAULT_MAX_PIXELS): void {
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    const mp = (n: number) => (n / 1e6).toFixed(n < 1e7 ? 1 : 0);
    throw new ImageTooLargeError(
      `This photo is ${header.width}×${header.height} (${mp(pixels)} megapixels); the limit is ${mp(maxPixels)} megapixels.`,
    );
  }
}

/** Reads and checks a file's header: the pure first half of decoding, shared by every platform. */
export function inspectImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): ImageHeader {
  const header = readImageHeader(bytes);
  checkPixelLimit(header, maxPixels);
  return header;
}

/**
 * True when a JPEG's EXIF says nothing but "upright" (orientation 1, or no orientation at
 * all), so the decoded pixels need no turning. False where any EXIF block asks for a turn
 * or cannot be read: the caller then takes the path that lets the browser apply it.
 */
export function jpegIsUpright(b: Uint8Array): boolean {
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1];
    if (marker === 0xda || marker === 0xd9) return true; // EXIF comes before the image data
    if (marker === 0xff) { i++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    const length = be16(b, i + 2);
    if (marker === 0xe1 && length >= 8 && ascii(b, i + 4, 6) === 'Exif\0\0') {
      const orientation = exifOrientation(b.subarray(i + 10, Math.min(b.length, i + 2 + length)));
      if (orientation !== 1) return false;
    }
    i += 2 + length;
  }
  return true;
}

/** The orientation tag of a TIFF block's first IFD: 1 when absent, NaN when the block is unreadable. */
function exifOrientation(t: Uint8Array): number {
  if (t.length < 8) return NaN;
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return NaN;
  const u16 = (j: number) => (little ? le16(t, j) : be16(t, j));
  const ifd = little ? le32(t, 4) : be32(t, 4);
  if (ifd + 2 > t.length) return NaN;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > t.length) return NaN;
    if (u16(entry) === 0x0112) return u16(entry + 8);
  }
  return 1;
}

/** Pixels that differ per channel, for checking that a readback keeps the channel order. */
const PROBE = [10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255];
let frameReadback: Promise<boolean> | undefined;

/**
 * Whether decodes here read upright JPEGs through a VideoFrame: in Chromium only, and only
 * once a 2×2 bitmap of known colours comes back from it as RGBA in the right order (an engine
 * that ignored copyTo's `format` would hand over its own BGRX). Firefox 153 reads them back
 * correctly but converts to RGBA slowly (about 230 ms at 24 MP against Chromium's 55, and
 * the whole decode 1.1x its canvas path's time), so it keeps the canvas; WebKitGTK 2.50
 * fails the check.
 */
export function readsFramesBack(): Promise<boolean> {
  return (frameReadback ??= (async () => {
    const brands = (navigator as { userAgentData?: { brands?: { brand: string }[] } }).userAgentData?.brands ?? [];
    if (typeof VideoFrame !== 'function' || !brands.some((b) => b.brand === 'Chromium')) return false;
    const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(PROBE), 2, 2), { premultiplyAlpha: 'none' });
    try {
      const got = await readFrame(bitmap);
      return !!got && got.every((v, i) => v === PROBE[i]);
    } catch {
      return false;
    } finally {
      bitmap.close();
    }
  })());
}

/** The bitmap's pixels as RGBA through a VideoFrame (no canvas, no canvas size limit), or undefined where the frame is not plain RGB. */
async function readFrame(bitmap: ImageBitmap): Promise<Uint8ClampedArray | undefined> {
  const frame = new VideoFrame(bitmap, { timestamp: 0 });
  try {
    const { width, height } = bitmap;
    if (!['RGBA', 'RGBX', 'BGRA', 'BGRX'].includes(frame.format ?? '') || frame.codedWidth !== width || frame.codedHeight !== height) return undefined;
    const data = new Uint8ClampedArray(width * height * 4);
    await frame.copyTo(data, { format: 'RGBA' } as VideoFrameCopyToOptions);
    return data;
  } finally {
    frame.close();
  }
}

/**
 * Browser decode: checks the header, then lets the browser decode with EXIF orientation
 * applied, and reads the pixels back.
 *
 * In Chromium an upright JPEG is read through a VideoFrame (readsFramesBack): at 24 MP
 * the canvas costs a drawImage, a getImageData and, over the canvas limit, strips copied
 * into place; the frame one conversion to RGBA, with the very same bytes (browser tests,
 * tests/e2e/decode). Not for turned JPEGs: Chromium's VideoFrame takes the bitmap as stored,
 * without its EXIF turn. Not for other formats: alpha is left to the canvas path (Firefox's
 * frame gives other bytes than its canvas for translucent pixels), and photos are JPEGs.
 *
 * Otherwise through an OffscreenCanvas. The decoded bitmap, the canvas and the pixels read
 * back are each a full-size copy (96 MB apiece at 24 MP): the bitmap is closed as soon as
 * it is drawn and the canvas shrunk to nothing once read, so at most two are alive at once
 * and only the pixels stay. A photo over `canvasMaxPixels` is read through a canvas of a
 * strip of rows at a time.
 */
export async function decodeInBrowser(blob: Blob, maxPixels = DEFAULT_MAX_PIXELS, canvasMaxPixels = CANVAS_MAX_PIXELS): Promise<RgbaImage> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const header = inspectImage(bytes, maxPixels);
  const viaFrame = header.format === 'jpeg' && jpegIsUpright(bytes) && (await readsFramesBack());
  let bitmap: ImageBitmap;
  try {
    // A typed view of the same bytes (slice copies nothing), whatever type the file claimed.
    bitmap = await createImageBitmap(blob.slice(0, blob.size, `image/${header.format}`), {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
    });
  } catch {
    throw new UnsupportedImageError(`This ${header.format.toUpperCase()} file could not be decoded: it may be corrupt.`);
  }
  if (viaFrame) {
    try {
      const { width, height } = bitmap;
      const data = await readFrame(bitmap);
      if (data) {
        bitmap.close();
        return { width, height, data };
      }
    } catch {
      // The canvas below reads any bitmap the engine made.
    }
  }
  return readThroughCanvas(bitmap, canvasMaxPixels);
}

function readThroughCanvas(bitmap: ImageBitmap, canvasMaxPixels: number): RgbaImage {
  const { width, height } = bitmap;
  const rows = Math.min(height, Math.floor(canvasMaxPixels / width));
  if (rows < 1) {
    bitmap.close();
    throw new ImageTooLargeError(`This photo is ${width} pixels wide, wider than this browser can draw (${canvasMaxPixels} pixels). Try a smaller copy of it.`);
  }
  const canvas = new OffscreenCanvas(width, rows);
  try {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new UnsupportedImageError('This browser cannot read pixels back from a canvas.');
    if (rows === height) {
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      const { data } = ctx.getImageData(0, 0, width, height);
      return { width, height, data };
    }
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y += rows) {
      const h = Math.min(rows, height - y);
      ctx.clearRect(0, 0, width, rows);
      ctx.drawImage(bitmap, 0, y, width, h, 0, 0, width, h);
      data.set(ctx.getImageData(0, 0, width, h).data, y * width * 4);
    }
    return { width, height, data };
  } finally {
    bitmap.close();
    canvas.width = canvas.height = 0;
  }
}
