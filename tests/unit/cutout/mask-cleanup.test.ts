import { describe, expect, it } from 'vitest';
import { cleanMap, components, DEFAULT_CLEANUP } from '../../../web/src/cutout/mask-cleanup.ts';

const S = 100;
/** A map: a subject disc of radius 20 at (40, 50) with a soft rim 3 px wide, and whatever `extra` adds. */
function map(extra: (x: number, y: number) => number = () => 0): Float32Array {
  const m = new Float32Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const subject = Math.min(1, Math.max(0, (23 - Math.hypot(x - 40, y - 50)) / 3));
      m[y * S + x] = Math.max(subject, extra(x, y));
    }
  }
  return m;
}
const at = (m: Float32Array, x: number, y: number) => m[y * S + x];

describe('mask cleanup', () => {
  it('removes a faint haze far from the subject', () => {
    const hazy = map((x, y) => (x > 80 && y < 20 ? 0.38 : 0));
    const clean = cleanMap(hazy, S);
    expect(at(hazy, 90, 10)).toBeCloseTo(0.38);
    expect(at(clean, 90, 10)).toBe(0);
  });

  it('removes a small island of foreground, and keeps a second subject of fair size', () => {
    const m = map((x, y) => (Math.hypot(x - 90, y - 90) < 2 ? 0.9 : Math.hypot(x - 85, y - 20) < 8 ? 1 : 0));
    const clean = cleanMap(m, S, { ...DEFAULT_CLEANUP, reach: 1 });
    expect(at(clean, 90, 90)).toBe(0);
    expect(at(clean, 85, 20)).toBe(1);
  });

  it('keeps the subject and the soft values at its edge exactly', () => {
    const m = map((x, y) => (x > 80 && y < 20 ? 0.3 : 0));
    const clean = cleanMap(m, S);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) if (Math.hypot(x - 40, y - 50) < 30) expect(at(clean, x, y)).toBe(at(m, x, y));
    }
  });

  it('leaves a map without any confident foreground as it is', () => {
    const faint = new Float32Array(S * S).fill(0.2);
    expect(cleanMap(faint, S)).toEqual(faint);
  });

  it('labels 8-connected components with their areas', () => {
    // Two diagonal pixels touch; the third pixel is apart.
    const mask = Uint8Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    const { labels, areas } = components(mask, 4, 3);
    expect(areas.slice(1).sort()).toEqual([1, 2]);
    expect(labels[0]).toBe(labels[5]);
    expect(labels[11]).not.toBe(labels[0]);
  });
});
