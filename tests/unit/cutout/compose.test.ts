import { describe, expect, it } from 'vitest';
import { colorBackground, compose, TRANSPARENT } from '../../../web/src/cutout/compose.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { noisyMatte, noisyRgba } from './support/noisy.ts';

/** A 1-pixel-high photo from [r, g, b, a] pixels. */
const row = (...px: [number, number, number, number][]): RgbaImage => ({ width: px.length, height: 1, data: new Uint8ClampedArray(px.flat()) });
const matte = (...a: number[]): AlphaMatte => ({ width: a.length, height: 1, data: new Uint8Array(a) });

/** The pixels of an image as [r, g, b, a] tuples. */
const pixels = (image: RgbaImage) => Array.from({ length: image.width * image.height }, (_, i) => Array.from(image.data.subarray(i * 4, i * 4 + 4)));

describe('compose on a transparent background', () => {
  it("keeps the photo's colours and takes the matte as alpha, with the foreground estimate off", () => {
    const photo = row([10, 20, 30, 255], [200, 100, 0, 255], [1, 2, 3, 255], [255, 255, 255, 255]);
    const out = compose(photo, matte(0, 64, 200, 255), TRANSPARENT, false, null);
    expect(pixels(out).map((p) => p[3])).toEqual([0, 64, 200, 255]);
    expect(pixels(out).slice(1)).toEqual([[200, 100, 0, 64], [1, 2, 3, 200], [255, 255, 255, 255]]);
    expect([out.width, out.height]).toEqual([4, 1]);
  });

  it('is the default background', () => {
    const photo = row([9, 8, 7, 255]);
    expect(pixels(compose(photo, matte(99)))).toEqual([[9, 8, 7, 99]]);
  });

  it("multiplies the matte by the photo's own alpha, rounded to the nearest", () => {
    const photo = row([1, 1, 1, 128], [1, 1, 1, 128], [1, 1, 1, 0], [1, 1, 1, 51], [1, 1, 1, 254]);
    const out = compose(photo, matte(255, 128, 255, 100, 3));
    // 255·128/255 = 128; 128·128/255 = 64.25; 0; 100·51/255 = 20; 3·254/255 = 2.99
    expect(pixels(out).map((p) => p[3])).toEqual([128, 64, 0, 20, 3]);
  });

  it('does not change the photo it was given', () => {
    const photo = row([5, 6, 7, 255]);
    compose(photo, matte(0));
    expect(pixels(photo)).toEqual([[5, 6, 7, 255]]);
  });
});

describe('compose on a colour background', () => {
  it('blends the photo over the colour by the matte and is opaque everywhere', () => {
    const photo = row([200, 100, 0, 255], [200, 100, 0, 255], [200, 100, 0, 255], [200, 100, 0, 255]);
    const out = compose(photo, matte(0, 255, 51, 128), colorBackground('#0a141e'));
    // photo·a/255 + bg·(1 - a/255), rounded: a = 51 gives 0.2·photo + 0.8·bg.
    expect(pixels(out)).toEqual([
      [10, 20, 30, 255],
      [200, 100, 0, 255],
      [48, 36, 24, 255],
      [105, 60, 15, 255], // 200·128/255 + 10·127/255 = 100.39 + 4.98 = 105.37
    ]);
  });

  it('shows the exact background colour where the matte is 0, even for odd channel values', () => {
    const photo = row([255, 255, 255, 255], [0, 0, 0, 255]);
    const out = compose(photo, matte(0, 0), colorBackground('#010305'));
    expect(pixels(out)).toEqual([[1, 3, 5, 255], [1, 3, 5, 255]]);
  });

  it("treats the photo's own transparency like the matte", () => {
    const photo = row([255, 255, 255, 0], [255, 255, 255, 51]);
    const out = compose(photo, matte(255, 255), colorBackground('#000000'));
    expect(pixels(out)).toEqual([[0, 0, 0, 255], [51, 51, 51, 255]]);
  });
});

describe('compose size check', () => {
  it('throws when the matte is not the photo size', () => {
    const photo: RgbaImage = { width: 2, height: 2, data: new Uint8ClampedArray(16) };
    expect(() => compose(photo, { width: 2, height: 1, data: new Uint8Array(2) })).toThrow(/2×1.*2×2/);
    expect(() => compose(photo, { width: 4, height: 1, data: new Uint8Array(4) })).toThrow();
  });
});

describe('colorBackground', () => {
  it.each([
    ['#ffffff', [255, 255, 255]],
    ['#000', [0, 0, 0]],
    ['#0a141e', [10, 20, 30]],
    ['#ABC', [170, 187, 204]],
    ['00ff7f', [0, 255, 127]],
    ['  #12aB3c ', [18, 171, 60]],
  ])('parses %j', (hex, color) => {
    expect(colorBackground(hex)).toEqual({ kind: 'color', color });
  });

  it.each(['', '#', '#12', '#1234', '#12345', '#1234567', 'red', '#ggg', 'rgb(1,2,3)'])('refuses %j', (hex) => {
    expect(() => colorBackground(hex)).toThrow(/is not a colour/);
  });
});

describe('compose in place', () => {
  it('gives exactly what a fresh buffer gives, on every background, and writes it into the photo', () => {
    const width = 37, height = 23;
    const behind = { width, height, data: noisyRgba(width, height, 99) };
    for (const background of [TRANSPARENT, colorBackground('#3a7f01'), { kind: 'image' as const, image: behind }]) {
      const photo = (): RgbaImage => ({ width, height, data: noisyRgba(width, height, 7) });
      const alpha: AlphaMatte = { width, height, data: noisyMatte(width, height, 11) };
      const expected = compose(photo(), alpha, background);
      const mine = photo();
      const out = compose(mine, alpha, background, true);
      expect(out.data, background.kind).toEqual(expected.data);
      expect(out.data.buffer, background.kind).toBe(mine.data.buffer);
    }
  });
});
