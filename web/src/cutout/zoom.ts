/**
 * Subject zoom stage: the first pass's S×S map + the photo -> where to look again, and the
 * two mattes merged. The network sees the whole photo squashed to S×S, so a subject that
 * fills a small part of it gets few of the network's pixels. When the subject's box (with
 * a margin) covers at most `maxShare` of the photo, the pipeline cuts that crop again at
 * S×S (pipeline.ts) and `mergeZoom` puts the crop's matte over the first one, fading back
 * to the first pass across the margin at the crop's inner sides.
 */
import type { AlphaMatte, Rect, RgbaImage } from './image.ts';

export interface ZoomOptions {
  /** Zoom only when the crop covers at most this share of the photo's area (0 to 1). */
  maxShare: number;
  /** Margin added on each side of the subject's box, as a share of the box's side. */
  margin: number;
  /**
   * The second pass is kept only when its mask (at 0.5) and the first's agree at least this
   * much inside the crop (intersection over union): a crop can mislead the network into
   * taking another object, or the background, for the subject. Absent: always kept.
   */
  minAgreement?: number;
}


/** The box of the map's foreground (values ≥ 0.5), in map pixels (x1, y1 exclusive), or null when there is none. */
export function subjectBox(map: Float32Array, size: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++) {
    const row = y * size;
    for (let x = 0; x < size; x++) {
      if (map[row + x] < 0.5) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * The crop to cut again, in the photo's pixels: the subject's box scaled from the map to
 * the photo, grown by the margin and clamped to the photo. Null when there is no subject
 * or the crop covers more than `maxShare` of the photo (the second pass would see it
 * barely larger than the first did).
 */
export function zoomRect(map: Float32Array, size: number, width: number, height: number, options: ZoomOptions): Rect | null {
  const box = subjectBox(map, size);
  if (!box) return null;
  const sx = width / size, sy = height / size;
  const mx = (box.x1 - box.x0) * sx * options.margin, my = (box.y1 - box.y0) * sy * options.margin;
  const x = Math.max(0, Math.floor(box.x0 * sx - mx)), y = Math.max(0, Math.floor(box.y0 * sy - my));
  const right = Math.min(width, Math.ceil(box.x1 * sx + mx)), bottom = Math.min(height, Math.ceil(box.y1 * sy + my));
  const rect = { x, y, width: right - x, height: bottom - y };
  if (rect.width < 2 || rect.height < 2) return null;
  return rect.width * rect.height <= options.maxShare * width * height ? rect : null;
}

/** The pixels of `rect` as an image of their own (a copy). */
export function cropImage(image: RgbaImage, rect: Rect): RgbaImage {
  const data = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * 4;
    data.set(image.data.subarray(from, from + rect.width * 4), y * rect.width * 4);
  }
  return { width: rect.width, height: rect.height, data };
}

/**
 * The first matte with the crop's matte over `rect` (a new matte). At each side of the
 * crop that lies inside the photo the crop's weight ramps from 0 at the side to 1 at
 * `feather` pixels in, so no seam shows where the two passes disagree; at the photo's own
 * borders the crop counts fully.
 */
export function mergeZoom(first: AlphaMatte, crop: AlphaMatte, rect: Rect, feather: number): AlphaMatte {
  if (crop.width !== rect.width || crop.height !== rect.height) {
    throw new Error(`the crop's matte is ${crop.width}x${crop.height}, its rectangle ${rect.width}x${rect.height}`);
  }
  const data = first.data.slice();
  const f = Math.max(1, feather);
  // Weight along one axis: distance in from each inner side, over the feather.
  const ramp = (n: number, innerStart: boolean, innerEnd: boolean) => {
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const fromStart = innerStart ? (i + 0.5) / f : 1, fromEnd = innerEnd ? (n - i - 0.5) / f : 1;
      w[i] = Math.min(1, fromStart, fromEnd);
    }
    return w;
  };
  const wx = ramp(rect.width, rect.x > 0, rect.x + rect.width < first.width);
  const wy = ramp(rect.height, rect.y > 0, rect.y + rect.height < first.height);
  for (let y = 0; y < rect.height; y++) {
    const row = (rect.y + y) * first.width + rect.x;
    for (let x = 0; x < rect.width; x++) {
      const w = Math.min(wx[x], wy[y]);
      const a = data[row + x];
      data[row + x] = Math.round(a + (crop.data[y * rect.width + x] - a) * w);
    }
  }
  return { width: first.width, height: first.height, data };
}

/** Intersection over union, inside `rect`, of the first matte's mask and the crop's (both at 0.5); 1 when both are empty. */
export function agreement(first: AlphaMatte, crop: AlphaMatte, rect: Rect): number {
  let both = 0, either = 0;
  for (let y = 0; y < rect.height; y++) {
    const row = (rect.y + y) * first.width + rect.x;
    for (let x = 0; x < rect.width; x++) {
      const a = first.data[row + x] >= 128, b = crop.data[y * rect.width + x] >= 128;
      if (a && b) both++;
      if (a || b) either++;
    }
  }
  return either === 0 ? 1 : both / either;
}

/** The feather for a crop: half the margin the crop was grown by, at least one pixel. */
export function zoomFeather(rect: Rect, options: ZoomOptions): number {
  // rect ≈ box·(1 + 2·margin) per side, so the margin is rect·margin/(1 + 2·margin).
  return Math.max(1, Math.round((Math.min(rect.width, rect.height) * options.margin) / (1 + 2 * options.margin) / 2));
}
