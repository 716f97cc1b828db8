import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelsDir } from '../../../scripts/lib/paths.ts';
import { DataType, encodeModel } from '../../../scripts/lib/onnx/model-proto.ts';
import { manifest } from '../../../web/src/cutout/model.ts';
import { hasFloat16Weights, hasInt8Weights } from '../../../web/src/cutout/model-precision.ts';

/** A one-node model (Identity) whose initializers have the given types, encoded by onnx-proto. */
function model(types: number[]): Uint8Array {
  return encodeModel({
    irVersion: 8,
    producerName: 'test',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
      initializer: types.map((dataType, i) => ({ name: `w${i}`, dims: [2], dataType, rawData: new Uint8Array(dataType === DataType.FLOAT16 ? 4 : 8) })),
      input: [{ name: 'x' }],
      output: [{ name: 'y' }],
    },
  });
}

describe('hasFloat16Weights', () => {
  it('is true when any initializer is float16, false for float32, uint8 and int64 weights or none', () => {
    expect(hasFloat16Weights(model([DataType.FLOAT16]))).toBe(true);
    expect(hasFloat16Weights(model([DataType.FLOAT, DataType.INT64, DataType.FLOAT16]))).toBe(true);
    expect(hasFloat16Weights(model([DataType.FLOAT, DataType.UINT8, DataType.INT64]))).toBe(false);
    expect(hasFloat16Weights(model([]))).toBe(false);
  });

  it('refuses truncated bytes instead of guessing (a float32 model must be read to its end)', () => {
    const bytes = model([DataType.FLOAT, DataType.FLOAT]);
    expect(() => hasFloat16Weights(bytes.subarray(0, bytes.length - 3))).toThrow(RangeError);
  });

  it('reads the shipped models: isnet-fp16 computes in float16, the others do not', () => {
    for (const m of manifest.models) {
      const path = join(modelsDir, m.file);
      if (!existsSync(path)) continue; // prepare-models makes them at install
      expect(hasFloat16Weights(new Uint8Array(readFileSync(path))), m.id).toBe(/fp16/.test(m.id));
    }
  });
});

describe('hasInt8Weights', () => {
  it('is true when any initializer is int8 (not uint8, float16 or float32)', () => {
    expect(hasInt8Weights(model([DataType.FLOAT, DataType.INT8]))).toBe(true);
    expect(hasInt8Weights(model([DataType.FLOAT, DataType.UINT8, DataType.FLOAT16]))).toBe(false);
    expect(hasInt8Weights(model([]))).toBe(false);
  });

  it('reads the shipped models: the static int8 one has int8 weights; the dynamic quint8 and fp16 ones do not', () => {
    for (const m of manifest.models) {
      const path = join(modelsDir, m.file);
      if (!existsSync(path)) continue;
      expect(hasInt8Weights(new Uint8Array(readFileSync(path))), m.id).toBe(/int8/.test(m.id) && !/quint8/.test(m.id));
    }
  });
});
