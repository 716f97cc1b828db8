/**
 * Encode stage: RGBA pixels -> a PNG, WebP or JPEG file. In the browser (and its
 * workers) through OffscreenCanvas; Node uses sharp (scripts/lib/node-codec.ts).
 */
import type { OutputFormat } from '../../../common/output-format.ts';
import type { RgbaImage } from './image.ts';

export const MIME: Record<OutputFormat, string> = { png: 'image/png', webp: 'image/webp', jpeg: 'image/jpeg' };

/** True for formats that keep transparency (JPEG has no alpha channel). */
export const keepsAlpha = (format: OutputFormat) => format !== 'jpeg';

/** Encodes pixels with the browser's own encoders. */
export async function encodeInBrowser(image: RgbaImage, format: OutputFormat, quality = 0.92): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot encode images from a canvas.');
  ctx.putImageData(new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: MIME[format], quality });
  if (blob.type !== MIME[format]) throw new Error(`This browser cannot encode ${format.toUpperCase()}.`);
  return blob;
}
