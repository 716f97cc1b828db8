/**
 * `npm run eval -- --onnx FILE` describes a candidate file from its graph: input size and
 * names from the graph, normalisation from a manifest model, sha256 of the bytes (eval's
 * cache key, so a rewritten file never reuses another file's maps).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelInfoFromFile } from '../../../../../scripts/lib/onnx/model-file.ts';
import { encodeModel } from '../../../../../scripts/lib/onnx/model-proto.ts';
import { setInputSize } from '../../../../../scripts/lib/onnx/input-size.ts';
import { flipPlanes } from '../../../../../scripts/lib/eval-data.ts';
import { modelInfo } from '../../../../../web/src/cutout/model.ts';
import { skipModel } from './tiny-models.ts';

const dir = mkdtempSync(join(tmpdir(), 'clearcut-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modelInfoFromFile', () => {
  it('reads the input size and names from the graph and keys the file by its sha256', () => {
    const file = join(dir, 'tiny-8.onnx');
    const bytes = encodeModel(setInputSize(skipModel(4), 8));
    writeFileSync(file, bytes);
    const info = modelInfoFromFile(file, modelInfo());
    expect(info).toMatchObject({ id: 'tiny-8', file, inputSize: 8, inputName: 'x', outputName: 'output', bytes: bytes.byteLength });
    expect(info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(info.normalize).toEqual(modelInfo().normalize);
  });

  it('gives a different cache key to the same graph at another size', () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    writeFileSync(a, encodeModel(skipModel(4)));
    writeFileSync(b, encodeModel(setInputSize(skipModel(4), 6)));
    expect(modelInfoFromFile(a, modelInfo()).sha256).not.toBe(modelInfoFromFile(b, modelInfo()).sha256);
  });
});

describe('flipPlanes (eval --flip)', () => {
  it('mirrors every row of every plane left to right, and undoes itself', () => {
    // Two 3x3 planes.
    const data = Float32Array.from({ length: 18 }, (_, i) => i);
    const flipped = flipPlanes(data, 3);
    expect([...flipped]).toEqual([2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9, 14, 13, 12, 17, 16, 15]);
    expect([...flipPlanes(flipped, 3)]).toEqual([...data]);
  });
});
