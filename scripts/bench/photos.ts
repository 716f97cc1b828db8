/** The photos the bench cuts out: a folder's, and one large photo made from the largest of them. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { isImageFileName } from '../../common/image-files.ts';

/** The folder's photos, sorted; true masks (NAME.mask.png, NAME.ignore.png) left out. */
export function listPhotos(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`no such folder: ${dir}`);
  const files = readdirSync(dir)
    .filter((f) => isImageFileName(f) && !/\.(mask|ignore)\.[a-z]+$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (!files.length) throw new Error(`no photos in ${dir}`);
  return files;
}

/** The large photo: its file and size, and the photo it was upscaled from. */
export interface LargePhoto {
  file: string;
  source: string;
  width: number;
  height: number;
  megapixels: number;
}

/** Upscales the folder's largest photo (Lanczos) to at least `megapixels`, as a JPEG in `outDir`. */
export async function makeLargePhoto(photos: string[], megapixels: number, outDir: string): Promise<LargePhoto> {
  let source = photos[0];
  let best = 0;
  for (const p of photos) {
    const m = await sharp(p).metadata();
    if ((m.width ?? 0) * (m.height ?? 0) > best) (best = (m.width ?? 0) * (m.height ?? 0)), (source = p);
  }
  const { info } = await sharp(source).rotate().toBuffer({ resolveWithObject: true });
  const scale = Math.sqrt((megapixels * 1e6) / (info.width * info.height));
  const width = Math.ceil(info.width * scale);
  const height = Math.ceil(info.height * scale);
  const file = join(outDir, `${basename(source, extname(source))}-${width}x${height}.jpg`);
  await sharp(source).rotate().resize(width, height, { kernel: 'lanczos3' }).jpeg({ quality: 90 }).toFile(file);
  return { file, source: basename(source), width, height, megapixels: Math.round((width * height) / 1e4) / 100 };
}
