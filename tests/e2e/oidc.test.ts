/**
 * "Continue with <provider>" in real Chromium against the real server and a real OpenID Provider
 * (oidc-provider, in this process): a first sign-in creates the account with the picture as
 * avatar; an address that already has an account links only after its password is given.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPictureServer, startTestProvider, testClient, type TestProvider } from '../server/oidc-provider.ts';
import { openApp, type App } from './support/app.ts';
import { signUpInPage } from './support/sign-up.ts';

const password = 'correct horse battery staple';

describe('signing in with an OpenID Connect provider in Chromium', () => {
  let provider: TestProvider;
  let pictures: Awaited<ReturnType<typeof startPictureServer>>;
  let app: App;
  let page: Page;

  const heading = () => page.getByRole('heading', { level: 1 });
  const bodyText = () => page.locator('main').textContent();

  beforeAll(async () => {
    pictures = await startPictureServer();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    provider = await startTestProvider(`${origin}/api/auth/oidc/callback`);
    app = await openApp({
      env: {
        PORT: String(port),
        PUBLIC_ORIGIN: origin,
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: testClient.id,
        OIDC_CLIENT_SECRET: testClient.secret,
        OIDC_NAME: 'Test ID',
      },
      context: { viewport: { width: 390, height: 844 } },
      path: null,
    });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    await provider?.close();
    await pictures?.close();
  });

  it('creates the account on "Continue with" from the sign-up page, with the age choice and the picture as avatar, and signs in again later', async () => {
    const email = `ada.${Date.now()}@example.com`;
    provider.accounts.set('ada', { email, email_verified: true, name: 'Ada', picture: `${pictures.url}/face.png` });
    provider.nextLogin = 'ada';
    // From the sign-in page there are no answers to the sign-up questions: no account, the sign-up page asks them.
    await page.goto(app.url + '/signin');
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await expect.poll(() => heading().textContent(), { timeout: 20_000 }).toBe('Create an account');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('There is no clearcut account for that Test ID account yet');
    // The button waits for both answers.
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await expect.poll(() => page.getByRole('alert').last().textContent()).toBe('Choose your age and accept the terms above first.');
    expect(new URL(page.url()).pathname).toBe('/signup');
    await page.getByLabel(/a parent or guardian agrees/).check();
    await page.getByLabel(/I accept the terms of service/).check();
    provider.nextLogin = 'ada';
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await expect.poll(() => heading().textContent(), { timeout: 20_000 }).toBe('Your account');
    const exported = await page.evaluate(async () => (await fetch('/api/me/export')).json());
    expect(exported.profile.ageConfirmation).toBe('guardian');
    expect(exported.policyAcceptances.map((a: { document: string; via: string }) => `${a.document} ${a.via}`)).toEqual(['terms signup', 'privacy signup']);
    await expect.poll(bodyText).toContain(`Signed in as ${email} (confirmed)`);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Your account was created with Test ID');
    // No password yet: the section offers to add one, and the provider cannot be unlinked.
    await expect.poll(() => page.getByRole('heading', { name: 'Add a password' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Unlink Test ID' }).isVisible()).toBe(true);
    const avatar = page.locator('img.avatar').first();
    await expect.poll(() => avatar.getAttribute('src')).toMatch(/^\/api\/avatars\//);

    await page.locator('main').getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    // Later sign-ins go from the sign-in page: no questions for an account that exists.
    await page.goto(app.url + '/signin');
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await page.waitForURL(app.url + '/');
    await page.goto(app.url + '/account');
    await expect.poll(bodyText).toContain(`Signed in as ${email}`);
  });

  it('explains a pending link on the sign-in page, and links once the password is given', async () => {
    const fresh = await app.browser.newContext();
    try {
      page = await fresh.newPage();
      const email = `grace.${Date.now()}@example.com`;
      await page.goto(app.url + '/signup');
      await signUpInPage(page, email, password);
      await page.locator('main').getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect.poll(() => page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);

      provider.accounts.set('grace', { email, email_verified: true });
      provider.nextLogin = 'grace';
      await page.goto(app.url + '/signin');
      await page.getByRole('link', { name: 'Continue with Test ID' }).click();
      await expect.poll(() => page.getByRole('heading', { name: 'One more step to link Test ID' }).isVisible(), { timeout: 20_000 }).toBe(true);
      const words = async () => (await bodyText())?.replace(/\s+/g, ' ');
      await expect.poll(words).toContain(`uses ${email}, and a clearcut account with that address already exists`);
      expect(await page.getByLabel('Email').inputValue()).toBe(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Test ID is now linked');

      await page.goto(app.url + '/account');
      await expect.poll(() => page.getByRole('button', { name: 'Unlink Test ID' }).isVisible()).toBe(true);
      await expect.poll(() => page.getByRole('heading', { name: 'Remove the password' }).isVisible()).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
