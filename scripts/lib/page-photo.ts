/**
 * The page halves of the timing scripts (bundled by page-script.ts): bytes handed over from
 * Node as base64, and the photo decoded and enlarged by the browser, as the app's page gets it.
 */
import type { RgbaImage } from '../../web/src/cutout/image.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Float32 values handed over from Node as base64 (the network's map). */
export function floatsFromBase64(text: string): Float32Array {
  const bytes = fromBase64(text);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/**
 * The photo (base64) decoded in the page and drawn with high-quality smoothing at `size`:
 * `megapixels` (0: its own size), its shape kept, or a width and height.
 */
export async function photoInPage(photo: string, size: number | { width: number; height: number }): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(new Blob([fromBase64(photo)]));
  const factor = typeof size === 'number' && size > 0 ? Math.sqrt((size * 1e6) / (bitmap.width * bitmap.height)) : 1;
  const { width, height } = typeof size === 'number' ? { width: Math.round(bitmap.width * factor), height: Math.round(bitmap.height * factor) } : size;
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  return { width, height, data: context.getImageData(0, 0, width, height).data };
}
