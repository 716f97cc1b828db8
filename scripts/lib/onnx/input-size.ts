/**
 * Input-size rewrite: makes a graph traced at one square input size run at another.
 *
 * ISNet is not resolution-free as exported: the input shape is fixed, and each Resize
 * (U²-Net's "upsample like the skip tensor") takes its target `sizes` as constants for
 * 1024² — either a whole constant [N, C, H, W], or Concat(Slice(Shape(x)) = [N, C],
 * constant [H, W]). This rewrite scales the H and W constants of every Resize `sizes` by
 * to/from, requiring whole results (a fractional size would mean the network's pooling
 * rounds differently at the new size, and a guess would silently misalign the skips).
 * Resize `scales` are ratios and stay as they are. Reshape shapes whose spatial entries
 * are fixed would need the same treatment; none of the shipped graphs has one (their
 * Reshapes are [1, -1, 1, 1] channel broadcasts), so one is an error rather than a guess.
 * Graph input and output shapes are scaled; intermediate value_info is dropped (the
 * runtime infers it again).
 */
import {
  constantTensors,
  graphInputSize,
  graphOf,
  int64Values,
  producers,
  setInt64Values,
  valueDims,
  setValueDims,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from './model-proto.ts';

/** One stretch of a `sizes` vector: a constant tensor, or values computed at run time. */
type Segment = { constant: TensorProto; name: string; length: number } | { constant: null; length: number };

function scaleWhole(value: number, from: number, to: number, what: string): number {
  const scaled = (value * to) / from;
  if (!Number.isInteger(scaled)) throw new Error(`${what}: ${value} x ${to}/${from} = ${scaled} is not a whole size`);
  return scaled;
}

/** The stretches a `sizes` value is made of, following Concat, Slice(Shape) and Cast. */
function segments(constants: Map<string, TensorProto>, producedBy: Map<string, NodeProto>, name: string, rank: number): Segment[] {
  const walk = (value: string): Segment[] => {
    const constant = constants.get(value);
    if (constant) return [{ constant, name: value, length: int64Values(constant).length }];
    const node = producedBy.get(value);
    if (!node) throw new Error(`Resize sizes ${name}: ${value} is neither a constant nor computed`);
    if (node.opType === 'Concat') return (node.input ?? []).flatMap(walk);
    if (node.opType === 'Cast') return walk(node.input![0]).map((s) => ({ constant: null, length: s.length }));
    if (node.opType === 'Slice' && producedBy.get(node.input![0])?.opType === 'Shape') {
      // A slice of a shape: [start, end) of the rank-`rank` shape, both constant.
      const start = constants.get(node.input![1]);
      const end = constants.get(node.input![2]);
      if (!start || !end) throw new Error(`Resize sizes ${name}: slice ${node.name} of a shape has computed bounds`);
      const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
      return [{ constant: null, length: clamp(int64Values(end)[0]) - clamp(int64Values(start)[0]) }];
    }
    throw new Error(`Resize sizes ${name}: cannot follow ${node.opType} ${node.name}`);
  };
  return walk(name);
}

/** Rewrites `model` in place to a square input of side `to` and returns it. */
export function setInputSize(model: ModelProto, to: number): ModelProto {
  const graph = graphOf(model);
  const input = graph.input?.[0];
  const from = graphInputSize(model, input?.name ?? undefined);
  if (!input || from === null) throw new Error('the graph input is not a fixed square NCHW shape');
  if (!(Number.isInteger(to) && to > 0)) throw new Error(`input size ${to} is not a positive whole number`);
  if (to === from) return model;

  const consumers = new Map<string, number>();
  for (const node of graph.node ?? []) for (const i of node.input ?? []) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const constants = constantTensors(graph);
  const producedBy = producers(graph);
  const scaled = new Set<string>();
  for (const node of graph.node ?? []) {
    if (node.opType === 'Reshape') {
      const shape = constants.get(node.input?.[1] ?? '');
      const values = shape ? int64Values(shape) : [];
      if (values.slice(2).some((v) => v > 1)) throw new Error(`Reshape ${node.name} has fixed spatial dims ${JSON.stringify(values)}`);
      continue;
    }
    if (node.opType !== 'Resize') continue;
    const sizes = node.input?.[3];
    if (!sizes) continue; // scales only: ratios follow the input by themselves
    let position = 0;
    for (const seg of segments(constants, producedBy, sizes, 4)) {
      if (seg.constant && !scaled.has(seg.name)) {
        if ((consumers.get(seg.name) ?? 0) > 1) throw new Error(`Resize ${node.name}: its sizes constant ${seg.name} is also used elsewhere`);
        const values = int64Values(seg.constant);
        // Only positions 2 and 3 of [N, C, H, W] are spatial.
        setInt64Values(
          seg.constant,
          values.map((v, i) => (position + i >= 2 ? scaleWhole(v, from, to, `Resize ${node.name}`) : v)),
        );
        scaled.add(seg.name);
      }
      position += seg.length;
    }
    if (position !== 4) throw new Error(`Resize ${node.name}: sizes has ${position} entries, not 4`);
  }

  const scaleDims = (dims: (number | string)[], what: string) =>
    dims.map((d, i) => {
      if (typeof d !== 'number') throw new Error(`${what} has a symbolic dim ${d}`);
      return i >= 2 ? scaleWhole(d, from, to, what) : d;
    });
  setValueDims(input, [...valueDims(input).slice(0, 2).map(Number), to, to]);
  for (const output of graph.output ?? []) {
    const dims = valueDims(output);
    if (dims.length === 4) setValueDims(output, scaleDims(dims, `output ${output.name}`));
  }
  graph.valueInfo = [];
  return model;
}
