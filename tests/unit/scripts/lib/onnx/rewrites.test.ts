/**
 * The graph rewrites of scripts/lib/onnx/ (output pruning, input size, and the derivation
 * prepare-models applies), each on a tiny graph whose output is computed here by hand and
 * run with onnxruntime-web.
 */
import { describe, expect, it } from 'vitest';
import { deriveModel } from '../../../../../scripts/lib/onnx/derive.ts';
import { setInputSize } from '../../../../../scripts/lib/onnx/input-size.ts';
import { decodeModel, encodeModel, graphInputSize, graphOf, valueDims } from '../../../../../scripts/lib/onnx/model-proto.ts';
import { pruneOutputs } from '../../../../../scripts/lib/onnx/prune.ts';
import { constantSizesModel, ramp, run, scalesModel, skipModel } from './tiny-models.ts';

/** The skip model's `output` for the ramp at side n: 2x + 1 plus the 2x2 max of y, upsampled by nearest. */
function expectedSkip(n: number): number[] {
  const x = ramp(n);
  const y = (i: number, j: number) => 2 * x[i * n + j] + 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const pi = 2 * Math.floor(i / 2);
      const pj = 2 * Math.floor(j / 2);
      out.push(y(i, j) + Math.max(y(pi, pj), y(pi, pj + 1), y(pi + 1, pj), y(pi + 1, pj + 1)));
    }
  }
  return out;
}

describe('the tiny skip model as built', () => {
  it('computes 2x + 1 plus its upsampled 2x2 max, and the side output 3y + 5x', async () => {
    const out = await run(encodeModel(skipModel(4)), ramp(4), 4);
    expect([...out.output.data]).toEqual(expectedSkip(4));
    expect([...out.side.data]).toEqual([...ramp(4)].map((v) => 3 * (2 * v + 1) + 5 * v));
  });
});

describe('pruneOutputs', () => {
  it('keeps only the named output, drops the nodes and initializers only the others needed', () => {
    const graph = graphOf(pruneOutputs(skipModel(), ['output']));
    expect(graph.output?.map((o) => o.name)).toEqual(['output']);
    expect(graph.node?.map((n) => n.name)).toEqual(['add', 'conv', 'pool', 'shape', 'start', 'end', 'slice', 'hw', 'concat', 'resize']);
    expect(graph.initializer?.map((t) => t.name)).toEqual(['w', 'b']);
  });

  it('leaves the kept output bit-identical', async () => {
    const before = await run(encodeModel(skipModel()), ramp(4), 4);
    const after = await run(encodeModel(pruneOutputs(skipModel(), ['output'])), ramp(4), 4);
    expect(Object.keys(after)).toEqual(['output']);
    expect(after.output.data).toEqual(before.output.data);
  });

  it('keeps a value that both a kept and a dropped output use (y feeds output and side)', () => {
    const graph = graphOf(pruneOutputs(skipModel(), ['side']));
    expect(graph.node?.map((n) => n.name)).toEqual(['conv', 'side.mul', 'side.conv', 'side.add']);
    expect(graph.initializer?.map((t) => t.name)).toEqual(['w', 'b', 'side.scale', 'side.w']);
  });

  it('refuses an output the graph does not have', () => {
    expect(() => pruneOutputs(skipModel(), ['mask'])).toThrow(/no output "mask"/);
  });
});

describe('setInputSize', () => {
  it('rescales Resize sizes built as Concat(Slice(Shape), Constant) and gives the exact output at the new size', async () => {
    const rewritten = setInputSize(skipModel(4), 8);
    expect(graphInputSize(rewritten)).toBe(8);
    expect(graphOf(rewritten).output?.map(valueDims)).toEqual([[1, 1, 8, 8], [1, 1, 8, 8]]);
    const out = await run(encodeModel(rewritten), ramp(8), 8);
    expect(out.output.dims).toEqual([1, 1, 8, 8]);
    expect([...out.output.data]).toEqual(expectedSkip(8));
  });

  it('gives the same output as the model built at that size', async () => {
    const rewritten = await run(encodeModel(setInputSize(skipModel(4), 6)), ramp(6), 6);
    const built = await run(encodeModel(skipModel(6)), ramp(6), 6);
    expect(rewritten.output.data).toEqual(built.output.data);
  });

  it('rescales a whole constant sizes initializer (int64_data), spatial entries only', async () => {
    const rewritten = setInputSize(constantSizesModel(4), 8);
    const out = await run(encodeModel(rewritten), ramp(8), 8);
    expect(out.output.dims).toEqual([1, 1, 4, 4]);
    // Nearest 2x downsample of the 8x8 ramp: x[2i][2j].
    expect([...out.output.data]).toEqual(Array.from({ length: 16 }, (_, k) => 2 * Math.floor(k / 4) * 8 + 2 * (k % 4)));
  });

  it('leaves Resize scales alone: the output follows the new input', async () => {
    const rewritten = setInputSize(scalesModel(4), 3);
    expect(graphOf(rewritten).output?.map(valueDims)).toEqual([[1, 1, 6, 6]]);
    const out = await run(encodeModel(rewritten), ramp(3), 3);
    expect(out.output.dims).toEqual([1, 1, 6, 6]);
    expect([...out.output.data]).toEqual(Array.from({ length: 36 }, (_, k) => Math.floor(Math.floor(k / 6) / 2) * 3 + Math.floor((k % 6) / 2)));
  });

  it('refuses a size that would make a Resize target fractional', () => {
    // sizes [1, 1, 2, 2] at input 4: at input 5 the target would be 2.5.
    expect(() => setInputSize(constantSizesModel(4), 5)).toThrow(/not a whole size/);
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() => setInputSize(skipModel(4), 0)).toThrow(/positive whole number/);
  });
});

describe('deriveModel', () => {
  it('prunes then resizes, and gives the same bytes every time', async () => {
    const source = encodeModel(skipModel(4));
    const a = deriveModel(source, { outputs: ['output'], inputSize: 8 });
    const b = deriveModel(encodeModel(skipModel(4)), { outputs: ['output'], inputSize: 8 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(graphOf(decodeModel(a)).output?.map((o) => o.name)).toEqual(['output']);
    const out = await run(a, ramp(8), 8);
    expect([...out.output.data]).toEqual(expectedSkip(8));
  });

  it('with no rewrites re-encodes the model to the same graph', () => {
    const source = encodeModel(skipModel(4));
    expect(Buffer.from(deriveModel(source, {})).equals(Buffer.from(source))).toBe(true);
  });
});
