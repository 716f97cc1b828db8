/**
 * The one place that decides export sizes and which are free: "standard" fits within one
 * megapixel and is always free; "full" is the photo's own size, free only when that
 * already fits within one megapixel (otherwise it is the export the server charges a
 * credit for: server/credits/pricing.ts uses exportIsFree).
 */

export type ExportSize = 'standard' | 'full';

/** The largest free export, in pixels. */
export const STANDARD_MAX_PIXELS = 1_000_000;

/** True when an export of `width`×`height` pixels costs nothing: it fits within one megapixel. */
export const exportIsFree = (width: number, height: number): boolean => width * height <= STANDARD_MAX_PIXELS;

export interface ExportDimensions {
  width: number;
  height: number;
  /** True when this export costs nothing. */
  free: boolean;
  /** True when the result is smaller than the photo. */
  scaled: boolean;
}

/** The output size of exporting a `width`×`height` photo at `size`, and whether it is free. */
export function exportDimensions(width: number, height: number, size: ExportSize): ExportDimensions {
  if (!(width > 0 && height > 0)) throw new RangeError(`no export size for a ${width}×${height} photo`);
  const fits = exportIsFree(width, height);
  if (size === 'full' || fits) return { width, height, free: fits, scaled: false };
  const scale = Math.sqrt(STANDARD_MAX_PIXELS / (width * height));
  let w = Math.max(1, Math.floor(width * scale));
  let h = Math.max(1, Math.floor(height * scale));
  // Floating point can leave the product one row over the limit, and a side raised to 1
  // pixel (a photo thousands of times longer than high) leaves it over by more: the other
  // side gives way then, never this one down to 0.
  while (w * h > STANDARD_MAX_PIXELS) {
    if (h === 1 || (w > 1 && w / width > h / height)) w--;
    else h--;
  }
  return { width: w, height: h, free: true, scaled: true };
}
