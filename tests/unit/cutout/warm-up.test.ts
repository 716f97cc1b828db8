/** The warm-up model is the one-node graph its comment says, and it runs in onnxruntime-web. */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../scripts/lib/onnx/model-proto.ts';
import { warmUpModel, warmUpRuntime } from '../../../web/src/cutout/warm-up.ts';

ort.env.wasm.numThreads = 1;

describe('warm-up model', () => {
  it('is one MaxPool 1×1 from x to y, 1×1×2×2 float, 121 bytes', () => {
    const bytes = warmUpModel();
    expect(bytes.length).toBe(121);
    const graph = decodeModel(bytes).graph!;
    expect(graph.node!.map((n) => `${n.opType}(${n.input!.join(',')})->${n.output!.join(',')}`)).toEqual(['MaxPool(x)->y']);
    expect(graph.input!.map((i) => i.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue)))).toEqual([[1, 1, 2, 2]]);
  });

  it('opens, runs and closes in onnxruntime-web, and can do it again', async () => {
    await warmUpRuntime(ort);
    await warmUpRuntime(ort);
    // The runtime it warmed runs a real session afterwards.
    const session = await ort.InferenceSession.create(warmUpModel());
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(5, 6, 7, 8), [1, 1, 2, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([5, 6, 7, 8]);
    await session.release();
  });
});
