/** A photo for the timing scripts: decoded upright by sharp, enlarged with Lanczos to `megapixels` when asked (0: its own size). */
import sharp from 'sharp';
import type { RgbaImage } from '../../web/src/cutout/image.ts';

export async function enlargedPhoto(file: string, megapixels: number): Promise<RgbaImage> {
  let pipeline = sharp(file).rotate();
  if (megapixels > 0) {
    const meta = await sharp(file).metadata();
    const factor = Math.sqrt((megapixels * 1e6) / (meta.width! * meta.height!));
    pipeline = pipeline.resize(Math.round(meta.width! * factor), Math.round(meta.height! * factor), { kernel: 'lanczos3' });
  }
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}
