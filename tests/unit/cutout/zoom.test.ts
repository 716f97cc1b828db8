import { describe, expect, it } from 'vitest';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';
import { agreement, cropImage, mergeZoom, subjectBox, zoomFeather, zoomRect } from '../../../web/src/cutout/zoom.ts';

const S = 20;
/** An S×S map with foreground (1) over [x0, x1) × [y0, y1) and a soft 0.3 elsewhere where `haze` says. */
function boxMap(x0: number, y0: number, x1: number, y1: number, haze = 0): Float32Array {
  const m = new Float32Array(S * S).fill(haze);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * S + x] = 1;
  return m;
}
const matte = (width: number, height: number, value: number): AlphaMatte => ({ width, height, data: new Uint8Array(width * height).fill(value) });

describe('subjectBox', () => {
  it('is the box of the values at 0.5 and above, soft values around it left out', () => {
    expect(subjectBox(boxMap(3, 5, 7, 9, 0.3), S)).toEqual({ x0: 3, y0: 5, x1: 7, y1: 9 });
  });

  it('is null when nothing reaches 0.5', () => {
    expect(subjectBox(new Float32Array(S * S).fill(0.49), S)).toBeNull();
  });
});

describe('zoomRect', () => {
  const options = { maxShare: 0.5, margin: 0.25 };

  it('maps the subject from the map to the photo and grows it by the margin on each side', () => {
    // Subject 4×4 map pixels at (8, 8) on a 200×100 photo: 40×20 photo pixels at (80, 40); margin 10 and 5.
    expect(zoomRect(boxMap(8, 8, 12, 12), S, 200, 100, options)).toEqual({ x: 70, y: 35, width: 60, height: 30 });
  });

  it('stops at the photo borders', () => {
    expect(zoomRect(boxMap(0, 0, 4, 4), S, 200, 100, options)).toEqual({ x: 0, y: 0, width: 50, height: 25 });
  });

  it('does not zoom a subject whose crop covers more than maxShare of the photo', () => {
    // 10×10 of 20×20 grown by a quarter on each side: 15×15 of 20×20 = 56% of the photo.
    expect(zoomRect(boxMap(5, 5, 15, 15), S, 200, 200, options)).toBeNull();
    expect(zoomRect(boxMap(5, 5, 15, 15), S, 200, 200, { ...options, maxShare: 0.6 })).not.toBeNull();
  });

  it('does not zoom when there is no subject', () => {
    expect(zoomRect(new Float32Array(S * S), S, 200, 200, { maxShare: 1, margin: 0 })).toBeNull();
  });
});

describe('cropImage', () => {
  it('copies the rectangle’s pixels', () => {
    const image: RgbaImage = { width: 4, height: 3, data: new Uint8ClampedArray(4 * 3 * 4) };
    for (let i = 0; i < 12; i++) image.data.set([i, 0, 0, 255], i * 4);
    const crop = cropImage(image, { x: 1, y: 1, width: 2, height: 2 });
    expect([crop.width, crop.height]).toEqual([2, 2]);
    expect([0, 1, 2, 3].map((p) => crop.data[p * 4])).toEqual([5, 6, 9, 10]);
  });
});

describe('mergeZoom', () => {
  it('takes the crop’s matte inside, ramping from the first matte across the feather at inner sides', () => {
    const merged = mergeZoom(matte(10, 1, 0), matte(6, 1, 200), { x: 2, y: 0, width: 6, height: 1 }, 2);
    // Row: outside, then weights 0.25, 0.75, 1, 1, 0.75, 0.25 of 200 (the top and bottom are the photo's borders).
    expect(Array.from(merged.data)).toEqual([0, 0, 50, 150, 200, 200, 150, 50, 0, 0]);
  });

  it('counts the crop fully at the photo’s own borders', () => {
    const merged = mergeZoom(matte(4, 4, 10), matte(4, 4, 250), { x: 0, y: 0, width: 4, height: 4 }, 3);
    expect(merged.data.every((a) => a === 250)).toBe(true);
  });

  it('leaves the first matte as it was', () => {
    const first = matte(4, 4, 10);
    mergeZoom(first, matte(2, 2, 250), { x: 1, y: 1, width: 2, height: 2 }, 1);
    expect(first.data.every((a) => a === 10)).toBe(true);
  });

  it('refuses a matte that is not the rectangle’s size', () => {
    expect(() => mergeZoom(matte(4, 4, 0), matte(2, 3, 0), { x: 0, y: 0, width: 2, height: 2 }, 1)).toThrow(/2x3/);
  });
});

describe('zoomFeather', () => {
  it('is half the margin the crop was grown by', () => {
    // A 100-pixel box grown by 0.25 on each side is 150 pixels: a 25-pixel margin, a 13-pixel feather (12.5 rounded).
    expect(zoomFeather({ x: 0, y: 0, width: 150, height: 300 }, { maxShare: 1, margin: 0.25 })).toBe(13);
    expect(zoomFeather({ x: 0, y: 0, width: 3, height: 3 }, { maxShare: 1, margin: 0.01 })).toBe(1);
  });
});

describe('agreement', () => {
  it('is the IoU of the two masks inside the rectangle, the first matte read at the rectangle’s place', () => {
    // First matte: foreground in columns 2..5 of a 8×1 row; the crop (columns 2..7) says columns 2..3 and 6..7.
    const first: AlphaMatte = { width: 8, height: 1, data: Uint8Array.from([255, 255, 200, 200, 200, 200, 0, 0]) };
    const crop: AlphaMatte = { width: 6, height: 1, data: Uint8Array.from([255, 128, 0, 127, 255, 255]) };
    // Both: columns 2, 3; either: 2..7 → 2 / 6.
    expect(agreement(first, crop, { x: 2, y: 0, width: 6, height: 1 })).toBeCloseTo(2 / 6);
  });

  it('is 1 when neither pass finds anything in the rectangle', () => {
    expect(agreement(matte(4, 4, 0), matte(2, 2, 0), { x: 1, y: 1, width: 2, height: 2 })).toBe(1);
  });
});
