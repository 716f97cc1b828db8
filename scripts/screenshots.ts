/**
 * Screenshots of the real app for the README, at a desktop's 1280×800 and a phone's
 * 390×844: the built PWA served by the real server, driven in Chromium with the
 * public-domain fixture photos (the Fast level, so they take less time). Writes
 * docs/screenshots/{desktop,phone}-{home,results,settings,editor}.png, and the manifest's
 * two screenshots in web/public/screenshots/ (vite.config.ts reads their sizes).
 *
 *   npm run build && npm run screenshots
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { launchChromium } from './lib/chromium.ts';
import { fixturesDir, rootDir } from './lib/paths.ts';
import { startServer } from './lib/server-process.ts';

const out = join(rootDir, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, phone: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, phone: true },
] as const;

const server = await startServer();
const chromium = await launchChromium();
try {
  for (const { name, viewport, phone } of SIZES) {
    const context = await chromium.browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: phone, hasTouch: phone });
    const page = await context.newPage();
    const shot = async (what: string) => {
      // A palette PNG (up to 256 colours, dithered): about a third of the bytes, and it still reads as the app.
      const file = join(out, `${name}-${what}.png`);
      await sharp(await page.screenshot()).png({ palette: true, quality: 90, effort: 10 }).toFile(file);
      console.log(`docs/screenshots/${name}-${what}.png: ${Math.round(statSync(file).size / 1024)} KB`);
    };
    await page.goto(`${server.url}/?model=isnet-quint8-640`);
    await page.locator('#photo-input').waitFor({ state: 'attached' });
    // The before/after example, loaded.
    await page.getByRole('img', { name: 'Cutout of the coffee sample' }).evaluate((img: HTMLImageElement) => img.decode());
    await shot('home');

    await page.locator('#photo-input').setInputFiles(['astronaut.jpg', 'coffee.jpg', 'chelsea.png'].map((f) => join(fixturesDir, f)));
    await page.locator('li.card[data-state="done"]').nth(2).waitFor({ timeout: 600_000 });
    await page.waitForTimeout(500);
    await shot('results');

    await page.getByRole('button', { name: /^Settings/ }).click();
    await page.getByRole('dialog', { name: 'Settings' }).waitFor();
    await shot('settings');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Edit astronaut.jpg' }).click();
    await page.locator('[role=application][data-ready=true]').waitFor({ timeout: 60_000 });
    await page.locator('dialog.editor a[download]').waitFor({ timeout: 60_000 });
    await shot('editor');
    await context.close();
  }

  const manifestShots = join(rootDir, 'web', 'public', 'screenshots');
  mkdirSync(manifestShots, { recursive: true });
  copyFileSync(join(out, 'desktop-results.png'), join(manifestShots, 'wide.png'));
  copyFileSync(join(out, 'phone-results.png'), join(manifestShots, 'narrow.png'));
  console.log('web/public/screenshots/wide.png, narrow.png');
} finally {
  await chromium.close();
  await server.stop();
}
