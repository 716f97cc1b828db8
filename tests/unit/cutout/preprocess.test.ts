import { describe, expect, it } from 'vitest';
import { manifest } from '../../../web/src/cutout/model.ts';
import { preprocess } from '../../../web/src/cutout/preprocess.ts';

/** A width×height RGBA image from a list of [r, g, b] pixels, row by row. */
function image(width: number, height: number, rgb: [number, number, number][]) {
  const data = new Uint8ClampedArray(width * height * 4);
  rgb.forEach(([r, g, b], i) => data.set([r, g, b, 255], i * 4));
  return { width, height, data };
}

// Top-left, top-right, bottom-left, bottom-right.
const pixels: [number, number, number][] = [[0, 51, 255], [255, 128, 1], [10, 20, 30], [200, 100, 50]];

describe('preprocess', () => {
  it('lays a 2×2 photo out as CHW for a size-2 model: all R, then all G, then all B, row-major', () => {
    const { tensor, guide, size } = preprocess(image(2, 2, pixels), { inputSize: 2, normalize: { mean: [0, 0, 0], std: [1, 1, 1] } });
    expect(size).toBe(2);
    expect(tensor.length).toBe(12);
    const expected = [0, 1, 2].flatMap((c) => pixels.map((p) => p[c] / 255));
    expected.forEach((v, i) => expect(tensor[i]).toBeCloseTo(v, 6));
    expect(guide).toEqual(tensor);
  });

  it('normalises each channel with its own mean and std: (v / 255 - mean) / std', () => {
    const normalize: { mean: [number, number, number]; std: [number, number, number] } = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
    const { tensor, guide } = preprocess(image(2, 2, pixels), { inputSize: 2, normalize });
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 4; i++) {
        const v = pixels[i][c];
        expect(tensor[c * 4 + i]).toBeCloseTo((v / 255 - normalize.mean[c]) / normalize.std[c], 5);
        expect(guide[c * 4 + i]).toBeCloseTo(v / 255, 6);
      }
    }
  });

  it("uses the manifest's normalisation for ISNet: v / 255 - 0.5, so black is -0.5 and white 0.5", () => {
    for (const model of manifest.models) {
      const small = { inputSize: 2, normalize: model.normalize };
      const { tensor } = preprocess(image(2, 2, pixels), small);
      expect(tensor[0]).toBe(-0.5); // R of top-left, 0
      expect(tensor[8 + 0]).toBe(0.5); // B of top-left, 255
      expect(tensor[1]).toBe(0.5); // R of top-right, 255
      expect(tensor[4]).toBeCloseTo(51 / 255 - 0.5, 6); // G of top-left
    }
  });

  it('squashes any photo to the square input, keeping a constant colour exactly', () => {
    const width = 6, height = 3;
    const { tensor, size } = preprocess(image(width, height, Array(width * height).fill([255, 0, 128])), { inputSize: 4, normalize: manifest.models[0].normalize });
    expect(size).toBe(4);
    expect(tensor.length).toBe(3 * 16);
    for (let i = 0; i < 16; i++) {
      expect(tensor[i]).toBeCloseTo(0.5, 6);
      expect(tensor[16 + i]).toBeCloseTo(-0.5, 6);
      expect(tensor[32 + i]).toBeCloseTo(128 / 255 - 0.5, 6);
    }
  });

  it('makes the 1×3×N×N tensor each model takes (896², 1024² and 640²)', () => {
    expect(manifest.models.map((m) => m.inputSize).sort()).toEqual([1024, 640, 896]);
    for (const model of manifest.models) {
      const { tensor, size } = preprocess(image(3, 2, Array(6).fill([1, 2, 3])), model);
      expect(size, model.id).toBe(model.inputSize);
      expect(tensor.length, model.id).toBe(3 * model.inputSize * model.inputSize);
    }
  });
});
