/**
 * The set-up every browser test shares: the real server serving the built PWA, a fresh
 * Chromium, one context and page, with what the page sent, received and threw recorded.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page, Request, Response } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../../../scripts/lib/chromium.ts';
import { startServer, type RunningServer } from '../../../scripts/lib/server-process.ts';

export interface App {
  server: RunningServer;
  /** The server's origin, `http://127.0.0.1:<port>`. */
  url: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request the context made, in order. */
  requests: Request[];
  /** Every response the context received, in order. */
  responses: Response[];
  /** The page's uncaught errors. */
  pageErrors: string[];
  /** Closes the browser, then stops the server (again, if the test stopped it already). */
  close(): Promise<void>;
}

export interface OpenAppOptions {
  /** Environment for the server (DIST_DIR, LOG_RETENTION_DAYS, OIDC_*, PORT...). */
  env?: Record<string, string>;
  /** For the browser context: viewport, touch... Downloads are always accepted. */
  context?: BrowserContextOptions;
  /** The path the page opens; null for none (the test navigates itself). Default '/'. */
  path?: string | null;
}

/** Starts the server and Chromium and opens the app. */
export async function openApp(options: OpenAppOptions = {}): Promise<App> {
  const server = await startServer(options.env);
  let chromium: LaunchedBrowser | undefined;
  try {
    chromium = await launchChromium();
    const context = await chromium.browser.newContext({ acceptDownloads: true, ...options.context });
    const requests: Request[] = [];
    const responses: Response[] = [];
    const pageErrors: string[] = [];
    context.on('request', (r) => requests.push(r));
    context.on('response', (r) => responses.push(r));
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const path = options.path === undefined ? '/' : options.path;
    if (path !== null) await page.goto(server.url + path);
    const launched = chromium;
    return {
      server,
      url: server.url,
      browser: chromium.browser,
      context,
      page,
      requests,
      responses,
      pageErrors,
      async close() {
        await launched.close();
        await server.stop();
      },
    };
  } catch (err) {
    await chromium?.close();
    await server.stop();
    throw err;
  }
}
