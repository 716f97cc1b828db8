import { describe, expect, it } from 'vitest';
import { formatTimeline } from '../../../../scripts/bench/first-photo.ts';
import { firstPhotoBudget, firstPhotoSteady } from '../../../../scripts/bench/first-photo-goal.ts';
import type { ModelRun, Sample } from '../../../../scripts/bench/samples.ts';

const steady = (ms: number) => ({ ms, source: 'batch' as const });
const wallSample = (wall: number): Sample => ({ decode: 0, preprocess: 0, infer: wall - 100, refine: 0, zoom: 0, matting: 0, compose: 0, encode: 0, total: wall - 50, wall });
const chromiumRun = (variant: string | undefined, walls: number[], perPhoto?: number): ModelRun => ({
  env: 'chromium',
  variant,
  model: 'isnet-int8-896',
  backend: 'wasm',
  threads: 2,
  samples: { photos: walls.map(wallSample), large: [] },
  failures: [],
  memory: {},
  batch: perPhoto === undefined ? undefined : { photos: 3, firstDone: 1000, lastDone: 1000 + 2 * perPhoto, perPhoto },
});
const app = { build: 'wasm' as const, model: 'isnet-int8-896' };
const loads = [{ steady: 4_000 }, { steady: 3_000 }, {}, { steady: 5_000 }];

describe("the bench's first photo", () => {
  it("is held to issue 18's goal: no more than the model's download plus twice the steady time", () => {
    expect(firstPhotoBudget(6_000, 1_000, steady(2_500))).toMatchObject({ budget: 6_000, ratio: 1, within: true });
    expect(firstPhotoBudget(6_000, 1_000, steady(2_500)).text).toBe('first photo 6.00 s against download 1.00 s + 2 x steady 2.50 s (batch pass) = 6.00 s: within it (1.00x)');
    expect(firstPhotoBudget(7_000, 1_000, steady(2_500))).toMatchObject({ within: false });
    expect(firstPhotoBudget(7_000, 1_000, steady(2_500)).text).toContain('OVER it by 1.00 s (1.17x)');
    expect(firstPhotoBudget(7_000, 1_000, { ms: 3_000, source: 'loads' }).text).toBe("first photo 7.00 s against download 1.00 s + 2 x steady 3.00 s (loads' own) = 7.00 s: within it (1.00x)");
  });

  it('says when the budget is not known instead of passing or failing it', () => {
    expect(firstPhotoBudget(6_000, undefined, steady(2_500))).toMatchObject({ within: undefined });
    expect(firstPhotoBudget(6_000, undefined, steady(2_500)).text).toContain('not known');
    expect(firstPhotoBudget(6_000, 1_000, { ms: NaN }).text).toContain('not known');
  });

  it("holds the app's build to this run's batch pass, else its photo pass, of the same model and variant", () => {
    const runs = [chromiumRun('old', [9_000], 8_000), chromiumRun(undefined, [3_300, 3_100, 3_500], 2_900)];
    expect(firstPhotoSteady(runs, app, loads)).toEqual({ ms: 2_900, source: 'batch' });
    expect(firstPhotoSteady(runs, { ...app, variant: 'old' }, loads)).toEqual({ ms: 8_000, source: 'batch' });
    expect(firstPhotoSteady([chromiumRun(undefined, [3_300, 3_100, 3_500])], app, loads)).toEqual({ ms: 3_300, source: 'photos' });
  });

  it("falls back to the loads' own steady times where the run has no pass of that build: none at all, another model, or the default bundle", () => {
    expect(firstPhotoSteady([], app, loads)).toEqual({ ms: 4_000, source: 'loads' });
    // --no-photos --no-batch: the run's browser only warmed up.
    expect(firstPhotoSteady([chromiumRun(undefined, [])], app, loads)).toEqual({ ms: 4_000, source: 'loads' });
    expect(firstPhotoSteady([chromiumRun(undefined, [3_300], 2_900)], { ...app, model: 'isnet-fp16' }, loads)).toEqual({ ms: 4_000, source: 'loads' });
    // The default bundle is another build: the app's passes say nothing about it.
    expect(firstPhotoSteady([chromiumRun(undefined, [3_300], 2_900)], { ...app, build: 'default' }, loads)).toEqual({ ms: 4_000, source: 'loads' });
    expect(firstPhotoSteady([], app, [{}])).toEqual({ ms: NaN });
  });

  it('prints the timeline in seconds from navigation, in order of start, points as @', () => {
    const line = formatTimeline([
      { name: 'cutout: session isnet-int8-896', start: 2_400, end: 3_300 },
      { name: 'photo chosen', start: 450, end: 450 },
      { name: 'cutout: fetch isnet-int8-896', start: 500, end: 2_400 },
    ]);
    expect(line).toBe('photo chosen @0.45 | cutout: fetch isnet-int8-896 0.50-2.40 | cutout: session isnet-int8-896 2.40-3.30');
  });
});
