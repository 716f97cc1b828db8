/**
 * Calibration ranges on hand-made data whose answer is known: the histogram of |x|, its
 * percentile and entropy cuts, and the SQNR that ranks how badly a tensor quantizes.
 */
import { describe, expect, it } from 'vitest';
import { addValues, calibrationJson, emptyHistogram, entropyAbs, exposeTensors, percentileAbs, rangeFromCut, rangesOf, sqnrDb } from '../../../../../scripts/lib/onnx/quantize-calibration.ts';
import onnxProto from 'onnx-proto';

/** 9999 values of 1 and one outlier of 1000 (the shape that ruins MinMax calibration). */
function oneOutlier() {
  const h = emptyHistogram(4096);
  addValues(h, [...new Array<number>(9999).fill(1), 1000]);
  return h;
}

describe('the |x| histogram', () => {
  it('bins |x| from 0 to the largest |x| in equal steps and counts every value', () => {
    const h = emptyHistogram(8);
    addValues(h, [0, 1, -2, 3.9, 7.9]);
    expect(h.width).toBe(7.9 / 8);
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 1, 0, 0, 0, 1]);
    expect([h.min, h.max, h.total]).toEqual([-2, 7.9, 5]);
  });

  it('doubles its bin width, merging pairs of bins, when a larger value arrives', () => {
    const h = emptyHistogram(4);
    addValues(h, [0.5, 1.5, 2.5, 3.5]); // width 0.875: bins 0, 1, 2 and the last (the largest value lands in it)
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 1]);
    addValues(h, [7]); // 7 > 4 × 0.875: width 1.75, bins merge pairwise, and 7 = 4 × 1.75 lands in the last
    expect(h.width).toBe(1.75);
    expect(Array.from(h.counts)).toEqual([2, 2, 0, 1]);
    expect(h.total).toBe(5);
  });
});

describe('percentileAbs', () => {
  it('cuts below a single outlier at 99.99% and keeps it at 99.999%', () => {
    const h = oneOutlier();
    // 1 lies in bin floor(1 / (1000/4096)) = 4, whose upper edge is 5 × 1000/4096.
    expect(percentileAbs(h, 0.9999)).toBe((5 * 1000) / 4096);
    expect(percentileAbs(h, 0.99999)).toBe(1000);
  });
});

describe('entropyAbs', () => {
  // Exact quantiles of an exponential distribution, the shape of a ReLU activation's tail.
  const exponential = (n: number) => Array.from({ length: n }, (_, i) => -Math.log(1 - (i + 0.5) / n));

  it('cuts an exponential bulk above its 99th percentile and leaves out ten outliers eight times its maximum', () => {
    const h = emptyHistogram(4096);
    const data = exponential(100_000);
    addValues(h, [...data, ...new Array<number>(10).fill(100)]);
    const cut = entropyAbs(h);
    expect(cut).toBeGreaterThan(-Math.log(0.01)); // the bulk's 99th percentile, 4.6
    expect(cut).toBeLessThan(2 * Math.max(...data)); // the bulk's maximum is 12.2
  });

  it('keeps the whole range when the data fill it evenly (nothing to gain by clipping)', () => {
    const h = emptyHistogram(4096);
    const data = Array.from({ length: 40_960 }, (_, i) => (i + 0.5) / 40_960);
    addValues(h, data);
    expect(entropyAbs(h)).toBe(h.width * 4096);
    expect(entropyAbs(h)).toBeCloseTo(data[data.length - 1], 12);
  });
});

describe('rangeFromCut and rangesOf', () => {
  it('keeps min 0 for a tensor that never went negative and clips a signed one symmetrically', () => {
    const pos = emptyHistogram(16);
    addValues(pos, [0, 1, 2, 16]);
    expect(rangeFromCut(pos, 4)).toEqual({ min: 0, max: 4 });
    const signed = emptyHistogram(16);
    addValues(signed, [-16, -1, 0, 2]);
    expect(rangeFromCut(signed, 4)).toEqual({ min: -4, max: 2 });
  });

  it('gives every method a range and its SQNR, and max is the true extreme', () => {
    const r = rangesOf(oneOutlier());
    expect(Object.keys(r)).toEqual(['max', 'p99.99', 'p99.999', 'entropy']);
    expect(r.max).toEqual({ min: 1, max: 1000, sqnrDb: r.max.sqnrDb });
    expect(r['p99.99'].max).toBe(Number(((5 * 1000) / 4096).toPrecision(6)));
  });
});

describe('sqnrDb', () => {
  it('is step²/12 noise against the signal power when nothing is clipped', () => {
    const h = emptyHistogram(2);
    addValues(h, [0.5, 2]); // width 1: bin midpoints 0.5 and 1.5 (2 lands in the last bin), signal (0.25 + 2.25) / 2
    const step = 2 / 255;
    expect(sqnrDb(h, 2)).toBeCloseTo(10 * Math.log10(1.25 / (step * step / 12)), 9);
  });

  it('counts what a cut clips as error', () => {
    const h = emptyHistogram(2);
    addValues(h, [0.5, 2]);
    // Cut at 1: 1.5 loses 0.5, 0.5 keeps step²/12 with step 1/255.
    const noise = (0.25 + 1 / 255 ** 2 / 12) / 2;
    expect(sqnrDb(h, 1)).toBeCloseTo(10 * Math.log10(1.25 / noise), 9);
  });
});

describe('exposeTensors', () => {
  it('adds the named tensors as float outputs once, after the existing ones', () => {
    const model = onnxProto.onnx.ModelProto.fromObject({ graph: { output: [{ name: 'output' }], node: [] } });
    const out = exposeTensors(model, ['a', 'output', 'b']);
    expect(out.graph!.output!.map((o) => o.name)).toEqual(['output', 'a', 'b']);
    expect(out.graph!.output![1].type!.tensorType!.elemType).toBe(onnxProto.onnx.TensorProto.DataType.FLOAT);
    expect(model.graph!.output!.length).toBe(1);
  });
});

describe('calibrationJson', () => {
  it('writes the same data back, with one line per tensor', () => {
    const c = { model: 'm.onnx', photos: ['a.jpg'], tensors: { x: { max: [0, 1, 40] }, y: { max: [-1, 2, 30.5] } } };
    const text = calibrationJson(c);
    expect(JSON.parse(text)).toEqual(c);
    expect(text.split('\n').filter((l) => l.startsWith('  "x"') || l.startsWith('  "y"'))).toEqual(['  "x": {"max":[0,1,40]},', '  "y": {"max":[-1,2,30.5]}']);
  });
});
