/** Photos for the timing scripts: decoded upright by sharp, enlarged with Lanczos to the megapixels asked. */
import { basename } from 'node:path';
import sharp from 'sharp';
import type { RgbaImage } from '../../web/src/cutout/image.ts';

/** A photo decoded upright, enlarged with Lanczos to `megapixels` when asked (0: its own size). */
async function enlargedPhoto(file: string, megapixels: number): Promise<RgbaImage> {
  let pipeline = sharp(file).rotate();
  if (megapixels > 0) {
    // The upright size: the stored one of a photo with an EXIF quarter turn is the other way round.
    const { width, height } = (await sharp(file).metadata()).autoOrient;
    const factor = Math.sqrt((megapixels * 1e6) / (width * height));
    pipeline = pipeline.resize(Math.round(width * factor), Math.round(height * factor), { kernel: 'lanczos3' });
  }
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

export interface TimingCase {
  name: string;
  file: string;
  /** 0: the photo at its own size. */
  megapixels: number;
  image: RgbaImage;
}

/**
 * Each photo at its own size (about 1 MP and under), then the first enlarged to
 * `megapixels` when above 0, standing in for a camera photo (none of the dev photos is that large).
 */
export async function timingCases(files: string[], megapixels: number): Promise<TimingCase[]> {
  const cases: TimingCase[] = [];
  for (const file of files) cases.push({ name: basename(file), file, megapixels: 0, image: await enlargedPhoto(file, 0) });
  if (megapixels > 0 && files.length) cases.push({ name: `${basename(files[0])} at ${megapixels} MP`, file: files[0], megapixels, image: await enlargedPhoto(files[0], megapixels) });
  return cases;
}
