import { describe, expect, it } from 'vitest';
import { paintShown, shownRect, shownScale } from '../../../web/src/workbench/shown-matte.ts';

describe("the editor's shown matte", () => {
  it('shows a photo within the canvas limit at its own size, each pixel sampling itself', () => {
    const s = shownScale(40, 30, 40 * 30);
    expect([s.width, s.height]).toEqual([40, 30]);
    expect([...s.columns]).toEqual([...Array(40).keys()]);
    expect([...s.rows]).toEqual([...Array(30).keys()]);
  });

  it('shows a larger photo on a canvas within the limit, of the same aspect, sampling across the whole photo', () => {
    const s = shownScale(6000, 4000, 16_384);
    expect(s.width * s.height).toBeLessThanOrEqual(16_384);
    expect(s.width / s.height).toBeCloseTo(1.5, 1);
    expect(s.width).toBeGreaterThan(150); // not needlessly small
    expect(s.columns[0]).toBeLessThan(6000 / s.width);
    expect(s.columns[s.width - 1]).toBeGreaterThan(6000 - 6000 / s.width);
    for (let i = 1; i < s.width; i++) expect(s.columns[i]).toBeGreaterThan(s.columns[i - 1]);
    for (let i = 1; i < s.height; i++) expect(s.rows[i]).toBeGreaterThan(s.rows[i - 1]);
  });

  it('redraws every shown pixel whose sample a stroke changed', () => {
    const [w, h] = [97, 61];
    const s = shownScale(w, h, 600);
    for (const r of [
      { x: 0, y: 0, width: 1, height: 1 },
      { x: 50, y: 20, width: 3, height: 7 },
      { x: 96, y: 60, width: 1, height: 1 },
      { x: 10, y: 5, width: 80, height: 50 },
    ]) {
      const box = shownRect(s, w, h, r);
      for (let y = 0; y < s.height; y++) {
        for (let x = 0; x < s.width; x++) {
          const sampled = s.columns[x] >= r.x && s.columns[x] < r.x + r.width && s.rows[y] >= r.y && s.rows[y] < r.y + r.height;
          const redrawn = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
          if (sampled) expect(redrawn, `${x},${y} for ${JSON.stringify(r)}`).toBe(true);
        }
      }
    }
  });

  it("takes each shown pixel's alpha from its sample in the full matte, scaled by the photo's own alpha", () => {
    const [w, h] = [8, 4];
    const s = shownScale(w, h, 8); // 4×2: every other column and row
    expect([s.width, s.height, ...s.columns, ...s.rows]).toEqual([4, 2, 1, 3, 5, 7, 1, 3]);
    const alpha = Uint8Array.from({ length: w * h }, (_, i) => i * 7);
    const photo = new Uint8ClampedArray(s.width * s.height * 4).fill(255);
    photo[3] = 51; // the photo is itself partly transparent at the first shown pixel
    const out = photo.slice();
    paintShown(out, photo, alpha, w, s, { x: 0, y: 0, width: 4, height: 2 });
    const shownAlpha = [...out.filter((_, i) => i % 4 === 3)];
    expect(shownAlpha).toEqual([Math.round((alpha[1 * w + 1] * 51) / 255), alpha[1 * w + 3], alpha[1 * w + 5], alpha[1 * w + 7], alpha[3 * w + 1], alpha[3 * w + 3], alpha[3 * w + 5], alpha[3 * w + 7]]);
    expect(out.filter((_, i) => i % 4 !== 3).every((v) => v === 255)).toBe(true); // colours untouched
  });
});
