/**
 * The editor's picture on one canvas no larger than the device allows. Safari refuses or
 * blanks a canvas over about 16.7 megapixels, so a larger photo is shown scaled down
 * (each shown pixel samples the nearest photo pixel), while the brush keeps editing the
 * matte at the photo's full resolution and the export uses that. A photo within the limit
 * is shown at its own size, through the same code.
 */
import type { Rect } from './brush.ts';

/** How a `photoWidth`×`photoHeight` photo is shown: the canvas size, and the photo column and row each shown one samples. */
export interface ShownScale {
  width: number;
  height: number;
  columns: Int32Array;
  rows: Int32Array;
}

/** The sample positions of `shown` pixels over `full` ones: the centre of each shown pixel, rounded down. */
function samples(shown: number, full: number): Int32Array {
  const at = new Int32Array(shown);
  for (let i = 0; i < shown; i++) at[i] = Math.min(full - 1, Math.floor(((i + 0.5) * full) / shown));
  return at;
}

/** The largest size of the photo's aspect with at most `maxPixels` pixels, or its own size when it fits. */
export function shownScale(photoWidth: number, photoHeight: number, maxPixels: number): ShownScale {
  let width = photoWidth;
  let height = photoHeight;
  if (width * height > maxPixels) {
    const k = Math.sqrt(maxPixels / (width * height));
    width = Math.max(1, Math.floor(photoWidth * k));
    height = Math.max(1, Math.floor(photoHeight * k));
  }
  return { width, height, columns: samples(width, photoWidth), rows: samples(height, photoHeight) };
}

/** The shown pixels whose samples fall in `r`, a rectangle of the photo (what a brush stroke changed). */
export function shownRect(s: ShownScale, photoWidth: number, photoHeight: number, r: Rect): Rect {
  const x0 = Math.max(0, Math.floor((r.x * s.width) / photoWidth));
  const y0 = Math.max(0, Math.floor((r.y * s.height) / photoHeight));
  const x1 = Math.min(s.width, Math.ceil(((r.x + r.width) * s.width) / photoWidth));
  const y1 = Math.min(s.height, Math.ceil(((r.y + r.height) * s.height) / photoHeight));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * Sets the alpha of the shown pixels in `r` (shown coordinates) from the edited matte:
 * `out` and `photo` are the shown RGBA pixels (the photo's own alpha in `photo`), `alpha`
 * the full-resolution matte, `photoWidth` its row length.
 */
export function paintShown(out: Uint8ClampedArray, photo: Uint8ClampedArray, alpha: Uint8Array, photoWidth: number, s: ShownScale, r: Rect): void {
  for (let y = r.y; y < r.y + r.height; y++) {
    const row = s.rows[y] * photoWidth;
    for (let x = r.x, p = (y * s.width + x) * 4 + 3; x < r.x + r.width; x++, p += 4) {
      const a = alpha[row + s.columns[x]];
      out[p] = photo[p] === 255 ? a : (a * photo[p]) / 255;
    }
  }
}
