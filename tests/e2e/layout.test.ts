/**
 * Results first, at a desktop's 1280×800 and a phone's 390×844, in real Chromium against
 * the real server serving the built PWA: choosing a photo brings it into view at once,
 * large, with a before/after line on the picture that the keyboard moves; the editor's
 * Download and its full-resolution choice (with the cost) are on screen without
 * scrolling; and axe-core finds no serious or critical accessibility violation on the
 * home page or in any of its dialogs: Settings, the editor, and the history's question
 * before it is turned off. The empty page shows a before/after example,
 * which gives way to the photos. On the desktop a sample photo is cut out in one click
 * first. Three inferences in all.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, PHOTOS } from '../fixtures/photos.ts';
import { openApp, type App } from './support/app.ts';
import { seriousViolations } from './support/axe.ts';
import { newPageAtSize, onScreen, SIZES } from './support/sizes.ts';

/** The astronaut enlarged past 1 megapixel, so the editor offers a paid full resolution. */
const NAME = 'astronaut.jpg';
const SIDE = 1280;

let app: App;
let photoPath: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearcut-layout-'));
  photoPath = join(dir, NAME);
  writeFileSync(photoPath, await sharp(join(fixturesDir, PHOTOS.astronaut.file)).resize(SIDE, SIDE).jpeg({ quality: 92 }).toBuffer());
  app = await openApp({ path: null });
});

afterAll(async () => {
  await app?.close();
});

describe.each(SIZES)('on $label', (size) => {
  const { viewport, phone } = size;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await newPageAtSize(app.browser, size, { acceptDownloads: true }));
    await page.goto(app.url);
    // History on, so that turning it off asks in its dialog (checked below).
    await page.getByRole('checkbox', { name: 'Keep my finished cutouts in this browser' }).check();
  });

  afterAll(async () => {
    await context?.close();
  });

  const card = () => page.getByRole('listitem', { name: NAME, exact: true });
  const dialog = () => page.getByRole('dialog', { name: `Edit ${NAME}` });

  const example = () => page.getByRole('figure', { name: /^What you get: the coffee sample/ });

  it("shows a before/after example on the empty page, clearcut's own cutout of a sample, on screen, with its line", async () => {
    const cutout = example().getByRole('img', { name: 'Cutout of the coffee sample' });
    await cutout.waitFor();
    // The committed cutout (scripts/make-sample-cutout.ts) at the sample's own size, loaded.
    await expect.poll(() => cutout.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBe(600);
    expect(await onScreen(cutout)).toBe(true);
    const line = example().getByRole('slider', { name: 'Compare with the original' });
    await line.focus();
    await page.keyboard.press('End');
    expect(await line.getAttribute('aria-valuenow')).toBe('100');
    await page.keyboard.press('Home');
  });

  it('has no serious or critical accessibility violation on the empty home page', async () => {
    await page.locator('#photo-input').waitFor({ state: 'attached' });
    expect(await example().count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it.skipIf(phone)('offers sample photos on the empty page, which go through the real pipeline in one click', async () => {
    await page.getByRole('button', { name: 'Try the sample: a cup of coffee' }).click();
    const sample = page.getByRole('listitem', { name: 'coffee.jpg', exact: true });
    await expect.poll(() => sample.getAttribute('data-state'), { timeout: 300_000, interval: 500 }).toBe('done');
    // With a result, the samples give way to the compact bar.
    expect(await page.getByRole('button', { name: /^Try the sample/ }).count()).toBe(0);
  });

  it('shows the chosen photo large and in view at once, then its cutout there with its Download', async () => {
    await page.locator('#photo-input').setInputFiles(photoPath);
    // While it waits: the photo itself, large, on screen, with what it waits for.
    const waiting = card().getByRole('img', { name: `${NAME}, waiting to be cut out` });
    await waiting.waitFor();
    expect(await onScreen(waiting)).toBe(true);
    expect((await waiting.boundingBox())!.width).toBeGreaterThan(viewport.width * (phone ? 0.9 : 0.3));
    // The drop zone became a compact bar, and the example made way for the photo.
    expect(await page.getByText('Add photos', { exact: true }).isVisible()).toBe(true);
    expect(await example().count()).toBe(0);

    const download = card().getByRole('link', { name: 'Download astronaut-cutout.png' });
    await download.waitFor({ timeout: 300_000 });
    const cutout = card().getByRole('img', { name: `Cutout of ${NAME}` });
    expect(await onScreen(cutout)).toBe(true);
    expect(await onScreen(card().getByRole('slider', { name: 'Compare with the original' }))).toBe(true);
    expect(await onScreen(download)).toBe(true);
  });

  it('moves the before/after line on the picture with the keyboard', async () => {
    const line = card().getByRole('slider', { name: 'Compare with the original' });
    await line.focus();
    await page.keyboard.press('End');
    expect(await line.getAttribute('aria-valuenow')).toBe('100');
    await page.keyboard.press('Home');
    expect(await line.getAttribute('aria-valuenow')).toBe('0');
    await page.keyboard.press('ArrowRight');
    expect(await line.getAttribute('aria-valuenow')).toBe('2');
    await page.keyboard.press('PageUp');
    expect(await line.getAttribute('aria-valuenow')).toBe('12');
  });

  it.skipIf(phone)('moves the line where the picture is dragged', async () => {
    const picture = card().getByRole('img', { name: `Cutout of ${NAME}` });
    const box = (await picture.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await card().getByRole('slider', { name: 'Compare with the original' }).getAttribute('aria-valuenow')).toBe('25');
  });

  it.skipIf(!phone)('keeps the actions of the photo in a bar on screen when the page scrolls', async () => {
    const download = card().getByRole('link', { name: 'Download astronaut-cutout.png' });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await onScreen(download)).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('keeps the batch\'s actions in one row that fits the screen', async () => {
    const buttons = page.getByRole('region', { name: 'Batch' }).getByRole('button');
    expect(await buttons.evaluateAll((all) => all.map((b) => b.textContent?.replace(/\s+/g, ' ').trim()))).toEqual([
      expect.stringMatching(/^Download all \(\d\) as ZIP/),
      'Cancel all',
      'Clear all',
    ]);
    const boxes = await buttons.evaluateAll((all) => all.map((b) => b.getBoundingClientRect().toJSON() as DOMRect));
    expect(new Set(boxes.map((b) => Math.round(b.top))).size).toBe(1);
    for (const b of boxes) expect(b.right).toBeLessThanOrEqual(viewport.width);
  });

  it('has no serious or critical accessibility violation with a result shown', async () => {
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('asks before turning history off, in a dialog with no serious or critical accessibility violation', async () => {
    await page.getByRole('list', { name: 'Kept cutouts' }).getByRole('listitem').first().waitFor({ timeout: 30_000 });
    const keep = page.getByRole('checkbox', { name: 'Keep my finished cutouts in this browser' });
    // A click, not uncheck(): the box stays ticked while the dialog asks.
    await keep.click();
    const confirm = page.getByRole('alertdialog', { name: /^Stop keeping history/ });
    await confirm.waitFor();
    expect(await seriousViolations(page, '[role=alertdialog]')).toEqual([]);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await keep.isChecked()).toBe(true);
  });

  it('keeps the quality levels in Settings, in plain words, with no serious or critical accessibility violation there', async () => {
    expect(await page.getByRole('radio', { name: /^Standard/ }).count()).toBe(0);
    await page.getByRole('button', { name: /^Settings/ }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.waitFor();
    const levels = await settings.getByRole('radio').evaluateAll((radios) => radios.map((r) => r.closest('label')?.textContent?.replace(/\s+/g, ' ').trim()));
    expect(levels.map((l) => l?.split(' ')[0])).toEqual(['Fast', 'Standard', 'Quality']);
    for (const level of levels) expect(level).not.toMatch(/int8|fp16|quantiz|isnet|unquantized/i);
    expect(await settings.getByRole('heading', { name: 'About this device' }).isVisible()).toBe(true);
    expect(await seriousViolations(page, 'dialog.settings')).toEqual([]);
    await settings.getByRole('button', { name: 'Close' }).click();
    await settings.waitFor({ state: 'hidden' });
  });

  it('opens the editor with Download and the full-resolution choice, with its cost, on screen without scrolling', async () => {
    await card().getByRole('button', { name: `Edit ${NAME}` }).click();
    await dialog().waitFor();
    const download = dialog().getByRole('link', { name: /^Download astronaut-cutout\./ });
    await download.waitFor({ timeout: 60_000 });
    expect(await onScreen(download)).toBe(true);
    const full = dialog().locator('label').filter({ has: page.getByRole('radio', { name: /^Full resolution/ }) });
    expect(await full.textContent()).toContain('(1 credit)');
    expect(await onScreen(full)).toBe(true);
    // The tools are a segmented control: one pressed look, no radio dots.
    const tools = dialog().getByRole('radiogroup', { name: 'Tool' });
    expect(await tools.getByRole('radio').evaluateAll((radios) => radios.map((r) => getComputedStyle(r).appearance))).toEqual(['none', 'none', 'none']);
    // So is the size.
    const sizes = dialog().getByRole('group', { name: 'Size' }).getByRole('radio');
    expect(await sizes.evaluateAll((radios) => radios.map((r) => getComputedStyle(r).appearance))).toEqual(['none', 'none']);
  });

  it('has no serious or critical accessibility violation in the editor', async () => {
    await page.locator('[role=application][data-ready=true]').waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page, 'dialog.editor')).toEqual([]);
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'detached' });
  });
});
