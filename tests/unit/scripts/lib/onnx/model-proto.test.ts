/** The protobuf helpers every ONNX rewrite shares. */
import { describe, expect, it } from 'vitest';
import { toNumber, valueDims } from '../../../../../scripts/lib/onnx/model-proto.ts';

describe('toNumber', () => {
  it('reads numbers and protobufjs Longs as plain numbers', () => {
    expect(toNumber(7)).toBe(7);
    expect(toNumber({ toNumber: () => 1024 })).toBe(1024);
  });

  it('makes an absent value NaN, never a zero that passes for a real one', () => {
    expect(toNumber(null)).toBeNaN();
    expect(toNumber(undefined)).toBeNaN();
  });
});

describe('valueDims', () => {
  it('gives fixed dims as numbers, symbolic ones by name, and an unset dim as NaN', () => {
    const info = { name: 'x', type: { tensorType: { shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }, {}] } } } };
    const dims = valueDims(info);
    expect(dims.slice(0, 2)).toEqual(['batch', 3]);
    expect(dims[2]).toBeNaN();
  });
});
