/**
 * Compose stage: photo + alpha matte -> the cutout's RGBA pixels, on a transparent or a
 * solid background.
 */
import type { AlphaMatte, RgbaImage } from './image.ts';

export type Background = { kind: 'transparent' } | { kind: 'color'; color: [number, number, number] };

export const TRANSPARENT: Background = { kind: 'transparent' };

/** Parses `#rgb` or `#rrggbb` into a colour background; throws on anything else. */
export function colorBackground(hex: string): Background {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`"${hex}" is not a colour like #ffffff`);
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return { kind: 'color', color: [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number] };
}

/**
 * The cutout: the photo's colours with the matte as alpha (times the photo's own alpha),
 * or blended over a solid colour and fully opaque.
 */
export function compose(image: RgbaImage, alpha: AlphaMatte, background: Background = TRANSPARENT): RgbaImage {
  if (image.width !== alpha.width || image.height !== alpha.height) {
    throw new Error(`matte is ${alpha.width}×${alpha.height} but the photo is ${image.width}×${image.height}`);
  }
  const src = image.data;
  const a = alpha.data;
  const out = new Uint8ClampedArray(src.length);
  if (background.kind === 'transparent') {
    for (let i = 0, p = 0; i < a.length; i++, p += 4) {
      out[p] = src[p];
      out[p + 1] = src[p + 1];
      out[p + 2] = src[p + 2];
      out[p + 3] = src[p + 3] === 255 ? a[i] : (a[i] * src[p + 3] + 127) / 255;
    }
  } else {
    const [br, bg, bb] = background.color;
    for (let i = 0, p = 0; i < a.length; i++, p += 4) {
      const t = (a[i] * src[p + 3]) / (255 * 255);
      out[p] = src[p] * t + br * (1 - t) + 0.5;
      out[p + 1] = src[p + 1] * t + bg * (1 - t) + 0.5;
      out[p + 2] = src[p + 2] * t + bb * (1 - t) + 0.5;
      out[p + 3] = 255;
    }
  }
  return { width: image.width, height: image.height, data: out };
}
