/**
 * First photo: the time from navigating to the app to the first cutout, in fresh browsers
 * (empty profile and HTTP cache, so the model download and the .wasm compile count), for
 * the default model; run once with the WASM-only onnxruntime-web build the app loads and
 * once with the package's default bundle (JSEP, ~28 MB .wasm) from a build made with
 * VITE_ORT_BUILD=default. Each load also says which onnxruntime .wasm files it fetched,
 * prints its timeline (the workers' User Timing measures and the page's own marks, in seconds
 * from navigation), and cuts the photo twice more in the same page for a steady time of its
 * own, so that issue 18's goal (the first photo in no more than the model's download plus
 * twice the steady time) can be checked even when the run has no other pass of this build
 * (which steady time counts: first-photo-goal.ts).
 */
import { basename } from 'node:path';
import { manifest } from '../../web/src/cutout/model.ts';
import type { Page } from 'playwright-core';
import type { StageTimings } from '../../web/src/cutout/pipeline.ts';
import { median } from '../lib/median.ts';
import { launchChromium } from '../lib/chromium.ts';
import { cutOnPage, installPageClock } from './chromium-runner.ts';
import { firstPhotoBudget, firstPhotoSteady } from './first-photo-goal.ts';
import { fmtMs, log, PHOTO_TIMEOUT_MS, toSample, type ModelRun } from './samples.ts';

export type OrtBuild = 'wasm' | 'default';

/** One fresh page load's way to its first cutout, ms. */
export interface FirstPhotoSample {
  /** From navigating to the app to the cutout being shown. */
  total: number;
  /** The worker's User Timing measures: importing onnxruntime-web, fetching the model, opening the session. */
  ort?: number;
  fetch?: number;
  session?: number;
  /** The first photo's own stages, as the card reports them. */
  infer: number;
  stages: number;
  /** The onnxruntime .wasm files the page fetched, and their sizes. */
  wasm: { file: string; bytes: number }[];
  /** This load's own steady time per photo: the median of the photo cut twice more in the same page, by the page's clock. */
  steady?: number;
  /** Those two cuts' median inference: the first photo's `infer` less this is the first inference's own extra cost. */
  steadyInfer?: number;
  /** What happened when, ms from navigation: the workers' measures and the page's marks. */
  timeline?: TimelineEntry[];
}

/** One span of the first photo's way (a point when start equals end), ms from navigation. */
export interface TimelineEntry {
  name: string;
  start: number;
  end: number;
}

/** How many more times the photo is cut in the same page, for its steady time. */
const STEADY_CUTS = 2;

/** The timeline as one line: each span in seconds from navigation, in order of start. */
export function formatTimeline(timeline: readonly TimelineEntry[]): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  return [...timeline]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((e) => (e.end > e.start ? `${e.name} ${s(e.start)}-${s(e.end)}` : `${e.name} @${s(e.start)}`))
    .join(' | ');
}

export interface FirstPhotoRun {
  build: OrtBuild;
  /** "old" for --old-dist's build. */
  variant?: string;
  model: string;
  photo: string;
  samples: FirstPhotoSample[];
  failures: string[];
  /** Set when the page fetched a .wasm the build should not (or missed the one it should). */
  wrongWasm?: string;
  browserVersion?: string;
}

const ORT_WASM = /\/(ort-wasm-simd-threaded(?:\.([a-z]+))?-[\w-]+\.wasm)$/;

/**
 * Every User Timing measure of the page's workers (`clearcut:ort`, `:threads`, `:warm-up`,
 * `:fetch`, `:session`...), named with the worker's lane and placed on the page's clock.
 */
async function workerTimeline(page: Page): Promise<TimelineEntry[]> {
  const pageOrigin = await page.evaluate(() => performance.timeOrigin);
  const entries: TimelineEntry[] = [];
  for (const worker of page.workers()) {
    // An older build (--old-dist) may not name its workers' lanes: its one worker runs the network.
    const lane = new URL(worker.url()).searchParams.get('lane') ?? (/worker/.test(worker.url()) ? 'cutout' : undefined);
    if (!lane) continue;
    const { origin, measures } = await worker.evaluate(() => ({
      origin: performance.timeOrigin,
      measures: performance.getEntriesByType('measure').map((m) => ({ name: m.name, startTime: m.startTime, duration: m.duration })),
    }));
    for (const m of measures) {
      const start = origin + m.startTime - pageOrigin;
      entries.push({ name: `${lane}: ${m.name.replace(/^clearcut:/, '')}`, start, end: start + m.duration });
    }
  }
  return entries;
}

/** One fresh browser (empty profile and cache) from navigation to the first cutout. */
async function firstPhotoOnce(baseUrl: string, photo: string): Promise<FirstPhotoSample & { browserVersion: string }> {
  const chromium = await launchChromium();
  try {
    const context = await chromium.browser.newContext();
    const wasm: { file: string; bytes: number }[] = [];
    context.on('requestfinished', (r) => {
      const m = ORT_WASM.exec(new URL(r.url()).pathname);
      if (m) void r.sizes().then((s) => wasm.push({ file: m[1], bytes: s.responseBodySize }), () => wasm.push({ file: m[1], bytes: NaN }));
    });
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${baseUrl}/`);
    await installPageClock(page);
    await page.getByLabel('Choose photos').setInputFiles(photo);
    const state = await (
      await page.waitForFunction(
        () => {
          const s = document.querySelector('li.card')?.getAttribute('data-state');
          return s === 'done' || s === 'failed' || s === 'cancelled' ? s : false;
        },
        undefined,
        { timeout: PHOTO_TIMEOUT_MS, polling: 50 },
      )
    ).jsonValue();
    const total = performance.now() - started;
    const card = page.locator('li.card').first();
    if (state !== 'done') throw new Error(`${state}: ${(await card.locator('.status').textContent())?.trim()}`);
    const timings = toSample(JSON.parse((await card.getAttribute('data-timings')) ?? '{}') as StageTimings);
    const timeline = await workerTimeline(page);
    // The network's worker (lane `cutout`) measures the loading.
    const measure = (name: string) => timeline.filter((e) => e.name.startsWith(`cutout: ${name}`)).map((e) => e.end - e.start)[0];
    const { chosenAt, doneAfter } = await page.evaluate(() => ({
      chosenAt: (window as unknown as { __benchChanged?: number }).__benchChanged ?? NaN,
      doneAfter: Number(document.querySelector<HTMLElement>('li.card')?.dataset.benchDone),
    }));
    timeline.push({ name: 'photo chosen', start: chosenAt, end: chosenAt }, { name: 'photo done', start: chosenAt + doneAfter, end: chosenAt + doneAfter });
    // The same photo again, twice, in the same page: the steady time of its own, where the run has no other.
    const again: number[] = [];
    const againInfer: number[] = [];
    for (let i = 0; i < STEADY_CUTS; i++) {
      const cut = await cutOnPage(page, photo);
      if (cut.state !== 'done' || cut.wall === undefined) throw new Error(`the photo cut again: ${cut.state}: ${cut.error ?? 'no page-clock time'}`);
      again.push(cut.wall);
      if (cut.timings?.infer !== undefined) againInfer.push(cut.timings.infer);
    }
    return {
      browserVersion: chromium.browser.version(),
      total,
      ort: measure('ort'),
      fetch: measure('fetch '),
      session: measure('session '),
      infer: timings.infer,
      stages: timings.total,
      wasm,
      steady: median(again),
      steadyInfer: median(againInfer),
      timeline,
    };
  } finally {
    await chromium.close();
  }
}

/**
 * `loads` fresh browsers on one build, each cutting out `photo` with the default model;
 * `runs` are this bench run's passes so far, whose steady time the first photo is held to
 * where they have one (first-photo-goal.ts).
 */
export async function runFirstPhoto(baseUrl: string, build: OrtBuild, photo: string, loads: number, options: { variant?: string; runs?: readonly ModelRun[] } = {}): Promise<FirstPhotoRun> {
  const run: FirstPhotoRun = { build, variant: options.variant, model: manifest.default, photo: basename(photo), samples: [], failures: [] };
  const steadyOf = (samples: readonly FirstPhotoSample[]) => firstPhotoSteady(options.runs ?? [], run, samples);
  for (let i = 1; i <= loads; i++) {
    try {
      const { browserVersion, ...sample } = await firstPhotoOnce(baseUrl, photo);
      run.browserVersion = browserVersion;
      run.samples.push(sample);
      log(`first photo, ${build} build, load ${i}/${loads}: ${(sample.total / 1000).toFixed(1)} s (session ${fmtMs(sample.session ?? NaN)} ms, infer ${fmtMs(sample.infer)} ms; ${sample.wasm.map((w) => w.file).join(', ')})`);
      log(`  timeline, s from navigation: ${formatTimeline(sample.timeline ?? [])}`);
      log(`  ${firstPhotoBudget(sample.total, sample.fetch, steadyOf([sample])).text}`);
      log(`  first inference ${fmtMs(sample.infer)} ms against ${fmtMs(sample.steadyInfer ?? NaN)} ms for the same photo's next ones (${fmtMs(sample.steady ?? NaN)} ms each by the page's clock)`);
      const builds = sample.wasm.map((w) => ORT_WASM.exec(`/${w.file}`)?.[2] ?? 'plain');
      const expected = build === 'wasm' ? 'plain' : 'jsep';
      if (!builds.length || builds.some((b) => b !== expected)) {
        run.wrongWasm = `expected only the ${expected} .wasm, the page fetched ${builds.join(', ') || 'none'}`;
        log(`first photo, ${build} build: WARNING: ${run.wrongWasm}`);
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      run.failures.push(error);
      log(`first photo, ${build} build, load ${i}/${loads} FAILED: ${error}`);
    }
  }
  const med = (pick: (s: FirstPhotoSample) => number | undefined) => median(run.samples.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v)));
  if (run.samples.length) {
    log(`first photo, ${build} build, medians over ${run.samples.length} loads: ${firstPhotoBudget(med((s) => s.total), med((s) => s.fetch), steadyOf(run.samples)).text}`);
  }
  return run;
}
