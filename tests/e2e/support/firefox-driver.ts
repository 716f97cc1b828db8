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
    extraPrefsFirefox: {
      // Firefox opens a downloaded WebP (and SVG, AVIF...) in a new tab once saved. That tab
      // takes the front, the page under test goes to the background, and from then on its
      // timers fire at most once a second, its animation frames stop and every click waits
      // for a frame: each step of the suite took twice as long as the one before (the
      // forced-canvas-limit export took minutes, and the batch after it never finished).
      'browser.download.viewableInternally.enabledTypes': '',
    },
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: home },
  });
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  const page = await context.newPage();
  return {
    name: 'firefox',
    // Not through this driver: what the server receives is recorded by the suite's proxy
    // (recording-proxy.ts), in every engine, bodies included.
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
      const file = await takeDownload(downloads);
      // The page under test must stay in front (see extraPrefsFirefox): say so if a download opened a tab.
      const opened = (await browser.pages()).filter((p) => p !== page && p.url() !== 'about:blank');
      if (opened.length) throw new Error(`Firefox opened a tab for the download (${opened.map((p) => p.url()).join(', ')}): the page under test is in the background now`);
      return file;
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
