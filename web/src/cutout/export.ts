/**
 * Export: the photo and its (possibly touched-up) matte -> a file in the chosen format,
 * size and background. `renderExport` is pure and runs anywhere; `exportInBrowser` adds
 * the browser's decoders and encoders and runs in the worker.
 */
import type { ExportSize } from '../../../common/export-size.ts';
import { DEFAULT_QUALITY, takesQuality, type OutputFormat } from '../../../common/output-format.ts';
import { builtInBackground, gradientImage } from './backgrounds.ts';
import { blurredBackground, BLUR_WORKING_SIDE, colorBackground, compose, coverFit, flatten, TRANSPARENT, type Background } from './compose.ts';
import { decodeInBrowser, DEFAULT_MAX_PIXELS } from './decode.ts';
import { encodeInBrowser, keepsAlpha } from './encode.ts';
import { ImageTooLargeError, UnsupportedImageError } from './errors.ts';
import { frameExportDimensions, frameFor, NO_FRAME, subjectBounds, type FrameOptions } from './frame.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';
import { dropShadow, over, placeCutout, placeSmall, SOFT_SHADOW } from './place.ts';

/** A background as the UI chooses it: colours as `#rrggbb`, the user's image as its file. */
export type ExportBackground =
  | { kind: 'transparent' }
  | { kind: 'color'; color: string }
  | { kind: 'gradient'; from: string; to: string; angle: number }
  | { kind: 'image'; file: Blob }
  | { kind: 'blur'; strength?: number };

/** A background with its pixels at hand (the image at any size: it is cover-fitted). */
export type PixelBackground =
  | { kind: 'transparent' }
  | { kind: 'color'; color: string }
  | { kind: 'gradient'; from: string; to: string; angle: number }
  | { kind: 'image'; image: RgbaImage }
  | { kind: 'blur'; strength?: number };

/** How the subject is framed and lit: crop, padding, preset (frame.ts) and a drop shadow. */
export interface ExportLayout {
  frame: FrameOptions;
  /** A soft drop shadow under the subject. */
  shadow: boolean;
}

/** The photo's own frame, no shadow: what exports were before framing existed. */
export const PLAIN_LAYOUT: ExportLayout = { frame: NO_FRAME, shadow: false };

/** A background drawn in code: a colour or a gradient (the same in both background types). */
export type DrawnBackground = Extract<PixelBackground, { kind: 'color' | 'gradient' }>;

/** A built-in background as exports take it (by id, see backgrounds.ts). */
export function builtInExportBackground(id: string): DrawnBackground | undefined {
  const b = builtInBackground(id);
  if (!b) return undefined;
  return b.kind === 'color' ? { kind: 'color', color: b.color } : { kind: 'gradient', from: b.from, to: b.to, angle: b.angle };
}

export interface ExportRequest {
  format: OutputFormat;
  size: ExportSize;
  background: ExportBackground;
  /** Encoder quality for WebP and JPEG, 1 to 100 (common/output-format.ts); the format's default when absent. */
  quality?: number;
  maxPixels?: number;
  /** Crop, preset, padding and shadow; the photo as it is when absent. */
  layout?: ExportLayout;
  /** The largest canvas to make (canvas-limit.ts); larger images take the canvas-free paths. */
  canvasMaxPixels?: number;
}

/** The background JPEG gets when asked for transparency it cannot store. */
export const JPEG_FALLBACK_COLOR = '#ffffff';

/** The exported file's size for a photo and its matte, and whether it is free: the export-size rule on the framed picture. */
export function exportSizeFor(alpha: AlphaMatte, size: ExportSize, layout: ExportLayout = PLAIN_LAYOUT) {
  const frame = frameFor(alpha.width, alpha.height, framed(layout) ? subjectBounds(alpha) : null, layout.frame);
  return frameExportDimensions(frame, size);
}

/**
 * The photo blurred without its subject (compose's blurredBackground, given the matte) at
 * its working size: placeSmall then enlarges it onto the framed picture.
 */
function blurredSmall(photo: RgbaImage, alpha: AlphaMatte, strength?: number): RgbaImage {
  const scale = Math.min(1, BLUR_WORKING_SIDE / Math.max(photo.width, photo.height));
  const w = Math.max(1, Math.round(photo.width * scale));
  const h = Math.max(1, Math.round(photo.height * scale));
  return blurredBackground(photo, w, h, strength, alpha);
}

const framed = (layout: ExportLayout) => layout.frame.crop || layout.frame.preset !== 'original';

/**
 * The exported pixels: the cutout framed (cropped to the subject, shaped by the preset)
 * at the export size, resized with premultiplied alpha so edges keep their colour, over
 * its drop shadow and the background. Formats without alpha always get an opaque
 * background (white when transparency was asked for).
 */
export function renderExport(
  photo: RgbaImage,
  alpha: AlphaMatte,
  size: ExportSize,
  background: PixelBackground,
  format: OutputFormat = 'png',
  layout: ExportLayout = PLAIN_LAYOUT,
): RgbaImage {
  const frame = frameFor(photo.width, photo.height, framed(layout) ? subjectBounds(alpha) : null, layout.frame);
  const { width, height } = frameExportDimensions(frame, size);
  const wanted = background.kind === 'transparent' && !keepsAlpha(format) ? ({ kind: 'color', color: JPEG_FALLBACK_COLOR } as const) : background;
  let behind: Background;
  if (wanted.kind === 'transparent') behind = TRANSPARENT;
  else if (wanted.kind === 'color') behind = colorBackground(wanted.color);
  else if (wanted.kind === 'gradient') behind = { kind: 'image', image: gradientImage(width, height, wanted.from, wanted.to, wanted.angle) };
  else if (wanted.kind === 'image') behind = { kind: 'image', image: coverFit(wanted.image, width, height) };
  else behind = { kind: 'image', image: placeSmall(blurredSmall(photo, alpha, wanted.strength), photo, frame, width, height) };
  const cutout = placeCutout(compose(photo, alpha, TRANSPARENT), frame, width, height);
  if (!layout.shadow) return flatten(cutout, behind);
  // Background, then the shadow, then the subject.
  const shadow = dropShadow(cutout, SOFT_SHADOW);
  const layered = behind.kind === 'transparent' ? shadow : flatten(shadow, behind, true);
  return over(layered, cutout);
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
  const photo = await decodeInBrowser(file, maxPixels, request.canvasMaxPixels);
  const bg = request.background;
  const background: PixelBackground = bg.kind === 'image' ? { kind: 'image', image: await decodeBackground(bg.file, maxPixels) } : bg;
  const pixels = renderExport(photo, alpha, request.size, background, request.format, request.layout);
  // PNG takes no quality; the canvas takes one from 0 to 1.
  const quality = takesQuality(request.format) ? (request.quality ?? DEFAULT_QUALITY[request.format]) / 100 : 1;
  return encodeInBrowser(pixels, request.format, quality, request.canvasMaxPixels);
}
