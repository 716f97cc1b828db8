/**
 * A PNG encoder that needs no canvas: RGBA rows, each with the Up filter, deflated by the
 * platform's CompressionStream ('deflate' is the zlib format PNG's IDAT wants), in rows,
 * so a photo larger than the browser lets a canvas be (about 16.7 megapixels in Safari on
 * iOS) can still be saved, and the only full-size copy is the compressed file.
 *
 * Why Up and not Paeth: the time is the deflate's (one thread, a level the stream does
 * not let us choose), and on the bench's photos Up files are the same size (5.50 MB
 * against 5.53 MB over the eight shared photos) while zlib takes 30% less time on them and
 * the filter itself is one subtraction a byte instead of Paeth's three comparisons.
 */
import type { RgbaImage } from './image.ts';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const bytes of parts) for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk as Blob parts: length, type, the data itself (not copied), CRC of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array[] {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, data.length);
  const typeBytes = new TextEncoder().encode(type);
  head.set(typeBytes, 4);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc32([typeBytes, data]));
  return [head, data, tail];
}

/** Writes row `y` of the image, Up-filtered (minus the row above), with its filter-type byte first, into `out` at `at`. */
function filterRowInto(image: RgbaImage, y: number, out: Uint8Array, at: number): void {
  const stride = image.width * 4;
  const row = image.data.subarray(y * stride, (y + 1) * stride);
  out[at] = 2; // Up
  if (y === 0) {
    out.set(row, at + 1); // the row above the first is zeros
    return;
  }
  const above = image.data.subarray((y - 1) * stride, y * stride);
  for (let i = 0; i < stride; i++) out[at + 1 + i] = row[i] - above[i];
}

/** Encodes RGBA pixels as an 8-bit RGBA PNG, without a canvas. */
export async function encodePng(image: RgbaImage): Promise<Blob> {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, image.width);
  view.setUint32(4, image.height);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, adaptive filtering, no interlace

  const deflate = new CompressionStream('deflate');
  const writer = deflate.writable.getWriter();
  const compressed = new Response(deflate.readable).arrayBuffer();
  // Rows in batches of about 1 MB: few writes, and never a second full-size copy.
  const rowBytes = image.width * 4 + 1;
  const rowsPerWrite = Math.max(1, Math.floor((1 << 20) / rowBytes));
  for (let y = 0; y < image.height; y += rowsPerWrite) {
    const rows = Math.min(image.height, y + rowsPerWrite) - y;
    // Filtered straight into the batch written (the stream keeps it: a fresh one each time).
    const batch = new Uint8Array(rows * rowBytes);
    for (let r = 0; r < rows; r++) filterRowInto(image, y + r, batch, r * rowBytes);
    await writer.write(batch);
  }
  await writer.close();
  const idat = new Uint8Array(await compressed);

  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Blob([signature, ...chunk('IHDR', header), ...chunk('IDAT', idat), ...chunk('IEND', new Uint8Array(0))] as BlobPart[], { type: 'image/png' });
}
