/**
 * decodeInBrowser as it was before the VideoFrame readback (web/src/cutout/decode.ts at
 * 142ef9d): every photo through an OffscreenCanvas. The browser tests compare today's
 * decode with it byte for byte, and scripts/time-decode.ts times the two.
 */
import { CANVAS_MAX_PIXELS } from '../../../web/src/cutout/canvas-limit.ts';
import { DEFAULT_MAX_PIXELS, inspectImage } from '../../../web/src/cutout/decode.ts';
import { ImageTooLargeError, UnsupportedImageError } from '../../../web/src/cutout/errors.ts';
import type { RgbaImage } from '../../../web/src/cutout/image.ts';

export async function decodeInBrowserReference(blob: Blob, maxPixels = DEFAULT_MAX_PIXELS, canvasMaxPixels = CANVAS_MAX_PIXELS): Promise<RgbaImage> {
  const header = inspectImage(new Uint8Array(await blob.arrayBuffer()), maxPixels);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob.slice(0, blob.size, `image/${header.format}`), {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
    });
  } catch {
    throw new UnsupportedImageError(`This ${header.format.toUpperCase()} file could not be decoded: it may be corrupt.`);
  }
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
