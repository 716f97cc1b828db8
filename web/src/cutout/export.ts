/**
 * Export: the photo and its (possibly touched-up) matte -> a file in the chosen format,
 * size and background. `renderExport` is pure and runs anywhere; `exportInBrowser` adds
 * the browser's decoders and encoders and runs in the worker.
 */
import { exportDimensions, type ExportSize } from '../../../common/export-size.ts';
import type { OutputFormat } from '../../../common/output-format.ts';
import { blurredBackground, colorBackground, compose, coverFit, flatten, TRANSPARENT, type Background } from './compose.ts';
import { decodeInBrowser, DEFAULT_MAX_PIXELS } from './decode.ts';
import { encodeInBrowser, keepsAlpha } from './encode.ts';
import { ImageTooLargeError, UnsupportedImageError } from './errors.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';
import { resizeRgba } from './resample.ts';

/** A background as the UI chooses it: colours as `#rrggbb`, the user's image as its file. */
export type ExportBackground =
  | { kind: 'transparent' }
  | { kind: 'color'; color: string }
  | { kind: 'image'; file: Blob }
  | { kind: 'blur'; strength?: number };

/** A background with its pixels at hand (the image at any size: it is cover-fitted). */
export type PixelBackground =
  | { kind: 'transparent' }
  | { kind: 'color'; color: string }
  | { kind: 'image'; image: RgbaImage }
  | { kind: 'blur'; strength?: number };

export interface ExportRequest {
  format: OutputFormat;
  size: ExportSize;
  background: ExportBackground;
  /** Encoder quality for WebP and JPEG, 0..1. */
  quality?: number;
  maxPixels?: number;
}

/** The background JPEG gets when asked for transparency it cannot store. */
export const JPEG_FALLBACK_COLOR = '#ffffff';

/** The encoder quality used unless asked otherwise. */
export const DEFAULT_QUALITY: Record<OutputFormat, number> = { png: 1, webp: 0.9, jpeg: 0.92 };

/**
 * The exported pixels: the cutout at the export size (resized with premultiplied alpha, so
 * edges keep their colour), over the background. Formats without alpha always get an
 * opaque background (white when transparency was asked for).
 */
export function renderExport(photo: RgbaImage, alpha: AlphaMatte, size: ExportSize, background: PixelBackground, format: OutputFormat = 'png'): RgbaImage {
  const { width, height } = exportDimensions(photo.width, photo.height, size);
  const wanted = background.kind === 'transparent' && !keepsAlpha(format) ? ({ kind: 'color', color: JPEG_FALLBACK_COLOR } as const) : background;
  let behind: Background;
  if (wanted.kind === 'transparent') behind = TRANSPARENT;
  else if (wanted.kind === 'color') behind = colorBackground(wanted.color);
  else if (wanted.kind === 'image') behind = { kind: 'image', image: coverFit(wanted.image, width, height) };
  else behind = { kind: 'image', image: blurredBackground(photo, width, height, wanted.strength, alpha) };
  const cutout = resizeRgba(compose(photo, alpha, TRANSPARENT), width, height, true);
  return flatten(cutout, behind);
}

/** Decodes the user's background image, saying which file it is when that fails. */
async function decodeBackground(file: Blob, maxPixels: number): Promise<RgbaImage> {
  try {
    return await decodeInBrowser(file, maxPixels);
  } catch (err) {
    if (err instanceof UnsupportedImageError || err instanceof ImageTooLargeError) {
      err.message = `The background image cannot be used. ${err.message}`;
    }
    throw err;
  }
}

/** Decodes the photo (and a background image), renders the export and encodes it. */
export async function exportInBrowser(file: Blob, alpha: AlphaMatte, request: ExportRequest): Promise<Blob> {
  const maxPixels = request.maxPixels ?? DEFAULT_MAX_PIXELS;
  const photo = await decodeInBrowser(file, maxPixels);
  const bg = request.background;
  const background: PixelBackground = bg.kind === 'image' ? { kind: 'image', image: await decodeBackground(bg.file, maxPixels) } : bg;
  const pixels = renderExport(photo, alpha, request.size, background, request.format);
  return encodeInBrowser(pixels, request.format, request.quality ?? DEFAULT_QUALITY[request.format]);
}
