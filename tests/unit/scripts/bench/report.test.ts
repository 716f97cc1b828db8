/**
 * The bench's report on Chromium runs: where a photo's time goes by the page's clock, the
 * batch pass, old and new side by side, and the first photo against its budget.
 */
import { describe, expect, it } from 'vitest';
import type { FirstPhotoRun } from '../../../../scripts/bench/first-photo.ts';
import { parseOptions, type Options } from '../../../../scripts/bench/options.ts';
import { report, type BenchRun } from '../../../../scripts/bench/report.ts';
import type { ModelRun, PhotoSet, Sample } from '../../../../scripts/bench/samples.ts';

// CPU seconds: twice the inference (two threads), the part outside the workers a tenth of the wall.
const sample = (infer: number, others: number, wall: number): Sample => ({ decode: others / 5, preprocess: others / 5, infer, refine: others / 5, zoom: 0, matting: 0, compose: others / 5, encode: others / 5, total: infer + others, wall, cpu: (2 * infer) / 1000, cpuOutside: wall / 10_000 });
const sets: PhotoSet[] = [
  { name: 'photos', label: 'photos', files: ['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'] },
  { name: 'large', label: 'large 24 MP', files: ['/tmp/large.jpg'] },
];
const run = (variant: string | undefined, inferMs: number, perPhoto: number): ModelRun => ({
  env: 'chromium',
  variant,
  model: 'isnet-int8-896',
  backend: 'wasm',
  threads: 2,
  // Each photo: inference, 100 ms of other stages, 300 ms between them (queue, transfers, page).
  samples: { photos: [sample(inferMs, 100, inferMs + 400), sample(inferMs + 10, 100, inferMs + 410), sample(inferMs + 20, 100, inferMs + 420)], large: [sample(inferMs, 1000, inferMs + 1500)] },
  failures: [],
  memory: {},
  batch: { photos: 3, firstDone: inferMs + 400, lastDone: inferMs + 400 + 2 * perPhoto, perPhoto, cpuPerPhoto: (2 * inferMs) / 1000 },
});
const first = (variant: string | undefined): FirstPhotoRun => ({
  build: 'wasm',
  variant,
  model: 'isnet-int8-896',
  photo: 'a.jpg',
  // Each load's own steady time (the photo cut twice more in its page): 3600 ms.
  samples: [{ total: 9000, ort: 100, fetch: 2000, session: 800, infer: 3000, stages: 3400, wasm: [], steady: 3600 }],
  failures: [],
});
const benchRun = (args: string[] = []): BenchRun => ({
  opts: parseOptions(['--no-node', ...args]) as Options,
  photos: sets[0].files,
  large: { source: 'a.jpg', width: 6000, height: 4000, megapixels: 24, file: '/tmp/large.jpg' },
  sets,
  runs: [run('old', 4000, 4400), run(undefined, 3000, 3200)],
  firstPhoto: [first('old'), first(undefined)],
  started: new Date(0),
  load: { start: [1], end: [1] },
});
const bench = (args: string[] = []) => report(benchRun(args));

describe('bench report, Chromium', () => {
  it("splits each photo's page-clock time into inference, the other stages and what lies between them, with the share outside inference", () => {
    const { text, json } = bench();
    const rows = (json as { pageClock: { env: string; set: string; wallMs: number; inferMs: number; otherStagesMs: number; betweenStagesMs: number; outsideShare: number }[] }).pageClock;
    const photos = rows.find((r) => r.env === 'chromium' && r.set === 'photos')!;
    expect(photos).toMatchObject({ wallMs: 3410, inferMs: 3010, otherStagesMs: 100, betweenStagesMs: 300 });
    expect(photos.outsideShare).toBeCloseTo(400 / 3410, 3);
    expect(rows.find((r) => r.env === 'chromium' && r.set === 'large')).toMatchObject({ wallMs: 4500, betweenStagesMs: 500 });
    expect(text).toMatch(/chromium \(old\)/);
  });

  it('puts old and new side by side: one photo at a time, and the steady time per photo of the batch', () => {
    const { json } = bench();
    const rows = (json as { oldVsNew: { what: string; ratio: number; inferRatio: number }[] }).oldVsNew;
    expect(rows.find((r) => r.what.startsWith('photos'))).toMatchObject({ ratio: Math.round((3410 / 4410) * 1000) / 1000, inferRatio: Math.round((3010 / 4010) * 1000) / 1000 });
    expect(rows.find((r) => r.what.startsWith('batch'))!.ratio).toBe(Math.round((3200 / 4400) * 1000) / 1000);
  });

  it("gives the browser's CPU seconds per photo beside the page clock, and old against new, which hold when the machine is shared", () => {
    const { text, json } = bench();
    const clock = (json as { pageClock: { env: string; set: string; cpuSeconds: number; cpuOutsideSeconds: number }[] }).pageClock;
    expect(clock.find((r) => r.env === 'chromium' && r.set === 'photos')).toMatchObject({ cpuSeconds: 6.02, cpuOutsideSeconds: 0.341 });
    expect(clock.find((r) => r.env === 'chromium (old)' && r.set === 'photos')).toMatchObject({ cpuSeconds: 8.02 });
    const rows = (json as { oldVsNew: { what: string; oldCpu: number; newCpu: number; cpuRatio: number }[] }).oldVsNew;
    expect(rows.find((r) => r.what.startsWith('photos'))).toMatchObject({ oldCpu: 8.02, newCpu: 6.02, cpuRatio: Math.round((6.02 / 8.02) * 1000) / 1000 });
    expect(rows.find((r) => r.what.startsWith('batch'))).toMatchObject({ oldCpu: 8, newCpu: 6, cpuRatio: 0.75 });
    expect(text).toMatch(/CPU s per photo/);
    expect(text).toMatch(/not in workers/);
  });

  it('gives each photo its own share outside inference, so one photo far over the median shows', () => {
    const slow = { ...sample(2000, 700, 2800), file: 'plants.jpg' };
    const photos = [{ ...sample(2000, 100, 2200), file: 'a.jpg' }, { ...sample(2000, 120, 2220), file: 'a.jpg' }, slow, { ...slow, wall: 2900 }];
    const { text, json } = report({ ...benchRun(), runs: [{ ...run(undefined, 3000, 3200), samples: { photos, large: [] } }] });
    const rows = (json as { perPhoto: { file: string; samples: number; wallMs: number; outsideShare: number }[] }).perPhoto;
    expect(rows.map((r) => [r.file, r.samples])).toEqual([['a.jpg', 2], ['plants.jpg', 2]]);
    expect(rows[0].outsideShare).toBeCloseTo(((200 / 2200 + 220 / 2220) / 2), 3);
    expect(rows[1]).toMatchObject({ wallMs: 2850 });
    expect(rows[1].outsideShare).toBeCloseTo((800 / 2800 + 900 / 2900) / 2, 3);
    expect(text).toMatch(/each photo/);
    expect(text).toMatch(/plants\.jpg .* 29\.\d%/);
  });

  it('leaves the CPU columns empty where /proc gave no figures', () => {
    const { json } = report({ ...benchRun(), runs: [{ ...run(undefined, 3000, 3200), samples: { photos: [{ ...sample(3000, 100, 3400), cpu: undefined, cpuOutside: undefined }], large: [] } }] });
    expect((json as { pageClock: { set: string; cpuSeconds: number }[] }).pageClock.find((r) => r.set === 'photos')!.cpuSeconds).toBeNaN();
  });

  it('measures the first photo against the download plus twice the same build’s steady time: its batch pass, and says so', () => {
    const { text, json } = bench();
    const rows = (json as { firstPhoto: { build: string; budgetMs: number; steadyMs: number; steadySource: string; withinGoal: boolean }[] }).firstPhoto;
    expect(rows.find((r) => r.build === 'wasm')).toMatchObject({ steadyMs: 3200, steadySource: 'batch', budgetMs: 2000 + 2 * 3200, withinGoal: false });
    expect(rows.find((r) => r.build === 'wasm (old)')).toMatchObject({ steadyMs: 4400, steadySource: 'batch', budgetMs: 2000 + 2 * 4400, withinGoal: true });
    expect(text).toContain('3200 (batch pass)');
    expect(text).toContain('wasm build, medians: first photo 9.00 s against download 2.00 s + 2 x steady 3.20 s (batch pass) = 8.40 s: OVER it by 0.60 s (1.07x)');
    expect(text).toContain('wasm (old) build, medians: first photo 9.00 s against download 2.00 s + 2 x steady 4.40 s (batch pass) = 10.80 s: within it (0.83x)');
  });

  it("holds the first photo to the loads' own steady time when the run has no pass of that build (a first-photo-only run), and says so", () => {
    // --no-photos --no-batch: the browsers only warmed up, so the run has no steady time of its own.
    const bare = (variant: string | undefined): ModelRun => ({ ...run(variant, 3000, 3200), samples: { photos: [], large: [] }, batch: undefined });
    const { text, json } = report({ ...benchRun(['--no-photos', '--no-large', '--no-batch']), runs: [bare('old'), bare(undefined)] });
    const rows = (json as { firstPhoto: { build: string; budgetMs: number; steadyMs: number; steadySource: string; withinGoal: boolean }[] }).firstPhoto;
    expect(rows.find((r) => r.build === 'wasm')).toMatchObject({ steadyMs: 3600, steadySource: 'loads', budgetMs: 2000 + 2 * 3600, withinGoal: true });
    expect(text).toContain("3600 (loads' own)");
    expect(text).toContain("wasm build, medians: first photo 9.00 s against download 2.00 s + 2 x steady 3.60 s (loads' own) = 9.20 s: within it (0.98x)");
  });

  it('takes the photo pass when there is no batch, and never holds the default bundle to the app build’s passes', () => {
    const noBatch = { ...run(undefined, 3000, 3200), batch: undefined };
    const { json } = report({ ...benchRun(), runs: [noBatch], firstPhoto: [first(undefined), { ...first(undefined), build: 'default' }] });
    const rows = (json as { firstPhoto: { build: string; steadyMs: number; steadySource: string }[] }).firstPhoto;
    expect(rows.find((r) => r.build === 'wasm')).toMatchObject({ steadyMs: 3410, steadySource: 'photos' });
    expect(rows.find((r) => r.build === 'default')).toMatchObject({ steadyMs: 3600, steadySource: 'loads' });
  });
});

describe('bench options', () => {
  it('times both sets one photo at a time unless told to skip one, and can keep only the first photos to fit a time slot', () => {
    expect((parseOptions([]) as Options).timed).toEqual(['photos', 'large']);
    expect(parseOptions(['--no-photos', '--no-large', '--max-photos', '3'])).toMatchObject({ timed: [], maxPhotos: 3, batch: true });
    expect(() => parseOptions(['--max-photos', '0'])).toThrow(/--max-photos/);
  });

  it('leaves a skipped set out of the report instead of printing rows of nothing', () => {
    const rows = (bench(['--no-large']).json as { pageClock: { set: string }[] }).pageClock;
    expect(rows.map((r) => r.set)).toEqual(['photos', 'photos']);
  });

  it('with --no-large, no large photo is made, and the report names none and has no memory table', () => {
    const { text, json } = report({ ...benchRun(['--no-large']), large: undefined, sets: [sets[0]] });
    expect(text).not.toMatch(/Large photo|Memory on the large photo/);
    expect((json as { large: unknown; memory: unknown[] }).large).toBeNull();
    expect((json as { memory: unknown[] }).memory).toEqual([]);
    expect(bench().text).toMatch(/Large photo: 6000x4000 JPEG upscaled from a.jpg/);
  });
});
