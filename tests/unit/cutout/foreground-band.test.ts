import { describe, expect, it } from 'vitest';
import { semiTransparent } from '../../../web/src/cutout/foreground-band.ts';

/** The pixels strictly between clear and opaque, listed the plain way. */
const plainly = (alpha: Uint8Array) => alpha.reduce<number[]>((out, a, i) => (a !== 0 && a !== 255 ? (out.push(i), out) : out), []);

/** A matte of runs of 0 and 255 with soft pixels between them, as a photo's is (seeded, so the same every run). */
function matte(length: number, seed = 7): Uint8Array {
  const alpha = new Uint8Array(length);
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < length; ) {
    const run = 1 + Math.floor(next() * 40);
    const value = next() < 0.4 ? 0 : next() < 0.6 ? 255 : Math.floor(next() * 256);
    alpha.fill(value, i, Math.min(length, i + run));
    i += run;
  }
  return alpha;
}

describe("the edge band's pixels", () => {
  it('are the pixels strictly between 0 and 255, in increasing order, thousands of them included', () => {
    const alpha = matte(100_003);
    const band = semiTransparent(alpha);
    expect(band.length).toBeGreaterThan(2048);
    expect(Array.from(band)).toEqual(plainly(alpha));
  });

  it('are the same when the matte does not start on a 4-byte boundary (no word at a time then)', () => {
    const alpha = matte(10_001);
    const view = new Uint8Array(alpha.buffer, 1, 10_000);
    expect(Array.from(semiTransparent(view))).toEqual(plainly(view));
  });

  it('are none in a matte of only 0 and 255, and every pixel in one with none of them', () => {
    expect(semiTransparent(Uint8Array.of(0, 255, 255, 0, 0, 0, 0, 255, 0))).toHaveLength(0);
    expect(Array.from(semiTransparent(Uint8Array.of(1, 254, 128, 7, 9)))).toEqual([0, 1, 2, 3, 4]);
  });
});
