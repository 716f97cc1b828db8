/**
 * Offline and installable, in real Chromium against the real server serving a copy of the
 * built PWA: the manifest and icons, the service worker taking control, a cutout online
 * (which keeps the default model in Cache Storage), the "new version — Reload" prompt,
 * then the server stopped and the network off: the page reloads from the service worker,
 * stays cross-origin isolated and cuts out a second photo. Then removing a cached model
 * in the UI, and the terms and privacy policy read offline. Two inferences in all (each costs
 * tens of seconds here).
 */
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir } from '../../scripts/lib/paths.ts';
import { manifest, modelInfo } from '../../web/src/cutout/model.ts';
import { formatBytes } from '../../web/src/workbench/model-choice.ts';
import { fixturesDir, PHOTOS } from '../fixtures/photos.ts';
import { openApp, type App } from './support/app.ts';

/** The model a first visit uses, and the one labelled Fast: the tests follow the manifest. */
const DEFAULT = modelInfo(manifest.default);
const FAST = manifest.models.find((m) => m.label === 'Fast')!;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface WebManifest {
  name: string;
  short_name: string;
  start_url: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
}

/** Waits until a service worker controls the page, reloading once if it activated without claiming it. */
async function waitForControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) await page.reload();
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 60_000 });
}

/** The URLs kept in every Cache Storage cache of the page's origin, by cache name. */
function cacheContents(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search);
    }
    return out;
  });
}

/** Opens Settings (the quality levels and "About this device"), runs `inside`, and closes it again. */
async function inSettings<T>(page: Page, inside: (settings: ReturnType<Page['getByRole']>) => Promise<T>): Promise<T> {
  await page.getByRole('button', { name: /^Settings/ }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.waitFor();
  try {
    return await inside(settings);
  } finally {
    await settings.getByRole('button', { name: 'Close' }).click();
    await settings.waitFor({ state: 'hidden' });
  }
}

/** Chooses a photo and waits for its cutout's download link. */
async function cutOut(page: Page, photo: keyof typeof PHOTOS): Promise<void> {
  await page.getByLabel('Choose photos').setInputFiles(join(fixturesDir, PHOTOS[photo].file));
  const name = PHOTOS[photo].file.replace(/\.\w+$/, '-cutout.png');
  await page.getByRole('link', { name: `Download ${name}` }).waitFor({ timeout: 300_000 });
}

describe('offline and installable, in Chromium', () => {
  let dist: string;
  let app: App;
  let page: Page;

  beforeAll(async () => {
    // A copy of dist/: this test edits sw.js to deploy a "new version", and others may rebuild dist/ meanwhile.
    dist = mkdtempSync(join(tmpdir(), 'clearcut-dist-'));
    cpSync(distDir, dist, { recursive: true });
    app = await openApp({ env: { DIST_DIR: dist } });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('links a web app manifest that parses, with 192 and 512 PNG icons and a maskable one', async () => {
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const res = await page.request.get(new URL(href!, app.url).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = JSON.parse(await res.text()) as WebManifest;
    expect(manifest).toMatchObject({ name: expect.stringContaining('clearcut'), short_name: 'clearcut', start_url: '/', display: 'standalone' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

    const png = (size: number, purpose: string) =>
      manifest.icons.find((i) => i.type === 'image/png' && i.sizes === `${size}x${size}` && (i.purpose ?? 'any').split(' ').includes(purpose));
    for (const [size, purpose] of [[192, 'any'], [512, 'any'], [512, 'maskable']] as const) {
      const icon = png(size, purpose);
      expect(icon, `${size} ${purpose}`).toBeDefined();
      const file = await page.request.get(new URL(icon!.src, app.url).href);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-type']).toBe('image/png');
      const meta = await sharp(await file.body()).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', size, size]);
    }
  });

  it('serves the service worker for revalidation on every load, under the same security headers', async () => {
    const res = await page.request.get(new URL('/sw.js', app.url).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers()['cache-control']).toBe('no-cache');
    expect(res.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  });

  it('registers a service worker that controls the page and precaches the shell and the WASM build, not the models', async () => {
    await waitForControl(page);
    const cached = await cacheContents(page);
    const precache = Object.entries(cached).find(([name]) => name.startsWith('workbox-precache'));
    expect(precache, Object.keys(cached).join(', ')).toBeDefined();
    // Files without a hash in their name are kept under `?__WB_REVISION__=...`.
    const urls = precache![1].map((u) => u.split('?')[0]);
    expect(urls).toContain('/index.html');
    expect(urls.some((u) => /^\/assets\/ort-wasm-simd-threaded-[\w-]+\.wasm/.test(u)), urls.join('\n')).toBe(true);
    expect(urls.some((u) => /^\/assets\/worker-[\w-]+\.js/.test(u))).toBe(true);
    // The empty page's before/after example shows offline too.
    expect(urls.some((u) => /^\/assets\/sample-cutout-[\w-]+\.webp$/.test(u)), urls.join('\n')).toBe(true);
    // The WebGPU build's 27 MB wasm is cached on first use only; the models never by the service worker.
    expect(urls.some((u) => u.includes('asyncify'))).toBe(false);
    expect(urls.some((u) => u.startsWith('/models/'))).toBe(false);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  });

  it('is installable as Chromium judges it (bar the throwaway profile, which it treats as incognito)', async () => {
    const cdp = await app.context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.url).toBe(new URL('/manifest.webmanifest', app.url).href);
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach();
  });

  it('caches the WebGPU build\'s wasm on its first use, and answers it from that cache afterwards', async () => {
    const file = readdirSync(join(dist, 'assets')).find((f) => /\.asyncify-[\w-]+\.wasm$/.test(f));
    expect(file).toBeDefined();
    const url = `/assets/${file}`;
    const fetchIt = () => page.evaluate(async (u) => (await (await fetch(u)).arrayBuffer()).byteLength, url);
    const size = await fetchIt();
    expect(size).toBeGreaterThan(1_000_000);
    expect((await cacheContents(page))['clearcut-ort-webgpu']).toEqual([url]);
    const before = app.responses.length;
    expect(await fetchIt()).toBe(size);
    const again = app.responses.slice(before).find((r) => new URL(r.url()).pathname === url);
    expect(again?.fromServiceWorker()).toBe(true);
  });

  it('cuts out a photo online, keeping the default model in Cache Storage: the model list says it is available offline', async () => {
    const quality = page.locator(`li[data-model="${DEFAULT.id}"]`);
    const fast = page.locator(`li[data-model="${FAST.id}"]`);
    await expect.poll(() => quality.getAttribute('data-offline')).toBe('false');
    // The levels live in Settings, out of the main flow.
    expect(await page.getByRole('radio', { name: new RegExp(`^${DEFAULT.label}\\b`) }).count()).toBe(0);
    await inSettings(page, async (settings) => {
      expect(await settings.getByRole('radio', { name: new RegExp(`^${DEFAULT.label}\\b`) }).isChecked()).toBe(true);
    });
    expect(await quality.textContent()).toContain(formatBytes(DEFAULT.bytes));
    expect(await fast.textContent()).toContain(formatBytes(FAST.bytes));

    await cutOut(page, 'astronaut');

    // The model came from the server, not through the service worker.
    const modelResponses = app.responses.filter((r) => new URL(r.url()).pathname === `/models/${DEFAULT.file}`);
    expect(modelResponses.length).toBeGreaterThan(0);
    for (const r of modelResponses) expect(r.fromServiceWorker(), r.url()).toBe(false);

    await expect.poll(() => quality.getAttribute('data-offline')).toBe('true');
    expect(await quality.getByText('Available offline').count()).toBe(1);
    expect(await fast.getAttribute('data-offline')).toBe('false');
    const cached = await cacheContents(page);
    expect(cached['clearcut-models-v1']).toEqual([expect.stringMatching(new RegExp(`^/models/${escape(DEFAULT.file)}\\?v=[0-9a-f]{16}$`))]);
  });

  it('offers "A new version of clearcut is ready — Reload" when a new version is deployed, and reloads onto it only when asked', async () => {
    appendFileSync(join(dist, 'sw.js'), '\n// a new deploy\n');
    await page.evaluate(() => ((window as unknown as { beforeUpdate: boolean }).beforeUpdate = true));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());

    const prompt = page.getByRole('status').filter({ hasText: 'A new version of clearcut is ready' });
    await prompt.waitFor({ timeout: 60_000 });
    // Nothing was swapped under the page: the new worker waits, the old one still controls.
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBe(true);

    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), prompt.getByRole('button', { name: 'Reload' }).click()]);
    await waitForControl(page);
    expect(await page.evaluate(() => (window as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBeUndefined();
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(false);
    expect(await prompt.count()).toBe(0);
  });

  it('uses the chosen model: kept across reloads, downloaded once with a byte progress bar, then available offline too', async () => {
    await inSettings(page, (settings) => settings.getByRole('radio', { name: new RegExp(`^${FAST.label}\\b`) }).check());
    expect(await page.evaluate(() => localStorage.getItem('clearcut.model'))).toBe(FAST.id);
    await page.reload();
    await inSettings(page, async (settings) => expect(await settings.getByRole('radio', { name: new RegExp(`^${FAST.label}\\b`) }).isChecked()).toBe(true));

    // A photo starts the fast model's download; the photo is cancelled at once, so no inference runs.
    const before = app.responses.length;
    await page.getByLabel('Choose photos').setInputFiles(join(fixturesDir, PHOTOS.rocket.file));
    await page.getByRole('button', { name: `Cancel ${PHOTOS.rocket.file}` }).click();
    const bar = page.getByRole('progressbar', { name: /^Downloading the fast model/ });
    await bar.waitFor({ timeout: 60_000 });
    expect(await bar.getAttribute('max')).toBe(String(FAST.bytes));
    const label = (await page.locator('label[for="model-progress"]').textContent())!.replace(/\s+/g, ' ').trim();
    expect(label).toMatch(new RegExp(`^Downloading the fast model \\(once\\): [\\d.]+ of ${formatBytes(FAST.bytes)}$`));

    const fast = page.locator(`li[data-model="${FAST.id}"]`);
    await expect.poll(() => fast.getAttribute('data-offline'), { timeout: 120_000 }).toBe('true');
    const modelResponses = app.responses.slice(before).filter((r) => new URL(r.url()).pathname.startsWith('/models/'));
    expect(modelResponses.map((r) => new URL(r.url()).pathname)).toEqual([`/models/${FAST.file}`]);
    expect(modelResponses[0].fromServiceWorker()).toBe(false);
    expect(await page.locator(`li[aria-label="${PHOTOS.rocket.file}"]`).getAttribute('data-state')).toBe('cancelled');

    // Back to the default for the offline run below.
    await inSettings(page, (settings) => settings.getByRole('radio', { name: new RegExp(`^${DEFAULT.label}\\b`) }).check());
    expect(await page.evaluate(() => localStorage.getItem('clearcut.model'))).toBe(DEFAULT.id);
  });

  it('with the server stopped and the network off, reloads from the service worker, stays cross-origin isolated, and cuts out a photo', async () => {
    await app.server.stop();
    await app.context.setOffline(true);

    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await expect.poll(() => page.locator(`li[data-model="${DEFAULT.id}"]`).getAttribute('data-offline')).toBe('true');

    // The page says it is offline, and that cutting out still works.
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'You are offline.' }).textContent())
      .toMatch(/Cutting out, editing and standard-size downloads still work/);
    await cutOut(page, 'coffee');
    // In Settings, "About this device" (closed, so not in the accessibility tree: read by its selector).
    const engine = page.locator('section[aria-label="Engine"]');
    expect(await engine.getAttribute('data-backend')).toBe('wasm');
    // The worker too is still cross-origin isolated (it could not thread otherwise).
    expect(await engine.getAttribute('data-isolated')).toBe('true');
  });

  it('removes a cached model from the device when asked, and the list says so', async () => {
    const quality = page.locator(`li[data-model="${DEFAULT.id}"]`);
    await inSettings(page, async () => {
      await quality.getByRole('button', { name: `Remove the ${DEFAULT.label.toLowerCase()} model from this device` }).click();
      await expect.poll(() => quality.getAttribute('data-offline')).toBe('false');
      expect(await quality.getByText('Available offline').count()).toBe(0);
      expect(await quality.getByRole('button', { name: /Remove/ }).count()).toBe(0);
    });
    // Only the default model went; the fast one is still kept.
    expect((await cacheContents(page))['clearcut-models-v1']).toEqual([expect.stringMatching(new RegExp(`^/models/${escape(FAST.file)}\\?v=`))]);
    expect(await page.locator(`li[data-model="${FAST.id}"]`).getAttribute('data-offline')).toBe('true');
  });

  it('opens the terms and the privacy policy offline: their text is in the bundle the service worker keeps', async () => {
    // Still offline, with the server stopped (two tests up).
    for (const [path, title] of [['/terms', 'Terms of service'], ['/privacy', 'Privacy policy']] as const) {
      const res = await page.goto(app.url + path);
      expect(res?.fromServiceWorker(), path).toBe(true);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toBe(title);
      expect(await page.getByTestId('policy-version').textContent()).toMatch(/^Version \d+, effective /);
    }
    expect(await page.getByRole('heading', { name: 'Children' }).isVisible()).toBe(true);
    // The retention is the server's own setting: offline, the page says so instead of guessing a number.
    expect(await page.getByRole('main').textContent()).toContain('a number of days set by whoever runs this server');
  });
});
