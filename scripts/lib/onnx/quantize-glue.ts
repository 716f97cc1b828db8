/**
 * The glue between the quantized Convs, planned so onnxruntime runs it in uint8 too.
 *
 * The plain QDQ rewrite (quantize.ts) quantizes only what Convs read and write, so every
 * MaxPool, residual Add, Resize and Concat between them runs in float32: a DequantizeLinear
 * before, a QuantizeLinear after, and onnxruntime's NHWC layout for QLinearConv then needs a
 * float Transpose on each side. This plan adds tensors to quantize and adjusts ranges, using
 * only ranges the calibration already has, so that onnxruntime fuses the glue as well:
 *
 * - `pools`: a MaxPool's output takes its input's range, hence the same scale and zero point.
 *   Exact: the max of quantized values is one of them. DQ → MaxPool → Q with equal parameters
 *   is dropped to a uint8 MaxPool. The next Conv's int32 bias follows, since quantize.ts
 *   derives it from the scale of the Conv's input.
 * - `adds`: a residual Add of two quantized tensors gets a Q/DQ on its output (QLinearAdd),
 *   with the range of what reads it: the MaxPool's output (the same maximum: a pool keeps
 *   the largest value), or else the Concat it feeds, directly or through a Resize.
 * - `resizes`: a Resize whose only reader is a Concat gets a Q/DQ on its output with the
 *   Concat's range, so a Concat whose inputs are all quantized runs as QLinearConcat.
 *
 * Pure: the same graph and ranges give the same plan.
 */
import type { GraphProto as Graph, NodeProto as Node } from './model-proto.ts';
import type { Range } from './quantize.ts';

/** Which glue to quantize. */
export interface GlueOptions {
  pools?: boolean;
  adds?: boolean;
  resizes?: boolean;
}

/** Further tensors to quantize and the ranges to quantize everything with. */
export interface GluePlan {
  tensors: string[];
  ranges: Record<string, Range>;
}

function readersOf(graph: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of graph.node ?? []) for (const i of n.input ?? []) if (i) m.set(i, [...(m.get(i) ?? []), n]);
  return m;
}

/**
 * The plan for a float graph whose `quantized` tensors (Conv inputs and results) have
 * `ranges`. The ranges returned are a copy; the argument is left alone.
 */
export function planGlue(graph: Graph, quantized: ReadonlySet<string>, ranges: Readonly<Record<string, Range>>, options: GlueOptions): GluePlan {
  const readers = readersOf(graph);
  const out: Record<string, Range> = { ...ranges };
  const added: string[] = [];
  const isQuantized = (t: string) => quantized.has(t) || added.includes(t);
  const only = (t: string, opType: string): Node | undefined => {
    const r = readers.get(t) ?? [];
    return r.length === 1 && r[0].opType === opType ? r[0] : undefined;
  };
  // The range a Concat reader gives a tensor: directly, or through a Resize that alone reads it.
  const concatRange = (t: string): Range | undefined => {
    for (const r of readers.get(t) ?? []) {
      const concat = r.opType === 'Concat' ? r : r.opType === 'Resize' ? only(r.output![0], 'Concat') : undefined;
      const range = concat && out[concat.output![0]];
      if (range) return range;
    }
    return undefined;
  };

  if (options.adds) {
    for (const n of graph.node ?? []) {
      if (n.opType !== 'Add' || !n.input!.every((i) => quantized.has(i))) continue;
      const sum = n.output![0];
      const pool = (readers.get(sum) ?? []).find((r) => r.opType === 'MaxPool' && out[r.output![0]]);
      const range = pool ? out[pool.output![0]] : concatRange(sum);
      if (!range) continue;
      out[sum] = range;
      added.push(sum);
    }
  }
  if (options.pools) {
    for (const n of graph.node ?? []) {
      const [x] = n.input!;
      const [y] = n.output!;
      if (n.opType === 'MaxPool' && isQuantized(x) && quantized.has(y)) out[y] = out[x];
    }
  }
  if (options.resizes) {
    for (const n of graph.node ?? []) {
      const r = n.output![0];
      const concat = n.opType === 'Resize' && isQuantized(n.input![0]) ? only(r, 'Concat') : undefined;
      const range = concat && out[concat.output![0]];
      if (!range || isQuantized(r)) continue;
      out[r] = range;
      added.push(r);
    }
  }
  return { tensors: added, ranges: out };
}
