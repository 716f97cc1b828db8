/**
 * Photos arriving from outside the page, in real Chromium against the real server: the
 * manifest declares a share target, file handlers and screenshots, and a photo POSTed to
 * the share target (as "Share → clearcut" does) is taken by the service worker, never by
 * the server, and lands in the batch, the first photo shown in view, at a 1280×800 desktop
 * and a 390×844 phone.
 */
import { join } from 'node:path';
import type { Response } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir } from '../../scripts/lib/paths.ts';
import type { RunningServer } from '../../scripts/lib/server-process.ts';
import { fixturesDir } from '../fixtures/photos.ts';
import { openApp, type App } from './support/app.ts';
import { newPageAtSize, SIZES } from './support/sizes.ts';

interface Manifest {
  share_target: { action: string; method: string; enctype: string; params: { files: { name: string; accept: string[] }[] } };
  file_handlers: { action: string; accept: Record<string, string[]> }[];
  screenshots: { src: string; sizes: string; form_factor: string }[];
}

describe('the installed app receives photos', () => {
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    app = await openApp({ path: null });
    ({ server } = app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('declares a share target for images, file handlers and screenshots of their real sizes', async () => {
    const manifest = (await (await fetch(`${server.url}/manifest.webmanifest`)).json()) as Manifest;
    expect(manifest.share_target).toMatchObject({ action: '/share-target', method: 'POST', enctype: 'multipart/form-data' });
    expect(manifest.share_target.params.files[0]).toMatchObject({ name: 'photos' });
    expect(manifest.share_target.params.files[0].accept).toContain('image/*');
    expect(manifest.file_handlers[0].accept['image/jpeg']).toEqual(['.jpg', '.jpeg', '.jfif']);
    expect(manifest.file_handlers[0].accept['image/bmp']).toEqual(['.bmp']);
    expect(manifest.screenshots.map((s) => s.form_factor).sort()).toEqual(['narrow', 'wide']);
    for (const shot of manifest.screenshots) {
      const meta = await sharp(join(distDir, shot.src)).metadata();
      expect(`${meta.width}x${meta.height}`, shot.src).toBe(shot.sizes);
    }
  });

  it.each(SIZES)('on $label, puts shared photos into the batch through the service worker, the first in view, without sending them to the server', async (size) => {
    const { context, page } = await newPageAtSize(app.browser, size);
    try {
      const responses: Response[] = [];
      context.on('response', (r) => responses.push(r));
      await page.goto(server.url);
      // The first visit's service worker claims the page once its precache is in.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
      // What the system share sheet does: a multipart POST of the files to the share target.
      await page.evaluate(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.enctype = 'multipart/form-data';
        form.action = '/share-target';
        const input = document.createElement('input');
        input.type = 'file';
        input.name = 'photos';
        input.multiple = true;
        input.id = 'share-sheet';
        form.append(input);
        document.body.append(form);
      });
      await page.setInputFiles('#share-sheet', [join(fixturesDir, 'chelsea.png'), join(fixturesDir, 'coffee.jpg')]);
      await Promise.all([page.waitForURL(/\/\?shared=2$|\/$/), page.evaluate(() => (document.getElementById('share-sheet')!.parentElement as HTMLFormElement).submit())]);
      for (const name of ['chelsea.png', 'coffee.jpg']) await page.getByRole('listitem', { name, exact: true }).waitFor({ timeout: 30_000 });
      // The first shared photo is the one shown large, starting in the top half of the screen (its
      // card, which stays while its picture changes from the waiting photo to the cutout).
      const first = (await page.getByRole('listitem', { name: 'chelsea.png', exact: true }).boundingBox())!;
      expect(first.y).toBeGreaterThanOrEqual(0);
      expect(first.y).toBeLessThan(size.viewport.height / 2);
      expect(first.width).toBeGreaterThan(size.viewport.width * (size.phone ? 0.9 : 0.5));
      // The address is clean again, so a reload adds nothing twice.
      expect(new URL(page.url()).search).toBe('');
      const post = responses.find((r) => new URL(r.url()).pathname === '/share-target');
      expect(post?.fromServiceWorker()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('without a service worker, the server answers the share with a redirect and never reads the photo', async () => {
    const body = new FormData();
    body.append('photos', new Blob([new Uint8Array(64 * 1024)], { type: 'image/png' }), 'x.png');
    const res = await fetch(`${server.url}/share-target`, { method: 'POST', body, redirect: 'manual', headers: { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?shared=unavailable');
    // From anywhere else the CSRF check refuses it before any route.
    const foreign = await fetch(`${server.url}/share-target`, { method: 'POST', body, redirect: 'manual', headers: { Origin: 'https://elsewhere.example' } });
    expect(foreign.status).toBe(403);
  });
});
