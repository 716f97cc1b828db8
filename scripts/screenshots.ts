/**
 * Screenshots of the real app for the README: the built PWA served by the real server,
 * driven in Chromium with the public-domain fixture photos. Writes docs/screenshot-*.png
 * and the manifest's two screenshots in web/public/screenshots/.
 *
 *   npm run build && tsx scripts/screenshots.ts
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/chromium.ts';
import { fixturesDir, rootDir } from './lib/paths.ts';
import { startServer } from './lib/server-process.ts';

const out = join(rootDir, 'docs');
mkdirSync(out, { recursive: true });

const server = await startServer();
const chromium = await launchChromium();
try {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(server.url);
  // Fast model: two cutouts, and the screenshots don't depend on which model ran.
  await page.getByRole('radio', { name: /^Fast/ }).check().catch(() => {});
  await page.getByLabel('Choose photos').setInputFiles(['astronaut.jpg', 'coffee.jpg', 'chelsea.png'].map((f) => join(fixturesDir, f)));
  await page.locator('li.card[data-state="done"]').nth(2).waitFor({ timeout: 600_000 });
  await page.screenshot({ path: join(out, 'screenshot-batch.png'), fullPage: false });
  console.log('docs/screenshot-batch.png');

  await page.getByRole('button', { name: /^Edit astronaut/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(out, 'screenshot-editor.png') });
  console.log('docs/screenshot-editor.png');

  const phone = await chromium.browser.newContext({ viewport: { width: 390, height: 780 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await small.goto(server.url);
  await small.screenshot({ path: join(out, 'screenshot-phone.png') });
  console.log('docs/screenshot-phone.png');

  // The same two for the manifest's install dialog (vite.config.ts reads their sizes).
  const manifestShots = join(rootDir, 'web', 'public', 'screenshots');
  mkdirSync(manifestShots, { recursive: true });
  copyFileSync(join(out, 'screenshot-batch.png'), join(manifestShots, 'wide.png'));
  copyFileSync(join(out, 'screenshot-phone.png'), join(manifestShots, 'narrow.png'));
  console.log('web/public/screenshots/wide.png, narrow.png');
} finally {
  await chromium.close();
  await server.stop();
}
