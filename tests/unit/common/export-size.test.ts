import { describe, expect, it } from 'vitest';
import { exportDimensions, exportIsFree, STANDARD_MAX_PIXELS } from '../../../common/export-size.ts';

describe('exportDimensions', () => {
  it('keeps a photo within one megapixel as it is, at both sizes, and both are free', () => {
    expect(exportDimensions(1000, 1000, 'standard')).toEqual({ width: 1000, height: 1000, free: true, scaled: false });
    expect(exportDimensions(640, 427, 'full')).toEqual({ width: 640, height: 427, free: true, scaled: false });
  });

  it('shrinks a larger photo to fit within one megapixel, keeping its shape, for free', () => {
    const d = exportDimensions(4000, 3000, 'standard');
    expect(d).toEqual({ width: 1154, height: 866, free: true, scaled: true });
    expect(d.width * d.height).toBeLessThanOrEqual(STANDARD_MAX_PIXELS);
    expect(d.width / d.height).toBeCloseTo(4 / 3, 2);
  });

  it('gives the full size of a larger photo, and that is not free', () => {
    expect(exportDimensions(4000, 3000, 'full')).toEqual({ width: 4000, height: 3000, free: false, scaled: false });
  });

  it('never exceeds the limit, for any shape', () => {
    for (const [w, h] of [[1001, 1000], [1500, 1000], [12000, 100], [7, 200_000], [3333, 3333], [6000, 4000], [2_000_000, 1], [1, 2_000_000], [1_500_000, 2]]) {
      const d = exportDimensions(w, h, 'standard');
      expect(d.width * d.height, `${w}×${h}`).toBeLessThanOrEqual(STANDARD_MAX_PIXELS);
      expect(d.width).toBeGreaterThanOrEqual(1);
      expect(d.height).toBeGreaterThanOrEqual(1);
      // As large as it can be: one more pixel either way would pass the limit or the shape.
      expect((d.width + 1) * (d.height + 1), `${w}×${h}`).toBeGreaterThan(STANDARD_MAX_PIXELS);
    }
  });

  it('keeps a side of one pixel when the photo is far longer than high, and shortens the long side instead', () => {
    expect(exportDimensions(2_000_000, 1, 'standard')).toEqual({ width: 1_000_000, height: 1, free: true, scaled: true });
    expect(exportDimensions(1, 2_000_000, 'standard')).toEqual({ width: 1, height: 1_000_000, free: true, scaled: true });
  });

  it('refuses a photo without pixels', () => {
    expect(() => exportDimensions(0, 10, 'standard')).toThrow(RangeError);
  });
});

describe('exportIsFree', () => {
  it('is free up to one megapixel and not one pixel more, whatever the shape', () => {
    expect(exportIsFree(1000, 1000)).toBe(true);
    expect(exportIsFree(1_000_000, 1)).toBe(true);
    expect(exportIsFree(1000, 1001)).toBe(false);
    expect(exportIsFree(1_000_001, 1)).toBe(false);
    expect(exportIsFree(1280, 781)).toBe(true);
    expect(exportIsFree(1280, 782)).toBe(false);
  });

  it('is what exportDimensions says of the full size, and every standard export is free', () => {
    for (const [w, h] of [[640, 480], [1024, 976], [1024, 977], [1920, 1080], [4032, 3024], [12_000, 9_000]]) {
      expect(exportDimensions(w, h, 'full').free, `${w}×${h}`).toBe(exportIsFree(w, h));
      const standard = exportDimensions(w, h, 'standard');
      expect(exportIsFree(standard.width, standard.height), `${w}×${h} standard`).toBe(true);
    }
  });
});
