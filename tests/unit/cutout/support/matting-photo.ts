/** A photo and a matte for tests that pin the edge-band matting's output: a soft-edged disc over noisy colours. */
import type { AlphaMatte, RgbaImage } from '../../../../web/src/cutout/image.ts';
import { lcg } from './noisy.ts';

/**
 * A `width`×`height` photo of an orange disc with a blurred rim over a blue-green ground,
 * both with noise, and a matte that is a little off (a rim too sharp and shifted), so the
 * band has work to do.
 */
export function disc(width: number, height: number): { image: RgbaImage; matte: AlphaMatte } {
  const next = lcg(width * 7 + height);
  const data = new Uint8ClampedArray(width * height * 4);
  const alpha = new Uint8Array(width * height);
  const cx = width / 2, cy = height / 2, r = Math.min(width, height) / 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const a = Math.min(1, Math.max(0, (r - d) / 6 + 0.5));
      const i = y * width + x;
      data[i * 4] = a * 240 + (1 - a) * 30 + next() * 20;
      data[i * 4 + 1] = a * 140 + (1 - a) * 120 + next() * 20;
      data[i * 4 + 2] = a * 40 + (1 - a) * 110 + next() * 20;
      data[i * 4 + 3] = 255;
      alpha[i] = Math.round(255 * Math.min(1, Math.max(0, (r + 2 - d) / 16 + 0.5)));
    }
  }
  return { image: { width, height, data }, matte: { width, height, data: alpha } };
}
