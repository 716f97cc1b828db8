/** The privacy check every browser test makes: no request body may carry image bytes. */

const IMAGE_MAGIC = [
  [0xff, 0xd8, 0xff], // JPEG
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0x52, 0x49, 0x46, 0x46], // RIFF (WebP)
  [0x47, 0x49, 0x46, 0x38], // GIF
].map((bytes) => Buffer.from(bytes));

/** True when a request body holds image bytes: a known signature anywhere, or a slice of one of the photos. */
export function carriesImage(body: Buffer | null, photos: Buffer | Buffer[] = []): boolean {
  if (!body || body.length === 0) return false;
  if (IMAGE_MAGIC.some((magic) => body.includes(magic))) return true;
  return [photos].flat().some((p) => body.includes(p.subarray(p.length >> 1, (p.length >> 1) + 64)));
}
