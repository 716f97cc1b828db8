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
  it('runs preprocess, infer, refine and compose in order and times each', async () => {
    const stages: Stage[] = [];
    const infer = constantInfer(0.6);
    const result = await cutPixels(flat(13, 7, [50, 60, 70]), model, infer, {}, { onStage: (s) => stages.push(s) });
    expect(stages).toEqual(['preprocess', 'infer', 'refine', 'compose']);
    expect(Object.keys(result.timings).sort()).toEqual(['compose', 'infer', 'preprocess', 'refine']);
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
});
