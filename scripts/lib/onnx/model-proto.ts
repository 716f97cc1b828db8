/**
 * Reading and writing ONNX models in Node with onnx-proto (protobufjs), no Python, and
 * the small helpers every graph rewrite shares: numbers from protobufjs, copies, tensor
 * values (int64, float32, float16), constant lookup (initializers and Constant nodes),
 * producers and the graph's fixed input size.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const DataType = onnx.TensorProto.DataType;

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function loadModel(path: string): ModelProto {
  return decodeModel(readFileSync(path));
}

/** Serialises a model. protobufjs writes fields in schema order, so equal models give equal bytes. */
export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** The graph of a model, which every real model has. */
export function graphOf(model: onnxProto.onnx.IModelProto): GraphProto {
  if (!model.graph) throw new Error('the model has no graph');
  return model.graph;
}

/** A copy of the model (the rewrites that return a new model never touch their argument). */
export function cloneModel(model: onnxProto.onnx.IModelProto): ModelProto {
  return decodeModel(encodeModel(model));
}

/**
 * A Long or number from protobufjs as a plain number (dims and int64 values fit easily).
 * An absent value is NaN, never 0: an unset dim is unknown, not empty, and NaN fails every
 * comparison and every allocation instead of passing for a real zero.
 */
export const toNumber = (x: number | { toNumber(): number } | null | undefined): number =>
  x === null || x === undefined ? NaN : typeof x === 'number' ? x : x.toNumber();

/** The dims of a value's tensor type: a number per fixed dim, the name for a symbolic one. */
export function valueDims(info: ValueInfoProto): (number | string)[] {
  const dims = info.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) => (d.dimParam ? d.dimParam : toNumber(d.dimValue)));
}

/** Sets a value's dims (fixed values only). */
export function setValueDims(info: ValueInfoProto, dims: number[]): void {
  const shape = info.type?.tensorType?.shape;
  if (!shape) throw new Error(`${info.name} has no tensor shape to set`);
  shape.dim = dims.map((d) => ({ dimValue: d }));
}

/** The side of the square NCHW input the graph is fixed to, or null when it is not fixed and square. */
export function graphInputSize(model: onnxProto.onnx.IModelProto, inputName?: string): number | null {
  const graph = graphOf(model);
  const input = inputName ? graph.input?.find((i) => i.name === inputName) : graph.input?.[0];
  if (!input) return null;
  const dims = valueDims(input);
  return dims.length === 4 && typeof dims[2] === 'number' && dims[2] === dims[3] && dims[2] > 0 ? dims[2] : null;
}

/** The int64 values of a tensor, from raw_data or int64_data. */
export function int64Values(t: TensorProto): number[] {
  if (t.dataType !== DataType.INT64) throw new Error(`${t.name || 'tensor'} is not int64`);
  if (t.rawData && t.rawData.byteLength > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Array.from({ length: t.rawData.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return (t.int64Data ?? []).map(toNumber);
}

/** Replaces a tensor's int64 values, keeping its storage form (raw_data when it had it). */
export function setInt64Values(t: TensorProto, values: number[]): void {
  if (t.rawData && t.rawData.byteLength > 0) {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    t.rawData = raw;
  } else {
    t.int64Data = values;
  }
}

/** IEEE half-precision bits to a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The values of a float32 or float16 tensor as float32, from raw_data, float_data or (float16) int32_data. */
export function tensorFloats(t: TensorProto): Float32Array {
  const n = (t.dims ?? []).reduce<number>((a, d) => a * toNumber(d), 1);
  if (t.dataType === DataType.FLOAT) {
    if (t.rawData && t.rawData.length) {
      const copy = new Uint8Array(t.rawData);
      return new Float32Array(copy.buffer, 0, n);
    }
    return Float32Array.from(t.floatData ?? []);
  }
  if (t.dataType === DataType.FLOAT16) {
    const out = new Float32Array(n);
    if (t.rawData && t.rawData.length) {
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    } else {
      const bits = t.int32Data ?? [];
      for (let i = 0; i < n; i++) out[i] = halfToFloat(bits[i]);
    }
    return out;
  }
  throw new Error(`tensor ${t.name} is not float (data type ${t.dataType})`);
}

/**
 * Where the graph's constants live: initializers by name, and the tensor of each Constant
 * node (attribute `value`) by its output name. The tensors are the graph's own objects,
 * so editing one edits the graph.
 */
export function constantTensors(graph: GraphProto): Map<string, TensorProto> {
  const constants = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) constants.set(t.name, t);
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Constant' || !node.output?.[0]) continue;
    const value = node.attribute?.find((a) => a.name === 'value')?.t;
    if (value) constants.set(node.output[0], value);
  }
  return constants;
}

/** The node producing each value, by value name. */
export function producers(graph: GraphProto): Map<string, NodeProto> {
  const map = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) if (out) map.set(out, node);
  return map;
}
