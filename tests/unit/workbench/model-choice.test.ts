import { describe, expect, it } from 'vitest';
import { manifest } from '../../../web/src/cutout/model.ts';
import { formatBytes, initialModelId, MODEL_CHOICE_KEY, offlineLevels, saveModelChoice, type ChoiceStorage } from '../../../web/src/workbench/model-choice.ts';

/** A Map behind the Storage methods the choice uses. */
function memoryStorage(entries: Record<string, string> = {}): ChoiceStorage & { map: Map<string, string> } {
  const map = new Map(Object.entries(entries));
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

const refusing: ChoiceStorage = {
  getItem: () => {
    throw new DOMException('denied', 'SecurityError');
  },
  setItem: () => {
    throw new DOMException('full', 'QuotaExceededError');
  },
};

describe('the model choice', () => {
  it('is the manifest default (the static int8 model at 896²) when nothing was chosen', () => {
    expect(manifest.default).toBe('isnet-int8-896');
    expect(initialModelId(manifest, '', memoryStorage())).toBe('isnet-int8-896');
    expect(initialModelId(manifest, '', undefined)).toBe('isnet-int8-896');
  });

  it('is what was chosen and kept before', () => {
    const storage = memoryStorage();
    saveModelChoice('isnet-quint8-640', storage);
    expect(storage.map.get(MODEL_CHOICE_KEY)).toBe('isnet-quint8-640');
    expect(initialModelId(manifest, '', storage)).toBe('isnet-quint8-640');
  });

  it('ignores a kept choice the manifest no longer lists', () => {
    expect(initialModelId(manifest, '', memoryStorage({ [MODEL_CHOICE_KEY]: 'u2net-old' }))).toBe('isnet-int8-896');
  });

  it('takes ?model= over the kept choice, without keeping it, and ignores an unknown one', () => {
    const storage = memoryStorage({ [MODEL_CHOICE_KEY]: 'isnet-fp16' });
    expect(initialModelId(manifest, '?model=isnet-quint8-640', storage)).toBe('isnet-quint8-640');
    expect(storage.map.get(MODEL_CHOICE_KEY)).toBe('isnet-fp16');
    expect(initialModelId(manifest, '?model=nope', storage)).toBe('isnet-fp16');
  });

  it('falls back to the default when storage refuses, and saving then does not throw', () => {
    expect(initialModelId(manifest, '', refusing)).toBe('isnet-int8-896');
    expect(() => saveModelChoice('isnet-quint8-640', refusing)).not.toThrow();
  });
});

describe('the levels available offline', () => {
  const fast = manifest.models.find((m) => m.label === 'Fast')!;
  const standard = manifest.models.find((m) => m.label === 'Standard')!;
  // Quality as issue #14 makes it: Fast's model as its second opinion.
  const quality = { ...manifest.models.find((m) => m.label === 'Quality')!, second: { model: fast.id, unsure: 0.1 } };
  const levels = [fast, standard, quality];

  it('are those whose one model is kept', () => {
    expect(offlineLevels(levels, [])).toEqual([]);
    expect(offlineLevels(levels, [standard.id])).toEqual([standard.id]);
    expect(offlineLevels(levels, [fast.id, standard.id])).toEqual([fast.id, standard.id]);
  });

  it('leave out a level with a second opinion until both its models are kept', () => {
    expect(offlineLevels(levels, [quality.id])).toEqual([]);
    expect(offlineLevels(levels, [quality.id, standard.id])).toEqual([standard.id]);
    // Quality's download keeps Fast's model too: Fast is then available offline as well.
    expect(offlineLevels(levels, [quality.id, fast.id])).toEqual([fast.id, quality.id]);
  });
});

describe('formatBytes', () => {
  it('states the model sizes as people read them', () => {
    expect(formatBytes(88_188_479)).toBe('88 MB');
    expect(formatBytes(44_342_436)).toBe('44 MB');
  });

  it('keeps one decimal under ten of a unit', () => {
    expect(formatBytes(3_456_000)).toBe('3.5 MB');
    expect(formatBytes(1_000_000)).toBe('1 MB');
    expect(formatBytes(2_500_000_000)).toBe('2.5 GB');
    expect(formatBytes(512_300)).toBe('512 KB');
    expect(formatBytes(999)).toBe('999 B');
  });
});
