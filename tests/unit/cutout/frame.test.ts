/** Framing: the subject's bounds, the frame each crop and preset gives, and what its export costs. */
import { describe, expect, it } from 'vitest';
import { frameExportDimensions, frameFor, NO_FRAME, parsePreset, subjectBounds } from '../../../web/src/cutout/frame.ts';
import type { AlphaMatte } from '../../../web/src/cutout/image.ts';

/** A `width`×`height` matte with `value` inside the rectangle and `haze` elsewhere. */
function boxMatte(width: number, height: number, box: { x: number; y: number; width: number; height: number }, value = 255, haze = 0): AlphaMatte {
  const data = new Uint8Array(width * height).fill(haze);
  for (let y = box.y; y < box.y + box.height; y++) data.fill(value, y * width + box.x, y * width + box.x + box.width);
  return { width, height, data };
}

describe('subjectBounds', () => {
  it('is the smallest rectangle of matte values from 128 up, a faint haze left out', () => {
    const box = { x: 30, y: 12, width: 25, height: 40 };
    expect(subjectBounds(boxMatte(100, 80, box, 200, 90))).toEqual(box);
    expect(subjectBounds(boxMatte(100, 80, { x: 0, y: 79, width: 1, height: 1 }))).toEqual({ x: 0, y: 79, width: 1, height: 1 });
  });

  it('is null when nothing reaches half-way', () => {
    expect(subjectBounds(boxMatte(10, 10, { x: 2, y: 2, width: 3, height: 3 }, 127))).toBeNull();
  });
});

describe('frameFor', () => {
  const subject = { x: 300, y: 100, width: 200, height: 400 };

  it('is the photo itself for "original" without a crop', () => {
    expect(frameFor(1000, 800, subject, NO_FRAME)).toEqual({ width: 1000, height: 800, x: 0, y: 0 });
  });

  it('crops to the subject with padding as a fraction of its longer side, on every side', () => {
    // 10% of 400 = 40 pixels around the 200×400 subject.
    expect(frameFor(1000, 800, subject, { crop: true, padding: 0.1, preset: 'original' })).toEqual({ width: 280, height: 480, x: -260, y: -60 });
    expect(frameFor(1000, 800, subject, { crop: true, padding: 0, preset: 'original' })).toEqual({ width: 200, height: 400, x: -300, y: -100 });
  });

  it("shapes the picture to the preset around the padded subject, the subject's centre in its centre", () => {
    for (const [preset, ratio] of [['1:1', 1], ['4:5', 0.8], ['16:9', 16 / 9]] as const) {
      const f = frameFor(1000, 800, subject, { crop: false, padding: 0.1, preset });
      expect(f.width / f.height, preset).toBeCloseTo(ratio, 2);
      // Holds the padded subject (280×480) whole.
      expect(f.width, preset).toBeGreaterThanOrEqual(280);
      expect(f.height, preset).toBeGreaterThanOrEqual(480);
      expect(Math.min(f.width - 280, f.height - 480), preset).toBeLessThanOrEqual(1);
      // The subject's centre (400, 300 in the photo) lands in the middle.
      expect(Math.abs(f.x + 400 - f.width / 2), preset).toBeLessThanOrEqual(1);
      expect(Math.abs(f.y + 300 - f.height / 2), preset).toBeLessThanOrEqual(1);
    }
  });

  it('asks for the exact size of a custom preset, in its shape, and may reach past the photo', () => {
    const f = frameFor(1000, 800, { x: 0, y: 0, width: 200, height: 200 }, { crop: true, padding: 0.5, preset: { width: 1200, height: 600 } });
    expect(f.output).toEqual({ width: 1200, height: 600 });
    expect(f.width / f.height).toBeCloseTo(2, 2);
    expect(f.x).toBeGreaterThan(0); // the photo starts inside the picture: background shows on the left
  });

  it('frames the whole photo when no subject was found', () => {
    expect(frameFor(600, 300, null, { crop: false, padding: 0, preset: '1:1' })).toEqual({ width: 600, height: 600, x: 0, y: 150 });
  });
});

describe('frameExportDimensions', () => {
  it('applies the export-size rule to the framed picture: a small crop of a large photo is free at full size', () => {
    const crop = frameFor(4000, 3000, { x: 1000, y: 1000, width: 600, height: 800 }, { crop: true, padding: 0.05, preset: 'original' });
    expect(frameExportDimensions(crop, 'full')).toEqual({ width: 680, height: 880, free: true, scaled: false });
    const whole = frameFor(4000, 3000, null, NO_FRAME);
    expect(frameExportDimensions(whole, 'full').free).toBe(false);
  });

  it('gives a custom size exactly when it fits within a megapixel, and charges full size beyond', () => {
    const small = frameFor(4000, 3000, null, { crop: false, padding: 0, preset: { width: 1000, height: 1000 } });
    expect(frameExportDimensions(small, 'standard')).toEqual({ width: 1000, height: 1000, free: true, scaled: false });
    const large = frameFor(4000, 3000, null, { crop: false, padding: 0, preset: { width: 2000, height: 2000 } });
    expect(frameExportDimensions(large, 'full')).toEqual({ width: 2000, height: 2000, free: false, scaled: false });
    const standard = frameExportDimensions(large, 'standard');
    expect(standard.width * standard.height).toBeLessThanOrEqual(1_000_000);
    expect(standard.width).toBe(standard.height);
  });
});

describe('parsePreset', () => {
  it('reads the named presets, "square", and sizes like 1080x1350', () => {
    expect(['original', '1:1', '4:5', '16:9', 'square', ' 16:9 '].map(parsePreset)).toEqual(['original', '1:1', '4:5', '16:9', '1:1', '16:9']);
    expect(parsePreset('1080x1350')).toEqual({ width: 1080, height: 1350 });
    for (const bad of ['3:2', '0x100', 'big', '1080']) expect(() => parsePreset(bad), bad).toThrow(/not original, 1:1, 4:5, 16:9 or a size/);
  });
});
