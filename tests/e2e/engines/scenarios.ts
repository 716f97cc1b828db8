/**
 * The scenarios every browser engine must pass, written once and run by one small test
 * file per engine (one browser launch each) against the real server (`npm start`'s
 * server/main.ts over HTTP) serving the built PWA: choose a photo and download its PNG,
 * export every format (also with canvases forced small), a chosen batch with a broken file
 * and its ZIP, no request carrying image bytes (every request the server received, seen by a
 * recording proxy in front of it, so in every engine), and an offline reload and cut once
 * the server is gone.
 * Three inferences in all per engine.
 *
 * Each run writes what the engine offered and which path the app took to
 * `.e2e-report/engines/<engine>.json`; `npx tsx scripts/engine-table.ts` turns those into
 * the README's table.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { distDir, rootDir } from '../../../scripts/lib/paths.ts';
import { startServer, type RunningServer } from '../../../scripts/lib/server-process.ts';
import { fastestThreadCount, threadCandidates, threadsWithoutProbe, type KeptThreads } from '../../../web/src/cutout/threads.ts';
import { fixturesDir, PHOTOS, type PhotoName } from '../../fixtures/photos.ts';
import type { EngineDriver, EngineName } from '../support/driver.ts';
import { ENGINES } from '../support/engines.ts';
import { carriesImage } from '../support/image-bytes.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.ts';

/** What one engine offered and which path the app took in it: the README table's row. */
export interface EngineReport {
  engine: EngineName;
  label: string;
  userAgent: string;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  hardwareConcurrency: number;
  backend?: string;
  threads?: number;
  /** The thread count the probe chose with the engine idle, kept for the next visit (where it probes: threads.ts). */
  settledThreads?: number;
  /** Per format, who encodes it ('browser' or 'wasm') as the page reports, or how it failed. */
  formats: Record<string, string>;
  offline: string;
}

const INFERENCE_MS = 300_000;
const card = (name: string) => `li[aria-label="${name}"]`;
const photoPath = (name: PhotoName) => join(fixturesDir, PHOTOS[name].file);

/** Polls `fn(arg)` in the page until it returns something truthy, and resolves with it. */
async function waitFor<A, R>(driver: EngineDriver, what: string, fn: (arg: A) => R | Promise<R>, arg: A, timeoutMs = 30_000): Promise<NonNullable<R>> {
  const deadline = Date.now() + timeoutMs;
  let last: R | undefined;
  while (Date.now() < deadline) {
    last = await driver.evaluate(fn, arg);
    if (last) return last as NonNullable<R>;
    await new Promise((r) => setTimeout(r, 250));
  }
  const page = await driver.evaluate(describePage, null).catch((err: unknown) => `(the page did not answer: ${String(err)})`);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)}); the page then: ${page}`);
}

/** What a person would see of the engine and the photos, for a failure message. */
function describePage(): string {
  const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim().slice(0, 300) ?? '';
  const engine = document.querySelector('section[aria-label="Engine"]');
  const cards = [...document.querySelectorAll('li[aria-label][data-state]')].map((li) => `${li.getAttribute('aria-label')}: ${li.getAttribute('data-state')} (${text(li.querySelector('[role="status"]'))})`);
  const errors = [...document.querySelectorAll('.error, [role="alert"]')].map(text).filter(Boolean);
  return JSON.stringify({
    url: location.href,
    engine: engine ? { backend: engine.getAttribute('data-backend'), threads: engine.getAttribute('data-threads'), text: text(engine) } : null,
    cards,
    errors,
    progress: text(document.querySelector('label[for="model-progress"]')),
  });
}

/** Waits until a photo's card is in `state` ('done', 'failed'...), or failed; resolves with its status text. */
async function waitForCard(driver: EngineDriver, name: string, state: string): Promise<{ state: string | null; status: string }> {
  return waitFor(
    driver,
    `${name} to be ${state}`,
    (a: { name: string; state: string }) => {
      const li = document.querySelector(`li[aria-label="${a.name}"]`);
      const s = li?.getAttribute('data-state');
      if (s === a.state || (s === 'failed' && a.state !== 'failed')) return { state: s, status: li!.querySelector('[role="status"]')?.textContent ?? '' };
      return null;
    },
    { name, state },
    INFERENCE_MS,
  ).then((found) => {
    expect(found, `${name}: ${found.status}`).toMatchObject({ state });
    return found;
  });
}

/** Chooses the editor's transparent background (its radio has no value to select it by). */
async function chooseTransparentBackground(driver: EngineDriver): Promise<void> {
  await driver.evaluate(() => {
    const radios = [...document.querySelectorAll<HTMLInputElement>('dialog.editor input[name="background"]')];
    radios.find((r) => r.parentElement?.textContent?.trim() === 'Transparent')?.click();
  }, null);
}

/**
 * What the engine keeps about its thread count (device-settings.ts, threads.ts), read in the
 * page; null when nothing is kept (or, with `settledOnly`, nothing measured at idle time). It
 * never creates the database the engine would open. Self-contained: drivers send its source.
 */
function keptThreads(settledOnly: boolean): Promise<{ value: KeptThreads } | null> {
  return new Promise((resolve) => {
    const open = indexedDB.open('clearcut-device');
    open.onupgradeneeded = () => open.transaction?.abort(); // no such database yet
    open.onerror = () => resolve(null);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('settings')) return db.close(), resolve(null);
      const get = db.transaction('settings').objectStore('settings').get('wasm-threads');
      get.onsuccess = () => {
        db.close();
        const kept = get.result as { value: KeptThreads } | undefined;
        resolve(kept && (kept.value.settled || !settledOnly) ? kept : null);
      };
      get.onerror = () => (db.close(), resolve(null));
    };
  });
}

/** Checks a downloaded cutout: its format, its size, and a transparent background around an opaque subject. */
async function expectCutout(bytes: Buffer, format: 'png' | 'webp', width: number, height: number): Promise<void> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  expect((await sharp(bytes).metadata()).format).toBe(format);
  expect([info.width, info.height, info.channels]).toEqual([width, height, 4]);
  const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
  for (const [x, y] of [[2, 2], [info.width - 3, 2]]) expect(alphaAt(x, y), `corner ${x},${y}`).toBeLessThan(16);
  expect(alphaAt(info.width >> 1, Math.round(info.height * 0.35)), 'the subject').toBeGreaterThan(240);
}

/** Writes the engine's report for the README table. */
function writeReport(report: EngineReport): void {
  const dir = join(rootDir, '.e2e-report', 'engines');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${report.engine}.json`), `${JSON.stringify(report, null, 2)}\n`);
}

/** Declares the whole suite for one engine; skipped, and named as such, when it is not installed. */
export function describeEngine(name: EngineName): void {
  const engine = ENGINES[name];
  const installed = engine.installed();

  describe.skipIf(!installed)(`${engine.label}${installed ? '' : ` (SKIPPED: not installed; ${engine.install})`}`, () => {
    let dist: string;
    /** Files the test makes (the broken photo). */
    let workDir: string;
    let server: RunningServer | undefined;
    /** The page talks to the server through it: what the server received, in every engine. */
    let proxy: RecordingProxy | undefined;
    let driver: EngineDriver;
    /** The PNG the editor exported through ordinary canvases. */
    let exportedPng: Buffer | undefined;
    const report: EngineReport = {
      engine: name,
      label: engine.label,
      userAgent: '',
      crossOriginIsolated: false,
      sharedArrayBuffer: false,
      hardwareConcurrency: 0,
      formats: {},
      offline: 'not run',
    };

    beforeAll(async () => {
      // A copy of dist/: others may rebuild dist/ while this runs.
      dist = mkdtempSync(join(tmpdir(), 'clearcut-dist-'));
      workDir = mkdtempSync(join(tmpdir(), 'clearcut-files-'));
      cpSync(distDir, dist, { recursive: true });
      server = await startServer({ DIST_DIR: dist });
      proxy = await startRecordingProxy(server.url);
      driver = await engine.launch();
      await driver.goto(proxy.url);
    });

    afterEach(async () => {
      // Whatever a test left open (the editor is modal) or set, the next one starts from the page.
      if (!server) return;
      await driver
        .evaluate(() => {
          document.querySelector<HTMLDialogElement>('dialog.editor')?.close();
          if (location.search) history.replaceState(null, '', '/');
        }, null)
        .catch(() => {});
    });

    afterAll(async () => {
      writeReport(report);
      await driver?.close();
      await proxy?.stop();
      await server?.stop();
      if (dist) rmSync(dist, { recursive: true, force: true });
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it('is cross-origin isolated, and says so', async () => {
      const env = await driver.evaluate(
        () => ({
          userAgent: navigator.userAgent,
          crossOriginIsolated: self.crossOriginIsolated,
          sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
          hardwareConcurrency: navigator.hardwareConcurrency,
        }),
        null,
      );
      Object.assign(report, env);
      expect(env.crossOriginIsolated).toBe(true);
    });

    it("cuts out a chosen photo and downloads it as a PNG at the photo's size, transparent around the subject", async () => {
      await driver.chooseFiles('#photo-input', [photoPath('astronaut')]);
      await waitForCard(driver, 'astronaut.jpg', 'done');
      const file = await driver.download(`${card('astronaut.jpg')} a[download]`);
      expect(file.name).toBe('astronaut-cutout.png');
      await expectCutout(file.bytes, 'png', PHOTOS.astronaut.width, PHOTOS.astronaut.height);
    });

    it('reports the backend and thread count that really ran: threads only with SharedArrayBuffer, never more than the cores', async () => {
      const ran = await driver.evaluate(() => {
        const el = document.querySelector('section[aria-label="Engine"]');
        return {
          backend: el?.getAttribute('data-backend'),
          threads: Number(el?.getAttribute('data-threads')),
          encoders: el?.getAttribute('data-encoders') ?? '{}',
          text: el?.textContent ?? '',
        };
      }, null);
      report.formats = JSON.parse(ran.encoders) as Record<string, string>;
      report.backend = ran.backend ?? undefined;
      report.threads = ran.threads;
      expect(ran.backend).toBe('wasm');
      expect(ran.threads).toBeGreaterThanOrEqual(1);
      if (!report.sharedArrayBuffer) expect(ran.threads, 'threads without SharedArrayBuffer').toBe(1);
      // A fresh profile: nothing is probed before the first cutout (its answer is for the next start).
      else expect(ran.threads, 'threads before any probe has measured').toBe(threadsWithoutProbe(report.hardwareConcurrency));
      // The suite runs on the browser's own machine: more threads than its cores oversubscribe it.
      expect(ran.threads, 'threads against this machine\'s cores').toBeLessThanOrEqual(availableParallelism());
      expect(ran.text).toContain(`WebAssembly, ${ran.threads} thread`);
    });

    it('measures the thread count once the engine is idle after the first cutout, and keeps that answer for the next start; probes nothing where two or fewer cores are reported', async () => {
      if (!report.sharedArrayBuffer || report.hardwareConcurrency <= 2) {
        // No threads, or two reported cores: two threads without a probe (threads.ts), so nothing is kept.
        expect(await driver.evaluate(keptThreads, false)).toBeNull();
        return;
      }
      // The engine probes after 5 s with no cut running, never at page load.
      const kept = await waitFor(driver, 'the thread count measured at idle time', keptThreads, true, 180_000);
      report.settledThreads = kept.value.threads;
      expect(kept.value.hardwareConcurrency).toBe(report.hardwareConcurrency);
      expect(threadCandidates(report.hardwareConcurrency)).toContain(kept.value.threads);
      // A real measurement: a round for every count tried, and the count they give.
      expect(kept.value.rounds.map((r) => r.threads)).toEqual(threadCandidates(report.hardwareConcurrency));
      expect(kept.value.threads).toBe(fastestThreadCount(kept.value.rounds));
    });

    it('exports PNG, WebP and JPEG from the editor, each a real file of its format', async () => {
      await driver.click(`button[aria-label="Edit astronaut.jpg"]`);
      // JPEG last: choosing it puts a white background behind the cutout (it has no alpha).
      for (const format of ['png', 'webp', 'jpeg'] as const) {
        await driver.click(`input[name="format"][value="${format}"]`);
        const ext = format === 'jpeg' ? 'jpg' : format;
        const outcome = await waitFor(
          driver,
          `the ${format} export`,
          (e: string) => {
            const link = document.querySelector(`.export a[download$=".${e}"]`);
            const error = document.querySelector('.export .error');
            // Not `error`: WebDriver takes an answer with an `error` key for its own failure.
            return link ? { ok: true, reason: '' } : error ? { ok: false, reason: error.textContent ?? '' } : null;
          },
          ext,
          60_000,
        );
        if (!outcome.ok) report.formats[format] = `fails: ${outcome.reason}`;
        expect(outcome, format).toMatchObject({ ok: true });
        const file = await driver.download(`.export a[download$=".${ext}"]`);
        expect(file.name).toBe(`astronaut-cutout.${ext}`);
        const meta = await sharp(file.bytes).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual([format, PHOTOS.astronaut.width, PHOTOS.astronaut.height]);
        if (format !== 'jpeg') await expectCutout(file.bytes, format, PHOTOS.astronaut.width, PHOTOS.astronaut.height);
        if (format === 'png') exportedPng = file.bytes;
      }
    });

    it('with canvases limited to 128×128 pixels (as Safari limits them, smaller), exports the very same PNG, a WebP, and refuses JPEG with a way out', async () => {
      // The page reads ?canvas-limit= at each request: set it without reloading, so the cutout stays.
      await driver.evaluate(() => history.replaceState(null, '', '/?canvas-limit=16384'), null);
      await driver.click(`button[aria-label="Edit astronaut.jpg"]`);
      // The editor shows the photo scaled down to the limit (a larger canvas blanks in Safari).
      const canvases = await waitFor(
        driver,
        'the editor to show the photo',
        () => (document.querySelector('dialog.editor [role="application"][data-ready="true"]') ? [...document.querySelectorAll('dialog.editor canvas')].map((c) => (c as HTMLCanvasElement).width * (c as HTMLCanvasElement).height) : null),
        null,
        60_000,
      );
      expect(Math.max(...canvases), 'the largest canvas in the editor').toBeLessThanOrEqual(16_384);
      await chooseTransparentBackground(driver);
      for (const format of ['png', 'webp', 'jpeg'] as const) {
        await driver.click(`input[name="format"][value="${format}"]`);
        const ext = format === 'jpeg' ? 'jpg' : format;
        const outcome = await waitFor(
          driver,
          `the ${format} export`,
          (e: string) => {
            const link = document.querySelector(`.export a[download$=".${e}"]`);
            const error = document.querySelector('.export .error');
            return link ? { ok: true, reason: '' } : error ? { ok: false, reason: error.textContent ?? '' } : null;
          },
          ext,
          60_000,
        );
        if (format === 'jpeg') {
          expect(outcome.ok).toBe(false);
          expect(outcome.reason).toMatch(/larger than this browser can make a JPEG of\. Choose the standard size, or PNG or WebP/);
          continue;
        }
        expect(outcome, format).toMatchObject({ ok: true });
        const file = await driver.download(`.export a[download$=".${ext}"]`);
        await expectCutout(file.bytes, format, PHOTOS.astronaut.width, PHOTOS.astronaut.height);
        if (format === 'png') {
          // Decoded in strips of 32 rows and written by png.ts: the same pixels as through one canvas,
          // up to the rounding of a canvas that stores colours premultiplied by alpha (Firefox's: 1.31 measured).
          const [a, b] = await Promise.all([file.bytes, exportedPng!].map((bytes) => sharp(bytes).raw().toBuffer()));
          expect(a.length).toBe(b.length);
          let worst = 0;
          for (let i = 0; i < a.length; i += 4) {
            expect(a[i + 3], `alpha at pixel ${i / 4}`).toBe(b[i + 3]);
            for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(a[i + c] - b[i + c]) * (a[i + 3] / 255));
          }
          expect(worst, 'largest premultiplied colour difference').toBeLessThanOrEqual(2);
        }
      }
      // The batch's ZIP (next) saves this photo in the format chosen last.
      await driver.click('input[name="format"][value="webp"]');
      // Back to the browser's own canvas limit: the next tests are about the batch, not the strips.
      await driver.evaluate(() => history.replaceState(null, '', '/'), null);
    });

    it('finishes the good photo of a chosen batch, fails the broken one with its reason, and zips both cutouts (WebP included)', async () => {
      // Chosen, not dropped: Firefox ignored the synthetic drop Chromium and WebKit take (tests/e2e/batch.test.ts drops in Chromium).
      const broken = join(workDir, 'broken.jpg');
      writeFileSync(broken, readFileSync(photoPath('coffee')).subarray(0, 5000));
      await driver.chooseFiles('#photo-input', [broken, photoPath('rocket')]);
      const failed = await waitForCard(driver, 'broken.jpg', 'failed');
      expect(failed.status).toMatch(/truncated or corrupt/);
      await waitForCard(driver, 'rocket.jpg', 'done');

      const file = await driver.download('section[aria-label="Batch"] button.primary');
      expect(file.name).toBe('clearcut-2-cutouts.zip');
      const zip = unzipSync(new Uint8Array(file.bytes));
      expect(Object.keys(zip).sort()).toEqual(['astronaut-cutout.webp', 'rocket-cutout.png']);
      // (On the white background JPEG left behind it.)
      const webp = await sharp(zip['astronaut-cutout.webp']).metadata();
      expect([webp.format, webp.width, webp.height]).toEqual(['webp', PHOTOS.astronaut.width, PHOTOS.astronaut.height]);
      expect((await sharp(zip['rocket-cutout.png']).metadata()).format).toBe('png');
    });

    it('sent the server no image bytes in any request: every request it received, with its whole body', () => {
      const received = proxy!.received();
      // The page, its scripts and the model at least; the model's download shows the proxy sees real traffic.
      expect(received.some((r) => r.method === 'GET' && r.path === '/')).toBe(true);
      expect(received.some((r) => r.path.startsWith('/models/'))).toBe(true);
      const photos = (['astronaut', 'rocket'] as const).map((p) => readFileSync(photoPath(p)));
      for (const r of received) expect(carriesImage(r.body, photos), `${r.method} ${r.path} (${r.body.length} bytes)`).toBe(false);
    });

    it('made no request the driver shows to any other origin, nor one with image bytes (where the driver shows requests: Chromium)', (ctx) => {
      if (!driver.observesRequests) ctx.skip();
      const seen = driver.requests();
      expect(seen.length).toBeGreaterThan(0);
      const photos = (['astronaut', 'rocket'] as const).map((p) => readFileSync(photoPath(p)));
      for (const r of seen) {
        expect(new URL(r.url).origin, r.url).toMatch(/^(http:\/\/127\.0\.0\.1:\d+|null)$/);
        // A body the engine does not show must at least be too small to hold a photo.
        expect(r.body, `${r.method} ${r.url} has a body this engine does not show`).not.toBe(undefined);
        expect(carriesImage(r.body ?? null, photos), `${r.method} ${r.url}`).toBe(false);
      }
    });

    it('reloads from its service worker and cuts out a photo once the server is gone', async () => {
      await waitFor(driver, 'a service worker', async () => {
        await navigator.serviceWorker.ready;
        return true;
      }, null);
      // The worker controls the page from the next load on.
      await driver.reload();
      await waitFor(driver, 'the service worker to control the page', () => Boolean(navigator.serviceWorker.controller), null);
      await proxy!.stop();
      await server!.stop();
      server = undefined;
      if (driver.emulatesOffline) await driver.setOffline(true);
      // Four WASM threads where threads exist, whatever the probe chose: three thread workers load at
      // once through the service worker (WebKit sent some of them to the network, and the session never
      // opened). Not yet run in Firefox with four: there the probe's count runs.
      const forcedThreads = name !== 'firefox' && report.sharedArrayBuffer;
      if (forcedThreads) await driver.evaluate(() => history.replaceState(null, '', '/?threads=4'), null);
      await driver.reload();
      const env = await waitFor(driver, 'the page to load offline', () => (document.querySelector('#photo-input') ? { isolated: self.crossOriginIsolated } : null), null);
      expect(env.isolated).toBe(true);
      await driver.chooseFiles('#photo-input', [photoPath('chelsea')]);
      await waitForCard(driver, 'chelsea.png', 'done');
      if (forcedThreads) {
        const threads = await driver.evaluate(() => Number(document.querySelector('section[aria-label="Engine"]')?.getAttribute('data-threads')), null);
        expect(threads, 'WASM threads that ran offline').toBe(4);
      }
      report.offline = driver.emulatesOffline ? 'server stopped and network off' : 'server stopped';
    });
  });
}
