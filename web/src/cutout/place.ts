/**
 * Placing layers on the exported picture: the cutout scaled into its frame, small images
 * (a blurred background, a shadow) enlarged onto it, a soft drop shadow made from the
 * placed cutout's alpha, and "over" compositing of straight-alpha layers.
 */
import { blurRgba, cropRgba } from './compose.ts';
import { resizeRgba } from './resample.ts';
import type { Frame } from './frame.ts';
import type { RgbaImage } from './image.ts';

/** A blank (fully transparent) picture. */
export function blank(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/**
 * The cutout (straight alpha, the photo's size) placed in a `width`×`height` picture of
 * `frame`: the part of it inside the frame, resized with premultiplied alpha. Outside the
 * photo the picture stays transparent. For the photo's own frame this is a plain resize.
 */
export function placeCutout(cutout: RgbaImage, frame: Frame, width: number, height: number): RgbaImage {
  const sx = width / frame.width;
  const sy = height / frame.height;
  // The photo's rectangle in the frame, cut to the frame.
  const fx0 = Math.max(0, frame.x);
  const fy0 = Math.max(0, frame.y);
  const fx1 = Math.min(frame.width, frame.x + cutout.width);
  const fy1 = Math.min(frame.height, frame.y + cutout.height);
  const out = fx0 === 0 && fy0 === 0 && fx1 === frame.width && fy1 === frame.height ? undefined : blank(width, height);
  if (fx1 <= fx0 || fy1 <= fy0) return out ?? blank(width, height);
  const ox0 = Math.round(fx0 * sx);
  const oy0 = Math.round(fy0 * sy);
  const ow = Math.max(1, Math.round(fx1 * sx) - ox0);
  const oh = Math.max(1, Math.round(fy1 * sy) - oy0);
  const visible = fx0 - frame.x === 0 && fy0 - frame.y === 0 && fx1 - fx0 === cutout.width && fy1 - fy0 === cutout.height
    ? cutout
    : cropRgba(cutout, fx0 - frame.x, fy0 - frame.y, fx1 - fx0, fy1 - fy0);
  const scaled = resizeRgba(visible, ow, oh, true);
  if (!out) return scaled;
  for (let r = 0; r < oh && oy0 + r < height; r++) {
    const cols = Math.min(ow, width - ox0);
    out.data.set(scaled.data.subarray(r * ow * 4, (r * ow + cols) * 4), ((oy0 + r) * width + ox0) * 4);
  }
  return out;
}

/**
 * Enlarges `small` (standing for the whole photo) onto a `width`×`height` picture of
 * `frame`, bilinearly, edges extended past the photo: for backgrounds and shadows, which
 * are blurred and so lose nothing to a simple filter. `shift` moves it, in output pixels.
 */
export function placeSmall(small: RgbaImage, photo: { width: number; height: number }, frame: Frame, width: number, height: number, shift = { x: 0, y: 0 }): RgbaImage {
  const out = blank(width, height);
  // Output pixel centre -> photo coordinates -> small image coordinates.
  const kx = (frame.width / width) * (small.width / photo.width);
  const ky = (frame.height / height) * (small.height / photo.height);
  const bx = -frame.x * (small.width / photo.width);
  const by = -frame.y * (small.height / photo.height);
  const src = small.data;
  const sw = small.width;
  const maxX = small.width - 1;
  const maxY = small.height - 1;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(maxY, Math.max(0, (y - shift.y + 0.5) * ky + by - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(maxY, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(maxX, Math.max(0, (x - shift.x + 0.5) * kx + bx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(maxX, x0 + 1);
      const tx = fx - x0;
      const a = (y0 * sw + x0) * 4, b = (y0 * sw + x1) * 4, c = (y1 * sw + x0) * 4, d = (y1 * sw + x1) * 4;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * tx;
        const bottom = src[c + ch] + (src[d + ch] - src[c + ch]) * tx;
        out.data[o + ch] = top + (bottom - top) * ty;
      }
    }
  }
  return out;
}

/** How a drop shadow looks: its darkness, softness and drop, the last two as fractions of the picture's longer side. */
export interface ShadowOptions {
  opacity: number;
  blur: number;
  offset: number;
}

/** A soft shadow straight below the subject, as product photos have it. */
export const SOFT_SHADOW: ShadowOptions = { opacity: 0.45, blur: 0.025, offset: 0.015 };

/** The longest side a shadow is blurred at; it is then enlarged (blurred, it loses nothing). */
const SHADOW_WORKING_SIDE = 384;

/**
 * A drop shadow for a placed cutout: its alpha, shrunk, blurred, enlarged and moved down,
 * as black with that alpha times `opacity`, same size as the cutout.
 */
export function dropShadow(placed: RgbaImage, options: ShadowOptions = SOFT_SHADOW): RgbaImage {
  const { width, height } = placed;
  const longer = Math.max(width, height);
  const scale = Math.min(1, SHADOW_WORKING_SIDE / longer);
  const sw = Math.max(1, Math.round(width * scale));
  const sh = Math.max(1, Math.round(height * scale));
  const mask = blank(width, height);
  for (let p = 0; p < mask.data.length; p += 4) {
    mask.data[p] = placed.data[p + 3];
    mask.data[p + 3] = 255;
  }
  const small = blurRgba(resizeRgba(mask, sw, sh, false), options.blur * Math.max(sw, sh));
  const whole = { width: 0, height: 0, x: 0, y: 0 };
  const frame = { ...whole, width, height };
  const spread = placeSmall(small, { width, height }, frame, width, height, { x: 0, y: Math.round(options.offset * longer) });
  const out = spread.data;
  for (let p = 0; p < out.length; p += 4) {
    out[p + 3] = out[p] * options.opacity;
    out[p] = out[p + 1] = out[p + 2] = 0;
  }
  return spread;
}

/**
 * Composites `top` over `bottom` in place (Porter-Duff "over", straight alpha), both the
 * same size; returns `bottom`.
 */
export function over(bottom: RgbaImage, top: RgbaImage): RgbaImage {
  const b = bottom.data;
  const t = top.data;
  for (let p = 0; p < b.length; p += 4) {
    const ta = t[p + 3] / 255;
    if (ta === 0) continue;
    const ba = (b[p + 3] / 255) * (1 - ta);
    const a = ta + ba;
    b[p] = (t[p] * ta + b[p] * ba) / a;
    b[p + 1] = (t[p + 1] * ta + b[p + 1] * ba) / a;
    b[p + 2] = (t[p + 2] * ta + b[p + 2] * ba) / a;
    b[p + 3] = a * 255;
  }
  return bottom;
}
