/**
 * The cutout the page shows: composed at the free standard size, not the photo's own. In
 * the page the composed picture shows on the card and in the before/after view, and the
 * card's Download link points at it, so whatever the browser saves of it ("Save link
 * as…", a middle click, "Save image as…") must be free: no larger than the standard
 * export (common/export-size.ts). Every other file, and every file the card's Download
 * gives of a photo over the free size, is exported from the photo and the full-size matte
 * (export.ts); the editor also draws from those. So for a 24-megapixel photo the
 * foreground colours, compose and encode run on one megapixel instead of 24, while the
 * matte stays at the photo's size. The CLI and the Node engine compose at full size.
 */
import { exportDimensions } from '../../../common/export-size.ts';
import { compose, type Background } from './compose.ts';
import { DEFAULT_FOREGROUND, type ForegroundOptions } from './foreground.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';
import { resizeRgbaWithMatte } from './resample.ts';

/**
 * The size to compose the page's cutout at: the standard export's, which is the photo's own
 * when that is free (within one megapixel) and otherwise the photo fitted within one
 * megapixel, its shape kept (exportDimensions).
 */
export function displaySize(width: number, height: number): { width: number; height: number } {
  const { width: w, height: h } = exportDimensions(width, height, 'standard');
  return { width: w, height: h };
}

/**
 * The foreground colours of a picture shrunk to the free size: the pyramid solved whole up to
 * the level below the picture's own (about 0.3 megapixels for a one-megapixel picture, under
 * 768²), and the picture's own level on its semi-transparent pixels alone, the colours around
 * them taken from the picture (foreground-band.ts), as for any photo over 1024². On the bench's
 * two 24 MP photos (plants-1 and animal-1 upscaled) the edge colours are as close to the
 * standard export's as the whole level's (mean premultiplied difference 1.925 and 0.676
 * levels, the same to three decimals), in about two thirds of the time.
 */
const SHRUNK_FOREGROUND: ForegroundOptions = { ...DEFAULT_FOREGROUND, maxDenseSide: 768 };

/**
 * Composes the page's cutout at `displaySize`: the photo and the matte are brought down
 * first (tent filter; the matte exactly as the standard export brings the full-size cutout's
 * alpha down), then the foreground colours are estimated (SHRUNK_FOREGROUND) and the
 * cutout composed at that size. A photo shown at its own size is composed as compose() does
 * (`inPlace` as there: it may be the card's free download); a smaller picture is always new pixels.
 */
export function composeForDisplay(image: RgbaImage, alpha: AlphaMatte, background: Background, inPlace = false): RgbaImage {
  const { width, height } = displaySize(image.width, image.height);
  if (width === image.width && height === image.height) return compose(image, alpha, background, inPlace);
  const small = resizeRgbaWithMatte(image, alpha, width, height);
  return compose(small.image, small.matte, background, true, SHRUNK_FOREGROUND);
}
