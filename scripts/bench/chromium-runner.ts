/**
 * Chromium: the built PWA through the real page (WASM, threaded), one fresh browser per
 * model, so one model's memory never counts towards another's; one untimed warm-up photo
 * first, which also downloads and opens the model.
 */
import { basename } from 'node:path';
import type { Page } from 'playwright-core';
import { manifest, modelsOf } from '../../web/src/cutout/model.ts';
import type { StageTimings } from '../../web/src/cutout/pipeline.ts';
import { launchMeasured } from '../lib/measured-chromium.ts';
import { chromiumSnapshot, cpuSpent, outsideWorkers, type CpuSnapshot } from '../lib/proc-cpu.ts';
import { ownRenderers, peakRssKiB, resetPeak, RssSampler, sumRssKiB } from '../lib/proc-memory.ts';
import { fmtSample, kibToMib, log, mib, PHOTO_TIMEOUT_MS, sleep, toSample, type ModelRun, type PhotoSet } from './samples.ts';

/**
 * A clock in the page itself: the time of the last file input change, and on each card,
 * as `data-bench-done`, the ms from that change to the card reaching a final state
 * (recorded by a MutationObserver the moment the page sets it, not when the bench polls).
 */
export async function installPageClock(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __benchChanged?: number };
    if (w.__benchChanged !== undefined) return;
    w.__benchChanged = NaN;
    document.addEventListener('change', (e) => {
      if ((e.target as Element).matches?.('input[type=file]')) w.__benchChanged = performance.now();
    }, true);
    const final = new Set(['done', 'failed', 'cancelled']);
    new MutationObserver((records) => {
      const now = performance.now();
      for (const r of records) {
        const card = r.target as HTMLElement;
        if (card.matches('li.card') && final.has(card.dataset.state ?? '') && !card.dataset.benchDone) card.dataset.benchDone = String(now - w.__benchChanged!);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

export interface CardResult {
  state: string;
  timings?: StageTimings;
  /** ms from choosing the file(s) to this card done, by the page's clock. */
  wall?: number;
  error?: string;
}

/**
 * Chooses files on the page and waits for their cards to finish; each card's state, stage
 * times and page-clock time. `onDone` runs as soon as the last card is seen finished, before
 * the bench reads the cards and removes them.
 */
export async function cutFilesOnPage(page: Page, files: string[], onDone?: () => void): Promise<CardResult[]> {
  const cards = page.locator('li.card');
  const first = await cards.count();
  await page.locator('#photo-input').setInputFiles(files);
  await page.waitForFunction(
    ([from, n]) => {
      const all = [...document.querySelectorAll('li.card')].slice(from, from + n);
      return all.length === n && all.every((c) => ['done', 'failed', 'cancelled'].includes(c.getAttribute('data-state') ?? ''));
    },
    [first, files.length] as const,
    { timeout: PHOTO_TIMEOUT_MS * files.length, polling: 250 },
  );
  onDone?.();
  const results: CardResult[] = [];
  for (let i = 0; i < files.length; i++) {
    const card = cards.nth(first + i);
    const state = (await card.getAttribute('data-state')) ?? '?';
    const wall = Number(await card.getAttribute('data-bench-done'));
    if (state !== 'done') results.push({ state, error: (await card.locator('.status').textContent())?.trim() });
    else results.push({ state, wall: Number.isFinite(wall) ? wall : undefined, timings: JSON.parse((await card.getAttribute('data-timings')) ?? '{}') as StageTimings });
  }
  // Drop the cards (and their object URLs) so finished photos do not pile up in the page's memory.
  for (let i = files.length - 1; i >= 0; i--) await cards.nth(first + i).getByRole('button', { name: /^Remove/ }).click({ timeout: 5000 }).catch(() => {});
  return results;
}

/** Queues one photo on the page and waits for its card to finish (`onDone` as for cutFilesOnPage). */
export async function cutOnPage(page: Page, file: string, onDone?: () => void): Promise<CardResult> {
  return (await cutFilesOnPage(page, [file], onDone))[0];
}

/** CPU seconds the browser spent between a snapshot and now: all of it, and outside the page's workers. */
export type CpuFigures = { cpu: number; cpuOutside: number };

/**
 * Measures the CPU of the browser whose main process is `root` around `work`, from /proc
 * (no figures without a root or off Linux). `work` calls `done` at the moment to stop.
 */
export async function withCpu<T>(root: number | undefined, work: (done: () => void) => Promise<T>): Promise<[T, CpuFigures | undefined]> {
  if (root === undefined) return [await work(() => {}), undefined];
  const before: CpuSnapshot = chromiumSnapshot(root);
  let figures: CpuFigures | undefined;
  const done = () => {
    const spent = cpuSpent(before, chromiumSnapshot(root));
    figures ??= { cpu: round2(spent.seconds), cpuOutside: round2(outsideWorkers(spent)) };
  };
  const result = await work(done);
  done();
  return [result, figures];
}
const round2 = (s: number) => Math.round(s * 100) / 100;

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
export async function runChromiumModel(baseUrl: string, model: string, runs: number, sets: PhotoSet[], options: { variant?: string; batch?: boolean; timed?: PhotoSet['name'][] } = {}): Promise<ModelRun> {
  const tag = `chromium${options.variant ? ` (${options.variant})` : ''} ${model}`;
  // Without this switch the memory measurement waits for the next garbage collection (up to a minute).
  const chromium = await launchMeasured({ args: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  const root = chromium.root;
  if (root === undefined) log(`${tag}: the browser's main process was not found: no CPU figures`);
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
    const engine = page.locator('section[aria-label="Engine"]');
    for (let waited = 0; !(await engine.getAttribute('data-backend')); waited += 100) {
      if (waited > 120_000) throw new Error('the page never reported its backend');
      await sleep(100);
    }
    await installPageClock(page);
    await sleep(1500); // let the fresh page settle before reading its idle memory
    const idle = sumRssKiB(ownRenderers());

    const photos = sets.find((s) => s.name === 'photos')!;
    log(`${tag}: warm-up on ${basename(photos.files[0])} (untimed; downloads and opens the model)`);
    const warm = await cutOnPage(page, photos.files[0]);
    if (warm.state !== 'done') throw new Error(`warm-up photo ${warm.state}: ${warm.error}`);
    const run: ModelRun = {
      env: 'chromium',
      variant: options.variant,
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
      if (options.timed && !options.timed.includes(set.name)) continue;
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
          const [r, cpu] = await withCpu(root, (done) => cutOnPage(page, file, done));
          if (r.state === 'done' && r.timings) {
            const sample = { ...toSample(r.timings), wall: r.wall, ...cpu, file: basename(file) };
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
    if (options.batch && photos.files.length > 1) {
      // A failed batch pass costs its table, not the run's other figures.
      const [results, cpu] = await withCpu(root, (done) =>
        cutFilesOnPage(page, photos.files, done).catch((err: unknown) => {
          log(`${tag} batch FAILED: ${err instanceof Error ? err.message : err}`);
          return [];
        }),
      );
      const done = results.map((r) => r.wall).filter((w): w is number => w !== undefined);
      if (results.length && done.length === results.length) {
        const firstDone = Math.min(...done), lastDone = Math.max(...done);
        run.batch = { photos: done.length, firstDone, lastDone, perPhoto: (lastDone - firstDone) / (done.length - 1), cpuPerPhoto: cpu ? round2(cpu.cpu / done.length) : undefined };
        log(`${tag} batch of ${done.length}: first done after ${(firstDone / 1000).toFixed(1)} s, last after ${(lastDone / 1000).toFixed(1)} s; ${(run.batch.perPhoto / 1000).toFixed(2)} s per photo`);
      } else {
        log(`${tag} batch: ${results.length - done.length} photo(s) failed: ${results.filter((r) => r.state !== 'done').map((r) => r.error).join('; ')}`);
      }
    }
    // A level with a second opinion fetches that model too (Quality: Fast's).
    const [file, ...others] = modelsOf(manifest.models.find((m) => m.id === model)!).map((m) => m.file);
    const wrong = modelRequests.filter((p) => ![file, ...others].some((f) => p.endsWith(`/${f}`)));
    if (wrong.length) log(`${tag}: WARNING: the page also fetched ${[...new Set(wrong)].join(', ')}`);
    if (!modelRequests.some((p) => p.endsWith(`/${file}`))) log(`${tag}: WARNING: the page never fetched ${file}: was ?model= honoured?`);
    return run;
  } finally {
    await chromium.close();
  }
}
