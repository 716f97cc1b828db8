/**
 * Calibration: the range each activation tensor is quantized to, from its values on a few
 * photos. Plain min/max lets one outlier pixel stretch the scale until the ordinary
 * values fall into a handful of steps (that is how a MinMax-calibrated ISNet lost half its
 * IoU), so ranges come from a histogram of |x| instead: a percentile of it, or the cut
 * that loses the least information when quantized (KL divergence, as TensorRT does).
 *
 * The histogram has fixed-width bins starting at 0; when a larger value arrives the bin
 * width doubles (pairs of bins merge), so the result does not depend on the order of the
 * photos beyond where bin edges fall, and memory stays constant.
 */
import type onnxProto from 'onnx-proto';
import { cloneModel, onnx, type ModelProto } from './model-proto.ts';
import type { Range } from './quantize.ts';

export const HISTOGRAM_BINS = 4096;

export interface AbsHistogram {
  /** Width of one bin; bin i holds |x| in [i·width, (i+1)·width). */
  width: number;
  counts: Float64Array;
  min: number;
  max: number;
  total: number;
}

export function emptyHistogram(bins = HISTOGRAM_BINS): AbsHistogram {
  return { width: 0, counts: new Float64Array(bins), min: Infinity, max: -Infinity, total: 0 };
}

/** Adds values to the histogram (in place). */
export function addValues(h: AbsHistogram, values: ArrayLike<number>): void {
  const bins = h.counts.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) return;
  h.min = Math.min(h.min, lo);
  h.max = Math.max(h.max, hi);
  const absMax = Math.max(Math.abs(lo), Math.abs(hi));
  if (h.width === 0) h.width = absMax > 0 ? absMax / bins : 1e-30;
  // The largest value belongs to the last bin (index clamped below), so only a strictly larger one widens.
  while (absMax > h.width * bins) {
    for (let i = 0; i < bins / 2; i++) h.counts[i] = h.counts[2 * i] + h.counts[2 * i + 1];
    h.counts.fill(0, bins / 2);
    h.width *= 2;
  }
  const inv = 1 / h.width;
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.floor(Math.abs(values[i]) * inv));
    h.counts[b]++;
  }
  h.total += values.length;
}

/** The smallest bin edge below which at least `p` (e.g. 0.9999) of |x| lies. */
export function percentileAbs(h: AbsHistogram, p: number): number {
  const want = p * h.total;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    seen += h.counts[i];
    if (seen >= want) return (i + 1) * h.width;
  }
  return h.counts.length * h.width;
}

function kl(p: Float64Array, q: Float64Array): number {
  let ps = 0;
  let qs = 0;
  for (let i = 0; i < p.length; i++) {
    ps += p[i];
    qs += q[i];
  }
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    // A bin the quantized histogram left empty (the folded outliers of an empty last bin) costs as if it held a trace, as onnxruntime's calibrator smooths it.
    const qi = Math.max(q[i] / qs, 1e-4 / p.length);
    d += (p[i] / ps) * Math.log(p[i] / ps / qi);
  }
  return d;
}

/**
 * The cut of |x| whose quantization to `levels` steps keeps the distribution closest to the
 * full one (TensorRT's entropy calibration): for each candidate cut, values above it are
 * folded into the last bin, the kept bins are merged into `levels` groups and spread back
 * over their non-empty bins, and the cut with the least KL divergence wins.
 */
export function entropyAbs(h: AbsHistogram, levels = 255, step = 16): number {
  const bins = h.counts.length;
  const above = new Float64Array(bins + 1);
  for (let i = bins - 1; i >= 0; i--) above[i] = above[i + 1] + h.counts[i];
  let best = bins;
  let bestD = Infinity;
  // Candidate cuts every `step` bins (and the last bin): a finer search changes the cut by less than a bin group.
  const cuts: number[] = [];
  for (let cut = levels; cut < bins; cut += step) cuts.push(cut);
  cuts.push(bins);
  for (const cut of cuts) {
    const p = h.counts.slice(0, cut);
    p[cut - 1] += above[cut];
    const q = new Float64Array(cut);
    for (let l = 0; l < levels; l++) {
      const start = Math.floor((l * cut) / levels);
      const end = Math.floor(((l + 1) * cut) / levels);
      let sum = 0;
      let nonzero = 0;
      for (let i = start; i < end; i++) {
        sum += h.counts[i];
        if (h.counts[i] > 0) nonzero++;
      }
      for (let i = start; i < end; i++) q[i] = h.counts[i] > 0 ? sum / nonzero : 0;
    }
    const d = kl(p, q);
    if (d < bestD) {
      bestD = d;
      best = cut;
    }
  }
  return best * h.width;
}

/** A signed range from a cut of |x|: a tensor that never went negative keeps min 0. */
export function rangeFromCut(h: AbsHistogram, cut: number): Range {
  return { min: Math.max(h.min, -cut), max: Math.min(h.max, cut) };
}

export const METHODS = {
  max: (h: AbsHistogram) => Math.max(Math.abs(h.min), Math.abs(h.max)),
  'p99.99': (h: AbsHistogram) => percentileAbs(h, 0.9999),
  'p99.999': (h: AbsHistogram) => percentileAbs(h, 0.99999),
  entropy: (h: AbsHistogram) => entropyAbs(h),
} as const;
export type Method = keyof typeof METHODS;

/** Rounds to 6 significant digits, so calibration.json is short and stable. */
export const round6 = (x: number): number => (x === 0 ? 0 : Number(x.toPrecision(6)));

/**
 * Signal-to-quantization-noise ratio in dB of uint8 quantization of |x| to [0, cut], from the
 * histogram: kept values carry rounding noise step²/12, clipped ones lose |x| − cut. It
 * ranks how much a tensor suffers, without running the quantized network.
 */
export function sqnrDb(h: AbsHistogram, cut: number, levels = 255): number {
  const step = cut / levels;
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < h.counts.length; i++) {
    if (h.counts[i] === 0) continue;
    const mid = (i + 0.5) * h.width;
    signal += h.counts[i] * mid * mid;
    noise += h.counts[i] * (mid > cut ? (mid - cut) ** 2 : (step * step) / 12);
  }
  return noise > 0 && signal > 0 ? 10 * Math.log10(signal / noise) : Infinity;
}

/** Every method's range for one histogram. */
export function rangesOf(h: AbsHistogram): Record<Method, Range & { sqnrDb: number }> {
  const out = {} as Record<Method, Range & { sqnrDb: number }>;
  for (const [m, cutOf] of Object.entries(METHODS) as [Method, (h: AbsHistogram) => number][]) {
    const cut = cutOf(h);
    const r = rangeFromCut(h, cut);
    out[m] = { min: round6(r.min), max: round6(r.max), sqnrDb: Math.round(sqnrDb(h, cut) * 10) / 10 };
  }
  return out;
}

/** A copy of the model whose graph also outputs the named tensors (float32, shape left to the runtime). */
export function exposeTensors(model: onnxProto.onnx.IModelProto, names: readonly string[]): ModelProto {
  const out = cloneModel(model);
  const graph = out.graph as onnxProto.onnx.GraphProto;
  const have = new Set(graph.output.map((o) => o.name));
  for (const name of names) {
    if (have.has(name)) continue;
    graph.output.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  }
  return out;
}

/** calibration.json's text: the header indented, then one line per tensor, so a diff shows which ranges moved. */
export function calibrationJson(calibration: { tensors: Record<string, unknown> } & Record<string, unknown>): string {
  const { tensors, ...head } = calibration;
  const top = JSON.stringify(head, null, 1).slice(0, -2);
  const lines = Object.entries(tensors).map(([name, ranges]) => `  ${JSON.stringify(name)}: ${JSON.stringify(ranges)}`);
  return `${top},\n "tensors": {\n${lines.join(',\n')}\n }\n}\n`;
}
