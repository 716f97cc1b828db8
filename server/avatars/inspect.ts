/** Looks at an upload's bytes before any decoder does: what format it claims, and whether it hides anything. */

/** The raster formats accepted as avatars. */
export type AvatarFormat = 'jpeg' | 'png' | 'gif' | 'webp';

const ascii = (bytes: Uint8Array, start: number, text: string): boolean =>
  [...text].every((ch, i) => bytes[start + i] === ch.charCodeAt(0));

/** The format named by the file's magic bytes (never its name or declared type), or null. */
export function detectFormat(bytes: Uint8Array): AvatarFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (bytes.length >= 6 && (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a'))) return 'gif';
  if (bytes.length >= 12 && ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'webp';
  return null;
}

// Markup that makes a file readable as HTML/SVG/PHP as well as an image. XMP metadata
// (`<x:xmpmeta`, `<rdf:RDF`) is legitimate and deliberately not listed.
const markupSignatures = ['<html', '<script', '<svg', '<!doctype', '<?php', '<body', '<iframe', '<object', '<embed', 'javascript:'];

/** True when the bytes anywhere carry HTML, SVG, script or PHP markup. */
export function containsMarkup(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').toLowerCase();
  return markupSignatures.some((signature) => text.includes(signature));
}

/**
 * Where the image ends by its own structure, or null when that cannot be found (truncated or
 * malformed). JPEG is not walked: phones legitimately append data after its end marker
 * (multi-picture and motion photos), and the markup scan covers what matters there.
 */
export function imageEnd(bytes: Uint8Array, format: AvatarFormat): number | null {
  switch (format) {
    case 'png':
      return pngEnd(bytes);
    case 'gif':
      return gifEnd(bytes);
    case 'webp': {
      const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
      return 8 + size + (size % 2) <= bytes.length ? 8 + size + (size % 2) : null;
    }
    case 'jpeg':
      return bytes.length;
  }
}

function pngEnd(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return null;
    if (ascii(bytes, offset + 4, 'IEND')) return end;
    offset = end;
  }
  return null;
}

function gifEnd(bytes: Uint8Array): number | null {
  const at = (i: number): number => (i < bytes.length ? bytes[i]! : -1);
  const skipSubBlocks = (i: number): number => {
    while (at(i) > 0) i += at(i) + 1;
    return at(i) === 0 ? i + 1 : -1;
  };
  let i = 13;
  const packed = at(10);
  if (packed < 0) return null;
  if (packed & 0x80) i += 3 * 2 ** ((packed & 7) + 1);
  while (i >= 0 && i < bytes.length) {
    const block = at(i);
    if (block === 0x3b) return i + 1;
    if (block === 0x21) {
      i = skipSubBlocks(i + 2);
    } else if (block === 0x2c) {
      const local = at(i + 9);
      i += 10;
      if (local & 0x80) i += 3 * 2 ** ((local & 7) + 1);
      i = skipSubBlocks(i + 1);
    } else {
      return null;
    }
  }
  return null;
}
