/**
 * The editor's layout controls (shape, crop, space around the subject, shadow) and the
 * built-in backgrounds, in real Chromium against the real server: they work by keyboard,
 * the picture shows them as they change, the editor remembers them, and the file is what
 * the CLI makes of the same photo and settings, pixel for pixel: the CLI's own argument
 * parsing, renderExport and encoder run here in Node on the browser's matte (the matte is
 * held equal, so the comparison is of the export code alone, not of two runtimes' models).
 * "Download all" puts the same file in the ZIP. JPEG's quality slider makes smaller files
 * lower down, and the ZIP uses it too. On a 390×844 phone, tapped: the same comparison. Two
 * inferences (one per screen size).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../scripts/cli/args.ts';
import { decodeNode, encodeNode } from '../../scripts/lib/node-codec.ts';
import { renderExport } from '../../web/src/cutout/export.ts';
import { fixturesDir, PHOTOS } from '../fixtures/photos.ts';
import { openApp, type App } from './support/app.ts';
import { newPageAtSize, SIZES } from './support/sizes.ts';

/** The coffee photo as a PNG with no colour profile: the browser and sharp decode it to the same pixels. */
const NAME = 'coffee.png';
const { width: WIDTH, height: HEIGHT } = PHOTOS.coffee;

/** Straight RGBA pixels of an image file. */
async function rgba(bytes: Uint8Array | Buffer) {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The largest difference between two images' channels, or Infinity when their sizes differ. */
function maxDifference(a: { width: number; height: number; data: Uint8Array }, b: { width: number; height: number; data: Uint8Array }): number {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
  return max;
}

/** What the CLI's own parsing, renderExport and encoder make of `photo` (the PNG the browser was given) with `args`, on the matte of the browser's plain file. */
async function cliExport(args: string[], photo: Buffer, plainFile: Buffer) {
  const matte = await rgba(plainFile);
  expect([matte.width, matte.height]).toEqual([WIDTH, HEIGHT]);
  const alpha = { width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT) };
  for (let i = 0; i < alpha.data.length; i++) alpha.data[i] = matte.data[i * 4 + 3];
  const parsed = parseCli([...args, NAME], {});
  if (parsed.kind !== 'run') throw new Error('the CLI did not parse its own options');
  const { options } = parsed;
  const pixels = renderExport(await decodeNode(new Uint8Array(photo)), alpha, options.size, options.background, options.format, options.layout);
  return rgba(Buffer.from(await encodeNode(pixels, options.format, options.quality)));
}

describe('the export layout in Chromium', () => {
  let app: App;
  let page: Page;
  let dir: string;
  let photo: Buffer;
  /** The editor's file with the layout, for the ZIP to match. */
  let edited: Buffer;
  /** The editor's file before any layout: transparent, the photo's own frame. */
  let plain: Buffer;

  const card = () => page.getByRole('listitem', { name: NAME, exact: true });
  const dialog = () => page.getByRole('dialog', { name: `Edit ${NAME}` });
  const stage = () => dialog().locator('[role=application][data-ready=true]');
  const frameOf = async () => (await stage().getAttribute('data-frame')) ?? '';
  const downloadLink = () => dialog().getByRole('link', { name: /^Download coffee-cutout\.png/ });

  async function save(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
    return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clearcut-layout-export-'));
    photo = await sharp(join(fixturesDir, PHOTOS.coffee.file)).png().toBuffer();
    writeFileSync(join(dir, NAME), photo);
    app = await openApp({ context: { viewport: { width: 1280, height: 800 } } });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the shape, crop, space and shadow in the picture as they change, by keyboard', async () => {
    await page.locator('#photo-input').setInputFiles(join(dir, NAME));
    await card().getByRole('button', { name: `Edit ${NAME}` }).click({ timeout: 300_000 });
    await stage().waitFor({ timeout: 60_000 });
    expect(await frameOf()).toBe(`${WIDTH}x${HEIGHT}`);
    // The plain file first: transparent, the photo's own frame; its alpha is the matte.
    await downloadLink().waitFor({ timeout: 60_000 });
    plain = (await save(() => downloadLink().click())).bytes;

    const shapes = dialog().getByRole('radiogroup', { name: 'Shape' }).getByRole('radio');
    expect(await shapes.evaluateAll((radios) => radios.map((r) => r.getAttribute('aria-label')))).toEqual([
      "Photo's own shape",
      '1:1, square',
      '4:5, portrait',
      '16:9, wide',
      'Custom size',
    ]);
    const crop = dialog().getByRole('checkbox', { name: 'Crop to the subject' });
    expect([await crop.isChecked(), await crop.isDisabled()]).toEqual([false, false]);

    // Crop, by keyboard: the picture becomes the subject with a tenth of its size around it.
    await crop.focus();
    await page.keyboard.press('Space');
    await expect.poll(frameOf).not.toBe(`${WIDTH}x${HEIGHT}`);
    const [cw, ch] = (await frameOf()).split('x').map(Number);
    expect(cw * ch).toBeLessThan(WIDTH * HEIGHT);

    // The square, from the photo's own shape with an arrow key, as radios go.
    await dialog().getByRole('radio', { name: "Photo's own shape" }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await dialog().getByRole('radio', { name: '1:1, square' }).isChecked()).toBe(true);
    await expect.poll(frameOf).toMatch(/^(\d+)x\1$/);
    // Every shape but the photo's own frames the subject: the crop is implied, and said so.
    expect([await crop.isChecked(), await crop.isDisabled()]).toEqual([true, true]);
    const square = Number((await frameOf()).split('x')[0]);

    // More space around the subject: 10% to 20% with ten presses of an arrow key.
    const space = dialog().getByRole('slider', { name: 'Space around the subject' });
    expect(await space.inputValue()).toBe('10');
    await space.focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    expect(await space.inputValue()).toBe('20');
    await expect.poll(async () => Number((await frameOf()).split('x')[0])).toBeGreaterThan(square);

    const shadow = dialog().getByRole('checkbox', { name: 'Soft shadow under the subject' });
    await shadow.focus();
    await page.keyboard.press('Space');
    await expect.poll(frameOf).toMatch(/^(\d+)x\1 shadow$/);
    expect(await stage().locator('canvas').last().evaluate((c) => getComputedStyle(c).filter)).toMatch(/^drop-shadow/);

    // A built-in gradient behind it.
    await dialog().getByRole('radio', { name: 'Colour' }).check();
    await dialog().getByRole('button', { name: 'Studio gradient' }).click();
    expect(await dialog().getByRole('button', { name: 'Studio gradient' }).getAttribute('aria-pressed')).toBe('true');
  });

  it("exports the same pixels as the CLI's --preset 1:1 --padding 20 --shadow -b studio", async () => {
    await downloadLink().waitFor({ timeout: 60_000 });
    const file = await save(() => downloadLink().click());
    expect(file.name).toBe('coffee-cutout.png');
    edited = file.bytes;
    const browser = await rgba(file.bytes);
    expect(browser.width).toBe(browser.height);

    const cli = await cliExport(['--preset', '1:1', '--padding', '20', '--shadow', '-b', 'studio'], photo, plain);
    expect([cli.width, cli.height]).toEqual([browser.width, browser.height]);
    // Opaque (a gradient behind), so the browser's canvas encoder loses nothing; 1/255 allowed all the same.
    expect(maxDifference(browser, cli)).toBeLessThanOrEqual(1);
  });

  it('remembers the layout when the editor is opened again, and puts the same file in the ZIP', async () => {
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'detached' });
    await card().getByRole('button', { name: `Edit ${NAME}` }).click();
    await stage().waitFor({ timeout: 60_000 });
    expect(await dialog().getByRole('radio', { name: '1:1, square' }).isChecked()).toBe(true);
    expect(await dialog().getByRole('slider', { name: 'Space around the subject' }).inputValue()).toBe('20');
    expect(await dialog().getByRole('checkbox', { name: 'Soft shadow under the subject' }).isChecked()).toBe(true);
    expect(await frameOf()).toMatch(/^(\d+)x\1 shadow$/);
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'detached' });

    const zip = await save(() => page.getByRole('button', { name: /^Download all/ }).click());
    const entries = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(entries)).toEqual(['coffee-cutout.png']);
    expect(maxDifference(await rgba(Buffer.from(entries['coffee-cutout.png'])), await rgba(edited))).toBe(0);
  });

  it('exports a custom size in pixels, the subject centred in it', async () => {
    await card().getByRole('button', { name: `Edit ${NAME}` }).click();
    await stage().waitFor({ timeout: 60_000 });
    await dialog().getByRole('radio', { name: 'Custom size' }).check();
    await dialog().getByRole('spinbutton', { name: 'Width' }).fill('300');
    await dialog().getByRole('spinbutton', { name: 'Height' }).fill('500');
    await dialog().getByRole('spinbutton', { name: 'Height' }).press('Tab');
    await expect.poll(frameOf).toMatch(/ shadow$/);
    const [fw, fh] = (await frameOf()).split(/[x ]/).map(Number);
    expect(Math.abs(fw / fh - 300 / 500)).toBeLessThan(0.01);
    await downloadLink().waitFor({ timeout: 60_000 });
    const file = await save(() => downloadLink().click());
    const meta = await sharp(file.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([300, 500]);
  });

  it('offers a quality for JPEG and WebP, not PNG: a lower one gives a smaller file, kept for the photo and its ZIP', async () => {
    const quality = () => dialog().getByRole('slider', { name: 'Quality' });
    expect(await quality().count()).toBe(0);
    await dialog().getByRole('radio', { name: 'JPEG' }).check();
    const jpegLink = () => dialog().getByRole('link', { name: /^Download coffee-cutout\.jpg/ });
    await jpegLink().waitFor({ timeout: 60_000 });
    // The default is what exports used before there was a choice (and the CLI's -q default).
    expect(await quality().inputValue()).toBe('92');
    const high = await save(() => jpegLink().click());
    const before = await jpegLink().getAttribute('href');

    await quality().fill('30');
    expect(await dialog().locator('output[for=export-quality]').textContent()).toBe('30');
    // A new file is made for the new quality: wait for its link (a new blob URL).
    await expect.poll(async () => ((await jpegLink().count()) ? await jpegLink().getAttribute('href') : before), { timeout: 60_000 }).not.toBe(before);
    const low = await save(() => jpegLink().click());
    expect((await sharp(low.bytes).metadata()).format).toBe('jpeg');
    expect(low.bytes.length).toBeLessThan(high.bytes.length * 0.8);

    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'detached' });
    const zip = await save(() => page.getByRole('button', { name: /^Download all/ }).click());
    const entries = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(entries)).toEqual(['coffee-cutout.jpg']);
    expect(Buffer.from(entries['coffee-cutout.jpg']).equals(low.bytes)).toBe(true);
    await card().getByRole('button', { name: `Edit ${NAME}` }).click();
    await stage().waitFor({ timeout: 60_000 });
    expect(await quality().inputValue()).toBe('30');
    // One quality for the photo's lossy formats; PNG has none.
    await dialog().getByRole('radio', { name: 'WebP' }).check();
    expect(await quality().inputValue()).toBe('30');
    await dialog().getByRole('radio', { name: 'PNG' }).check();
    expect(await quality().count()).toBe(0);
  });

  it("on a 390×844 phone, the layout is within reach and exports what the CLI makes of --preset 4:5 --shadow -b white", async () => {
    const { context, page: phone } = await newPageAtSize(app.browser, SIZES[1], { acceptDownloads: true });
    try {
      await phone.goto(app.url);
      await phone.locator('#photo-input').setInputFiles(join(dir, NAME));
      const editor = phone.getByRole('dialog', { name: `Edit ${NAME}` });
      await phone.getByRole('listitem', { name: NAME, exact: true }).getByRole('button', { name: `Edit ${NAME}` }).click({ timeout: 300_000 });
      await editor.locator('[role=application][data-ready=true]').waitFor({ timeout: 60_000 });
      const link = () => editor.getByRole('link', { name: /^Download coffee-cutout\.png/ });
      const saveFrom = async () => {
        const [download] = await Promise.all([phone.waitForEvent('download', { timeout: 60_000 }), link().click()]);
        return readFileSync((await download.path())!);
      };
      await link().waitFor({ timeout: 60_000 });
      const plainHere = await saveFrom();

      // Tapped, as a phone is used: the shape, the shadow and a colour behind.
      await editor.getByRole('radio', { name: '4:5, portrait' }).tap();
      await editor.getByRole('checkbox', { name: 'Soft shadow under the subject' }).tap();
      await editor.getByRole('radio', { name: 'Colour' }).tap();
      await editor.getByRole('button', { name: 'White' }).tap();
      await expect.poll(async () => (await editor.locator('[role=application][data-ready=true]').getAttribute('data-frame')) ?? '').toMatch(/ shadow$/);
      await link().waitFor({ timeout: 60_000 });
      const browser = await rgba(await saveFrom());
      expect(Math.abs(browser.width / browser.height - 4 / 5)).toBeLessThan(0.01);
      const cli = await cliExport(['--preset', '4:5', '--shadow', '-b', 'white'], photo, plainHere);
      expect([cli.width, cli.height]).toEqual([browser.width, browser.height]);
      expect(maxDifference(browser, cli)).toBeLessThanOrEqual(1);
    } finally {
      await context.close();
    }
  });
});
