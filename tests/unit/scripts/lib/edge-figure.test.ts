import { describe, expect, it } from 'vitest';
import { colourDifference, cropStats, densestSquare, SOFT } from '../../../../scripts/lib/edge-figure.ts';

const rgba = (width: number, height: number, pixels: number[][]) => ({ width, height, data: Uint8ClampedArray.from(pixels.flatMap((p) => [...p, 255])) });
const matte = (width: number, height: number, values: number[]) => ({ width, height, data: Uint8Array.from(values) });

describe('densestSquare', () => {
  it('finds the square around a hot block, the first in reading order on ties', () => {
    const width = 40, height = 30;
    const diff = new Float32Array(width * height);
    for (let y = 13; y < 18; y++) for (let x = 22; x < 27; x++) diff[y * width + x] = 1;
    // Every 8² square with its corner in 19..22 × 10..13 holds the whole block.
    expect(densestSquare(diff, width, height, 8)).toEqual({ x: 19, y: 10 });
  });

  it('keeps the whole square inside the photo when its side is no whole number of cells', () => {
    // The fur figure's case: 100 px squares searched on 12 px cells in a 451×300 photo.
    const width = 451, height = 300;
    const diff = new Float32Array(width * height);
    for (let y = 260; y < 300; y++) for (let x = 0; x < 40; x++) diff[y * width + x] = 1;
    const { x, y } = densestSquare(diff, width, height, 100);
    expect(x + 100).toBeLessThanOrEqual(width);
    expect(y + 100).toBeLessThanOrEqual(height);
    expect({ x, y }).toEqual({ x: 0, y: 192 });
  });

  it('refuses a square larger than the photo', () => {
    expect(() => densestSquare(new Float32Array(12), 4, 3, 4)).toThrow(/does not fit/);
  });
});

describe('colourDifference', () => {
  it('sums the absolute differences of the three colours, ignoring alpha', () => {
    const a = rgba(2, 1, [[10, 20, 30], [0, 0, 0]]);
    const b = rgba(2, 1, [[13, 10, 30], [255, 255, 255]]);
    b.data[3] = 0;
    expect([...colourDifference(a, b)]).toEqual([13, 765]);
  });
});

describe('cropStats', () => {
  it('measures alpha moves over the crop and the two cutouts on the pixels soft in either matte', () => {
    // A 3×2 matte; the crop is its right 2×2. Pixel by pixel (before → after):
    // (1,0) 255 → 255, (2,0) 0 → 51 (soft after, moved 0.2), (1,1) 128 → 128 (soft in both), (2,1) 1 → 254 (neither soft; moved).
    const before = matte(3, 2, [9, 255, 0, 9, 128, 1]);
    const after = matte(3, 2, [200, 255, 51, 200, 128, 254]);
    const grey = (v: number) => [v, v, v];
    const shownBefore = rgba(3, 2, [grey(0), grey(0), grey(100), grey(0), grey(50), grey(0)]);
    const shownAfter = rgba(3, 2, [grey(0), grey(0), grey(40), grey(0), grey(50), grey(0)]);
    const stats = cropStats(before, after, shownBefore, shownAfter, { x: 1, y: 0, size: 2 });
    expect(stats.meanAlphaDiff).toBeCloseTo((51 + 253) / 4 / 255, 12);
    expect(stats.movedShare).toBe(2 / 4);
    expect(stats.softShare).toEqual([1 / 4, 2 / 4]);
    expect(stats.fringeShare).toBe(2 / 4);
    expect(stats.fringeLuma![0]).toBeCloseTo(75, 9);
    expect(stats.fringeLuma![1]).toBeCloseTo(45, 9);
    expect(stats.fringeColourDiff).toBeCloseTo(30, 12);
  });

  it('counts neither end of the matte as soft, and has no fringe without soft pixels', () => {
    expect(SOFT.min).toBeGreaterThan(1);
    expect(SOFT.max).toBeLessThan(254);
    const m = matte(2, 1, [1, 254]);
    const shown = rgba(2, 1, [[0, 0, 0], [0, 0, 0]]);
    expect(cropStats(m, m, shown, shown, { x: 0, y: 0, size: 1 })).toMatchObject({ fringeShare: 0, fringeLuma: null, fringeColourDiff: null });
  });
});
