import { describe, expect, it } from 'vitest';
import type { AlphaMatte } from '../../../web/src/cutout/image.ts';
import { surer, unsureCount } from '../../../web/src/cutout/surer.ts';

const matte = (...values: number[]): AlphaMatte => ({ width: values.length, height: 1, data: Uint8Array.from(values) });

describe('unsureCount', () => {
  it('counts the pixels strictly between `unsure` and 1 − `unsure`', () => {
    // At 0.1 the unsure bytes are 26 to 229: 25.5 and 229.5 are the bounds.
    expect(unsureCount(matte(0, 25, 26, 128, 229, 230, 255), 0.1)).toBe(3);
    expect(unsureCount(matte(0, 25, 26, 128, 229, 230, 255), 0.2)).toBe(1);
    expect(unsureCount(matte(0, 255), 0.1)).toBe(0);
  });
});

describe('surer', () => {
  it('keeps the second matte when fewer of its pixels are unsure', () => {
    const first = matte(0, 128, 128, 255);
    const second = matte(0, 0, 255, 255);
    expect(surer(first, second, 0.1)).toBe(second);
    expect(surer(second, first, 0.1)).toBe(second);
  });

  it('keeps the first on a tie', () => {
    const first = matte(0, 128, 255);
    const second = matte(128, 255, 255);
    expect(surer(first, second, 0.1)).toBe(first);
  });

  it('refuses mattes of different sizes', () => {
    expect(() => surer(matte(0, 255), matte(0, 255, 0), 0.1)).toThrow('the mattes are 2x1 and 3x1');
  });
});
