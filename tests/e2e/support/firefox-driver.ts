/**
 * The suite's driver for Debian's Firefox ESR, through puppeteer-core over WebDriver BiDi
 * (no geckodriver: none can be downloaded here, and Playwright cannot drive ESR).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { takeDownload, type EngineDriver } from './driver.ts';

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
  return {
    name: 'firefox',
    // puppeteer 24 over BiDi reported no request events for this page here (none at all,
    // not even the page's own load), so the suite cannot look at Firefox's requests.
    observesRequests: false,
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
    requests: () => [],
    async setOffline(offline) {
      await page.setOfflineMode(offline);
    },
    async close() {
      await browser.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}
