/**
 * The result view and editor in real Chromium against the real server serving the built
 * PWA: one photo is cut out once (inference is the slow part) and every case works on
 * that result: comparison, zoom and pan; touch-up changes the exported alpha and undo
 * restores it; each background and format exports correctly at both sizes. All the while
 * no request may carry image bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDimensions, STANDARD_MAX_PIXELS } from '../../common/export-size.ts';
import { fixturesDir, PHOTOS } from '../fixtures/photos.ts';
import { carriesImage } from './support/image-bytes.ts';
import { openApp, type App } from './support/app.ts';

/** The astronaut enlarged to 1.6 megapixels, so standard and full exports differ. */
const SIDE = 1280;
const NAME = 'astronaut.jpg';
/** The astronaut's face, in fractions of the photo. */
const FACE = { x: 0.5, y: 0.35 };

interface Decoded {
  width: number;
  height: number;
  channels: number;
  data: Buffer;
  name: string;
  at(fx: number, fy: number): number[];
}

describe('the editor in Chromium', () => {
  let app: App;
  let page: Page;
  let dir: string;
  let photoPath: string;
  let backgroundPath: string;

  const dialog = () => page.getByRole('dialog', { name: `Edit ${NAME}` });
  const viewport = () => dialog().getByRole('application');
  const downloadLink = () => dialog().getByRole('link', { name: /^Download / });

  /** Runs `change`, waits for the file prepared before it to go and a new one to come, and downloads it. */
  async function exportAfter(change: () => Promise<void>): Promise<Decoded> {
    const old: ElementHandle | null = (await downloadLink().count()) ? await downloadLink().elementHandle() : null;
    await change();
    if (old) await old.waitForElementState('hidden', { timeout: 10_000 });
    return download();
  }

  async function download(): Promise<Decoded> {
    const link = downloadLink();
    await link.waitFor({ timeout: 60_000 });
    const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = join(dir, `${Date.now()}-${dl.suggestedFilename()}`);
    await dl.saveAs(saved);
    const { data, info } = await sharp(saved).raw().toBuffer({ resolveWithObject: true });
    return {
      width: info.width,
      height: info.height,
      channels: info.channels,
      data,
      name: dl.suggestedFilename(),
      at(fx, fy) {
        const x = Math.min(info.width - 1, Math.round(fx * info.width));
        const y = Math.min(info.height - 1, Math.round(fy * info.height));
        const p = (y * info.width + x) * info.channels;
        return [...data.subarray(p, p + info.channels)];
      },
    };
  }

  /** Where a point of the photo (in fractions) is on the screen now. */
  async function onScreen(fx: number, fy: number): Promise<{ x: number; y: number }> {
    const v = viewport();
    const box = (await v.boundingBox())!;
    const [scale, tx, ty] = await Promise.all(['data-scale', 'data-tx', 'data-ty'].map(async (a) => Number(await v.getAttribute(a))));
    return { x: box.x + tx + fx * SIDE * scale, y: box.y + ty + fy * SIDE * scale };
  }

  /** Checks a radio button of the editor (their names are unique within it). */
  const choose = (_group: 'Tool' | 'Size' | 'Format' | 'Background', name: string | RegExp) =>
    dialog().getByRole('radio', { name, exact: typeof name === 'string' }).check();

  /** With the Erase brush at 120 px, drags once across the face; the export made after the stroke. */
  async function eraseAcrossFace(): Promise<Decoded> {
    await choose('Tool', 'Erase');
    await dialog().getByRole('slider', { name: /^Brush size/ }).fill('120');
    const a = await onScreen(FACE.x - 0.05, FACE.y);
    const b = await onScreen(FACE.x + 0.05, FACE.y);
    return exportAfter(async () => {
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: 8 });
      await page.mouse.up();
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clearcut-editor-'));
    photoPath = join(dir, NAME);
    writeFileSync(photoPath, await sharp(join(fixturesDir, PHOTOS.astronaut.file)).resize(SIDE, SIDE).jpeg({ quality: 92 }).toBuffer());
    backgroundPath = join(dir, 'backdrop.png');
    writeFileSync(backgroundPath, await sharp({ create: { width: 300, height: 120, channels: 3, background: { r: 10, g: 120, b: 200 } } }).png().toBuffer());

    app = await openApp({ context: { viewport: { width: 1280, height: 900 }, hasTouch: true, permissions: ['clipboard-read', 'clipboard-write'] } });
    page = app.page;

    // The one inference of this file.
    await page.getByLabel('Choose photos').setInputFiles(photoPath);
    const edit = page.getByRole('button', { name: `Edit ${NAME}` });
    await edit.waitFor({ timeout: 300_000 });
    await edit.click();
    await dialog().waitFor();
    await page.locator('[role=application][data-ready=true]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens the cutout large at the photo\'s size, with a keyboard-operable before/after slider', async () => {
    expect(Number(await viewport().getAttribute('data-width'))).toBe(SIDE);
    const slider = dialog().getByRole('slider', { name: 'Compare with the original' });
    await slider.focus();
    await page.keyboard.press('End');
    expect(await slider.inputValue()).toBe('100');
    await page.keyboard.press('Home');
    expect(await slider.inputValue()).toBe('0');
    await page.keyboard.press('ArrowRight');
    expect(await slider.inputValue()).toBe('1');
  });

  it('zooms with buttons, the wheel and keys, and pans by dragging and with arrow keys', async () => {
    const v = viewport();
    const scale = async () => Number(await v.getAttribute('data-scale'));
    const tx = async () => Number(await v.getAttribute('data-tx'));
    const fitted = await scale();
    await dialog().getByRole('button', { name: 'Zoom in' }).click();
    expect(await scale()).toBeCloseTo(fitted * 1.25, 5);
    const box = (await v.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -200);
    await expect.poll(scale).toBeGreaterThan(fitted * 1.3);
    await v.focus();
    await page.keyboard.press('-');
    const before = await tx();
    await page.keyboard.press('ArrowLeft');
    expect(await tx()).toBe(before + 48);
    // The Move tool drags the picture.
    await choose('Tool', 'Move');
    await page.mouse.move(box.x + 100, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 160, box.y + 130, { steps: 4 });
    await page.mouse.up();
    expect(await tx()).toBeCloseTo(before + 48 + 60, 5);
    await dialog().getByRole('button', { name: 'Fit' }).click();
    expect(await scale()).toBeCloseTo(fitted, 5);
  });

  it('zooms with a two-finger pinch, which paints nothing even with a brush chosen', async () => {
    const v = viewport();
    await dialog().getByRole('button', { name: 'Fit' }).click();
    const fitted = Number(await v.getAttribute('data-scale'));
    await choose('Tool', 'Erase');
    const box = (await v.boundingBox())!;
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const cdp = await app.context.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', spread: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x: cx - spread, y: cy, id: 1 }, { x: cx + spread, y: cy, id: 2 }],
      });
    await touch('touchStart', 30);
    for (let spread = 40; spread <= 90; spread += 10) await touch('touchMove', spread);
    await touch('touchEnd', 0);
    await cdp.detach();
    expect(Number(await v.getAttribute('data-scale'))).toBeCloseTo(fitted * 3, 1);
    expect(await dialog().getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);
    await choose('Tool', 'Move');
    await dialog().getByRole('button', { name: 'Fit' }).click();
  });

  it('exports a transparent PNG at standard size (within 1 megapixel) by default', async () => {
    const png = await download();
    const want = exportDimensions(SIDE, SIDE, 'standard');
    expect(png.name).toBe('astronaut-cutout.png');
    expect([png.width, png.height, png.channels]).toEqual([want.width, want.height, 4]);
    expect(png.width * png.height).toBeLessThanOrEqual(STANDARD_MAX_PIXELS);
    expect(png.at(0.01, 0.01)[3]).toBeLessThan(16);
    expect(png.at(FACE.x, FACE.y)[3]).toBeGreaterThan(240);
  });

  it('offers full resolution (larger than 1 megapixel, a credit) only when signed in: signed out it is disabled and says why', async () => {
    // Paying for it and downloading the full-size file: tests/e2e/credits.test.ts.
    const full = dialog().getByRole('radio', { name: /^Full resolution/ });
    expect(await full.isDisabled()).toBe(true);
    expect(await dialog().getByText('Sign in to export at full resolution').isVisible()).toBe(true);
    expect(await dialog().getByRole('radio', { name: /^Standard/ }).isChecked()).toBe(true);
  });

  it('erases with the brush (the exported alpha is 0 there), and undo, redo and reset work', async () => {
    const erased = await eraseAcrossFace();
    expect(erased.at(FACE.x, FACE.y)[3]).toBe(0);
    expect(erased.at(FACE.x, 0.9)[3]).toBeGreaterThan(240); // the body is untouched

    const undone = await exportAfter(() => page.keyboard.press('Control+z'));
    expect(undone.at(FACE.x, FACE.y)[3]).toBeGreaterThan(240);

    const redone = await exportAfter(() => page.keyboard.press('Control+Shift+z'));
    expect(redone.at(FACE.x, FACE.y)[3]).toBe(0);
    await exportAfter(() => page.keyboard.press('Control+z'));
    const redoneByY = await exportAfter(() => page.keyboard.press('Control+y'));
    expect(redoneByY.at(FACE.x, FACE.y)[3]).toBe(0);

    const reset = await exportAfter(() => dialog().getByRole('button', { name: /^Reset/ }).click());
    expect(reset.at(FACE.x, FACE.y)[3]).toBeGreaterThan(240);

    // Restore brings back what the model cut away.
    await choose('Tool', 'Restore');
    const corner = await onScreen(0.03, 0.03);
    const restored = await exportAfter(async () => {
      await page.mouse.move(corner.x, corner.y);
      await page.mouse.down();
      await page.mouse.move(corner.x + 5, corner.y + 5, { steps: 2 });
      await page.mouse.up();
    });
    expect(restored.at(0.03, 0.03)[3]).toBe(255);
    await exportAfter(() => page.keyboard.press('Control+z'));
    await choose('Tool', 'Move');
  });

  it('puts a solid colour exactly where the cutout is transparent', async () => {
    await choose('Background', 'Colour');
    const png = await exportAfter(() => dialog().getByLabel('Custom colour').fill('#12ab34'));
    expect(png.channels).toBe(4);
    expect(png.at(0.01, 0.01)).toEqual([0x12, 0xab, 0x34, 255]);
    expect(png.at(FACE.x, FACE.y)[3]).toBe(255);
  });

  it('puts the user\'s own image behind, cover-fitted', async () => {
    const png = await exportAfter(() => dialog().getByLabel(/^Choose a background image/).setInputFiles(backgroundPath));
    expect(png.at(0.01, 0.01)).toEqual([10, 120, 200, 255]);
    expect(png.at(0.99, 0.01)).toEqual([10, 120, 200, 255]);
    expect(await dialog().getByRole('radio', { name: 'Your image' }).isChecked()).toBe(true);
  });

  it('puts the photo blurred behind, opaque', async () => {
    const png = await exportAfter(() => choose('Background', 'Blurred photo'));
    let opaque = true;
    for (let p = 3; p < png.data.length; p += 4) if (png.data[p] !== 255) opaque = false;
    expect(opaque).toBe(true);
    // The corner is the photo's own colour there, smoothed.
    const original = await sharp(photoPath).resize(png.width, png.height).blur(20).raw().toBuffer({ resolveWithObject: true });
    const p = (Math.round(0.02 * png.height) * png.width + Math.round(0.02 * png.width)) * 3;
    const corner = png.at(0.02, 0.02);
    for (let c = 0; c < 3; c++) expect(Math.abs(corner[c] - original.data[p + c])).toBeLessThan(40);
  });

  it('blurs the photo behind more with the Blur slider, by keyboard', async () => {
    /** How much neighbouring pixels differ along the top rows, which are background. */
    const roughness = (png: Decoded) => {
      let sum = 0;
      let n = 0;
      for (let y = 0; y < Math.round(png.height * 0.03); y++) {
        for (let x = 1; x < png.width; x++, n++) {
          const p = (y * png.width + x) * png.channels;
          for (let c = 0; c < 3; c++) sum += Math.abs(png.data[p + c] - png.data[p - png.channels + c]);
        }
      }
      return sum / n;
    };
    const slider = dialog().getByRole('slider', { name: 'Blur' });
    expect(await slider.inputValue()).toBe('2'); // the default: 2% of the photo's longer side
    const before = await download();
    const stronger = await exportAfter(async () => {
      await slider.focus();
      await page.keyboard.press('End');
    });
    expect(await slider.inputValue()).toBe('20');
    expect(roughness(stronger)).toBeLessThan(roughness(before) * 0.8);
  });

  it('exports WebP with alpha, and JPEG without: choosing JPEG on a transparent background makes it white and says so', async () => {
    await choose('Background', 'Transparent');
    const webp = await exportAfter(() => choose('Format', /^WebP/));
    expect(webp.name).toBe('astronaut-cutout.webp');
    expect(webp.channels).toBe(4);
    expect(webp.at(0.01, 0.01)[3]).toBeLessThan(16);
    expect(webp.at(FACE.x, FACE.y)[3]).toBeGreaterThan(240);

    const jpeg = await exportAfter(() => choose('Format', /^JPEG/));
    expect(await dialog().getByRole('status').filter({ hasText: 'JPEG' }).textContent()).toMatch(/white/);
    expect(await dialog().getByRole('radio', { name: 'Colour' }).isChecked()).toBe(true);
    expect(jpeg.name).toBe('astronaut-cutout.jpg');
    expect(jpeg.channels).toBe(3);
    for (const v of jpeg.at(0.01, 0.01)) expect(v).toBeGreaterThan(245);

    // Asking for transparency again goes back to a format that keeps it.
    const png = await exportAfter(() => choose('Background', 'Transparent'));
    expect(png.name).toBe('astronaut-cutout.png');
    expect(png.channels).toBe(4);
  });

  it('copies the PNG to the clipboard (where the browser offers it): the same picture as the download', async () => {
    // Left by the case before: a transparent PNG.
    const downloaded = await download();
    expect(downloaded.name).toBe('astronaut-cutout.png');
    await dialog().getByRole('button', { name: 'Copy image' }).click();
    await dialog().getByRole('status').filter({ hasText: 'Copied astronaut-cutout.png to the clipboard.' }).waitFor({ timeout: 10_000 });
    const copied = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const bytes = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    });
    // The browser may encode the clipboard's copy again: compare pixels, not bytes.
    const { data, info } = await sharp(Buffer.from(copied, 'base64')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([downloaded.width, downloaded.height]);
    const alphaAt = (fx: number, fy: number) => data[(Math.round(fy * info.height) * info.width + Math.round(fx * info.width)) * 4 + 3];
    expect(alphaAt(FACE.x, FACE.y)).toBe(downloaded.at(FACE.x, FACE.y)[3]);
    expect(alphaAt(0.03, 0.03)).toBe(downloaded.at(0.03, 0.03)[3]);
    // No share sheet on a desktop Linux Chromium: the button is offered only where files can be shared.
    expect(await dialog().getByRole('button', { name: 'Share…' }).count()).toBe(await page.evaluate(() => Number(typeof navigator.canShare === 'function' && navigator.canShare({ files: [new File(['x'], 'x.png', { type: 'image/png' })] }))));
  });

  it('closes with Escape; the card then downloads the edited export, not the model\'s PNG', async () => {
    await choose('Format', /^WebP/);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    const link = page.getByRole('link', { name: 'Download astronaut-cutout.webp' });
    const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(dl.suggestedFilename()).toBe('astronaut-cutout.webp');
    const saved = join(dir, 'from-card.webp');
    await dl.saveAs(saved);
    const meta = await sharp(saved).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['webp', 1000, 1000, true]);
  });

  it('shows a photo over the canvas limit scaled down to it, while the brush edits the full-size matte', async () => {
    // A 128×128 limit (Safari's is 4096×4096) for the 1280×1280 photo. The editor reads
    // ?canvas-limit= when it opens: set it without reloading, so the cutout stays.
    await page.evaluate(() => history.replaceState(null, '', '/?canvas-limit=16384'));
    await page.getByRole('button', { name: `Edit ${NAME}` }).click();
    await page.locator('[role=application][data-ready=true]').waitFor({ timeout: 30_000 });
    const canvases = await viewport().locator('canvas').evaluateAll((all) => all.map((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]));
    for (const [w, h] of canvases) expect(w * h).toBeLessThanOrEqual(16_384);
    expect(canvases.at(-1)).toEqual([128, 128]);
    expect(Number(await viewport().getAttribute('data-width'))).toBe(SIDE);

    const erased = await eraseAcrossFace();
    expect([erased.width, erased.height]).toEqual([1000, 1000]); // the standard size, not the shown one
    expect(erased.at(FACE.x, FACE.y)[3]).toBe(0);
    expect(erased.at(FACE.x, 0.9)[3]).toBeGreaterThan(240);
    // The shown canvas was redrawn where the stroke went.
    const shownAlpha = await viewport()
      .locator('canvas')
      .last()
      .evaluate((c: HTMLCanvasElement, [fx, fy]) => c.getContext('2d')!.getImageData(Math.round(fx * c.width), Math.round(fy * c.height), 1, 1).data[3], [FACE.x, FACE.y]);
    expect(shownAlpha).toBe(0);

    await exportAfter(() => dialog().getByRole('button', { name: /^Reset/ }).click());
    await choose('Tool', 'Move');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await page.evaluate(() => history.replaceState(null, '', '/'));
  });

  it('threw no uncaught errors in the page', () => {
    expect(app.pageErrors).toEqual([]);
  });

  it('sent no image bytes anywhere', () => {
    const photos = [readFileSync(photoPath), readFileSync(backgroundPath)];
    expect(app.requests.length).toBeGreaterThan(0);
    for (const r of app.requests) {
      expect(new URL(r.url()).origin, r.url()).toMatch(/^(http:\/\/127\.0\.0\.1:\d+|null)$/);
      expect(carriesImage(r.postDataBuffer(), photos), `${r.method()} ${r.url()}`).toBe(false);
    }
  });
});
