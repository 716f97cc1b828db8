/**
 * The cutout the page shows: composed at the size a screen needs, not the photo's own. In
 * the page the composed picture only ever shows (the card, the before/after view) or is
 * the direct download of a photo whose full size is free; every other file is exported
 * from the photo and the full-size matte (export.ts). So for a 24-megapixel photo the
 * foreground colours, compose and encode run on 4 megapixels instead of 24, while the matte
 * stays at the photo's size. The CLI and the Node engine compose at full size.
 */
import { exportIsFree } from '../../../common/export-size.ts';
import { compose, type Background } from './compose.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';
import { resizeRgbaWithMatte } from './resample.ts';

/**
 * The longest side of the page's cutout. The largest picture the page shows it in is the
 * chosen photo's before/after view (JobCard.svelte): at most 72rem less the 17rem side
 * panel wide (about 850 CSS pixels, 1700 device pixels at 2× density) and the window's
 * height less 17rem tall (1256 device pixels in a 900-pixel-high window at 2×; a phone's 62%
 * of 844 at 3×, 1570). 2048 covers these with room, at 4.2 megapixels; the editor draws from
 * the photo and the matte, not from this picture.
 */
export const DISPLAY_MAX_SIDE = 2048;

/**
 * The size to compose the page's cutout at: the photo's own when it fits within
 * `maxSide`×`maxSide` or when its full size is free (within one megapixel: the card's
 * Download then gives this very picture), otherwise fitted within `maxSide`×`maxSide`.
 */
export function displaySize(width: number, height: number, maxSide = DISPLAY_MAX_SIDE): { width: number; height: number } {
  if ((width <= maxSide && height <= maxSide) || exportIsFree(width, height)) return { width, height };
  const scale = maxSide / Math.max(width, height);
  return { width: Math.max(1, Math.min(maxSide, Math.round(width * scale))), height: Math.max(1, Math.min(maxSide, Math.round(height * scale))) };
}

/**
 * Composes the page's cutout at `displaySize`: the photo and the matte are brought down
 * first (tent filter), then the foreground colours are estimated and the cutout composed
 * at that size. A photo shown at its own size is composed as compose() does (`inPlace`
 * as there; a smaller picture is always new pixels).
 */
export function composeForDisplay(image: RgbaImage, alpha: AlphaMatte, background: Background, inPlace = false, maxSide = DISPLAY_MAX_SIDE): RgbaImage {
  const { width, height } = displaySize(image.width, image.height, maxSide);
  if (width === image.width && height === image.height) return compose(image, alpha, background, inPlace);
  const small = resizeRgbaWithMatte(image, alpha, width, height);
  return compose(small.image, small.matte, background, true);
}
