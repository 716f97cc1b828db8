/**
 * How the built PWA reaches a browser, in real Chromium against the real server: a
 * signed-out first load logs nothing in the console, the JS, CSS and onnxruntime's .wasm
 * come brotli-compressed and immutable, and the WebGPU build's 27 MB .wasm is neither
 * fetched nor precached on a machine without WebGPU.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir } from '../../scripts/lib/paths.ts';
import { openApp, type App } from './support/app.ts';

describe('serving the PWA to Chromium', () => {
  let app: App;
  let page: Page;
  let responses: Response[];
  const console: string[] = [];

  beforeAll(async () => {
    // Opened with no page yet, so the console is watched from the first load on.
    app = await openApp({ path: null });
    ({ page, responses } = app);
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.push(`${m.type()}: ${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
    await page.goto(app.url);
    // The service worker's precache is the last thing a first load does.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForLoadState('networkidle');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('logs no error or warning on a signed-out first load', () => {
    expect(console).toEqual([]);
    const session = responses.find((r) => new URL(r.url()).pathname === '/api/auth/session');
    expect(session?.status()).toBe(200);
  });

  it('gets the JS, CSS and .wasm brotli-compressed, as immutable', async () => {
    const wasm = readdirSync(join(distDir, 'assets')).find((f) => /^ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(f))!;
    const [fetched] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(wasm)),
      page.evaluate((url) => fetch(url).then((r) => r.arrayBuffer()).then((b) => b.byteLength), `/assets/${wasm}`),
    ]);
    const assets = [...responses.filter((r) => /\/assets\/[^/]+\.(js|css)$/.test(r.url())), fetched];
    expect(assets.some((r) => /\/index-[\w-]+\.css$/.test(r.url()))).toBe(true);
    expect(assets.some((r) => /\/index-[\w-]+\.js$/.test(r.url()))).toBe(true);
    for (const r of assets) {
      const headers = await r.allHeaders();
      // Files under 1 KB (the bundler's tiny runtime) are not worth compressing.
      const small = statSync(join(distDir, new URL(r.url()).pathname)).size < 1024;
      expect(headers['content-encoding'], r.url()).toBe(small ? undefined : 'br');
      expect(headers['cache-control'], r.url()).toBe('public, max-age=31536000, immutable');
    }
  });

  it("never fetches or precaches the WebGPU build's asyncify .wasm without a WebGPU adapter", async () => {
    expect(responses.filter((r) => r.url().includes('.asyncify-'))).toEqual([]);
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
      return urls;
    });
    expect(cached.some((u) => u.includes('/assets/ort-wasm-simd-threaded-'))).toBe(true);
    expect(cached.filter((u) => u.includes('.asyncify-'))).toEqual([]);
  });
});
