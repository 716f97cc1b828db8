/**
 * The first page end to end, in real Chromium against the real server serving the built
 * PWA: choose a photo, get its cutout, download it, and check what crossed the network.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, PHOTOS } from '../fixtures/photos.ts';
import { carriesImage } from './support/image-bytes.ts';
import { openApp, type App } from './support/app.ts';

describe('the first page in Chromium', () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await openApp();
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is cross-origin isolated, so WASM can use threads', async () => {
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  });

  it('cuts out a chosen photo, downloads it as PNG at the photo\'s size, and sends no image bytes anywhere', async () => {
    const photo = PHOTOS.astronaut;
    const photoPath = join(fixturesDir, photo.file);
    const before = app.requests.length;

    await page.getByLabel('Choose photos').setInputFiles(photoPath);
    const link = page.getByRole('link', { name: /^Download/ });
    await link.waitFor({ timeout: 240_000 });

    const engine = page.locator('section[aria-label="Engine"]');
    expect(await engine.getAttribute('data-backend')).toBe('wasm');
    // As many threads as the device really runs at once (threads.ts measures it), never more than its cores.
    const threads = Number(await engine.getAttribute('data-threads'));
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(threads).toBeLessThanOrEqual(availableParallelism());

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('astronaut-cutout.png');
    const saved = join(mkdtempSync(join(tmpdir(), 'clearcut-dl-')), download.suggestedFilename());
    await download.saveAs(saved);

    const { data, info } = await sharp(saved).raw().toBuffer({ resolveWithObject: true });
    expect(info.format).toBe('raw');
    expect([info.width, info.height, info.channels]).toEqual([photo.width, photo.height, 4]);
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    for (const [x, y] of [[2, 2], [info.width - 3, 2]]) expect(alphaAt(x, y)).toBeLessThan(16);
    expect(alphaAt(info.width >> 1, Math.round(info.height * 0.35))).toBeGreaterThan(240); // the astronaut's face

    const photoBytes = readFileSync(photoPath);
    const during = app.requests.slice(before);
    expect(during.length).toBeGreaterThan(0); // the model download, at least
    for (const r of during) {
      expect(new URL(r.url()).origin, r.url()).toMatch(/^(http:\/\/127\.0\.0\.1:\d+|null)$/);
      expect(carriesImage(r.postDataBuffer(), photoBytes), `${r.method()} ${r.url()}`).toBe(false);
    }
  });

  it('animates nothing while a photo is cut out, so the network has the cores to itself', async () => {
    // A CSS transition on the progress sweep once re-laid out and repainted the page every
    // frame while the network ran: about 0.15 of a core on this 2-core machine (issue #18).
    // Progress moves in steps at the jobs' 250 ms ticks instead; nothing may run between them.
    await page.evaluate(() => {
      const w = window as unknown as { __watch: { samples: number; animations: string[]; frames: number } };
      const watch = (w.__watch = { samples: 0, animations: [] as string[], frames: 0 });
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => {
        if (document.querySelector('li.card[data-state=cutting]')) watch.frames++;
        return raf(cb);
      };
      setInterval(() => {
        if (!document.querySelector('li.card[data-state=cutting]')) return;
        watch.samples++;
        for (const a of document.getAnimations()) {
          const what = a instanceof CSSTransition ? `transition of ${a.transitionProperty}` : a instanceof CSSAnimation ? `animation ${a.animationName}` : 'script animation';
          const where = a.effect instanceof KeyframeEffect && a.effect.target ? (a.effect.target as Element).className : '?';
          if (!watch.animations.includes(`${what} on .${where}`)) watch.animations.push(`${what} on .${where}`);
        }
      }, 50);
    });
    const cards = page.locator('li.card');
    const before = await cards.count();
    await page.locator('#photo-input').setInputFiles(join(fixturesDir, PHOTOS.coffee.file));
    await expect.poll(() => cards.nth(before).getAttribute('data-state'), { timeout: 240_000 }).toBe('done');
    const watch = await page.evaluate(() => (window as unknown as { __watch: { samples: number; animations: string[]; frames: number } }).__watch);
    expect(watch.samples, 'the page was seen cutting').toBeGreaterThan(0);
    expect(watch.animations).toEqual([]);
    expect(watch.frames, 'animation frames asked for while cutting').toBe(0);
  });
});
