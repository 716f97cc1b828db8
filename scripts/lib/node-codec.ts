/** Decode and encode for Node, with sharp (libvips), behind the same checks as the browser. */
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS, inspectImage } from '../../web/src/cutout/decode.ts';
import type { OutputFormat } from '../../common/output-format.ts';
import { UnsupportedImageError } from '../../web/src/cutout/errors.ts';
import type { RgbaImage } from '../../web/src/cutout/image.ts';
import { decodeBmp } from './bmp.ts';

/** Bytes -> RGBA at the photo's own size, EXIF orientation applied; the first frame of a GIF. */
export async function decodeNode(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbaImage> {
  const header = inspectImage(bytes, maxPixels);
  // libvips has no BMP loader; the header check above has already bounded its size.
  if (header.format === 'bmp') return decodeBmp(bytes);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new UnsupportedImageError(`This ${header.format.toUpperCase()} file could not be decoded: ${err instanceof Error ? err.message : err}`);
  }
}

/** RGBA -> file bytes. */
export async function encodeNode(image: RgbaImage, format: OutputFormat, quality = 92): Promise<Uint8Array> {
  const pipeline = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
    limitInputPixels: false,
  });
  const out = format === 'png' ? pipeline.png() : format === 'webp' ? pipeline.webp({ quality }) : pipeline.flatten({ background: '#ffffff' }).jpeg({ quality });
  return new Uint8Array(await out.toBuffer());
}
