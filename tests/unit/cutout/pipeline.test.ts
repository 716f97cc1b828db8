import { describe, expect, it, vi } from 'vitest';
import { colorBackground } from '../../../web/src/cutout/compose.ts';
import { isAbortError } from '../../../web/src/cutout/errors.ts';
import type { RgbaImage } from '../../../web/src/cutout/image.ts';
import { modelInfo } from '../../../web/src/cutout/model.ts';
import { cutPixels, type Stage } from '../../../web/src/cutout/pipeline.ts';
import { rejection } from '../../support/errors.ts';

// A tiny model: the manifest's normalisation on an 8×8 input, so no real network is needed.
const model = { ...modelInfo(), inputSize: 8 };

/** A photo of `width`×`height`, one flat colour. */
function flat(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < data.length; p += 4) data.set([...rgb, 255], p);
  return { width, height, data };
}

/** An infer function that returns the same probability everywhere. */
const constantInfer = (p: number) => vi.fn(async (input: { size: number }) => new Float32Array(input.size * input.size).fill(p));

describe('cutPixels', () => {
  it('runs preprocess, infer, refine, zoom, matting and compose in order and times each', async () => {
    const stages: Stage[] = [];
    const infer = constantInfer(0.6);
    const result = await cutPixels(flat(13, 7, [50, 60, 70]), model, infer, {}, { onStage: (s) => stages.push(s) });
    expect(stages).toEqual(['preprocess', 'infer', 'refine', 'zoom', 'matting', 'compose']);
    expect(Object.keys(result.timings).sort()).toEqual(['compose', 'infer', 'matting', 'preprocess', 'refine', 'zoom']);
    for (const ms of Object.values(result.timings)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(infer).toHaveBeenCalledTimes(1);
    const input = infer.mock.calls[0][0] as { size: number; tensor: Float32Array };
    expect(input.size).toBe(8);
    expect(input.tensor[0]).toBeCloseTo(50 / 255 - 0.5, 6);
  });

  it.each([true, false])('gives a matte and a cutout at the photo size (refine: %s)', async (refine) => {
    const result = await cutPixels(flat(13, 7, [50, 60, 70]), model, constantInfer(0.6), { refine });
    expect([result.alpha.width, result.alpha.height]).toEqual([13, 7]);
    expect([result.cutout.width, result.cutout.height]).toEqual([13, 7]);
    expect(result.alpha.data.every((a) => a === 153)).toBe(true);
    expect(Array.from(result.cutout.data.subarray(0, 4))).toEqual([50, 60, 70, 153]);
  });

  it('with `display`, composes a photo larger than the page shows at display size while the matte stays at the photo size', async () => {
    // 2200×500 is over one megapixel (not free): shown at the standard export's size, 2097×476.
    // (Bilinear, no matting: the constant map makes every pixel semi-transparent, the matting's band.)
    const result = await cutPixels(flat(2200, 500, [50, 60, 70]), model, constantInfer(0.6), { display: true, refine: false });
    expect([result.alpha.width, result.alpha.height]).toEqual([2200, 500]);
    expect([result.cutout.width, result.cutout.height]).toEqual([2097, 476]);
    expect(2097 * 476).toBeLessThanOrEqual(1_000_000);
    expect(Array.from(result.cutout.data.subarray(0, 4))).toEqual([50, 60, 70, 153]);
  });

  it('composes over the background it is given', async () => {
    const result = await cutPixels(flat(3, 3, [200, 200, 200]), model, constantInfer(0), { background: colorBackground('#102030') });
    expect(Array.from(result.cutout.data.subarray(0, 4))).toEqual([16, 32, 48, 255]);
  });

  it('does not run the network when the job was cancelled before it started', async () => {
    const controller = new AbortController();
    controller.abort();
    const infer = constantInfer(1);
    const err = await rejection(cutPixels(flat(3, 3, [0, 0, 0]), model, infer, {}, { signal: controller.signal }));
    expect(isAbortError(err)).toBe(true);
    expect(infer).not.toHaveBeenCalled();
  });

  it('stops after the stage during which it was cancelled', async () => {
    const controller = new AbortController();
    const stages: Stage[] = [];
    const infer = vi.fn(async (input: { size: number }) => {
      controller.abort();
      return new Float32Array(input.size * input.size);
    });
    const err = await rejection(cutPixels(flat(3, 3, [0, 0, 0]), model, infer, {}, { signal: controller.signal, onStage: (s) => stages.push(s) }));
    expect(isAbortError(err)).toBe(true);
    expect(stages).toEqual(['preprocess', 'infer']);
  });

  describe('subject zoom', () => {
    // A 64×32 photo: grey, with a red 8×8 subject at (40, 12). The fake network finds red.
    const photo = (): RgbaImage => {
      const image = flat(64, 32, [128, 128, 128]);
      for (let y = 12; y < 20; y++) for (let x = 40; x < 48; x++) image.data.set([255, 0, 0, 255], (y * 64 + x) * 4);
      return image;
    };
    /** Infers 1 where the input pixel is red (R high, G low), 0 elsewhere; records each input. */
    const redInfer = () =>
      vi.fn(async (input: { size: number; guide: Float32Array }) => {
        const n = input.size * input.size;
        return Float32Array.from({ length: n }, (_, i) => (input.guide[i] > 0.6 && input.guide[n + i] < 0.4 ? 1 : 0));
      });
    const zoomed = { ...model, inputSize: 16, zoom: { maxShare: 0.5, margin: 0.25 } };

    it('cuts the crop around a small subject again at the network size, and the matte is at the photo size', async () => {
      const infer = redInfer();
      const result = await cutPixels(photo(), zoomed, infer, { refine: false });
      expect(infer).toHaveBeenCalledTimes(2);
      expect(infer.mock.calls[1][0].size).toBe(16);
      expect([result.alpha.width, result.alpha.height]).toEqual([64, 32]);
      expect(result.timings.zoom).toBeGreaterThanOrEqual(0);
    });

    it('follows the subject closer than the first pass alone (the crop is seen at a finer scale)', async () => {
      const error = (alpha: Uint8Array) => {
        let sum = 0;
        for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) sum += Math.abs(alpha[y * 64 + x] - (x >= 40 && x < 48 && y >= 12 && y < 20 ? 255 : 0));
        return sum;
      };
      const single = await cutPixels(photo(), { ...zoomed, zoom: undefined }, redInfer(), { refine: false });
      const twice = await cutPixels(photo(), zoomed, redInfer(), { refine: false });
      expect(error(twice.alpha.data)).toBeLessThan(0.8 * error(single.alpha.data));
      expect(twice.alpha.data[16 * 64 + 44]).toBe(255);
      expect(twice.alpha.data[2 * 64 + 2]).toBe(0);
    });

    it('keeps the first matte when the second pass disagrees with it (minAgreement)', async () => {
      // A network that finds the red subject in the whole photo, and nothing in any crop.
      let calls = 0;
      const fickle = async (input: { size: number; guide: Float32Array }) => (calls++ === 0 ? redInfer()(input) : new Float32Array(input.size * input.size));
      const single = await cutPixels(photo(), { ...zoomed, zoom: undefined }, fickle, { refine: false });
      calls = 0;
      const checked = await cutPixels(photo(), { ...zoomed, zoom: { ...zoomed.zoom, minAgreement: 0.5 } }, fickle, { refine: false });
      expect(calls).toBe(2);
      expect(Array.from(checked.alpha.data)).toEqual(Array.from(single.alpha.data));
      calls = 0;
      const unchecked = await cutPixels(photo(), zoomed, fickle, { refine: false });
      expect(unchecked.alpha.data[16 * 64 + 44]).toBe(0);
    });

    it('runs the network once when the model has no zoom or the subject is large', async () => {
      const once = redInfer();
      await cutPixels(photo(), { ...zoomed, zoom: undefined }, once);
      expect(once).toHaveBeenCalledTimes(1);
      const large = redInfer();
      await cutPixels(photo(), { ...zoomed, zoom: { maxShare: 0.01, margin: 0.25 } }, large);
      expect(large).toHaveBeenCalledTimes(1);
    });
  });
  describe('second opinion', () => {
    // Quality's pairing: the manifest's Fast model (640² input, its own cleanup and zoom) as the second.
    const paired = { ...model, second: { model: 'isnet-quint8-640', unsure: 0.1 } };
    /** A network for each model: `first` everywhere for the tiny model, `second` everywhere for the second. */
    const pairInfer = (first: number, second: number) =>
      vi.fn(async (input: { size: number }, m: { id: string }) => new Float32Array(input.size * input.size).fill(m.id === paired.second.model ? second : first));

    it("runs the second model on its own input after the first's matting, and keeps its matte when it is surer", async () => {
      const stages: Stage[] = [];
      const infer = pairInfer(0.5, 1);
      const result = await cutPixels(flat(13, 7, [50, 60, 70]), paired, infer, {}, { onStage: (s) => stages.push(s) });
      expect(stages).toEqual(['preprocess', 'infer', 'refine', 'zoom', 'matting', 'preprocess', 'infer', 'refine', 'zoom', 'matting', 'compose']);
      expect(infer.mock.calls.map(([input, m]) => [m.id, input.size])).toEqual([
        [paired.id, 8],
        ['isnet-quint8-640', 640],
      ]);
      // The first said 0.5 everywhere (all unsure), the second 1: the second's matte is the cutout's.
      expect(result.alpha.data.every((a) => a === 255)).toBe(true);
      // Both models' stages add to the same names.
      expect(Object.keys(result.timings).sort()).toEqual(['compose', 'infer', 'matting', 'preprocess', 'refine', 'zoom']);
    });

    it("keeps the first model's matte when the second is less sure", async () => {
      const result = await cutPixels(flat(13, 7, [50, 60, 70]), paired, pairInfer(0, 0.5));
      expect(result.alpha.data.every((a) => a === 0)).toBe(true);
    });

    it('runs no second model without a second opinion in the manifest entry', async () => {
      const infer = pairInfer(0.5, 1);
      const result = await cutPixels(flat(13, 7, [50, 60, 70]), model, infer);
      expect(infer).toHaveBeenCalledTimes(1);
      expect(result.alpha.data.every((a) => a === 128)).toBe(true);
    });
  });

  describe('edge-band matting', () => {
    // A 48×16 photo: red on the right blending linearly into blue on the left over columns 12 to 36.
    const blend = (): RgbaImage => {
      const image = flat(48, 16, [0, 0, 0]);
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 48; x++) {
          const a = Math.min(1, Math.max(0, (x + 0.5 - 12) / 24));
          image.data.set([Math.round(230 * a + 20 * (1 - a)), 30, Math.round(20 * a + 220 * (1 - a)), 255], (y * 48 + x) * 4);
        }
      }
      return image;
    };
    // A network unsure over the whole blend: 0.5 there, 0 left of it, 1 right of it.
    const unsure = async (input: { size: number }) => Float32Array.from({ length: input.size * input.size }, (_, i) => {
      const x = ((i % input.size) + 0.5) / input.size;
      return x < 0.25 ? 0 : x > 0.75 ? 1 : 0.5;
    });
    // The manifest entry's settings over the defaults: a weak prior lets the colours decide across the whole blend.
    const matted = { ...model, inputSize: 48, matting: { prior: 1e-4, confidentPrior: 1e-4, iterations: 2000 } };

    it('re-estimates the unsure band from the colours, with the settings of the model\'s manifest entry, with the refinement on', async () => {
      const plain = await cutPixels(blend(), { ...matted, matting: undefined }, unsure);
      const result = await cutPixels(blend(), matted, unsure);
      expect(result.timings.matting).toBeGreaterThanOrEqual(0);
      // The true alpha at column 30 is 0.77; the network said 0.5.
      const truth = ((30.5 - 12) / 24) * 255;
      expect(Math.abs(plain.alpha.data[8 * 48 + 30] - 128)).toBeLessThan(10);
      expect(Math.abs(result.alpha.data[8 * 48 + 30] - truth)).toBeLessThan(15);
    });

    it('leaves the matte alone with plain bilinear upsampling (the bare baseline)', async () => {
      const plain = await cutPixels(blend(), { ...matted, matting: undefined }, unsure, { refine: false });
      const result = await cutPixels(blend(), matted, unsure, { refine: false });
      expect(Array.from(result.alpha.data)).toEqual(Array.from(plain.alpha.data));
    });
  });
});
