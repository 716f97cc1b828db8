/**
 * Frame stage: the cutout's matte + framing options -> the picture's frame: its size in the
 * photo's pixels and where the photo sits in it. Cropping to the subject (with padding) and
 * the output presets (1:1, 4:5, 16:9, a custom size) centre the subject; "original" without
 * a crop is the photo itself. Pure arithmetic: the browser export, the ZIP and the CLI
 * get the same frame from the same matte.
 */
import { exportDimensions, type ExportDimensions, type ExportSize } from '../../../common/export-size.ts';
import type { AlphaMatte, Rect } from './image.ts';


/** The picture's shape: the photo's own, an aspect ratio, or an exact size in pixels. */
export type FramePreset = 'original' | '1:1' | '4:5' | '16:9' | { width: number; height: number };

/** The presets offered by name, in the order the page and --help list them. */
export const FRAME_PRESETS: readonly FramePreset[] = ['original', '1:1', '4:5', '16:9'];

export interface FrameOptions {
  /** Crop to the subject. Every preset but "original" frames the subject anyway. */
  crop: boolean;
  /** Space left around the subject, as a fraction of its longer side (0.1: a tenth). */
  padding: number;
  preset: FramePreset;
}

/** The photo as it is: no crop, its own shape. */
export const NO_FRAME: FrameOptions = { crop: false, padding: 0.1, preset: 'original' };

/** Where the picture is, in the photo's pixels, and the exact output size a custom preset asks for. */
export interface Frame {
  /** The picture's size in the photo's pixels. */
  width: number;
  height: number;
  /** Where the photo's top-left corner lands in the picture (negative: the picture starts inside the photo). */
  x: number;
  y: number;
  /** A custom preset's exact size in pixels; otherwise the export size decides. */
  output?: { width: number; height: number };
}

/**
 * Matte values from this one up count as the subject. Half-way, as the masks are cut for
 * IoU: a faint haze over the background must not stretch the crop to the whole photo, and
 * the padding leaves room for the wisps of hair below it.
 */
export const SUBJECT_ALPHA = 128;

/** The smallest rectangle holding every matte value of at least `threshold`, or null when there is none. */
export function subjectBounds(alpha: AlphaMatte, threshold = SUBJECT_ALPHA): Rect | null {
  const { width, height, data } = alpha;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    for (let x = 0; x < width; x++) {
      if (data[row + x] >= threshold) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let x = width - 1; x > first; x--) {
      if (data[row + x] >= threshold) {
        last = x;
        break;
      }
    }
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
    if (y < y0) y0 = y;
    y1 = y;
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Width over height of a preset, or undefined for "original". */
export function presetRatio(preset: FramePreset): number | undefined {
  if (preset === 'original') return undefined;
  if (typeof preset === 'object') return preset.width / preset.height;
  const [w, h] = preset.split(':').map(Number);
  return w / h;
}

/**
 * The frame for a `width`×`height` photo whose subject is `subject` (null: none found, so
 * the whole photo stands in for it). Framed pictures are the subject plus padding on every
 * side, widened or heightened to the preset's shape, with the subject's centre in the
 * picture's centre; they may reach past the photo's edges (the background shows there).
 */
export function frameFor(width: number, height: number, subject: Rect | null, options: FrameOptions): Frame {
  const ratio = presetRatio(options.preset);
  if (!options.crop && ratio === undefined) return { width, height, x: 0, y: 0 };
  const s = subject ?? { x: 0, y: 0, width, height };
  const pad = Math.max(0, options.padding) * Math.max(s.width, s.height);
  let w = s.width + 2 * pad;
  let h = s.height + 2 * pad;
  if (ratio !== undefined) {
    if (w / h < ratio) w = h * ratio;
    else h = w / ratio;
  }
  const fw = Math.max(1, Math.round(w));
  const fh = Math.max(1, Math.round(h));
  const frame: Frame = {
    width: fw,
    height: fh,
    x: Math.round(fw / 2 - (s.x + s.width / 2)),
    y: Math.round(fh / 2 - (s.y + s.height / 2)),
  };
  if (typeof options.preset === 'object') frame.output = { width: Math.round(options.preset.width), height: Math.round(options.preset.height) };
  return frame;
}

/**
 * The exported file's size for a frame and whether it is free: the export-size rule
 * (standard fits within one megapixel; full is the frame at the photo's scale, or a
 * custom preset's exact size) applied to the framed picture, not to the whole photo.
 */
export function frameExportDimensions(frame: Frame, size: ExportSize): ExportDimensions {
  const target = frame.output ?? frame;
  return exportDimensions(target.width, target.height, size);
}

/** Reads a preset as written (`original`, `1:1`, `4:5`, `16:9`, `1080x1350`); throws a plain message otherwise. */
export function parsePreset(text: string): FramePreset {
  const t = text.trim().toLowerCase();
  if (t === 'original' || t === '1:1' || t === '4:5' || t === '16:9') return t;
  if (t === 'square') return '1:1';
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(t);
  if (m && Number(m[1]) > 0 && Number(m[2]) > 0) return { width: Number(m[1]), height: Number(m[2]) };
  throw new Error(`"${text}" is not original, 1:1, 4:5, 16:9 or a size like 1080x1080`);
}
