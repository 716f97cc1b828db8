/**
 * The static int8 QDQ rewrite on tiny graphs whose every number is worked out by hand, and
 * the rewrite's float16 → float32 step. The quantized graphs run in onnxruntime-web.
 */
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  activationParams,
  dequantizeFloat16,
  quantizeStatic,
  quantizeWeightsPerChannel,
  roundHalfEven,
  tensorsToCalibrate,
} from '../../../../../scripts/lib/onnx/quantize.ts';
import { halfToFloat, tensorFloats } from '../../../../../scripts/lib/onnx/model-proto.ts';
import { calibratedRanges, quantizeIsnet, type Calibration } from '../../../../../scripts/lib/onnx/quantize-isnet.ts';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
ort.env.wasm.numThreads = 1;

const floats = (name: string, dims: number[], values: number[]) => ({ name, dataType: DT.FLOAT, dims, rawData: new Uint8Array(new Float32Array(values).buffer) });
const value = (name: string, dims: number[], elemType: number = DT.FLOAT) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const conv1x1 = (name: string, inputs: string[], output: string) => ({
  opType: 'Conv',
  name,
  input: inputs,
  output: [output],
  attribute: [{ name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1] }],
});
const build = (graph: object) => onnx.ModelProto.decode(onnx.ModelProto.encode(onnx.ModelProto.fromObject({ irVersion: 8, opsetImport: [{ version: 15 }], graph })).finish());
const bytes = (m: onnxProto.onnx.IModelProto) => onnx.ModelProto.encode(m).finish();

/*
 * x (1×2×2×2) → convA (1×1, 2→2) → Relu → z → convB (1×1, identity, kept float) → output
 *
 * convA's weights are chosen so the int8 scales are powers of two and every q is exact:
 *   channel 0: [1, -127/64]     max 127/64  → scale 1/64  → q = [64, -127]
 *   channel 1: [127/128, 2.5/128] max 127/128 → scale 1/128 → q = [127, 2]  (2.5 rounds half to even)
 * biases [0.25, -0.5].
 */
const W_A = [1, -127 / 64, 127 / 128, 2.5 / 128];
const B_A = [0.25, -0.5];
const X = [0.5, 1.0, 1.5, 2.0, /* channel 1 */ 0.25, 0.0, 1.25, 0.75];
const tinyModel = () =>
  build({
    name: 'tiny',
    input: [value('x', [1, 2, 2, 2])],
    output: [value('output', [1, 2, 2, 2])],
    initializer: [floats('wA', [2, 2, 1, 1], W_A), floats('bA', [2], B_A), floats('wB', [2, 2, 1, 1], [1, 0, 0, 1]), floats('bB', [2], [0, 0])],
    node: [conv1x1('convA', ['x', 'wA', 'bA'], 'a'), { opType: 'Relu', name: 'relu', input: ['a'], output: ['z'] }, conv1x1('convB', ['z', 'wB', 'bB'], 'output')],
  });

/** relu(W·x + b) per pixel, in float64: what the float graph computes. */
function floatForward(w: number[], b: number[], x: number[]): number[] {
  const out: number[] = [];
  for (let o = 0; o < 2; o++) for (let p = 0; p < 4; p++) out.push(Math.max(0, w[o * 2] * x[p] + w[o * 2 + 1] * x[4 + p] + b[o]));
  return out;
}

const ranges = { x: { min: 0, max: 2.55 }, z: { min: 0, max: 5.1 } };

async function run(model: onnxProto.onnx.IModelProto, x: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [1, 2, 2, 2]) });
    return out.output.data as Float32Array;
  } finally {
    await session.release();
  }
}

const init = (m: onnxProto.onnx.IModelProto, name: string) => m.graph!.initializer!.find((t) => t.name === name)!;
const raw = <T>(t: onnxProto.onnx.ITensorProto, Ctor: new (b: ArrayBuffer) => T): T => new Ctor(new Uint8Array(t.rawData!).buffer);

describe('roundHalfEven', () => {
  it('rounds ties to the even neighbour, like QuantizeLinear', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });
});

describe('quantizeWeightsPerChannel', () => {
  it('gives each output channel its own scale max|w|/127 and q in [-127, 127]', () => {
    const { q, scales } = quantizeWeightsPerChannel(Float32Array.from(W_A), 2);
    expect(Array.from(scales)).toEqual([1 / 64, 1 / 128]);
    expect(Array.from(q)).toEqual([64, -127, 127, 2]);
  });

  it('gives an all-zero channel scale 1 and zeros rather than dividing by 0', () => {
    const { q, scales } = quantizeWeightsPerChannel(Float32Array.of(0, 0, 3.175, -1), 2);
    expect(Array.from(scales)).toEqual([1, Math.fround(3.175 / 127)]);
    expect(Array.from(q)).toEqual([0, 0, 127, -40]);
  });
});

describe('activationParams', () => {
  it('maps a non-negative range onto uint8 with zero point 0, and a signed one with the zero point where 0 falls', () => {
    expect(activationParams({ min: 0, max: 2.55 })).toEqual({ scale: Math.fround(0.01), zeroPoint: 0 });
    expect(activationParams({ min: -1, max: 1.55 })).toEqual({ scale: Math.fround(0.01), zeroPoint: 100 });
    // A range that misses 0 is widened to hold it: 0 must be exact.
    expect(activationParams({ min: 1, max: 2.55 })).toEqual({ scale: Math.fround(0.01), zeroPoint: 0 });
  });

  it('maps a range onto int8 symmetrically around 0', () => {
    expect(activationParams({ min: -0.5, max: 1.27 }, 'int8')).toEqual({ scale: Math.fround(0.01), zeroPoint: 0 });
  });
});

describe('tensorsToCalibrate', () => {
  it('lists the input and the Relu output of each quantized Conv, and nothing of a Conv kept float', () => {
    expect(tensorsToCalibrate(tinyModel())).toEqual(['x', 'z', 'output']);
    expect(tensorsToCalibrate(tinyModel(), ['convB'])).toEqual(['x', 'z']);
    expect(tensorsToCalibrate(tinyModel(), ['convA', 'convB'])).toEqual([]);
  });
});

describe('quantizeStatic', () => {
  const quantized = () => quantizeStatic(tinyModel(), { ranges, keepFloat: ['convB'] });

  it('puts Q/DQ on each quantized activation, DQ on the int8 weights and int32 bias, and leaves the kept Conv float', () => {
    const m = quantized();
    const nodes = m.graph!.node!.map((n) => `${n.opType}(${n.input!.join(',')})->${n.output!.join(',')}`);
    expect(nodes).toEqual([
      'QuantizeLinear(x,x_scale,x_zero_point)->x_q',
      'DequantizeLinear(x_q,x_scale,x_zero_point)->x_dq',
      'DequantizeLinear(convA_w_q,convA_w_scale,convA_w_zero_point)->convA_w_dq',
      'DequantizeLinear(convA_b_q,convA_b_scale,convA_b_zero_point)->convA_b_dq',
      'Conv(x_dq,convA_w_dq,convA_b_dq)->a',
      'Relu(a)->z',
      'QuantizeLinear(z,z_scale,z_zero_point)->z_q',
      'DequantizeLinear(z_q,z_scale,z_zero_point)->z_dq',
      'Conv(z_dq,wB,bB)->output',
    ]);
    // Weights and biases of the kept Conv are the float originals; convA's float weights are gone.
    expect(init(m, 'wB').dataType).toBe(DT.FLOAT);
    expect(init(m, 'wA')).toBeUndefined();
    expect(m.graph!.node!.find((n) => n.name === 'convA_w_DequantizeLinear')!.attribute).toEqual([expect.objectContaining({ name: 'axis', i: 0 })]);
  });

  it('stores exactly the hand-computed int8 weights, scales and int32 bias', () => {
    const m = quantized();
    expect(init(m, 'convA_w_q').dataType).toBe(DT.INT8);
    expect(Array.from(raw(init(m, 'convA_w_q'), Int8Array))).toEqual([64, -127, 127, 2]);
    expect(Array.from(raw(init(m, 'convA_w_scale'), Float32Array))).toEqual([1 / 64, 1 / 128]);
    expect(Array.from(raw(init(m, 'convA_w_zero_point'), Int8Array))).toEqual([0, 0]);
    // Bias scale = x scale × weight scale; q = round(b / that).
    const sx = Math.fround(0.01);
    const bScale = [Math.fround(sx / 64), Math.fround(sx / 128)];
    expect(Array.from(raw(init(m, 'convA_b_scale'), Float32Array))).toEqual(bScale);
    expect(Array.from(raw(init(m, 'convA_b_q'), Int32Array))).toEqual([Math.round(0.25 / bScale[0]), Math.round(-0.5 / bScale[1])]);
    expect(init(m, 'z_zero_point').dataType).toBe(DT.UINT8);
    expect(Array.from(raw(init(m, 'z_scale'), Float32Array))).toEqual([Math.fround(0.02)]);
  });

  it('runs in onnxruntime-web and lands within one output step of integer arithmetic done by hand', async () => {
    const out = await run(quantized(), X);
    const sx = Math.fround(0.01);
    const sz = Math.fround(0.02);
    // The integer pipeline QLinearConv computes: x_q = round(x/sx); acc = Σ x_q·w_q + b_q; z_q = round(relu(acc·sx·sw)/sz).
    const xq = X.map((v) => roundHalfEven(v / sx));
    const wq = [64, -127, 127, 2];
    const sw = [1 / 64, 1 / 128];
    const bq = [0, 1].map((o) => roundHalfEven(B_A[o] / Math.fround(sx * sw[o])));
    const byHand: number[] = [];
    for (let o = 0; o < 2; o++) {
      for (let p = 0; p < 4; p++) {
        const acc = xq[p] * wq[o * 2] + xq[4 + p] * wq[o * 2 + 1] + bq[o];
        byHand.push(Math.min(255, Math.max(0, roundHalfEven((acc * sx * sw[o]) / sz))) * sz);
      }
    }
    // Requantization in the runtime may round a product that lands on a tie the other way: one step at most.
    for (let i = 0; i < 8; i++) expect(Math.abs(out[i] - byHand[i])).toBeLessThanOrEqual(sz * 1.0001);
    // And against float: half a step of z, plus the input's half step through |w|, plus the weights' half step through |x|.
    const exact = floatForward(W_A, B_A, X);
    for (let o = 0; o < 2; o++) {
      for (let p = 0; p < 4; p++) {
        const bound = sz / 2 + (sx / 2) * (Math.abs(W_A[o * 2]) + Math.abs(W_A[o * 2 + 1])) + (sw[o] / 2) * (X[p] + X[4 + p]) + sz;
        expect(Math.abs(out[o * 4 + p] - exact[o * 4 + p])).toBeLessThanOrEqual(bound);
      }
    }
    // It really was quantized: the float graph gives other numbers.
    expect(Array.from(out)).not.toEqual(Array.from(await run(tinyModel(), X)));
  });

  it('clips an activation above its calibrated range to the range', async () => {
    const out = await run(quantizeStatic(tinyModel(), { ranges: { x: { min: 0, max: 2.55 }, z: { min: 0, max: 0.51 } }, keepFloat: ['convB'] }), X);
    expect(Math.max(...out)).toBeCloseTo(0.51, 5);
  });

  it('writes the same bytes every time', () => {
    expect(Buffer.from(bytes(quantized())).equals(Buffer.from(bytes(quantized())))).toBe(true);
  });

  it('refuses a tensor without a calibrated range and a keepFloat name that is no Conv', () => {
    expect(() => quantizeStatic(tinyModel(), { ranges: { x: ranges.x }, keepFloat: ['convB'] })).toThrow(/no calibrated range for tensor z/);
    expect(() => quantizeStatic(tinyModel(), { ranges, keepFloat: ['relu'] })).toThrow(/keepFloat names relu/);
  });
});

describe('dequantizeFloat16', () => {
  // x → Cast(fp16) → Conv (fp16 weights 0.5, -2 in half bits) → Cast(float) → output; the Casts are listed last, as the package's graph lists them.
  const half = (bits: number[]) => ({ name: 'w', dataType: DT.FLOAT16, dims: [1, 2, 1, 1], int32Data: bits });
  const fp16Model = () =>
    build({
      name: 'fp16',
      input: [value('x', [1, 2, 2, 2])],
      output: [value('output', [1, 1, 2, 2])],
      initializer: [half([0x3800, 0xc000])],
      node: [
        conv1x1('conv', ['x16', 'w'], 'y16'),
        { opType: 'Cast', name: 'in', input: ['x'], output: ['x16'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DT.FLOAT16 }] },
        { opType: 'Cast', name: 'out', input: ['y16'], output: ['output'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DT.FLOAT }] },
      ],
    });

  it('reads half-precision bits', () => {
    expect([0x3c00, 0x3800, 0xc000, 0x0001, 0x7bff].map(halfToFloat)).toEqual([1, 0.5, -2, 2 ** -24, 65504]);
  });

  it('turns float16 weights into float32 and drops the Casts, keeping the output name', async () => {
    const m = dequantizeFloat16(fp16Model());
    expect(m.graph!.node!.map((n) => `${n.opType}(${n.input!.join(',')})->${n.output!.join(',')}`)).toEqual(['Conv(x,w)->output']);
    expect(init(m, 'w').dataType).toBe(DT.FLOAT);
    expect(Array.from(tensorFloats(init(m, 'w')))).toEqual([0.5, -2]);
    expect(Array.from(await run1(m))).toEqual([0.5 * 0.5 - 2 * 0.25, 0.5 * 1 - 2 * 0, 0.5 * 1.5 - 2 * 1.25, 0.5 * 2 - 2 * 0.75]);
  });

  async function run1(model: onnxProto.onnx.IModelProto): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(bytes(model), { executionProviders: ['wasm'] });
    try {
      return (await session.run({ x: new ort.Tensor('float32', Float32Array.from(X), [1, 2, 2, 2]) })).output.data as Float32Array;
    } finally {
      await session.release();
    }
  }
});

describe('quantizeIsnet with a calibration file', () => {
  const calibration: Calibration = {
    model: 'tiny.onnx',
    sha256: '',
    inputSize: 2,
    photos: [],
    methods: ['max', 'p99.99'],
    tensors: { x: { max: [0, 2.55, 40], 'p99.99': [0, 1.275, 41] }, z: { max: [0, 5.1, 40], 'p99.99': [0, 2.55, 42] } },
  };

  it('takes the ranges of the method it names', () => {
    expect(calibratedRanges(calibration, 'p99.99')).toEqual({ x: { min: 0, max: 1.275 }, z: { min: 0, max: 2.55 } });
    const m = quantizeIsnet(tinyModel(), calibration, { calibration: 'c.json', method: 'max', keepFloat: ['convB'] });
    expect(Array.from(raw(init(m, 'x_scale'), Float32Array))).toEqual([Math.fround(0.01)]);
  });

  it('refuses a method the file does not hold', () => {
    expect(() => calibratedRanges(calibration, 'entropy')).toThrow(/no method entropy/);
  });
});
