import { describe, expect, it } from 'vitest';
import { DEFAULT_QUALITY, isQuality, takesQuality } from '../../../common/output-format.ts';

describe('the encoder quality', () => {
  it('is for WebP and JPEG, not PNG, which is exact', () => {
    expect(takesQuality('webp')).toBe(true);
    expect(takesQuality('jpeg')).toBe(true);
    expect(takesQuality('png')).toBe(false);
  });

  it('is a whole number from 1 to 100, with the defaults exports always had', () => {
    expect([1, 50, 100].every(isQuality)).toBe(true);
    expect([0, 101, 80.5, Number.NaN, -5].some(isQuality)).toBe(false);
    expect(DEFAULT_QUALITY).toEqual({ webp: 90, jpeg: 92 });
  });
});
