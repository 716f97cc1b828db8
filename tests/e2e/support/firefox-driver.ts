/**
 * The suite's driver for Debian's Firefox ESR, through puppeteer-core over WebDriver BiDi
 * (no geckodriver: none can be downloaded here, and Playwright cannot drive ESR).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { takeDownload, type EngineDriver, type SeenRequest } from './driver.ts';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Launches headless Firefox ESR with a throwaway HOME and download folder, and opens one page. */
export async function launchFirefoxDriver(): Promise<EngineDriver> {
  const home = mkdtempSync(join(tmpdir(), 'clearcut-firefox-'));
  const downloads = join(home, 'downloads', 'new');
  mkdirSync(downloads, { recursive: true });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: home },
  });
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  const page = await context.newPage();
  const seen: SeenRequest[] = [];
  // BiDi gives each request's body size; its bytes only through a data collector, which
  // puppeteer does not set up: a body of unknown bytes is recorded as such.
  page.on('request', (r) => {
    const body = r.postData();
    seen.push({ method: r.method(), url: r.url(), body: body !== undefined ? Buffer.from(body) : r.hasPostData() ? undefined : null });
  });
  return {
    name: 'firefox',
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
      const input = await page.$(selector);
      if (!input) throw new Error(`no ${selector} on the page`);
      await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(...paths);
    },
    async click(selector) {
      await page.click(selector);
    },
    async download(selector) {
      await page.click(selector);
      return takeDownload(downloads);
    },
    requests: () => [...seen],
    async setOffline(offline) {
      await page.setOfflineMode(offline);
    },
    async close() {
      await browser.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}
