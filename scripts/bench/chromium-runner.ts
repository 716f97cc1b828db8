/**
 * Chromium: the built PWA through the real page (WASM, threaded), one fresh browser per
 * model, so one model's memory never counts towards another's; one untimed warm-up photo
 * first, which also downloads and opens the model.
 */
import { basename } from 'node:path';
import type { Page } from 'playwright-core';
import { manifest } from '../../web/src/cutout/model.ts';
import type { StageTimings } from '../../web/src/cutout/pipeline.ts';
import { launchChromium } from '../lib/chromium.ts';
import { ownRenderers, peakRssKiB, resetPeak, RssSampler, sumRssKiB } from '../lib/proc-memory.ts';
import { fmtSample, kibToMib, log, mib, PHOTO_TIMEOUT_MS, sleep, toSample, type ModelRun, type PhotoSet } from './samples.ts';

/** Queues one photo on the page and waits for its card to finish; the card's stage times. */
export async function cutOnPage(page: Page, file: string): Promise<{ state: string; timings?: StageTimings; error?: string }> {
  const cards = page.locator('li.card');
  const index = await cards.count();
  await page.getByLabel('Choose photos').setInputFiles(file);
  const state = await (
    await page.waitForFunction(
      (i) => {
        const s = document.querySelectorAll('li.card')[i]?.getAttribute('data-state');
        return s === 'done' || s === 'failed' || s === 'cancelled' ? s : false;
      },
      index,
      { timeout: PHOTO_TIMEOUT_MS, polling: 250 },
    )
  ).jsonValue();
  const card = cards.nth(index);
  if (state !== 'done') return { state: String(state), error: (await card.locator('.status').textContent())?.trim() };
  const timings = JSON.parse((await card.getAttribute('data-timings')) ?? '{}') as StageTimings;
  // Drop the card (and its object URLs) so finished photos do not pile up in the page's memory.
  await card.getByRole('button', { name: /^Remove/ }).click({ timeout: 5000 }).catch(() => {});
  return { state: 'done', timings };
}

/** performance.measureUserAgentSpecificMemory() split into the worker's and the page's bytes. */
async function measurePageMemory(page: Page): Promise<{ worker: number; page: number } | string> {
  try {
    return await page.evaluate(async () => {
      const perf = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ breakdown: { bytes: number; attribution: { scope: string }[] }[] }> };
      if (!perf.measureUserAgentSpecificMemory) return 'performance.measureUserAgentSpecificMemory is not available';
      const timeout = new Promise<string>((r) => setTimeout(() => r('measureUserAgentSpecificMemory did not answer within 90 s'), 90_000));
      const result = await Promise.race([perf.measureUserAgentSpecificMemory(), timeout]);
      if (typeof result === 'string') return result;
      let worker = 0;
      let page = 0;
      for (const b of result.breakdown) {
        if (b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')) worker += b.bytes;
        else page += b.bytes;
      }
      return { worker, page };
    });
  } catch (err) {
    return `measureUserAgentSpecificMemory failed: ${err instanceof Error ? err.message : err}`;
  }
}

/** Every photo set through one fresh browser on `baseUrl` with `model`; memory figures around the large photo. */
export async function runChromiumModel(baseUrl: string, model: string, runs: number, sets: PhotoSet[]): Promise<ModelRun> {
  const tag = `chromium ${model}`;
  // Without this switch the measurement waits for the next garbage collection (up to a minute).
  const chromium = await launchChromium({ args: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  try {
    const context = await chromium.browser.newContext();
    const modelRequests: string[] = [];
    context.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/models/')) modelRequests.push(path);
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => log(`${tag}: page error: ${err.message}`));
    await page.goto(`${baseUrl}/?model=${encodeURIComponent(model)}`);
    if (!(await page.evaluate(() => self.crossOriginIsolated))) throw new Error('the page is not cross-origin isolated: WASM would run on one thread');
    const engine = page.getByRole('region', { name: 'Engine' });
    for (let waited = 0; !(await engine.getAttribute('data-backend')); waited += 100) {
      if (waited > 120_000) throw new Error('the page never reported its backend');
      await sleep(100);
    }
    await sleep(1500); // let the fresh page settle before reading its idle memory
    const idle = sumRssKiB(ownRenderers());

    const photos = sets.find((s) => s.name === 'photos')!;
    log(`${tag}: warm-up on ${basename(photos.files[0])} (untimed; downloads and opens the model)`);
    const warm = await cutOnPage(page, photos.files[0]);
    if (warm.state !== 'done') throw new Error(`warm-up photo ${warm.state}: ${warm.error}`);
    const run: ModelRun = {
      env: 'chromium',
      model,
      backend: (await engine.getAttribute('data-backend')) ?? '?',
      threads: Number(await engine.getAttribute('data-threads')),
      samples: { photos: [], large: [] },
      failures: [],
      memory: { idle: kibToMib(idle) },
      modelRequests,
      browserVersion: chromium.browser.version(),
    };
    if (run.backend !== 'wasm') log(`${tag}: WARNING: the page ran on ${run.backend}, not wasm`);

    for (const set of sets) {
      const large = set.name === 'large';
      let sampler: RssSampler | undefined;
      let renderers: number[] = [];
      if (large) {
        await sleep(1000);
        renderers = ownRenderers();
        run.memory.before = kibToMib(sumRssKiB(renderers));
        if (!renderers.every((pid) => resetPeak(pid))) run.memory.note = 'VmHWM could not be reset for every renderer';
        sampler = new RssSampler(ownRenderers, 100);
        sampler.start();
      }
      for (let pass = 1; pass <= runs; pass++) {
        for (const file of set.files) {
          const r = await cutOnPage(page, file);
          if (r.state === 'done' && r.timings) {
            const sample = toSample(r.timings);
            run.samples[set.name].push(sample);
            log(`${tag} ${set.label} pass ${pass}/${runs} ${basename(file)}: ${fmtSample(sample)}`);
          } else {
            run.failures.push({ file: basename(file), error: `${r.state}: ${r.error ?? ''}` });
            log(`${tag} ${set.label} ${basename(file)} FAILED (${r.state}): ${r.error ?? ''}`);
          }
        }
      }
      if (sampler) {
        run.memory.peak = kibToMib(sampler.stop().peakKiB);
        run.memory.hwm = kibToMib(Math.max(0, ...renderers.map((pid) => peakRssKiB(pid) ?? 0)));
        const measured = await measurePageMemory(page);
        if (typeof measured === 'string') run.memory.note = [run.memory.note, measured].filter(Boolean).join('; ');
        else (run.memory.workerNow = mib(measured.worker)), (run.memory.pageNow = mib(measured.page));
      }
    }
    const file = manifest.models.find((m) => m.id === model)!.file;
    const wrong = modelRequests.filter((p) => !p.endsWith(`/${file}`));
    if (wrong.length) log(`${tag}: WARNING: the page also fetched ${[...new Set(wrong)].join(', ')}`);
    if (!modelRequests.some((p) => p.endsWith(`/${file}`))) log(`${tag}: WARNING: the page never fetched ${file}: was ?model= honoured?`);
    return run;
  } finally {
    await chromium.close();
  }
}
