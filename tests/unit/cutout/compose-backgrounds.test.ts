import { describe, expect, it } from 'vitest';
import { blurredBackground, blurRgba, colorBackground, compose, coverFit, flatten, TRANSPARENT } from '../../../web/src/cutout/compose.ts';
import { renderExport } from '../../../web/src/cutout/export.ts';
import { resizeRgba } from '../../../web/src/cutout/resample.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';

/** An image from rows of [r, g, b, a] pixels. */
const image = (rows: number[][][]): RgbaImage => ({ width: rows[0].length, height: rows.length, data: Uint8ClampedArray.from(rows.flat(2)) });
const solid = (width: number, height: number, px: number[]): RgbaImage => ({
  width,
  height,
  data: Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => px[i % 4]),
});
const matte = (rows: number[][]): AlphaMatte => ({ width: rows[0].length, height: rows.length, data: Uint8Array.from(rows.flat()) });
const pixels = (img: RgbaImage) => Array.from({ length: img.width * img.height }, (_, i) => Array.from(img.data.subarray(i * 4, i * 4 + 4)));

const RED = [200, 10, 20, 255];
const photo = image([[RED, [30, 40, 50, 255], [90, 90, 90, 128]]]);
const alpha = matte([[255, 0, 255]]);

describe('compose', () => {
  it('takes the matte as alpha (times the photo\'s own) and keeps no colour where nothing is left', () => {
    expect(pixels(compose(photo, alpha))).toEqual([RED, [0, 0, 0, 0], [90, 90, 90, 128]]);
  });

  it('puts a solid colour where the matte is 0, the photo where it is 255, and blends between', () => {
    const out = compose(image([[RED, RED, RED]]), matte([[255, 0, 51]]), colorBackground('#0080ff'));
    expect(pixels(out)).toEqual([RED, [0, 128, 255, 255], [40, 104, 208, 255]]);
  });

  it('puts an image background (of the same size) behind', () => {
    const bg = image([[[1, 2, 3, 255], [4, 5, 6, 255], [7, 8, 9, 255]]]);
    expect(pixels(compose(photo, alpha, { kind: 'image', image: bg }))).toEqual([RED, [4, 5, 6, 255], [49, 49, 50, 255]]);
  });

  it('refuses a matte or a background of another size', () => {
    expect(() => compose(photo, matte([[1, 2]]))).toThrow(/matte is 2×1/);
    expect(() => flatten(photo, { kind: 'image', image: solid(2, 2, RED) })).toThrow(/background image/);
  });

  it('parses colours', () => {
    expect(colorBackground('#fff')).toEqual({ kind: 'color', color: [255, 255, 255] });
    expect(colorBackground('0a0B0c')).toEqual({ kind: 'color', color: [10, 11, 12] });
    expect(() => colorBackground('red')).toThrow();
  });
});

describe('flatten', () => {
  it('leaves pixels alone on a transparent background', () => {
    const img = compose(photo, alpha);
    expect(flatten(img, TRANSPARENT)).toBe(img);
  });
});

describe('coverFit', () => {
  it('scales to cover and crops the centre, as object-fit: cover, opaque', () => {
    const wide = image([
      [[255, 0, 0, 9], [0, 255, 0, 9], [0, 0, 255, 9], [9, 9, 9, 9]],
      [[255, 0, 0, 9], [0, 255, 0, 9], [0, 0, 255, 9], [9, 9, 9, 9]],
    ]);
    expect(pixels(coverFit(wide, 2, 2))).toEqual([[0, 255, 0, 255], [0, 0, 255, 255], [0, 255, 0, 255], [0, 0, 255, 255]]);
  });

  it('enlarges a small image to fill the whole size', () => {
    const out = coverFit(solid(2, 2, [10, 20, 30, 255]), 5, 3);
    expect([out.width, out.height]).toEqual([5, 3]);
    expect(pixels(out).every((p) => p.join() === '10,20,30,255')).toBe(true);
  });
});

describe('blurRgba', () => {
  it('leaves a flat colour flat and makes it opaque', () => {
    expect(pixels(blurRgba(solid(7, 5, [10, 200, 30, 0]), 2)).every((p) => p.join() === '10,200,30,255')).toBe(true);
  });

  it('is the identity at radius 0', () => {
    const img = image([[[1, 2, 3, 255], [4, 5, 6, 255]]]);
    expect(pixels(blurRgba(img, 0))).toEqual(pixels(img));
  });

  it('spreads a point evenly both ways and keeps its energy', () => {
    const w = 21;
    const row = Array.from({ length: w }, (_, x) => (x === 10 ? [210, 0, 0, 255] : [0, 0, 0, 255]));
    const out = pixels(blurRgba(image([row]), 1)).map((p) => p[0]);
    for (let k = 1; k <= 3; k++) expect(out[10 - k]).toBe(out[10 + k]);
    expect(out[10]).toBeGreaterThan(out[11]);
    expect(out[11]).toBeGreaterThan(out[12]);
    expect(out[14]).toBe(0); // three passes of radius 1 reach 3 pixels
    expect(Math.abs(out.reduce((a, b) => a + b, 0) - 210)).toBeLessThanOrEqual(3);
  });
});

describe('blurredBackground', () => {
  it('has the asked size, is opaque, and a flat photo stays flat', () => {
    const out = blurredBackground(solid(1200, 800, [50, 60, 70, 255]), 300, 200);
    expect([out.width, out.height]).toEqual([300, 200]);
    expect(pixels(out).every((p) => p.join() === '50,60,70,255')).toBe(true);
  });

  it("given the cutout's matte, leaves the subject out: no halo of its colours around it", () => {
    // A white square subject on a dark background; the matte is the square.
    const W = 400, H = 300;
    const photo = solid(W, H, [20, 30, 40, 255]);
    const matte: AlphaMatte = { width: W, height: H, data: new Uint8Array(W * H) };
    for (let y = 100; y < 200; y++) {
      for (let x = 150; x < 250; x++) {
        photo.data.set([255, 255, 255, 255], (y * W + x) * 4);
        matte.data[y * W + x] = 255;
      }
    }
    const at = (img: RgbaImage, x: number, y: number) => Array.from(img.data.subarray((y * W + x) * 4, (y * W + x) * 4 + 3));
    // 4 px outside the subject's left edge, where the halo shows.
    const plain = at(blurredBackground(photo, W, H), 146, 150);
    const behind = at(blurredBackground(photo, W, H, 0.02, matte), 146, 150);
    expect(plain[0]).toBeGreaterThan(100);
    expect(behind).toEqual([20, 30, 40]);
    // Far from the subject both are the background.
    expect(at(blurredBackground(photo, W, H, 0.02, matte), 10, 10)).toEqual([20, 30, 40]);
  });
});

describe('renderExport', () => {
  // A 1500×1000 photo (1.5 MP): the left half is the subject, the right half is cut away.
  const W = 1500, H = 1000;
  const big = solid(W, H, [200, 100, 50, 255]);
  const half: AlphaMatte = { width: W, height: H, data: Uint8Array.from({ length: W * H }, (_, i) => (i % W < W / 2 ? 255 : 0)) };

  it('shrinks the standard export to fit within one megapixel and keeps transparency', () => {
    const out = renderExport(big, half, 'standard', { kind: 'transparent' }, 'png');
    expect([out.width, out.height]).toEqual([1224, 816]);
    const at = (x: number, y: number) => Array.from(out.data.subarray((y * out.width + x) * 4, (y * out.width + x) * 4 + 4));
    expect(at(10, 10)).toEqual([200, 100, 50, 255]);
    expect(at(1200, 10)).toEqual([0, 0, 0, 0]);
    // The edge is part transparent but keeps the subject's colour.
    expect(at(611, 10).slice(0, 3)).toEqual([200, 100, 50]);
  });

  it('gives the photo\'s own size at full resolution', () => {
    const out = renderExport(big, half, 'full', { kind: 'color', color: '#00ff00' }, 'png');
    expect([out.width, out.height]).toEqual([W, H]);
    expect(Array.from(out.data.subarray((10 * W + 1400) * 4, (10 * W + 1400) * 4 + 4))).toEqual([0, 255, 0, 255]);
  });

  it('puts JPEG on white when asked for transparency', () => {
    const out = renderExport(big, half, 'standard', { kind: 'transparent' }, 'jpeg');
    const p = (10 * out.width + 1200) * 4;
    expect(Array.from(out.data.subarray(p, p + 4))).toEqual([255, 255, 255, 255]);
  });

  it('puts the photo blurred behind, opaque', () => {
    const out = renderExport(big, half, 'standard', { kind: 'blur' }, 'webp');
    const p = (10 * out.width + 1200) * 4;
    expect(Array.from(out.data.subarray(p, p + 4))).toEqual([200, 100, 50, 255]);
  });

  it('cover-fits the user\'s own image behind', () => {
    const out = renderExport(big, half, 'standard', { kind: 'image', image: solid(30, 90, [1, 2, 3, 255]) }, 'png');
    const p = (10 * out.width + 1200) * 4;
    expect(Array.from(out.data.subarray(p, p + 4))).toEqual([1, 2, 3, 255]);
  });
});
