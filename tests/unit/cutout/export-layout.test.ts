/** The export's framing, shadow and built-in backgrounds, on synthetic photos where the right answer is known. */
import { describe, expect, it } from 'vitest';
import { BUILT_IN_BACKGROUNDS, gradientImage } from '../../../web/src/cutout/backgrounds.ts';
import { blurredBackground } from '../../../web/src/cutout/compose.ts';
import { builtInExportBackground, exportSizeFor, renderExport, type ExportLayout } from '../../../web/src/cutout/export.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';

const W = 400, H = 300;
/** A light subject (a 100×150 box at 50, 40) on a dark photo; the matte is the box. */
const SUBJECT = { x: 50, y: 40, width: 100, height: 150 };
const inside = (x: number, y: number) => x >= SUBJECT.x && x < SUBJECT.x + SUBJECT.width && y >= SUBJECT.y && y < SUBJECT.y + SUBJECT.height;
const photo: RgbaImage = {
  width: W,
  height: H,
  data: Uint8ClampedArray.from({ length: W * H * 4 }, (_, i) => {
    const p = i >> 2;
    if (i % 4 === 3) return 255;
    return inside(p % W, Math.floor(p / W)) ? 250 : 20;
  }),
};
const alpha: AlphaMatte = { width: W, height: H, data: Uint8Array.from({ length: W * H }, (_, p) => (inside(p % W, Math.floor(p / W)) ? 255 : 0)) };

const at = (img: RgbaImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
const layout = (frame: Partial<ExportLayout['frame']>, shadow = false): ExportLayout => ({ frame: { crop: false, padding: 0.1, preset: 'original', ...frame }, shadow });

/** The bounds of pixels with alpha ≥ 128. */
function opaqueBounds(img: RgbaImage) {
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[(y * img.width + x) * 4 + 3] >= 128) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  return { left: x0, top: y0, right: img.width - 1 - x1, bottom: img.height - 1 - y1 };
}

describe('framing the export', () => {
  it('crops to the subject with its padding on every side', () => {
    const out = renderExport(photo, alpha, 'full', { kind: 'transparent' }, 'png', layout({ crop: true, padding: 0.1 }));
    // 10% of 150 = 15 pixels around 100×150.
    expect([out.width, out.height]).toEqual([130, 180]);
    expect(opaqueBounds(out)).toEqual({ left: 15, top: 15, right: 15, bottom: 15 });
    expect(at(out, 65, 90)).toEqual([250, 250, 250, 255]);
    expect(at(out, 2, 2)).toEqual([0, 0, 0, 0]);
  });

  it('places the subject in the centre of a 16:9 picture, the background filling past the photo', () => {
    const out = renderExport(photo, alpha, 'full', { kind: 'color', color: '#336699' }, 'png', layout({ preset: '16:9' }));
    expect(out.width / out.height).toBeCloseTo(16 / 9, 1);
    expect(out.height).toBe(180);
    // The subject's left and right margins are equal (to a pixel): centred, though the photo
    // has only 50 pixels left of it.
    const row = 90;
    const lightXs = Array.from({ length: out.width }, (_, x) => x).filter((x) => at(out, x, row)[0] > 200);
    expect(Math.abs(lightXs[0] - (out.width - 1 - lightXs.at(-1)!))).toBeLessThanOrEqual(1);
    expect(at(out, 0, 0)).toEqual([0x33, 0x66, 0x99, 255]);
  });

  it('exports a custom size exactly, and sizes the standard export by the framed picture', () => {
    const custom = renderExport(photo, alpha, 'standard', { kind: 'transparent' }, 'png', layout({ preset: { width: 500, height: 500 } }));
    expect([custom.width, custom.height]).toEqual([500, 500]);
    expect(exportSizeFor(alpha, 'full', layout({ crop: true, padding: 0.1 }))).toEqual({ width: 130, height: 180, free: true, scaled: false });
  });
});

describe('the drop shadow', () => {
  const shadowed = renderExport(photo, alpha, 'full', { kind: 'color', color: '#ffffff' }, 'png', layout({ crop: true, padding: 0.3 }, true));
  const plain = renderExport(photo, alpha, 'full', { kind: 'color', color: '#ffffff' }, 'png', layout({ crop: true, padding: 0.3 }, false));
  // Where the subject is: the same frame on a transparent background.
  const subjectAt = opaqueBounds(renderExport(photo, alpha, 'full', { kind: 'transparent' }, 'png', layout({ crop: true, padding: 0.3 })));

  it('darkens the background just below the subject, and not the far corners', () => {
    const { left, bottom } = subjectAt;
    const below = at(shadowed, left + 50, shadowed.height - bottom + 2);
    expect(below[0]).toBeLessThan(200);
    expect(at(plain, left + 50, plain.height - bottom + 2)).toEqual([255, 255, 255, 255]);
    expect(at(shadowed, 0, 0)).toEqual([255, 255, 255, 255]);
  });

  it('leaves the subject itself as it was', () => {
    const { left, top } = subjectAt;
    expect(at(shadowed, left + 50, top + 70)).toEqual(at(plain, left + 50, top + 70));
  });

  it('is a translucent black on a transparent background', () => {
    const out = renderExport(photo, alpha, 'full', { kind: 'transparent' }, 'png', layout({ crop: true, padding: 0.3 }, true));
    const { left, bottom } = opaqueBounds(out);
    const below = at(out, left + 50, out.height - bottom + 2);
    expect(below.slice(0, 3)).toEqual([0, 0, 0]);
    expect(below[3]).toBeGreaterThan(20);
    expect(below[3]).toBeLessThan(128);
    expect(at(out, 0, 0)[3]).toBe(0);
  });
});

describe('backgrounds', () => {
  it('draws a top-to-bottom gradient from the first colour to the second', () => {
    const g = gradientImage(10, 100, '#000000', '#ffffff', 180);
    expect(at(g, 5, 0)[0]).toBeLessThan(5);
    expect(at(g, 5, 99)[0]).toBeGreaterThan(250);
    expect(at(g, 0, 50)).toEqual(at(g, 9, 50));
  });

  it('offers a built-in set that all render, by id', () => {
    for (const b of BUILT_IN_BACKGROUNDS) {
      const bg = builtInExportBackground(b.id)!;
      const out = renderExport(photo, alpha, 'standard', bg, 'png');
      expect(at(out, 300, 20)[3], b.id).toBe(255);
    }
    expect(builtInExportBackground('nope')).toBeUndefined();
  });

  it('blurs the photo without a bright halo around a light subject', () => {
    // Eight pixels right of the subject, the photo is dark (20). Blurring the photo as it
    // is spreads the light subject into that spot; the export's blur leaves it out.
    const x = SUBJECT.x + SUBJECT.width + 8, y = 115;
    const out = renderExport(photo, alpha, 'full', { kind: 'blur', strength: 0.05 }, 'png');
    expect(at(out, x, y)[0]).toBeLessThan(30);
    const naive = blurredBackground(photo, W, H, 0.05);
    expect(at(naive, x, y)[0]).toBeGreaterThan(60);
  });
});
