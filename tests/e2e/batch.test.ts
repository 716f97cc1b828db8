/**
 * The batch workflow in real Chromium against the real server: paste, drop several photos
 * (one of them broken), cancel (a running, a queued and a middle photo), Download all as
 * ZIP, and history only by consent. All the
 * while no request may carry image bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, PHOTOS, type PhotoName } from '../fixtures/photos.ts';
import { SVG_REFUSAL } from '../../web/src/cutout/decode.ts';
import { carriesImage } from './support/image-bytes.ts';
import { openApp, type App } from './support/app.ts';

interface FileSpec {
  name: string;
  type: string;
  base64: string;
}

const photo = (name: PhotoName): FileSpec => {
  const file = PHOTOS[name].file;
  return { name: file, type: file.endsWith('.png') ? 'image/png' : 'image/jpeg', base64: readFileSync(join(fixturesDir, file)).toString('base64') };
};

/** Fires a synthetic drop or paste of files on the page, as a person's drag or Ctrl+V would. */
async function deliver(page: Page, kind: 'drop' | 'paste', files: FileSpec[]): Promise<void> {
  await page.evaluate(
    ({ kind, files }) => {
      const dt = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      if (kind === 'drop') {
        window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      } else {
        window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }
    },
    { kind, files },
  );
}

const card = (page: Page, name: string) => page.getByRole('listitem', { name, exact: true });

async function historyCount(page: Page): Promise<number> {
  return page.evaluate(
    async () => {
      // Opening a database that does not exist would create it without its store, and
      // the app (idb-keyval opens lazily) would then find no store: look before opening.
      if (!(await indexedDB.databases()).some((d) => d.name === 'clearcut-history')) return 0;
      return new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('clearcut-history');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('entries')) return resolve(0);
          const count = db.transaction('entries').objectStore('entries').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
        };
      });
    },
  );
}

describe('batches in Chromium', () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await openApp();
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses an SVG at once, shown as the drawing it is, with what to do and no Retry', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="teal"/></svg>';
    await page.locator('#photo-input').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
    const logo = card(page, 'logo.svg');
    await logo.waitFor();
    // Failed when it appears: it never waits for the model.
    expect(await logo.getAttribute('data-state')).toBe('failed');
    expect(await logo.getByRole('status').textContent()).toBe(SVG_REFUSAL);
    expect(await logo.getByRole('button', { name: 'Retry logo.svg' }).count()).toBe(0);
    await logo.getByRole('button', { name: 'Remove logo.svg' }).click();
    await logo.waitFor({ state: 'detached' });
  });

  it('cuts out a pasted photo, and keeps nothing while history is off', async () => {
    await deliver(page, 'paste', [photo('chelsea')]);
    await expect.poll(() => card(page, 'chelsea.png').getAttribute('data-state'), { timeout: 300_000, interval: 500 }).toBe('done');
    expect(await page.getByRole('checkbox', { name: /Keep my finished cutouts/ }).isChecked()).toBe(false);
    expect(await historyCount(page)).toBe(0);
  });

  it('finishes the good photos of a dropped batch, fails the broken one with its reason, and keeps them once history is on', async () => {
    await page.getByRole('checkbox', { name: /Keep my finished cutouts/ }).check();
    const broken = { name: 'broken.jpg', type: 'image/jpeg', base64: readFileSync(join(fixturesDir, PHOTOS.coffee.file)).subarray(0, 5000).toString('base64') };
    await deliver(page, 'drop', [photo('astronaut'), broken, photo('rocket')]);

    await expect.poll(() => card(page, 'broken.jpg').getAttribute('data-state'), { timeout: 400_000, interval: 500 }).toBe('failed');
    await expect.poll(() => card(page, 'broken.jpg').getByRole('status').textContent()).toMatch(/truncated or corrupt/);
    for (const name of ['astronaut.jpg', 'rocket.jpg']) {
      await expect.poll(() => card(page, name).getAttribute('data-state'), { timeout: 400_000, interval: 500 }).toBe('done');
    }
    await expect.poll(() => historyCount(page), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.getByRole('list', { name: 'Kept cutouts' }).getByRole('listitem').count()).toBe(2);
    expect(await page.getByRole('region', { name: 'Batch' }).textContent()).toContain('3 of 4 done, 1 failed');
  });

  it('cancels a running photo and a queued one', async () => {
    await deliver(page, 'drop', [photo('coffee'), { ...photo('astronaut'), name: 'second.jpg' }]);
    await expect.poll(() => card(page, 'coffee.jpg').getAttribute('data-state'), { timeout: 400_000, interval: 100 }).toBe('cutting');
    await page.getByRole('button', { name: 'Cancel second.jpg' }).click();
    await page.getByRole('button', { name: 'Cancel coffee.jpg' }).click();
    await expect.poll(() => card(page, 'coffee.jpg').getAttribute('data-state')).toBe('cancelled');
    await expect.poll(() => card(page, 'second.jpg').getAttribute('data-state')).toBe('cancelled');
    expect(await card(page, 'coffee.jpg').getByRole('button', { name: 'Retry coffee.jpg' }).isVisible()).toBe(true);
  });

  it('downloads every finished cutout as one ZIP of full-size PNGs', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download all/ }).click()]);
    const zip = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
    expect(Object.keys(zip).sort()).toEqual(['astronaut-cutout.png', 'chelsea-cutout.png', 'rocket-cutout.png']);
    for (const [file, name] of [['astronaut-cutout.png', 'astronaut'], ['chelsea-cutout.png', 'chelsea'], ['rocket-cutout.png', 'rocket']] as const) {
      const meta = await sharp(zip[file]).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', PHOTOS[name].width, PHOTOS[name].height, 4]);
    }
  });

  it('empties the history with one action', async () => {
    await page.getByRole('button', { name: 'Delete all history' }).click();
    await expect.poll(() => historyCount(page)).toBe(0);
  });

  it('cancels a photo in the middle of a batch: the photos before and after it are cut out, each its own', async () => {
    // The next photo is decoded while the one before runs the network: the cancelled one must not hold up or swap the results around it.
    await deliver(page, 'drop', [{ ...photo('coffee'), name: 'first.jpg' }, { ...photo('chelsea'), name: 'middle.png' }, { ...photo('rocket'), name: 'last.jpg' }]);
    await expect.poll(() => card(page, 'first.jpg').getAttribute('data-state'), { timeout: 400_000, interval: 100 }).toBe('cutting');
    await page.getByRole('button', { name: 'Cancel middle.png' }).click();
    await expect.poll(() => card(page, 'middle.png').getAttribute('data-state')).toBe('cancelled');
    for (const name of ['first.jpg', 'last.jpg']) {
      await expect.poll(() => card(page, name).getAttribute('data-state'), { timeout: 400_000, interval: 500 }).toBe('done');
    }
    expect(await card(page, 'first.jpg').getByRole('status').textContent()).toContain(`${PHOTOS.coffee.width}×${PHOTOS.coffee.height},`);
    expect(await card(page, 'last.jpg').getByRole('status').textContent()).toContain(`${PHOTOS.rocket.width}×${PHOTOS.rocket.height},`);
    expect(await card(page, 'middle.png').getAttribute('data-timings')).toBeNull();
  });

  it('after "Turn off, keep them" and a reload, still lists what was kept, to download or delete', async () => {
    const kept = page.getByRole('list', { name: 'Kept cutouts' }).getByRole('listitem');
    // first.jpg and last.jpg of the batch before, kept while history was on.
    await expect.poll(() => kept.count(), { timeout: 10_000 }).toBe(2);
    // Unticking asks first (the box stays ticked until answered).
    await page.getByRole('checkbox', { name: /Keep my finished cutouts/ }).click();
    await page.getByRole('button', { name: 'Turn off, keep them' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: /Keep my finished cutouts/ }).isChecked()).toBe(false);
    await page.reload();
    await expect.poll(() => kept.count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByRole('checkbox', { name: /Keep my finished cutouts/ }).isChecked()).toBe(false);
    expect(await page.getByText(/History is off; kept earlier: 2 kept/).isVisible()).toBe(true);
    expect(await kept.getByRole('link', { name: 'Download first-cutout.png' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Delete first-cutout.png from history' }).click();
    await expect.poll(() => historyCount(page)).toBe(1);
    await expect.poll(() => kept.count()).toBe(1);
  });

  it('sent no image bytes in any request', () => {
    expect(app.requests.length).toBeGreaterThan(0);
    for (const r of app.requests) {
      expect(carriesImage(r.postDataBuffer()), `${r.method()} ${r.url()}`).toBe(false);
    }
  });
});
