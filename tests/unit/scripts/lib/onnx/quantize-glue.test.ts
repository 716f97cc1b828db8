/**
 * The glue plan (MaxPools, residual Adds, Resize → Concat in uint8) on a U²-Net block in
 * miniature, and the quantized graph it gives, run in onnxruntime-web.
 */
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { planGlue } from '../../../../../scripts/lib/onnx/quantize-glue.ts';
import { activationParams, quantizeStatic, tensorsToCalibrate } from '../../../../../scripts/lib/onnx/quantize.ts';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
const INTS = onnx.AttributeProto.AttributeType.INTS;
const INT = onnx.AttributeProto.AttributeType.INT;
const STRING = onnx.AttributeProto.AttributeType.STRING;
ort.env.wasm.numThreads = 1;

const floats = (name: string, dims: number[], values: number[]) => ({ name, dataType: DT.FLOAT, dims, rawData: new Uint8Array(new Float32Array(values).buffer) });
const int64s = (name: string, values: number[]) => ({ name, dataType: DT.INT64, dims: [values.length], rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer) });
const value = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: DT.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const conv1x1 = (name: string, inputs: string[], output: string) => ({ opType: 'Conv', name, input: inputs, output: [output], attribute: [{ name: 'kernel_shape', type: INTS, ints: [1, 1] }] });
const relu = (input: string, output: string) => ({ opType: 'Relu', name: `${output}.relu`, input: [input], output: [output] });
const pool2x2 = (name: string, input: string, output: string) => ({
  opType: 'MaxPool',
  name,
  input: [input],
  output: [output],
  attribute: [
    { name: 'kernel_shape', type: INTS, ints: [2, 2] },
    { name: 'strides', type: INTS, ints: [2, 2] },
  ],
});
const bytes = (m: onnxProto.onnx.IModelProto) => onnx.ModelProto.encode(m).finish();

/**
 * x (1×2×4×4) → convA → Relu → a ─┬─ MaxPool → p → convB → Relu → b (2×2) → Resize (bilinear, 4×4) → r ─┐
 *                                  ├──────────────────────────────────────────────────────────────────── Concat → c → convC → Relu → d
 *                                  └─ Add(d, a) → s → MaxPool → q → convD → output
 * Deterministic weights with mixed signs; every Conv 1×1 with a bias.
 */
const weights = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 0.9);
const blockModel = () =>
  onnx.ModelProto.decode(
    bytes(
      onnx.ModelProto.fromObject({
        irVersion: 8,
        opsetImport: [{ version: 15 }],
        graph: {
          name: 'block',
          input: [value('x', [1, 2, 4, 4])],
          output: [value('output', [1, 1, 2, 2])],
          initializer: [
            floats('wA', [2, 2, 1, 1], weights(4, 1)),
            floats('bA', [2], [0.5, 0.25]),
            floats('wB', [2, 2, 1, 1], weights(4, 2)),
            floats('bB', [2], [0.75, 0.5]),
            floats('wC', [2, 4, 1, 1], weights(8, 3)),
            floats('bC', [2], [0.25, 0.5]),
            floats('wD', [1, 2, 1, 1], [0.5, -0.25]),
            floats('bD', [1], [0.1]),
            int64s('sizes', [1, 2, 4, 4]),
          ],
          node: [
            conv1x1('convA', ['x', 'wA', 'bA'], 'a0'),
            relu('a0', 'a'),
            pool2x2('poolA', 'a', 'p'),
            conv1x1('convB', ['p', 'wB', 'bB'], 'b0'),
            relu('b0', 'b'),
            {
              opType: 'Resize',
              name: 'resize',
              input: ['b', '', '', 'sizes'],
              output: ['r'],
              attribute: [{ name: 'mode', type: STRING, s: new TextEncoder().encode('linear') }],
            },
            { opType: 'Concat', name: 'concat', input: ['r', 'a'], output: ['c'], attribute: [{ name: 'axis', type: INT, i: 1 }] },
            conv1x1('convC', ['c', 'wC', 'bC'], 'd0'),
            relu('d0', 'd'),
            { opType: 'Add', name: 'add', input: ['d', 'a'], output: ['s'] },
            pool2x2('poolS', 's', 'q'),
            conv1x1('convD', ['q', 'wD', 'bD'], 'output'),
          ],
        },
      }),
    ),
  );

// Each range its own, so any sharing is the plan's doing.
const ranges = {
  x: { min: 0, max: 2.55 },
  a: { min: 0, max: 5.1 },
  p: { min: 0, max: 4 },
  b: { min: 0, max: 3 },
  c: { min: 0, max: 6 },
  d: { min: 0, max: 4.5 },
  q: { min: 0, max: 8 },
  output: { min: -2, max: 2 },
};
const keepFloat: string[] = [];
const X = Array.from({ length: 32 }, (_, i) => ((i * 37) % 32) / 16);

async function run(model: onnxProto.onnx.IModelProto): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    return (await session.run({ x: new ort.Tensor('float32', Float32Array.from(X), [1, 2, 4, 4]) })).output.data as Float32Array;
  } finally {
    await session.release();
  }
}
const init = (m: onnxProto.onnx.IModelProto, name: string) => m.graph!.initializer!.find((t) => t.name === name)!;
const floatsOf = (m: onnxProto.onnx.IModelProto, name: string) => Array.from(new Float32Array(new Uint8Array(init(m, name).rawData!).buffer));

describe('planGlue', () => {
  const convTensors = () => new Set(tensorsToCalibrate(blockModel(), keepFloat));

  it('starts from what the Convs read and write', () => {
    expect([...convTensors()]).toEqual(['x', 'a', 'p', 'b', 'c', 'd', 'q', 'output']);
  });

  it('gives a MaxPool the scale and zero point of its input (the max of quantized values is one of them)', () => {
    const plan = planGlue(blockModel().graph!, convTensors(), ranges, { pools: true });
    expect(plan.tensors).toEqual([]);
    expect(plan.ranges.p).toEqual(ranges.a);
    // The pool after the Add reads a float tensor: nothing to share.
    expect(plan.ranges.q).toEqual(ranges.q);
    expect(activationParams(plan.ranges.p)).toEqual(activationParams(ranges.a));
  });

  it('quantizes a residual Add of two quantized tensors with the range of the pool that reads it, which then shares it', () => {
    const plan = planGlue(blockModel().graph!, convTensors(), ranges, { adds: true, pools: true });
    expect(plan.tensors).toEqual(['s']);
    expect(plan.ranges.s).toEqual(ranges.q);
    expect(plan.ranges.q).toEqual(ranges.q);
  });

  it("quantizes a Resize read only by a Concat with the Concat's range", () => {
    const plan = planGlue(blockModel().graph!, convTensors(), ranges, { resizes: true });
    expect(plan.tensors).toEqual(['r']);
    expect(plan.ranges.r).toEqual(ranges.c);
  });

  it('changes nothing without options, and never edits the ranges it is given', () => {
    const given = structuredClone(ranges);
    expect(planGlue(blockModel().graph!, convTensors(), given, {})).toEqual({ tensors: [], ranges });
    planGlue(blockModel().graph!, convTensors(), given, { pools: true, adds: true, resizes: true });
    expect(given).toEqual(ranges);
  });

  it('leaves an Add alone when one of its inputs is float, and then its pool too', () => {
    const m = blockModel();
    const quantized = convTensors();
    quantized.delete('d');
    const plan = planGlue(m.graph!, quantized, ranges, { adds: true, pools: true });
    expect(plan.tensors).toEqual([]);
    expect(plan.ranges.q).toEqual(ranges.q);
  });
});

describe('quantizeStatic with glue', () => {
  const glued = () => quantizeStatic(blockModel(), { ranges, keepFloat, glue: { pools: true, adds: true, resizes: true } });
  const plain = () => quantizeStatic(blockModel(), { ranges, keepFloat });

  it('puts Q/DQ after the Add and the Resize, and quantizes the pool with its input parameters', () => {
    const m = glued();
    const after = (t: string) => {
      const nodes = m.graph!.node!;
      const i = nodes.findIndex((n) => n.output!.includes(t));
      return nodes.slice(i + 1, i + 3).map((n) => n.opType);
    };
    expect(after('s')).toEqual(['QuantizeLinear', 'DequantizeLinear']);
    expect(after('r')).toEqual(['QuantizeLinear', 'DequantizeLinear']);
    expect(floatsOf(m, 'p_scale')).toEqual(floatsOf(m, 'a_scale'));
    expect(floatsOf(plain(), 'p_scale')).not.toEqual(floatsOf(plain(), 'a_scale'));
  });

  it("re-quantizes the int32 bias of the Conv after the pool against the pool's new scale", () => {
    const m = glued();
    const sa = floatsOf(m, 'a_scale')[0];
    const sw = floatsOf(m, 'convB_w_scale');
    expect(floatsOf(m, 'convB_b_scale')).toEqual(sw.map((s) => Math.fround(sa * s)));
    const bq = Array.from(new Int32Array(new Uint8Array(init(m, 'convB_b_q').rawData!).buffer));
    expect(bq).toEqual([0.75, 0.5].map((b, c) => Math.round(b / Math.fround(sa * sw[c]))));
  });

  it('runs in onnxruntime-web close to the float graph and to the plain quantization', async () => {
    const [float, withGlue, without] = await Promise.all([run(blockModel()), run(glued()), run(plain())]);
    // Two quantized requantizations more (s and r) and a coarser p: a few output steps.
    for (let i = 0; i < float.length; i++) {
      expect(Math.abs(withGlue[i] - float[i])).toBeLessThan(0.1);
      expect(Math.abs(withGlue[i] - without[i])).toBeLessThan(0.1);
    }
    // It did change the arithmetic.
    expect(Array.from(withGlue)).not.toEqual(Array.from(without));
  });

  it('writes the same bytes every time', () => {
    expect(Buffer.from(bytes(glued())).equals(Buffer.from(bytes(glued())))).toBe(true);
  });
});
