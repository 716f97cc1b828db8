/** The two screens the app is held to, and a page at each in a browser already open. */
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';

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

/** Whether the element is entirely inside the viewport as it is now (nothing scrolled). */
export async function onScreen(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = locator.page().viewportSize()!;
  return !!box && box.width > 0 && box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width + 0.5 && box.y + box.height <= size.height + 0.5;
}
