/** Turns an uploaded image into the stored avatar: checked, decoded under a pixel limit, rotated, 256x256 WebP. */
import sharp, { type Metadata } from 'sharp';
import { containsMarkup, detectFormat, imageEnd } from './inspect.ts';

/** Largest accepted upload. */
export const avatarMaxBytes = 5 * 1024 * 1024;
/** Largest accepted image, in pixels (the same 50 megapixels the cutout engine allows). */
export const avatarMaxPixels = 50_000_000;
/** Side of the square avatar we store. */
export const avatarSize = 256;

// Avatars are decoded once; libvips' operation cache would only hold memory.
sharp.cache(false);

/** The outcome of processing: the WebP bytes, or why the upload is refused (status and code for the API). */
export type AvatarResult =
  | { ok: true; webp: Buffer }
  | { ok: false; status: 413 | 415 | 422; code: 'too_large' | 'unsupported_media_type' | 'unreadable_image' | 'image_too_large'; message: string };

const refuse = (
  status: 413 | 415 | 422,
  code: 'too_large' | 'unsupported_media_type' | 'unreadable_image' | 'image_too_large',
  message: string,
): AvatarResult => ({ ok: false, status, code, message });

/** Validates and re-encodes an upload; metadata (EXIF, GPS, ICC, XMP) never survives. */
export async function processAvatar(bytes: Buffer): Promise<AvatarResult> {
  if (bytes.length > avatarMaxBytes) return refuse(413, 'too_large', 'Avatars can be at most 5 MB.');
  const format = detectFormat(bytes);
  if (!format) return refuse(415, 'unsupported_media_type', 'Avatars must be JPEG, PNG, WebP or GIF images.');
  if (containsMarkup(bytes)) {
    return refuse(422, 'unreadable_image', 'This file carries web markup besides the image; it cannot be used as an avatar.');
  }
  const end = imageEnd(bytes, format);
  if (end === null) return refuse(422, 'unreadable_image', 'This image is truncated or damaged.');
  if (end !== bytes.length) {
    return refuse(422, 'unreadable_image', 'This file carries extra data after the image; it cannot be used as an avatar.');
  }

  const options = { limitInputPixels: avatarMaxPixels, pages: 1 } as const;
  let metadata: Metadata;
  try {
    // Reads the header only: a decompression bomb is caught here, before any pixels are decoded.
    metadata = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    return refuse(422, 'unreadable_image', 'This image could not be read.');
  }
  if (metadata.format !== format) return refuse(422, 'unreadable_image', 'This image could not be read.');
  const pixels = (metadata.width ?? 0) * (metadata.pageHeight ?? metadata.height ?? 0);
  if (pixels === 0) return refuse(422, 'unreadable_image', 'This image could not be read.');
  if (pixels > avatarMaxPixels) {
    return refuse(422, 'image_too_large', 'This image has too many pixels (at most 50 megapixels).');
  }
  try {
    const webp = await sharp(bytes, options)
      .rotate()
      .resize(avatarSize, avatarSize, { fit: 'cover', position: 'centre' })
      .webp({ quality: 82 })
      .toBuffer();
    return { ok: true, webp };
  } catch {
    return refuse(422, 'unreadable_image', 'This image could not be decoded.');
  }
}
