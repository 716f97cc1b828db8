import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../web/src/cutout/image.ts';
import { encodePng } from '../../../web/src/cutout/png.ts';

/** A gradient with a transparent border and half-transparent stripes: every filter case and alpha value. */
function sample(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 7) & 0xff;
      data[i + 1] = (y * 13) & 0xff;
      data[i + 2] = (x * y) & 0xff;
      data[i + 3] = x < 2 || y < 2 ? 0 : (x + y) % 5 === 0 ? 128 : 255;
    }
  }
  return { width, height, data };
}

describe('the canvas-free PNG encoder', () => {
  it('writes a PNG that decodes to exactly the pixels it was given (sharp reads it back)', async () => {
    for (const [w, h] of [[1, 1], [37, 23], [640, 427]]) {
      const image = sample(w, h);
      const bytes = Buffer.from(await (await encodePng(image)).arrayBuffer());
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([w, h, 4]);
      expect(Buffer.compare(data, Buffer.from(image.data.buffer))).toBe(0);
    }
  });

  it('compresses: a flat image is far smaller than its pixels', async () => {
    const image = { width: 1000, height: 1000, data: new Uint8ClampedArray(4_000_000).fill(200) };
    const blob = await encodePng(image);
    expect(blob.type).toBe('image/png');
    expect(blob.size).toBeLessThan(40_000);
  });
});
