/**
 * Tiny ONNX graphs whose output can be computed by hand, built with onnx-proto, for the
 * graph-rewrite tests; and a way to run one with onnxruntime-web in Node.
 */
import * as ort from 'onnxruntime-web';
import { decodeModel, encodeModel, onnx, type ModelProto } from '../../../../../scripts/lib/onnx/model-proto.ts';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

const floats = (name: string, dims: number[], values: number[]) => ({
  name,
  dataType: FLOAT,
  dims,
  rawData: new Uint8Array(new Float32Array(values).buffer),
});
/** int64 constants stored both ways ONNX allows: raw little-endian bytes or int64_data. */
const int64s = (name: string, values: number[], raw = true) =>
  raw
    ? { name, dataType: INT64, dims: [values.length], rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer) }
    : { name, dataType: INT64, dims: [values.length], int64Data: values };
const value = (name: string, dims: number[]) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});
const constantNode = (output: string, tensor: ReturnType<typeof int64s>) => ({
  opType: 'Constant',
  name: output,
  output: [output],
  attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor }],
});
// Nearest with asymmetric coordinates and floor: out[i] = in[floor(i * in / out)], exact.
const nearest = [
  { name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('nearest') },
  { name: 'coordinate_transformation_mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('asymmetric') },
  { name: 'nearest_mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('floor') },
];

function model(graph: object): ModelProto {
  // Through bytes, so the test sees the same object shapes a model file decodes to.
  return decodeModel(encodeModel(onnx.ModelProto.fromObject({ irVersion: 8, opsetImport: [{ version: 15 }], graph })));
}

/**
 * ISNet in miniature, at input side `n` (a multiple of 2):
 *   y = conv1x1(x; w = 2, b = 1) = 2x + 1
 *   u = Resize(MaxPool2x2(y), sizes = Concat(Slice(Shape(p), 0, 2), Constant [n, n]))   (nearest)
 *   output = y + u
 *   side   = y * 3 + Conv1x1(x; w = 5)   (a second output, with weights of its own)
 */
export function skipModel(n = 4): ModelProto {
  return model({
    name: 'skip',
    input: [value('x', [1, 1, n, n])],
    output: [value('output', [1, 1, n, n]), value('side', [1, 1, n, n])],
    initializer: [floats('w', [1, 1, 1, 1], [2]), floats('b', [1], [1]), floats('side.scale', [1], [3]), floats('side.w', [1, 1, 1, 1], [5])],
    node: [
      // Listed out of topological order on purpose, as the package's fp16 graph is.
      { opType: 'Add', name: 'add', input: ['y', 'u'], output: ['output'] },
      { opType: 'Conv', name: 'conv', input: ['x', 'w', 'b'], output: ['y'] },
      { opType: 'MaxPool', name: 'pool', input: ['y'], output: ['p'], attribute: [{ name: 'kernel_shape', type: 7, ints: [2, 2] }, { name: 'strides', type: 7, ints: [2, 2] }] },
      { opType: 'Shape', name: 'shape', input: ['p'], output: ['p.shape'] },
      constantNode('start', int64s('start', [0])),
      constantNode('end', int64s('end', [2])),
      { opType: 'Slice', name: 'slice', input: ['p.shape', 'start', 'end'], output: ['nc'] },
      constantNode('hw', int64s('hw', [n, n])),
      { opType: 'Concat', name: 'concat', input: ['nc', 'hw'], output: ['sizes'], attribute: [{ name: 'axis', type: 2, i: 0 }] },
      { opType: 'Resize', name: 'resize', input: ['p', '', '', 'sizes'], output: ['u'], attribute: nearest },
      { opType: 'Mul', name: 'side.mul', input: ['y', 'side.scale'], output: ['side.y'] },
      { opType: 'Conv', name: 'side.conv', input: ['x', 'side.w'], output: ['side.x'] },
      { opType: 'Add', name: 'side.add', input: ['side.y', 'side.x'], output: ['side'] },
    ],
  });
}

/** output = Resize(x, sizes = initializer [1, 1, n/2, n/2]) (nearest): a 2x downsample with the whole size constant, stored as int64_data. */
export function constantSizesModel(n = 4): ModelProto {
  return model({
    name: 'constant-sizes',
    input: [value('x', [1, 1, n, n])],
    output: [value('output', [1, 1, n / 2, n / 2])],
    initializer: [int64s('sizes', [1, 1, n / 2, n / 2], false)],
    node: [{ opType: 'Resize', name: 'resize', input: ['x', '', '', 'sizes'], output: ['output'], attribute: nearest }],
  });
}

/** output = Resize(x, scales = [1, 1, 2, 2]) (nearest): ratios, which follow any input size. */
export function scalesModel(n = 4): ModelProto {
  return model({
    name: 'scales',
    input: [value('x', [1, 1, n, n])],
    output: [value('output', [1, 1, 2 * n, 2 * n])],
    initializer: [floats('scales', [4], [1, 1, 2, 2])],
    node: [{ opType: 'Resize', name: 'resize', input: ['x', '', 'scales'], output: ['output'], attribute: nearest }],
  });
}

/** x[i][j] = i * n + j: distinct small integers, exact in float32. */
export function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n * n }, (_, i) => i);
}

ort.env.wasm.numThreads = 1;

/** Runs a model on one 1x1xnxn input and returns every output with its dims. */
export async function run(bytes: Uint8Array, x: Float32Array, n: number): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const results = await session.run({ x: new ort.Tensor('float32', x, [1, 1, n, n]) });
    return Object.fromEntries(Object.entries(results).map(([name, t]) => [name, { dims: t.dims, data: t.data as Float32Array }]));
  } finally {
    await session.release();
  }
}
