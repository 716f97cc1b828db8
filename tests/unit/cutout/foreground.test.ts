import { describe, expect, it } from 'vitest';
import { colorBackground, compose } from '../../../web/src/cutout/compose.ts';
import { DEFAULT_FOREGROUND, estimateForeground } from '../../../web/src/cutout/foreground.ts';
import type { AlphaMatte, RgbaImage } from '../../../web/src/cutout/image.ts';

const W = 96, H = 80;

/** A subject of smoothly varying warm colours. */
const subject = (x: number, y: number) => [200 + (x % 40), 60 + y, 40];
/** An old background of cold colours, in stripes (a busy one). */
const oldBackground = (x: number, y: number) => [20, 150 + ((x >> 3) % 2) * 60, 230 - y];

/** A disc with a soft rim 12 px wide: alpha 1 inside radius 20, 0 outside 32. */
function softDisc(): AlphaMatte {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const r = Math.hypot(x - W / 2, y - H / 2);
      data[y * W + x] = Math.round(255 * Math.min(1, Math.max(0, (32 - r) / 12)));
    }
  }
  return { width: W, height: H, data };
}

/** The photo: subject and old background mixed by the matte, I = αF + (1 − α)B. */
function photoOf(alpha: AlphaMatte): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x, a = alpha.data[i] / 255, f = subject(x, y), b = oldBackground(x, y);
      for (let c = 0; c < 3; c++) data[i * 4 + c] = a * f[c] + (1 - a) * b[c];
      data[i * 4 + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}

/** Mean |colour − subject colour| over the semi-transparent pixels, per channel, 0..255. */
function errorToSubject(image: RgbaImage, alpha: AlphaMatte): number {
  let sum = 0, n = 0;
  for (let i = 0; i < W * H; i++) {
    if (alpha.data[i] === 0 || alpha.data[i] === 255) continue;
    const f = subject(i % W, Math.floor(i / W));
    for (let c = 0; c < 3; c++) sum += Math.abs(image.data[i * 4 + c] - f[c]);
    n += 3;
  }
  return sum / n;
}

describe('foreground estimation', () => {
  const alpha = softDisc();
  const photo = photoOf(alpha);

  it('brings the colours of semi-transparent pixels much closer to the subject than the photo has them', () => {
    const before = errorToSubject(photo, alpha);
    const after = errorToSubject(estimateForeground(photo, alpha), alpha);
    expect(before).toBeGreaterThan(40);
    expect(after).toBeLessThan(before / 10);
  });

  it('changes no pixel that is fully opaque or fully clear, nor the alpha channel', () => {
    const out = estimateForeground(photo, alpha);
    const changed: number[] = [];
    for (let i = 0; i < W * H; i++) {
      const edge = alpha.data[i] > 0 && alpha.data[i] < 255;
      for (let c = 0; c < 4; c++) if ((!edge || c === 3) && out.data[i * 4 + c] !== photo.data[i * 4 + c]) changed.push(i * 4 + c);
    }
    expect(changed).toEqual([]);
  });

  it('solving the photo\'s own level on the edge pixels alone (large photos) is about as good as solving it whole', () => {
    const whole = estimateForeground(photo, alpha);
    const banded = estimateForeground(photo, alpha, { ...DEFAULT_FOREGROUND, maxDenseSide: 24 });
    expect(errorToSubject(banded, alpha)).toBeLessThan(errorToSubject(photo, alpha) / 3);
    expect(Math.abs(errorToSubject(banded, alpha) - errorToSubject(whole, alpha))).toBeLessThan(1);
  });

  it('solving the band at half the photo\'s size and sweeping the photo\'s edge pixels once from there (larger photos) is about as good as solving it whole', () => {
    const whole = estimateForeground(photo, alpha);
    const fitted = estimateForeground(photo, alpha, { ...DEFAULT_FOREGROUND, maxDenseSide: 24, maxBandSide: 48 });
    expect(errorToSubject(fitted, alpha)).toBeLessThan(errorToSubject(photo, alpha) / 3);
    expect(Math.abs(errorToSubject(fitted, alpha) - errorToSubject(whole, alpha))).toBeLessThan(1);
  });

  it('finds the subject\'s colour in a photo one pixel high whose edge runs to its border (neighbours clamped, none read outside)', () => {
    // Opaque subject on the left, then alpha falling to 10/255 at the last pixel; one row, so
    // every pixel is its own neighbour above and below. Both the whole and the fitted ways.
    const n = 120, f = [200, 60, 40], b = [20, 150, 230];
    const strip: AlphaMatte = { width: n, height: 1, data: Uint8Array.from({ length: n }, (_, x) => (x < 20 ? 255 : Math.round(255 - ((x - 20) * 245) / (n - 21)))) };
    const data = new Uint8ClampedArray(n * 4);
    for (let x = 0; x < n; x++) {
      const a = strip.data[x] / 255;
      for (let c = 0; c < 3; c++) data[x * 4 + c] = a * f[c] + (1 - a) * b[c];
      data[x * 4 + 3] = 255;
    }
    for (const options of [DEFAULT_FOREGROUND, { ...DEFAULT_FOREGROUND, maxDenseSide: 8, maxBandSide: 30 }]) {
      const out = estimateForeground({ width: n, height: 1, data }, strip, options);
      for (let x = 20; x < n; x++) for (let c = 0; c < 3; c++) expect(Math.abs(out.data[x * 4 + c] - f[c])).toBeLessThan(8);
    }
  });

  it('leaves a photo without semi-transparent pixels as it is', () => {
    const hard: AlphaMatte = { ...alpha, data: alpha.data.map((v) => (v >= 128 ? 255 : 0)) };
    expect(estimateForeground(photo, hard).data).toEqual(photo.data);
  });

  it('takes away the old background\'s fringe when the cutout is put on a new colour', () => {
    // The truth on white: the subject mixed with white by the same matte.
    const white = [255, 255, 255];
    const fringe = (image: RgbaImage) => {
      let sum = 0, n = 0;
      for (let i = 0; i < W * H; i++) {
        const a = alpha.data[i] / 255;
        if (a === 0 || a === 1) continue;
        const f = subject(i % W, Math.floor(i / W));
        for (let c = 0; c < 3; c++) sum += Math.abs(image.data[i * 4 + c] - (a * f[c] + (1 - a) * white[c]));
        n += 3;
      }
      return sum / n;
    };
    const plain = fringe(compose(photo, alpha, colorBackground('#ffffff'), false, null));
    const estimated = fringe(compose(photo, alpha, colorBackground('#ffffff')));
    expect(plain).toBeGreaterThan(20);
    expect(estimated).toBeLessThan(plain / 5);
  });
});
