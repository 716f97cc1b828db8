/**
 * First photo: the time from navigating to the app to the first cutout, in fresh browsers
 * (empty profile and HTTP cache, so the model download and the .wasm compile count), for
 * the default model; run once with the WASM-only onnxruntime-web build the app loads and
 * once with the package's default bundle (JSEP, ~28 MB .wasm) from a build made with
 * VITE_ORT_BUILD=default. Each load also says which onnxruntime .wasm files it fetched.
 */
import { basename } from 'node:path';
import { manifest } from '../../web/src/cutout/model.ts';
import type { StageTimings } from '../../web/src/cutout/pipeline.ts';
import { launchChromium } from '../lib/chromium.ts';
import { fmtMs, log, PHOTO_TIMEOUT_MS, toSample } from './samples.ts';

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
    const worker = page.workers().find((w) => /worker/.test(w.url()));
    const measures = worker
      ? await worker.evaluate(() => performance.getEntriesByType('measure').map((m) => ({ name: m.name, duration: m.duration })))
      : [];
    const measure = (prefix: string) => measures.find((m) => m.name.startsWith(prefix))?.duration;
    return { browserVersion: chromium.browser.version(), total, ort: measure('clearcut:ort'), fetch: measure('clearcut:fetch '), session: measure('clearcut:session '), infer: timings.infer, stages: timings.total, wasm };
  } finally {
    await chromium.close();
  }
}

/** `loads` fresh browsers on one build, each cutting out `photo` with the default model. */
export async function runFirstPhoto(baseUrl: string, build: OrtBuild, photo: string, loads: number): Promise<FirstPhotoRun> {
  const run: FirstPhotoRun = { build, model: manifest.default, photo: basename(photo), samples: [], failures: [] };
  for (let i = 1; i <= loads; i++) {
    try {
      const { browserVersion, ...sample } = await firstPhotoOnce(baseUrl, photo);
      run.browserVersion = browserVersion;
      run.samples.push(sample);
      log(`first photo, ${build} build, load ${i}/${loads}: ${(sample.total / 1000).toFixed(1)} s (session ${fmtMs(sample.session ?? NaN)} ms, infer ${fmtMs(sample.infer)} ms; ${sample.wasm.map((w) => w.file).join(', ')})`);
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
  return run;
}
