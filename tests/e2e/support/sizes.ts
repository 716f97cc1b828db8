/** The two screens the app is held to, and a page at each in a browser already open. */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/** A 1280×800 desktop and a 390×844 phone (touch, mobile viewport). */
export const SIZES = [
  { label: 'a 1280×800 desktop', viewport: { width: 1280, height: 800 }, phone: false },
  { label: 'a 390×844 phone', viewport: { width: 390, height: 844 }, phone: true },
] as const;

export type Size = (typeof SIZES)[number];

/** A fresh context (no cookies, no storage) and page in `browser` at `size`. */
export async function newPageAtSize(browser: Browser, { viewport, phone }: Size, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone, ...options });
  return { context, page: await context.newPage() };
}
