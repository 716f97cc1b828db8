/**
 * BMP → RGBA for Node, where sharp (libvips) has no BMP loader. Browsers decode BMP
 * themselves; this keeps the CLI's formats the app's. Reads the uncompressed kinds:
 * 1, 4 and 8 bits with a palette, 16 bits (5-5-5 or bit fields), 24 and 32 bits (with
 * or without alpha bit fields), bottom-up or top-down. RLE-compressed files are refused.
 * The caller has run decode.ts's header check first (size, limit, completeness).
 */
import { UnsupportedImageError } from '../../web/src/cutout/errors.ts';
import type { RgbaImage } from '../../web/src/cutout/image.ts';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** A channel's bit mask as a shift and a scale to 0..255 (an empty mask reads as absent). */
function channel(mask: number): { mask: number; shift: number; max: number } {
  if (mask === 0) return { mask: 0, shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask: mask >>> 0, shift, max: (mask >>> 0) >>> shift };
}

/** Decodes a BMP file's bytes into straight-alpha RGBA, top row first. */
export function decodeBmp(bytes: Uint8Array): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getUint32(10, true);
  const dib = view.getUint32(14, true);
  const core = dib === 12;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const bpp = core ? view.getUint16(24, true) : view.getUint16(28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new UnsupportedImageError('This BMP file is compressed (RLE or embedded JPEG/PNG), which clearcut cannot read; save it as an uncompressed BMP or as PNG.');
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new UnsupportedImageError(`This BMP file has ${bpp} bits a pixel, which clearcut cannot read.`);

  // Bit fields: in the header from version 4 on, otherwise right after the 40-byte header.
  let masks: number[] | undefined;
  if (compression !== BI_RGB) {
    const at = 14 + 40;
    const count = compression === BI_ALPHABITFIELDS || dib >= 56 ? 4 : 3;
    masks = Array.from({ length: count }, (_, i) => view.getUint32(at + i * 4, true));
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f];
  } else if (bpp === 32) {
    masks = [0xff0000, 0xff00, 0xff, 0];
  }
  const palette: number[][] = [];
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : view.getUint32(46, true);
    const count = used || 1 << bpp;
    const start = 14 + dib + (compression === BI_BITFIELDS && dib === 40 ? 12 : 0);
    for (let i = 0; i < count && start + i * entry + 2 < bytes.length; i++) {
      const p = start + i * entry;
      palette.push([bytes[p + 2], bytes[p + 1], bytes[p]]);
    }
  }

  const out = new Uint8ClampedArray(width * height * 4);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const [r, g, b, a] = [0, 1, 2, 3].map((i) => channel(masks?.[i] ?? 0));
  let sawAlpha = false;
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (bpp <= 8) {
        const bit = x * bpp;
        const index = (bytes[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const c = palette[index] ?? [0, 0, 0];
        out[o] = c[0];
        out[o + 1] = c[1];
        out[o + 2] = c[2];
        out[o + 3] = 255;
      } else if (bpp === 24) {
        const p = row + x * 3;
        out[o] = bytes[p + 2];
        out[o + 1] = bytes[p + 1];
        out[o + 2] = bytes[p];
        out[o + 3] = 255;
      } else {
        const v = bpp === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        const read = (c: ReturnType<typeof channel>) => (c.max ? Math.round((((v & c.mask) >>> c.shift) * 255) / c.max) : 255);
        out[o] = read(r);
        out[o + 1] = read(g);
        out[o + 2] = read(b);
        out[o + 3] = read(a);
        if (a.max && out[o + 3] !== 0) sawAlpha = true;
      }
    }
  }
  // Many writers leave the alpha byte of a 32-bit BMP at 0 for an opaque image: all zero means opaque.
  if (a.max && !sawAlpha) for (let p = 3; p < out.length; p += 4) out[p] = 255;
  return { width, height, data: out };
}
