/**
 * Static int8 quantization of a float ONNX graph as QuantizeLinear/DequantizeLinear (QDQ)
 * pairs, the form onnxruntime fuses into QLinearConv when it opens the session:
 *
 *   x ─Q─DQ─┐
 *   W int8 ─DQ─ Conv ─(Relu)─ y ─Q─DQ─ consumers
 *   b int32 ─DQ─┘
 *
 * Weights: per output channel, symmetric int8 (scale = max|w| / 127, zero point 0).
 * Activations: per tensor, uint8 asymmetric by default; the ranges come from calibration
 * (calibrate.ts). A Relu output has min 0, so its zero point is 0 and onnxruntime drops
 * the Relu into the Q's clamp. Bias: int32 with scale = activation scale × weight scale,
 * as QLinearConv wants it.
 *
 * A Conv named in `keepFloat` stays float: its input and output are still quantized when a
 * quantized Conv shares them (one tensor has one quantized value for every reader), but its
 * weights and arithmetic stay float32.
 *
 * The ISNet in @imgly/background-removal-data stores fp16 initializers and computes in
 * fp16 with Cast nodes around the graph input, outputs and each Resize;
 * `dequantizeFloat16` turns that into a plain float32 graph first.
 *
 * Everything here is pure and deterministic: the same model and ranges give the same bytes.
 */
import type onnxProto from 'onnx-proto';
import { cloneModel, DataType as DT, onnx, tensorFloats, toNumber, type GraphProto as Graph, type ModelProto, type NodeProto as Node, type TensorProto as Tensor } from './model-proto.ts';
import { planGlue, type GlueOptions } from './quantize-glue.ts';

type Model = onnxProto.onnx.IModelProto;

/** A calibrated range of one tensor's values. */
export interface Range {
  min: number;
  max: number;
}

export type ActivationType = 'uint8' | 'int8';

export interface QuantizeOptions {
  /** Per-tensor ranges by tensor name (every input and output of a quantized Conv needs one). */
  ranges: Record<string, Range>;
  /** Names of Conv nodes to keep in float. */
  keepFloat?: readonly string[];
  /** How activations are stored; weights are always int8. Default uint8. */
  activations?: ActivationType;
  /** Glue between the quantized Convs to run in uint8 as well (quantize-glue.ts). */
  glue?: GlueOptions;
}

/** Rounds half to even, as QuantizeLinear does (std::nearbyint). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function rawTensor(name: string, dataType: number, dims: number[], data: ArrayBufferView): Tensor {
  return { name, dataType, dims, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

export const floatTensor = (name: string, dims: number[], data: Float32Array): Tensor => rawTensor(name, DT.FLOAT, dims, data);

function node(opType: string, inputs: string[], outputs: string[], name: string, attribute: Node['attribute'] = []): Node {
  return { opType, input: inputs, output: outputs, name, attribute };
}

/**
 * The same network in float32: float16 initializers and Constant values become float32,
 * and every Cast between float types goes (its readers take its input instead; a Cast that
 * makes a graph output hands its name to the tensor it casts).
 */
export function dequantizeFloat16(model: Model): ModelProto {
  const out = cloneModel(model);
  const graph = out.graph as onnxProto.onnx.GraphProto;
  graph.initializer = graph.initializer.map((t) => (t.dataType === DT.FLOAT16 ? onnx.TensorProto.create(floatTensor(t.name!, (t.dims ?? []).map(toNumber), tensorFloats(t))) : t));
  for (const n of graph.node) {
    if (n.opType !== 'Constant') continue;
    for (const a of n.attribute ?? []) {
      if (a.t && a.t.dataType === DT.FLOAT16) a.t = onnx.TensorProto.create(floatTensor(a.t.name ?? '', (a.t.dims ?? []).map(toNumber), tensorFloats(a.t)));
    }
  }
  const floatTypes = new Set<number>([DT.FLOAT, DT.FLOAT16]);
  const graphOutputs = new Set(graph.output.map((o) => o.name));
  // Cast nodes need not precede their readers in the file (the fp16 converter appends them), so renames are collected first.
  const rename = new Map<string, string>();
  const outputRenames = new Map<string, string>();
  const isFloatCast = (n: Node) => n.opType === 'Cast' && floatTypes.has(toNumber(n.attribute?.find((a) => a.name === 'to')?.i));
  for (const n of graph.node) {
    if (!isFloatCast(n)) continue;
    const [src] = n.input!;
    const [dst] = n.output!;
    if (graphOutputs.has(dst)) outputRenames.set(src, dst);
    else rename.set(dst, src);
  }
  const resolve = (name: string): string => {
    let r = name;
    while (rename.has(r)) r = rename.get(r)!;
    return outputRenames.get(r) ?? r;
  };
  const kept = graph.node.filter((n) => !isFloatCast(n));
  // A tensor that a dropped Cast turned into a graph output takes the output's name everywhere.
  for (const n of kept) {
    n.input = n.input!.map(resolve);
    n.output = n.output!.map((o) => outputRenames.get(o) ?? o);
  }
  for (const i of graph.input) if (i.type?.tensorType?.elemType === DT.FLOAT16) i.type.tensorType.elemType = DT.FLOAT;
  for (const o of graph.output) if (o.type?.tensorType?.elemType === DT.FLOAT16) o.type.tensorType.elemType = DT.FLOAT;
  graph.node = kept;
  graph.valueInfo = [];
  return out;
}

/** Per-channel symmetric int8 weights: channel c is q × scale[c], q in [-127, 127]. */
export function quantizeWeightsPerChannel(w: Float32Array, channels: number): { q: Int8Array; scales: Float32Array } {
  const per = w.length / channels;
  if (!Number.isInteger(per)) throw new Error(`${w.length} weights do not split into ${channels} channels`);
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(w[i]));
    // float32 as the graph stores it, so q is computed against the scale the runtime will use.
    const scale = Math.fround(max > 0 ? max / 127 : 1);
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) q[i] = Math.max(-127, Math.min(127, roundHalfEven(w[i] / scale)));
  }
  return { q, scales };
}

/** Scale and zero point of a per-tensor activation range (the range is widened to hold 0, as QDQ needs 0 exact). */
export function activationParams(range: Range, type: ActivationType = 'uint8'): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, range.min);
  const hi = Math.max(0, range.max);
  if (type === 'int8') {
    const m = Math.max(-lo, hi);
    return { scale: Math.fround(m > 0 ? m / 127 : 1), zeroPoint: 0 };
  }
  const scale = Math.fround(hi > lo ? (hi - lo) / 255 : 1);
  return { scale, zeroPoint: Math.max(0, Math.min(255, roundHalfEven(-lo / scale))) };
}

function consumersOf(graph: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of graph.node ?? []) for (const i of n.input ?? []) m.set(i, [...(m.get(i) ?? []), n]);
  return m;
}

/** The Conv nodes of a graph by name, in graph order (every Conv must be named, as exporters do). */
export function convNodes(model: Model): Node[] {
  return (model.graph?.node ?? []).filter((n) => n.opType === 'Conv');
}

/** The tensor a Conv's result is read from: its Relu's output when a Relu alone reads it, else its own output. */
export function convResult(graph: Graph, conv: Node, consumers = consumersOf(graph)): string {
  const y = conv.output![0];
  const readers = consumers.get(y) ?? [];
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  return readers.length === 1 && readers[0].opType === 'Relu' && !outputs.has(y) ? readers[0].output![0] : y;
}

/** The activation tensors a static quantization of these Convs needs ranges for, in graph order. */
export function tensorsToCalibrate(model: Model, keepFloat: readonly string[] = []): string[] {
  const graph = model.graph!;
  const consumers = consumersOf(graph);
  const keep = new Set(keepFloat);
  const names = new Set<string>();
  for (const conv of convNodes(model)) {
    if (keep.has(conv.name!)) continue;
    names.add(conv.input![0]);
    names.add(convResult(graph, conv, consumers));
  }
  return [...names];
}

/**
 * The QDQ rewrite. `model` must be float32 (see dequantizeFloat16) with Conv weights and
 * biases as initializers.
 */
export function quantizeStatic(model: Model, options: QuantizeOptions): ModelProto {
  const type = options.activations ?? 'uint8';
  const out = cloneModel(model);
  const graph = out.graph as onnxProto.onnx.GraphProto;
  const keep = new Set(options.keepFloat ?? []);
  const convs = convNodes(out);
  for (const name of keep) if (!convs.some((c) => c.name === name)) throw new Error(`keepFloat names ${name}, which is no Conv of the graph`);
  const quantized = convs.filter((c) => !keep.has(c.name!));
  const convTensors = new Set(tensorsToCalibrate(out, [...keep]));
  const glue = planGlue(graph, convTensors, options.ranges, options.glue ?? {});
  const tensors = new Set([...convTensors, ...glue.tensors]);
  const inits = new Map(graph.initializer.map((t) => [t.name!, t]));
  const added: Tensor[] = [];
  const activation = new Map<string, { scale: number; zeroPoint: number }>();
  for (const t of tensors) {
    const range = glue.ranges[t];
    if (!range) throw new Error(`no calibrated range for tensor ${t}`);
    activation.set(t, activationParams(range, type));
  }
  const dq = (t: string) => `${t}_dq`;
  const qType = type === 'uint8' ? DT.UINT8 : DT.INT8;
  const qdqNodes = (t: string): Node[] => {
    const { scale, zeroPoint } = activation.get(t)!;
    added.push(floatTensor(`${t}_scale`, [], Float32Array.of(scale)));
    added.push(rawTensor(`${t}_zero_point`, qType, [], type === 'uint8' ? Uint8Array.of(zeroPoint) : Int8Array.of(zeroPoint)));
    return [
      node('QuantizeLinear', [t, `${t}_scale`, `${t}_zero_point`], [`${t}_q`], `${t}_QuantizeLinear`),
      node('DequantizeLinear', [`${t}_q`, `${t}_scale`, `${t}_zero_point`], [dq(t)], `${t}_DequantizeLinear`),
    ];
  };

  const replaced = new Set<string>();
  const weightNodes = new Map<string, Node[]>();
  for (const conv of quantized) {
    const [x, wName, bName] = conv.input!;
    const w = inits.get(wName);
    if (!w) throw new Error(`Conv ${conv.name}: its weight ${wName} is not an initializer`);
    const dims = (w.dims ?? []).map(toNumber);
    const { q, scales } = quantizeWeightsPerChannel(tensorFloats(w), dims[0]);
    const base = conv.name!.replace(/[^A-Za-z0-9_.]/g, '_');
    added.push(rawTensor(`${base}_w_q`, DT.INT8, dims, q));
    added.push(floatTensor(`${base}_w_scale`, [dims[0]], scales));
    added.push(rawTensor(`${base}_w_zero_point`, DT.INT8, [dims[0]], new Int8Array(dims[0])));
    const nodes = [
      node('DequantizeLinear', [`${base}_w_q`, `${base}_w_scale`, `${base}_w_zero_point`], [`${base}_w_dq`], `${base}_w_DequantizeLinear`, [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
    ];
    replaced.add(wName);
    conv.input![1] = `${base}_w_dq`;
    if (bName) {
      const b = inits.get(bName);
      if (!b) throw new Error(`Conv ${conv.name}: its bias ${bName} is not an initializer`);
      const bias = tensorFloats(b);
      const sx = activation.get(x)!.scale;
      const bScales = new Float32Array(dims[0]);
      const bq = new Int32Array(dims[0]);
      for (let c = 0; c < dims[0]; c++) {
        bScales[c] = Math.fround(sx * scales[c]);
        bq[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfEven(bias[c] / bScales[c])));
      }
      added.push(rawTensor(`${base}_b_q`, DT.INT32, [dims[0]], bq));
      added.push(floatTensor(`${base}_b_scale`, [dims[0]], bScales));
      added.push(rawTensor(`${base}_b_zero_point`, DT.INT32, [dims[0]], new Int32Array(dims[0])));
      nodes.push(node('DequantizeLinear', [`${base}_b_q`, `${base}_b_scale`, `${base}_b_zero_point`], [`${base}_b_dq`], `${base}_b_DequantizeLinear`, [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]));
      replaced.add(bName);
      conv.input![2] = `${base}_b_dq`;
    }
    weightNodes.set(conv.name!, nodes);
  }

  // Every reader of a quantized tensor reads its dequantized value; Q/DQ follow the producer.
  const rebuilt: Node[] = [];
  for (const t of graph.input.map((i) => i.name!)) if (tensors.has(t)) rebuilt.push(...qdqNodes(t));
  for (const n of graph.node) {
    n.input = n.input!.map((i) => (tensors.has(i) ? dq(i) : i));
    rebuilt.push(...(weightNodes.get(n.name!) ?? []), n);
    for (const o of n.output!) if (tensors.has(o)) rebuilt.push(...qdqNodes(o));
  }
  graph.node = rebuilt.map((n) => onnx.NodeProto.create(n));
  // Weights no float Conv still reads are dropped.
  const stillRead = new Set(rebuilt.flatMap((n) => n.input ?? []));
  graph.initializer = [...graph.initializer.filter((t) => !replaced.has(t.name!) || stillRead.has(t.name!)), ...added.map((t) => onnx.TensorProto.create(t))];
  // Per-axis DequantizeLinear needs opset 13.
  for (const o of out.opsetImport) if (!o.domain && toNumber(o.version) < 13) o.version = 13;
  return out;
}
