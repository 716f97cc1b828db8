import { describe, expect, it } from 'vitest';
import { downloadBytes, manifest, modelInfo, modelsOf } from '../../../web/src/cutout/model.ts';

describe('modelsOf and downloadBytes', () => {
  it('give the model alone, and its own bytes, without a second opinion', () => {
    const model = { ...modelInfo(), second: undefined };
    expect(modelsOf(model)).toEqual([model]);
    expect(downloadBytes(model)).toBe(model.bytes);
  });

  it("give the model then its second opinion's, and both files' bytes, with one", () => {
    const fast = modelInfo('isnet-quint8-640');
    const model = { ...modelInfo('isnet-fp16'), second: { model: fast.id, unsure: 0.1 } };
    expect(modelsOf(model).map((m) => m.id)).toEqual(['isnet-fp16', fast.id]);
    expect(downloadBytes(model)).toBe(model.bytes + fast.bytes);
  });

  it("names only models of the manifest as second opinions, never one with its own second", () => {
    for (const model of manifest.models) {
      if (!model.second) continue;
      const second = modelInfo(model.second.model);
      expect(second.second).toBeUndefined();
      expect(model.second.unsure).toBeGreaterThan(0);
      expect(model.second.unsure).toBeLessThan(0.5);
    }
  });
});
