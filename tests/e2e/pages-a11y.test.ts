/**
 * axe-core (`@axe-core/playwright`) on every page besides the workbench (layout.test.ts
 * covers the home page, Settings, the editor and the history's dialog): privacy, terms,
 * contact, pricing, sign-in, sign-up, forgot-password, a reset link that no longer works and
 * an unknown path signed out; then the account and credits pages signed in, a working reset
 * link's form, and the admin console once the account is made an admin; at a 1280×800
 * desktop and a 390×844 phone, in real Chromium against the real server. Each page is
 * checked once its own content is there (its heading, and what it loads). No serious or
 * critical violation. One browser launch; no photo is cut out.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../support/admin-cli.ts';
import { openApp, type App } from './support/app.ts';
import { seriousViolations } from './support/axe.ts';
import { newPageAtSize, SIZES } from './support/sizes.ts';
import { signUpInPage } from './support/sign-up.ts';

/** Each page, the heading it shows, and what else to wait for before it is checked. */
const SIGNED_OUT = [
  { path: '/privacy', heading: 'Privacy policy', ready: (p: Page) => p.getByTestId('log-retention').waitFor() },
  { path: '/terms', heading: 'Terms of service' },
  { path: '/contact', heading: 'Contact us' },
  { path: '/pricing', heading: 'Pricing', ready: (p: Page) => p.getByRole('listitem', { name: '10 credits' }).waitFor({ timeout: 20_000 }) },
  { path: '/signin', heading: 'Sign in' },
  { path: '/signup', heading: 'Create an account' },
  { path: '/forgot-password', heading: 'Forgot your password?' },
  // A reset link that does not work (expired, used): the page says so.
  { path: '/reset-password?token=not-a-real-token', heading: 'Choose a new password', ready: (p: Page) => p.getByRole('alert').waitFor({ timeout: 20_000 }) },
  { path: '/no-such-page', heading: 'Page not found' },
];
const SIGNED_IN = [
  { path: '/account', heading: 'Your account', ready: (p: Page) => p.getByRole('list', { name: 'Signed-in devices' }).waitFor({ timeout: 20_000 }) },
  { path: '/credits', heading: 'Your credits', ready: (p: Page) => p.getByRole('region', { name: 'History' }).getByRole('row').nth(1).waitFor({ timeout: 20_000 }) },
];

let app: App;

beforeAll(async () => {
  app = await openApp({ path: null });
});

afterAll(async () => {
  await app?.close();
});

describe.each(SIZES)('on $label', (size) => {
  const { phone } = size;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await newPageAtSize(app.browser, size));
  });

  afterAll(async () => {
    await context?.close();
  });

  async function open(path: string, heading: string, ready?: (p: Page) => Promise<void>) {
    await page.goto(app.url + path);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toBe(heading);
    await ready?.(page);
  }

  it.each(SIGNED_OUT)('has no serious or critical violation on $path, signed out', async ({ path, heading, ready }) => {
    await open(path, heading, ready);
    expect(await seriousViolations(page)).toEqual([]);
  });

  const email = `axe-${phone ? 'phone' : 'desktop'}-${Date.now()}@example.com`;

  it.each(SIGNED_IN)('has no serious or critical violation on $path, signed in', async ({ path, heading, ready }) => {
    if (!(await context.cookies()).length) {
      await open('/signup', 'Create an account');
      await signUpInPage(page, email, 'a long and unusual passphrase');
    }
    await open(path, heading, ready);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('has no serious or critical violation on /reset-password with a working link, its form shown', async () => {
    const sent = await page.evaluate(async (to) => (await fetch('/api/auth/password-reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: to }) })).status, email);
    expect(sent).toBeLessThan(300);
    // The second mail to this address (the first confirms it): the server prints its link.
    const link = await app.server.mailLink(email, 1);
    expect(new URL(link).pathname).toBe('/reset-password');
    await page.goto(link);
    await page.getByLabel('New password').waitFor({ timeout: 20_000 });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('has no serious or critical violation on /admin, as an admin', async () => {
    const made = await runAdminCli(app.server.dataDir, 'make-admin', email);
    expect(made.code, made.stderr).toBe(0);
    await open('/admin', 'Admin', async (p) => {
      await p.getByRole('heading', { name: 'Audit log' }).waitFor({ timeout: 20_000 });
      await expect.poll(() => p.getByText('Loading…').count(), { timeout: 20_000 }).toBe(0);
    });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
