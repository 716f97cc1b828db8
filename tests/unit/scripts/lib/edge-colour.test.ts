import { describe, expect, it } from 'vitest';
import { DEFAULT_FOREGROUND } from '../../../../web/src/cutout/foreground.ts';
import type { AlphaMatte, RgbaImage } from '../../../../web/src/cutout/image.ts';
import { compositeOver, edgeColourError } from '../../../../scripts/lib/edge-colour.ts';

const W = 64, H = 48;
const image = (fn: (x: number, y: number) => number[]): RgbaImage => {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([...fn(x, y), 255], (y * W + x) * 4);
  return { width: W, height: H, data };
};
/** A disc with a rim 8 px wide. */
const disc: AlphaMatte = { width: W, height: H, data: new Uint8Array(W * H) };
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) disc.data[y * W + x] = Math.round(255 * Math.min(1, Math.max(0, (20 - Math.hypot(x - 32, y - 24)) / 8)));

describe('edge colour of a cutout on a new background', () => {
  const subject = image((x) => [230, 120 + x, 20]);
  const composite = compositeOver(subject, disc, image((x, y) => [10, (x * 8) % 256, 200 + (y % 50)]));

  it('is 0 when the subject itself is cut out by the true matte', () => {
    expect(edgeColourError(subject, disc, subject, disc, null)).toBe(0);
  });

  it("counts the old background's fringe, and the estimated foreground takes most of it away", () => {
    const kept = edgeColourError(subject, disc, composite, disc, null)!;
    const estimated = edgeColourError(subject, disc, composite, disc, DEFAULT_FOREGROUND)!;
    expect(kept).toBeGreaterThan(0.03);
    expect(estimated).toBeLessThan(kept / 3);
  });

  it('is undefined without an edge', () => {
    const empty: AlphaMatte = { ...disc, data: new Uint8Array(W * H) };
    expect(edgeColourError(subject, empty, composite, empty, null)).toBeNull();
  });
});
