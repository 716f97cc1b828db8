import { describe, expect, it } from 'vitest';
import { manifest } from '../../../web/src/cutout/model.ts';
import { formatBytes } from '../../../web/src/workbench/model-choice.ts';
import { qualityLevels } from '../../../web/src/workbench/quality-levels.ts';

describe('the quality levels', () => {
  const levels = qualityLevels(manifest.models);

  it('lists every model of the manifest, from the quickest to the finest', () => {
    expect(levels.map((l) => l.model.label)).toEqual(['Fast', 'Standard', 'Quality']);
    expect(levels.map((l) => l.model.id).sort()).toEqual(manifest.models.map((m) => m.id).sort());
  });

  it('describes each by what a person notices, never by data types or model ids', () => {
    for (const { blurb, model } of levels) {
      expect(blurb).toMatch(/edge|fast|quick|time|download/i);
      expect(blurb).not.toMatch(/int8|uint8|fp16|float|quantiz|isnet|onnx|tensor/i);
      expect(blurb).not.toContain(model.id);
    }
  });

  it('states a level\'s download as its own model\'s bytes, and its second opinion\'s too when it has one', () => {
    const fast = manifest.models.find((m) => m.label === 'Fast')!;
    const standard = manifest.models.find((m) => m.label === 'Standard')!;
    const plain = { ...manifest.models.find((m) => m.label === 'Quality')!, second: undefined };
    // Quality as issue #14 makes it: Fast's model as its second opinion.
    const paired = { ...plain, second: { model: fast.id, unsure: 0.1 } };
    const bytes = (models: typeof manifest.models) => Object.fromEntries(qualityLevels(models).map((l) => [l.model.label, l.bytes]));
    expect(bytes([fast, standard, plain])).toEqual({ Fast: fast.bytes, Standard: standard.bytes, Quality: plain.bytes });
    expect(bytes([fast, standard, paired])).toEqual({ Fast: fast.bytes, Standard: standard.bytes, Quality: plain.bytes + fast.bytes });
    expect(formatBytes(plain.bytes + fast.bytes)).toBe('132 MB');
  });

  it('puts a model it has no words for last, with a plain line', () => {
    const other = { ...manifest.models[0], id: 'new-model', label: 'Experimental' };
    const [last] = qualityLevels([other, ...manifest.models]).slice(-1);
    expect(last.model.id).toBe('new-model');
    expect(last.blurb).toBe('Another level of detail.');
  });
});
