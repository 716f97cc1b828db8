/**
 * The graph web/src/cutout/warm-up.ts runs while the default model downloads: a U²-Net
 * block in miniature, quantized by quantizeStatic with the default model's own options
 * (uint8 activations, per-channel int8 weights, the glue in uint8, the first Conv and the
 * output head in float), so that onnxruntime fuses it into the kernels the default model
 * spends its time in: QLinearConv 3×3 (dilated too), uint8 MaxPool, QLinearAdd,
 * QLinearConcat, and in float the first Conv, the bilinear half-pixel Resize (between a
 * DequantizeLinear and a QuantizeLinear, as in the default model) and the Sigmoid head.
 *
 *   x (1×3×2S×2S) → convIn (3×3, stride 2, float) → i
 *   i → convA (3×3) → Relu → a ─┬─ MaxPool → p → convB (3×3, dilation 2) → Relu → b → Resize (S×S) → r ─┐
 *                                ├──────────────────────────────────────────────────────────────────────── Concat → c → convC (3×3) → Relu → d
 *                                └─ Add(d, a) → s → MaxPool → q → convD (3×3) → Relu → e → convOut (3×3, float) → Sigmoid → output
 *
 * Weights and ranges are made up (deterministic): only the kernels matter, not the output.
 * Pure: the same arguments give the same bytes; tests/unit/cutout/warm-up.test.ts checks that
 * the base64 in warm-up.ts is what this writes.
 */
import { manifest, modelInfo } from '../../../web/src/cutout/model.ts';
import { DataType as DT, encodeModel, onnx } from './model-proto.ts';
import { quantizeStatic } from './quantize.ts';

const INTS = onnx.AttributeProto.AttributeType.INTS;
const INT = onnx.AttributeProto.AttributeType.INT;
const STRING = onnx.AttributeProto.AttributeType.STRING;

/** Channels of the block's quantized Convs. */
export const WARM_UP_CHANNELS = 16;
/** The block's side (the input's is twice it). */
export const WARM_UP_SIDE = 32;

const floats = (name: string, dims: number[], values: number[]) => ({ name, dataType: DT.FLOAT, dims, rawData: new Uint8Array(new Float32Array(values).buffer) });
const int64s = (name: string, values: number[]) => ({ name, dataType: DT.INT64, dims: [values.length], rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer) });
const value = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: DT.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const text = (s: string) => new TextEncoder().encode(s);
// Mixed signs and sizes, so no weight channel quantizes to all zeros.
const weights = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 0.3);

function conv(name: string, x: string, out: string, cin: number, cout: number, { stride = 1, dilation = 1 } = {}) {
  return {
    initializer: [floats(`${name}.w`, [cout, cin, 3, 3], weights(cout * cin * 9, name.length + cin)), floats(`${name}.b`, [cout], weights(cout, cout + 3))],
    node: {
      opType: 'Conv',
      name,
      input: [x, `${name}.w`, `${name}.b`],
      output: [out],
      attribute: [
        { name: 'kernel_shape', type: INTS, ints: [3, 3] },
        { name: 'pads', type: INTS, ints: [dilation, dilation, dilation, dilation] },
        { name: 'strides', type: INTS, ints: [stride, stride] },
        { name: 'dilations', type: INTS, ints: [dilation, dilation] },
      ],
    },
  };
}
const relu = (x: string, y: string) => ({ opType: 'Relu', name: `${y}.relu`, input: [x], output: [y] });
const pool = (name: string, x: string, y: string) => ({
  opType: 'MaxPool',
  name,
  input: [x],
  output: [y],
  attribute: [
    { name: 'kernel_shape', type: INTS, ints: [2, 2] },
    { name: 'strides', type: INTS, ints: [2, 2] },
  ],
});

/** The float block before quantization. */
export function warmUpFloatModel(c = WARM_UP_CHANNELS, side = WARM_UP_SIDE) {
  const convs = [
    conv('convIn', 'x', 'i', 3, c, { stride: 2 }),
    conv('convA', 'i', 'a0', c, c),
    conv('convB', 'p', 'b0', c, c, { dilation: 2 }),
    conv('convC', 'c', 'd0', 2 * c, c),
    conv('convD', 'q', 'e0', c, c),
    conv('convOut', 'e', 'logit', c, 1),
  ];
  const [convIn, convA, convB, convC, convD, convOut] = convs.map((k) => k.node);
  return onnx.ModelProto.fromObject({
    irVersion: 8,
    opsetImport: [{ version: 15 }],
    graph: {
      name: 'warm-up',
      input: [value('x', [1, 3, 2 * side, 2 * side])],
      output: [value('output', [1, 1, side / 2, side / 2])],
      initializer: [...convs.flatMap((k) => k.initializer), int64s('sizes', [1, c, side, side])],
      node: [
        convIn,
        convA,
        relu('a0', 'a'),
        pool('poolA', 'a', 'p'),
        convB,
        relu('b0', 'b'),
        {
          opType: 'Resize',
          name: 'resize',
          input: ['b', '', '', 'sizes'],
          output: ['r'],
          attribute: [
            { name: 'mode', type: STRING, s: text('linear') },
            { name: 'coordinate_transformation_mode', type: STRING, s: text('half_pixel') },
          ],
        },
        { opType: 'Concat', name: 'concat', input: ['r', 'a'], output: ['c'], attribute: [{ name: 'axis', type: INT, i: 1 }] },
        convC,
        relu('d0', 'd'),
        { opType: 'Add', name: 'add', input: ['d', 'a'], output: ['s'] },
        pool('poolS', 's', 'q'),
        convD,
        relu('e0', 'e'),
        convOut,
        { opType: 'Sigmoid', name: 'sigmoid', input: ['logit'], output: ['output'] },
      ],
    },
  });
}

// Each tensor its own made-up range, as a calibration would give.
const RANGES = {
  i: { min: -2, max: 2 },
  a: { min: 0, max: 3 },
  p: { min: 0, max: 3 },
  b: { min: 0, max: 2.5 },
  c: { min: 0, max: 3.5 },
  d: { min: 0, max: 3 },
  q: { min: 0, max: 4 },
  e: { min: 0, max: 2 },
};

/** The warm-up graph's bytes: the float block quantized with the default model's options (models/manifest.json). */
export function warmUpModelBytes(): Uint8Array {
  const step = modelInfo(manifest.default).derive?.quantize;
  if (!step) throw new Error(`the default model ${manifest.default} is not quantized: the warm-up graph would warm kernels it does not use`);
  const model = quantizeStatic(warmUpFloatModel(), {
    ranges: RANGES,
    keepFloat: ['convIn', 'convOut'],
    activations: step.activations,
    glue: step.glue,
  });
  return encodeModel(model);
}
