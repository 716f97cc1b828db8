/** The suite's driver for Debian's Chromium, through playwright-core. */
import type { Page, Request } from 'playwright-core';
import { launchChromium } from '../../../scripts/lib/chromium.ts';
import type { EngineDriver, SeenRequest } from './driver.ts';

/** Launches Chromium with a fresh profile and opens one page. */
export async function launchChromiumDriver(): Promise<EngineDriver> {
  const launched = await launchChromium();
  const context = await launched.browser.newContext({ acceptDownloads: true });
  const seen: Request[] = [];
  context.on('request', (r) => seen.push(r));
  const page: Page = await context.newPage();
  return {
    name: 'chromium',
    observesRequests: true,
    emulatesOffline: true,
    async goto(url) {
      await page.goto(url);
    },
    async reload() {
      await page.reload();
    },
    evaluate: (fn, arg) => page.evaluate(fn as (a: unknown) => unknown, arg) as never,
    async chooseFiles(selector, paths) {
      await page.setInputFiles(selector, paths);
    },
    async click(selector) {
      await page.click(selector);
    },
    async download(selector) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      const stream = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
    },
    requests: () => seen.map((r): SeenRequest => ({ method: r.method(), url: r.url(), body: r.postDataBuffer() })),
    async setOffline(offline) {
      await context.setOffline(offline);
    },
    close: () => launched.close(),
  };
}
