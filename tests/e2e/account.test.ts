/**
 * The account pages in real Chromium against the real server (the built PWA, a temporary
 * data directory), on a phone-sized screen: sign up, upload an avatar and see it in the
 * header, devices, sign out and in again, the privacy page stating the server's own
 * retention (LOG_RETENTION_DAYS=17 here, not the default), and account deletion. No photo
 * is cut out.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from './support/app.ts';

const email = `ada.${Date.now()}@example.com`;
const password = 'correct horse battery staple';

describe('account pages in Chromium', () => {
  let app: App;
  let page: Page;

  const nav = () => page.getByRole('navigation', { name: 'Site' });
  const heading = () => page.getByRole('heading', { level: 1 });
  /** The header's avatar image, once the person is signed in with a picture. */
  const headerAvatar = () => nav().locator('img.avatar');
  const devices = () => page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
  /** Marks the document, so a later check tells client-side navigation from a full page load. */
  const markDocument = () => page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same document'));
  const sameDocument = () => page.evaluate(() => (window as unknown as { marker?: string }).marker === 'same document');

  async function signIn(withPassword: string) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(withPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    app = await openApp({ env: { LOG_RETENTION_DAYS: '17' }, context: { viewport: { width: 390, height: 844 } }, path: null });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the cutout tool signed out, with "Sign in" and Privacy in the header', async () => {
    await page.goto(app.url);
    await expect.poll(() => nav().getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await nav().getByRole('link', { name: 'Privacy' }).getAttribute('href')).toBe('/privacy');
    expect(await page.getByText('Choose photos').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('clearcut');
    expect(await app.context.cookies()).toEqual([]);
  });

  it('signs up through real links without reloading the page, and lands on the account page', async () => {
    await markDocument();
    await nav().getByRole('link', { name: 'Sign in' }).click();
    await expect.poll(() => heading().textContent()).toBe('Sign in');
    await page.getByRole('link', { name: 'Create one' }).click();
    await expect.poll(() => heading().textContent()).toBe('Create an account');
    expect(new URL(page.url()).pathname).toBe('/signup');
    // Client-side navigation moves the focus to the new page's heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByLabel('Password').fill('password1234');
    // The form cannot be sent before the age choice and the terms: the browser itself holds it back.
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await page.getByLabel('I am 18 or older').evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(false);
    await page.getByLabel('I am 18 or older').check();
    await page.getByLabel(/I accept the terms of service/).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    // The server's own words, next to the form.
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('This password is one of the most common ones; choose another.');

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => heading().textContent()).toBe('Your account');
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await sameDocument()).toBe(true);
    // The age choice and the acceptance of both documents are on record.
    const exported = await page.evaluate(async () => (await fetch('/api/me/export')).json());
    expect(exported.profile.ageConfirmation).toBe('adult');
    expect(exported.policyAcceptances.map((a: { document: string; via: string }) => `${a.document} ${a.via}`)).toEqual(['terms signup', 'privacy signup']);
    expect(await nav().getByRole('link', { name: /your account/ }).textContent()).toContain('Ada Lovelace');
    const [cookie] = await app.context.cookies();
    expect([cookie?.name, cookie?.httpOnly, cookie?.sameSite]).toEqual(['clearcut_session', true, 'Lax']);
    // Every section is there, and nothing is wider than the phone's screen.
    for (const name of ['Profile', 'Your devices', 'Change password', 'Emails', 'Your data', 'Delete my account']) {
      expect(await page.getByRole('heading', { level: 2, name, exact: true }).isVisible()).toBe(true);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('uploads an avatar and shows it in the header; refuses a file that is not an image', async () => {
    await page.getByLabel('Choose a picture').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\w/);
    expect(await headerAvatar().count()).toBe(0);

    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();
    await page.getByLabel('Choose a picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => headerAvatar().getAttribute('src'), { timeout: 20_000 }).toMatch(/^\/api\/avatars\/[^/]+$/);
    await expect.poll(() => page.getByText('Picture updated.').isVisible()).toBe(true);
    const src = (await headerAvatar().getAttribute('src'))!;
    // The browser really shows it: the server's 256x256 crop, decoded.
    await expect.poll(() => headerAvatar().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
    expect(await page.getByRole('img', { name: 'Your current avatar' }).getAttribute('src')).toBe(src);
    const res = await fetch(app.url + src);
    expect(res.headers.get('content-type')).toBe('image/webp');
  });

  it('saves the profile and consent, and shows the server\'s error next to the form', async () => {
    await page.getByLabel('Display name').fill('Ada K. Lovelace');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.getByText('Saved.', { exact: true }).isVisible()).toBe(true);
    expect(await nav().getByRole('link', { name: /your account/ }).textContent()).toContain('Ada K. Lovelace');

    const consent = page.getByRole('checkbox', { name: /Send me emails/ });
    expect(await consent.isChecked()).toBe(false);
    await consent.check();
    await expect.poll(() => page.getByText(/Saved: you agreed/).isVisible()).toBe(true);

    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('another long passphrase');
    await page.getByLabel('New password again').fill('another long passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('#password-error').textContent()).toBe('The current password is wrong.');
  });

  it('lists the devices, and signs out every other one', async () => {
    // A second browser (its own cookie jar) signs in to the same account.
    const other = await app.browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(`${app.url}/signin`);
    await otherPage.getByLabel('Email').fill(email);
    await otherPage.getByLabel('Password').fill(password);
    await otherPage.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => otherPage.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: /your account/ }).isVisible()).toBe(true);

    await page.reload();
    await expect.poll(() => devices().count()).toBe(2);
    expect(await devices().first().getAttribute('aria-label')).toBe('Chrome on Linux, this device');
    expect(await devices().first().textContent()).toMatch(/IP (::ffff:)?127\.0\.0\.1/);
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await expect.poll(() => devices().count()).toBe(1);
    expect(await page.getByText('Every other device was signed out.').isVisible()).toBe(true);

    // The other browser's session is gone: its next request is refused.
    const status = await otherPage.evaluate(async () => (await fetch('/api/me')).status);
    expect(status).toBe(401);
    await other.close();
  });

  it('shows my access log and downloads my data', async () => {
    await page.getByRole('button', { name: 'Show my access log' }).click();
    const log = page.getByRole('region', { name: 'My access log' });
    await expect.poll(() => log.getByRole('row').count()).toBeGreaterThan(3);
    expect(await log.textContent()).toContain('PUT /api/me/avatar');
    expect((await page.locator('#log-hint').textContent())!.replace(/\s+/g, ' ')).toContain('lines older than 17 days are deleted automatically');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^clearcut-my-data-\d{4}-\d\d-\d\d\.json$/);
    const data = readFileSync((await download.path())!, 'utf8');
    expect(data).toContain(email);
    expect(data).not.toContain(password);
  });

  it('signs out, refuses a wrong password, and signs in again with the avatar in the header', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.getByText('You are signed out.').isVisible()).toBe(true);
    expect(await nav().getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await headerAvatar().count()).toBe(0);
    expect(await app.context.cookies()).toEqual([]);
    // The tool is there as before.
    expect(await page.getByText('Choose photos').isVisible()).toBe(true);

    await nav().getByRole('link', { name: 'Sign in' }).click();
    await signIn('not the password');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await signIn(password);
    await expect.poll(() => headerAvatar().getAttribute('src')).toMatch(/^\/api\/avatars\//);
    expect(new URL(page.url()).pathname).toBe('/');

    await nav().getByRole('link', { name: /your account/ }).click();
    await expect.poll(() => devices().count()).toBe(1);
    expect(await devices().first().textContent()).toContain('this device');
  });

  it('opens the privacy page from the header by keyboard, stating the retention the server is configured with', async () => {
    await markDocument();
    await nav().getByRole('link', { name: 'Privacy' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => heading().textContent()).toBe('Privacy policy');
    expect(await sameDocument()).toBe(true);
    await expect.poll(() => page.getByTestId('log-retention').textContent()).toBe('17 days');
    expect(await page.getByTestId('session-days').textContent()).toBe('30 days');
    const text = (await page.getByRole('main').textContent())!;
    for (const phrase of ['Your photos never leave your device', 'user agent', 'path without its query', 'clearcut_session', 'IndexedDB', 'Cache Storage']) {
      expect(text).toContain(phrase);
    }
    expect(await page.getByRole('link', { name: 'Download my data' }).getAttribute('href')).toBe('/account#data-heading');
    expect(await page.getByRole('link', { name: 'Delete my account' }).getAttribute('href')).toBe('/account#delete-heading');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // Reached directly too (the server answers /privacy with the app).
    await page.goto(`${app.url}/privacy`);
    await expect.poll(() => page.getByTestId('log-retention').textContent()).toBe('17 days');
  });

  it('deletes the account after the password is confirmed; signing in then fails', async () => {
    await page.getByRole('link', { name: 'Delete my account' }).click();
    await expect.poll(() => heading().textContent()).toBe('Your account');
    // The link's #fragment is where reading and keyboard focus start.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('delete-heading');
    // The welcome credits are lost with the account: it says so, and asks to be told it is understood.
    const section = page.getByRole('region', { name: 'Delete my account' });
    await expect.poll(() => section.getByText('loses your 3 credits for good').isVisible(), { timeout: 20_000 }).toBe(true);
    const understood = section.getByRole('checkbox', { name: 'I understand that my 3 credits will be lost' });
    await page.getByLabel('Your password, to confirm').fill(password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    // Not sent: the browser holds the form at the unchecked box.
    expect(await understood.evaluate((box: HTMLInputElement) => box.validity.valueMissing)).toBe(true);
    await understood.check();
    await page.getByLabel('Your password, to confirm').fill('not the password');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await expect.poll(() => page.locator('#delete-error').textContent()).toBe('The password is wrong.');

    await page.getByLabel('Your password, to confirm').fill(password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.getByText(/Your account was deleted/).isVisible()).toBe(true);
    expect(await nav().getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await app.context.cookies()).toEqual([]);

    await nav().getByRole('link', { name: 'Sign in' }).click();
    await signIn(password);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');

    // A signed-out visit to the account page goes to sign-in.
    await page.goto(`${app.url}/account`);
    await expect.poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toBe('/signin?next=/account');
  });
});
