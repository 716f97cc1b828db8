/**
 * Address confirmation and password reset in real Chromium against the real server, with mail
 * going to the outbox (no SMTP_URL): the links are read from what the server prints, as a
 * person running the README's two commands would. No photo is cut out.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from './support/app.ts';
import { signUpInPage } from './support/sign-up.ts';

const email = `grace.${Date.now()}@example.com`;
const password = 'correct horse battery staple';
const newPassword = 'a completely different passphrase';

describe('confirming the address and resetting the password in Chromium', () => {
  let app: App;
  let page: Page;

  const heading = () => page.getByRole('heading', { level: 1 });
  const bodyText = () => page.locator('main').textContent();

  beforeAll(async () => {
    app = await openApp({ context: { viewport: { width: 390, height: 844 } }, path: null });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('signs up, sees the address unconfirmed, and sends the link again', async () => {
    await page.goto(app.url + '/signup');
    await signUpInPage(page, email, password);
    await expect.poll(bodyText).toContain('(not confirmed yet)');
    expect(await page.getByTestId('email-unverified').textContent()).toContain('cannot buy credits');
    await app.server.mailLink(email);
    await page.getByRole('button', { name: 'Send the link again' }).click();
    await expect.poll(bodyText).toContain('A new link is on its way');
  });

  it('opens the link from the captured mail and sees the account confirmed', async () => {
    const first = await app.server.mailLink(email);
    const latest = await app.server.mailLink(email, 1);
    expect(latest).not.toBe(first);
    expect(new URL(latest).pathname).toBe('/api/auth/verify-email');
    await page.goto(latest);
    await expect.poll(() => heading().textContent()).toBe('Your account');
    await expect.poll(bodyText).toContain('(confirmed)');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Your email address is confirmed');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByRole('button', { name: 'Send the link again' }).count()).toBe(0);
    // The superseded first link says so, also in a browser that is not signed in (there on the sign-in page).
    await page.goto(first);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('does not work any more');
    const elsewhere = await app.browser.newContext();
    try {
      const other = await elsewhere.newPage();
      await other.goto(first);
      await expect.poll(() => other.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
      await expect.poll(() => other.getByRole('status').first().textContent()).toContain('does not work any more');
    } finally {
      await elsewhere.close();
    }
  });

  it('forgot password: a link by mail, a new password, signed in with it', async () => {
    await page.locator('main').getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Sign in' }).click();
    await expect.poll(() => heading().textContent()).toBe('Sign in');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await expect.poll(() => heading().textContent()).toBe('Forgot your password?');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(bodyText).toContain(`If an account uses ${email}, a link is on its way`);

    const link = await app.server.mailLink(email, 2);
    expect(new URL(link).pathname).toBe('/reset-password');
    await page.goto(link);
    await expect.poll(() => heading().textContent()).toBe('Choose a new password');
    await expect.poll(bodyText).toContain(`For ${email}`);
    // The token leaves the address bar once read.
    expect(new URL(page.url()).search).toBe('');
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect.poll(() => heading().textContent()).toBe('Your account');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Your new password is set');

    // Used once: opening it again says so.
    await page.goto(link);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid any more');

    // Signed out, the old password fails and the new one works.
    await page.goto(app.url + '/account');
    await expect.poll(() => heading().textContent()).toBe('Your account');
    await page.locator('main').getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.goto(app.url + '/signin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.url()).not.toContain('/signin');
  });
});
