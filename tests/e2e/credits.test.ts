/**
 * Credits in real Chromium against the real server (a temporary database, the local payment
 * provider): sign up with 3 credits, buy a pack of 10 on the TEST MODE checkout page and come
 * back to the dashboard with 13, cut out a photo larger than 1 megapixel (the one inference of
 * this file), export it at full resolution and see the balance go down by one, and only once
 * when the first spend's answer is lost on the way; standard size costs nothing; with no
 * credits left the export says so; signed out or offline the full-resolution choice is
 * disabled with its reason. No request carries image bytes. The photo is also larger than
 * the page shows: its picture on the page is at the free standard size (so is what the card's
 * Download link points at, saved as it is) while its files, full and standard, come from the
 * matte at the photo's own size.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDimensions } from '../../common/export-size.ts';
import { decodeNode } from '../../scripts/lib/node-codec.ts';
import { displaySize } from '../../web/src/cutout/display.ts';
import { renderExport } from '../../web/src/cutout/export.ts';
import { fixturesDir, PHOTOS } from '../fixtures/photos.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { carriesImage } from './support/image-bytes.ts';
import { openApp, type App } from './support/app.ts';
import { signUpInPage } from './support/sign-up.ts';

/**
 * The astronaut enlarged to 5.3 megapixels: its full resolution is not free, and it is larger
 * than the page's picture of it (the standard size, 1000×1000, cutout/display.ts).
 */
const SIDE = 2304;
const NAME = 'astronaut.jpg';


describe('credits in Chromium', () => {
  let app: App;
  let page: Page;
  let dir: string;
  let photo: Buffer;
  /** The full-resolution file and the card's standard-size one, saved. */
  let fullFile: string;
  let cardFile: string;
  const email = `buyer-${Date.now()}@example.com`;
  const password = 'a long and unusual passphrase';

  const nav = () => page.getByRole('navigation', { name: 'Site' });
  const heading = () => page.getByRole('heading', { level: 1 });
  const headerBalance = () => nav().locator('a.balance');
  const dialog = () => page.getByRole('dialog', { name: `Edit ${NAME}` });
  const fullRadio = () => dialog().getByRole('radio', { name: /^Full resolution/ });
  const payButton = () => dialog().getByRole('button', { name: 'Download at full resolution (1 credit)' });
  /** The balance as the server has it. */
  const serverBalance = () => page.evaluate(async () => ((await (await fetch('/api/credits')).json()) as { balance: number }).balance);

  async function openEditor() {
    if (await dialog().isVisible()) return;
    await page.getByRole('button', { name: `Edit ${NAME}` }).click();
    await dialog().waitFor();
  }

  async function closeEditor() {
    if (await dialog().isVisible()) await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'hidden' });
  }

  /** Clicks `target`, saves the download and decodes it. */
  async function download(click: () => Promise<void>) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
    const saved = join(dir, `${Date.now()}-${dl.suggestedFilename()}`);
    await dl.saveAs(saved);
    const meta = await sharp(saved).metadata();
    return { name: dl.suggestedFilename(), width: meta.width, height: meta.height, format: meta.format, channels: meta.channels, saved };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clearcut-credits-'));
    photo = await sharp(join(fixturesDir, PHOTOS.astronaut.file)).resize(SIDE, SIDE).jpeg({ quality: 92 }).toBuffer();
    writeFileSync(join(dir, NAME), photo);
    app = await openApp({ context: { viewport: { width: 1280, height: 900 } }, path: '/signup' });
    page = app.page;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('signs up with 3 credits, shown in the header', async () => {
    await signUpInPage(page, email, password);
    await expect.poll(async () => headerBalance().getAttribute('data-balance'), { timeout: 20_000 }).toBe('3');
    expect(await headerBalance().textContent()).toContain('3 credits');
    // Buying waits for a confirmed address: open the link the server's outbox mailer prints.
    expect((await fetch(await app.server.mailLink(email), { redirect: 'manual' })).status).toBe(303);
  });

  it('buys a pack of 10 on the local provider\'s TEST MODE page and comes back to the dashboard with 13', async () => {
    await nav().getByRole('link', { name: 'Pricing' }).click();
    await expect.poll(async () => heading().textContent(), { timeout: 20_000 }).toBe('Pricing');
    // Prices from the server's configuration (the defaults: 3.00, 12.00, 40.00 and 9.00 a month).
    await page.getByRole('listitem', { name: '10 credits' }).waitFor({ timeout: 15_000 });
    for (const n of [10, 50, 200]) expect(await page.getByRole('listitem', { name: `${n} credits` }).isVisible()).toBe(true);
    expect(await page.getByText('100 credits every month').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Buy 10 credits for $3.00' }).click();

    await page.waitForURL(/\/billing\/local\/[^/]+$/);
    expect(await page.getByText('TEST MODE: no real payment is taken').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Confirm test payment' }).click();

    await page.waitForURL((url) => url.pathname === '/credits');
    await expect.poll(async () => heading().textContent(), { timeout: 20_000 }).toBe('Your credits');
    await expect.poll(async () => page.getByText(/^Payment confirmed: 10 credits added\./).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(async () => headerBalance().getAttribute('data-balance'), { timeout: 20_000 }).toBe('13');
    expect(await page.locator('.balance[data-balance]').first().getAttribute('data-balance')).toBe('13');
    const orders = page.getByRole('region', { name: 'Orders' });
    expect(await orders.getByRole('row').nth(1).textContent()).toMatch(/10 credits.*Paid/);
    const history = page.getByRole('region', { name: 'History' });
    expect(await history.getByRole('row').nth(1).textContent()).toMatch(/Credit pack\s*\+10\s*13/);
    expect(await history.getByRole('row').nth(2).textContent()).toMatch(/Welcome credits\s*\+3\s*3/);
  });

  it('exports at full resolution for one credit, once, even when the first answer is lost', async () => {
    await nav().getByRole('link', { name: 'clearcut' }).click();
    // The one inference of this file.
    await page.getByLabel('Choose photos').setInputFiles(join(dir, NAME));
    await page.getByRole('button', { name: `Edit ${NAME}` }).waitFor({ timeout: 300_000 });
    await openEditor();
    await fullRadio().check();
    // "Download all" says, before it spends anything, that this file will cost a credit.
    const downloadAll = page.locator('.batch-actions button.primary');
    expect((await downloadAll.textContent())?.trim()).toMatch(/Download all \(1\) as ZIP\s*· 1 full-size, 1 credit$/);

    // The spend reaches the server and is charged, but its answer never comes back.
    let lost = 0;
    await page.route('**/api/credits/spend', async (route) => {
      await route.fetch();
      lost++;
      await route.abort('connectionreset');
    });
    await payButton().click();
    await expect.poll(async () => dialog().getByRole('alert').textContent(), { timeout: 20_000 }).toContain('The server could not be reached to spend a credit');
    expect(lost).toBe(1);
    expect(await serverBalance()).toBe(12);
    await page.unroute('**/api/credits/spend');

    // Trying again is the same export with the same key: answered again, not charged again.
    const spends: { key: string; replayed: string | null }[] = [];
    page.on('response', async (res) => {
      if (!res.url().endsWith('/api/credits/spend')) return;
      spends.push({ key: (res.request().postDataJSON() as { idempotencyKey: string }).idempotencyKey, replayed: await res.headerValue('idempotent-replayed') });
    });
    const full = await download(() => payButton().click());
    // Named apart from the standard-size file, so saving both keeps both.
    expect([full.name, full.format, full.width, full.height, full.channels]).toEqual(['astronaut-cutout-full.png', 'png', SIDE, SIDE, 4]);
    fullFile = full.saved;
    expect(spends).toEqual([{ key: expect.stringMatching(/^[0-9a-f-]{36}$/), replayed: 'true' }]);
    await expect.poll(async () => headerBalance().getAttribute('data-balance'), { timeout: 20_000 }).toBe('12');
    expect(await serverBalance()).toBe(12);

    // The same file again, from its link: no new spend.
    const again = await download(() => dialog().getByRole('link', { name: 'Download astronaut-cutout-full.png' }).click());
    expect([again.width, again.height]).toEqual([SIDE, SIDE]);
    expect(spends).toHaveLength(1);
    expect(await serverBalance()).toBe(12);
    // Paid for, the same file in "Download all" costs nothing more, and the button no longer says it will.
    expect((await downloadAll.textContent())?.trim()).toMatch(/Download all \(1\) as ZIP$/);
  });

  it('exports at standard size without spending', async () => {
    const want = exportDimensions(SIDE, SIDE, 'standard');
    await dialog().getByRole('radio', { name: /^Standard/ }).check();
    const link = dialog().getByRole('link', { name: 'Download astronaut-cutout.png' });
    await link.waitFor({ timeout: 60_000 });
    const standard = await download(() => link.click());
    expect([standard.width, standard.height]).toEqual([want.width, want.height]);
    // And from the card, which exports a photo over 1 megapixel at standard size too.
    await closeEditor();
    const card = await download(() => page.getByRole('link', { name: 'Download astronaut-cutout.png' }).click());
    expect([card.width, card.height]).toEqual([want.width, want.height]);
    cardFile = card.saved;
    expect((await page.locator('.batch-actions button.primary').textContent())?.trim()).toMatch(/Download all \(1\) as ZIP$/);
    expect(await serverBalance()).toBe(12);
    expect(await headerBalance().getAttribute('data-balance')).toBe('12');
  });

  it("the card's Download link, saved as it is (\"Save link as…\", a middle click), is no larger than the free standard size", async () => {
    const want = exportDimensions(SIDE, SIDE, 'standard');
    const href = await page.getByRole('link', { name: 'Download astronaut-cutout.png' }).getAttribute('href');
    expect(href).toMatch(/^blob:/);
    // Saved as the browser saves a link without running the page's handler on it (the page's
    // policy lets it load blob: pictures, not fetch them).
    const saved = await download(async () => {
      await page.evaluate((url) => {
        const a = Object.assign(document.createElement('a'), { href: url, download: 'as-it-is.png' });
        document.body.append(a);
        a.click();
        a.remove();
      }, href!);
    });
    expect([saved.width, saved.height]).toEqual([want.width, want.height]);
    expect(saved.width! * saved.height!).toBeLessThanOrEqual(1_000_000);
  });

  it("shows the photo at the standard size over the whole photo, while its standard file is made from the matte at the photo's size", async () => {
    // The page's picture: composed at the free standard size (1000×1000), the original stretched over exactly its box.
    const shown = page.locator('li.featured img.cutout');
    const natural = await shown.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    const standard = exportDimensions(SIDE, SIDE, 'standard');
    expect(natural).toEqual([displaySize(SIDE, SIDE).width, displaySize(SIDE, SIDE).height]);
    expect(natural).toEqual([standard.width, standard.height]);
    // Everything the page shows or links for free is within the free size; the original is the user's own file.
    const pictures = await page.locator('li.card img:not(.original)').evaluateAll((imgs: HTMLImageElement[]) => imgs.map((img) => img.naturalWidth * img.naturalHeight));
    expect(pictures.length).toBeGreaterThan(0);
    for (const pixels of pictures) expect(pixels).toBeLessThanOrEqual(1_000_000);
    expect(await page.locator('li.featured img.original').boundingBox()).toEqual(await shown.boundingBox());
    expect(await page.locator('li.featured [role=status]').textContent()).toMatch(new RegExp(`^${SIDE}×${SIDE}, cut out in`));

    // The full-resolution file's alpha is the matte; the export code made the card's standard file from it.
    const full = await sharp(fullFile).raw().toBuffer({ resolveWithObject: true });
    const matte = { width: SIDE, height: SIDE, data: new Uint8Array(SIDE * SIDE) };
    for (let i = 0; i < matte.data.length; i++) matte.data[i] = full.data[i * 4 + 3];
    const want = renderExport(await decodeNode(new Uint8Array(photo)), matte, 'standard', { kind: 'transparent' });
    const got = await sharp(cardFile).raw().toBuffer({ resolveWithObject: true });
    expect([got.info.width, got.info.height, got.info.channels]).toEqual([want.width, want.height, 4]);
    let alphaDiffers = 0, worst = 0;
    for (let p = 0; p < got.data.length; p += 4) {
      if (got.data[p + 3] !== want.data[p + 3]) alphaDiffers++;
      // Colours as seen (premultiplied): the browser and sharp decode the JPEG each their own way.
      for (let c = 0; c < 3; c++) worst = Math.max(worst, (Math.abs(got.data[p + c] - want.data[p + c]) * want.data[p + 3]) / 255);
    }
    expect(alphaDiffers, 'pixels whose alpha differs').toBe(0);
    expect(worst, 'largest premultiplied colour difference').toBeLessThanOrEqual(8);
  });

  it('with no credits left, says so with the balance and a link to the pricing page', async () => {
    const deducted = await runAdminCli(app.server.dataDir, 'deduct', email, '12', 'e2e: spend it all');
    expect(deducted.code, deducted.stderr).toBe(0);
    await openEditor();
    await fullRadio().check();
    // A new export (another format): a new spend, refused.
    await dialog().getByRole('radio', { name: /^WebP/ }).check();
    await payButton().click();
    const alert = dialog().getByRole('alert');
    await expect.poll(async () => alert.textContent(), { timeout: 20_000 }).toContain('Not enough credits (balance 0).');
    // The pricing page opens in a new tab: leaving for a checkout would lose the photos on this page.
    const buy = alert.getByRole('link', { name: /^Buy credits/ });
    expect([await buy.getAttribute('href'), await buy.getAttribute('target')]).toEqual(['/pricing', '_blank']);
    await expect.poll(async () => headerBalance().getAttribute('data-balance'), { timeout: 20_000 }).toBe('0');
    await dialog().getByRole('radio', { name: /^PNG/ }).check();
    await closeEditor();
  });

  it('offline, the full-resolution choice is disabled with its reason; standard still works', async () => {
    await app.context.setOffline(true);
    await openEditor();
    await expect.poll(async () => fullRadio().isDisabled(), { timeout: 20_000 }).toBe(true);
    expect(await dialog().getByText('Full resolution needs a connection; standard size works offline').isVisible()).toBe(true);
    expect(await dialog().getByRole('radio', { name: /^Standard/ }).isChecked()).toBe(true);
    const link = dialog().getByRole('link', { name: 'Download astronaut-cutout.png' });
    await link.waitFor({ timeout: 60_000 });
    await closeEditor();
    await app.context.setOffline(false);
  });

  it('signed out, the full-resolution choice is disabled with its reason; standard still works', async () => {
    await nav().getByRole('link', { name: /your account/ }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(async () => new URL(page.url()).pathname, { timeout: 20_000 }).toBe('/');
    expect(await headerBalance().count()).toBe(0);
    // The cutout is still on the page (signing out is client-side navigation).
    await openEditor();
    await expect.poll(async () => fullRadio().isDisabled(), { timeout: 20_000 }).toBe(true);
    expect(await dialog().getByText('Sign in to export at full resolution').isVisible()).toBe(true);
    const link = dialog().getByRole('link', { name: 'Download astronaut-cutout.png' });
    await link.waitFor({ timeout: 60_000 });
    const standard = await download(() => link.click());
    expect(standard.width! * standard.height!).toBeLessThanOrEqual(1_000_000);
    await closeEditor();
    await nav().getByRole('link', { name: 'Pricing' }).click();
    await expect.poll(async () => page.getByRole('link', { name: 'Sign in to buy' }).isVisible(), { timeout: 20_000 }).toBe(true);
  });

  it('becomes a member (100 credits), sees the renewal date on the dashboard, and cancels: it stays until the period ends', async () => {
    // Signed in again (the pricing page still shows where it was going).
    await page.getByRole('link', { name: 'Sign in to buy' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(async () => heading().textContent(), { timeout: 20_000 }).toBe('Pricing');
    await page.getByRole('button', { name: 'Become a member' }).click();
    await page.waitForURL(/\/billing\/local\/[^/]+$/);
    await page.getByRole('button', { name: 'Confirm test payment' }).click();
    await page.waitForURL((url) => url.pathname === '/credits');
    await expect.poll(async () => page.getByText(/^Payment confirmed: Monthly membership added\./).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(async () => headerBalance().getAttribute('data-balance'), { timeout: 20_000 }).toBe('100');
    const membership = page.getByRole('region', { name: 'Membership' });
    await expect.poll(async () => membership.textContent(), { timeout: 20_000 }).toMatch(/Active: renews on .+, with a new month of credits\./);
    await membership.getByRole('button', { name: 'Cancel membership' }).click();
    await membership.getByRole('button', { name: 'Yes, cancel it' }).click();
    await expect.poll(async () => membership.getByRole('status').textContent(), { timeout: 20_000 }).toMatch(/Your membership is cancelled\. It stays, with its credits, until .+\./);
    expect(await membership.textContent()).toMatch(/Cancelled: yours until .+; it will not renew\./);
    expect(await membership.getByRole('button', { name: 'Cancel membership' }).count()).toBe(0);
    const history = page.getByRole('region', { name: 'History' });
    expect(await history.getByRole('row').nth(1).textContent()).toMatch(/Membership\s*\+100\s*100/);
  });

  it('creates an API key shown once with a copy button, sees its last use, and revokes it', async () => {
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await nav().getByRole('link', { name: /your account/ }).click();
    const section = page.getByRole('region', { name: 'API keys' });
    await section.getByLabel('Name of a new key').fill('laptop script');
    await section.getByRole('button', { name: 'Create key' }).click();
    const secret = section.getByLabel('The new API key');
    await secret.waitFor({ timeout: 20_000 });
    const key = await secret.inputValue();
    expect(key).toMatch(/^cc_[a-z2-9]{12}_[a-z2-9]{32}$/);
    expect(await section.getByText('it is shown only this once').isVisible()).toBe(true);
    await section.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(async () => section.getByRole('button', { name: 'Copied' }).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await section.getByRole('button', { name: 'Done' }).click();
    expect(await secret.count()).toBe(0);

    const row = section.getByRole('listitem', { name: 'laptop script' });
    expect(await row.textContent()).toContain('never used');
    // A script uses it (Node's fetch, no cookie): it reads the balance.
    const bearer = { Authorization: `Bearer ${key}` };
    const res = await fetch(`${app.url}/api/credits`, { headers: bearer });
    expect([res.status, await res.json()]).toEqual([200, { balance: 100 }]);
    // Back to the account page (client-side, so the cutout stays on the tool page) reads the list again.
    await nav().getByRole('link', { name: 'Pricing' }).click();
    await nav().getByRole('link', { name: /your account/ }).click();
    await expect.poll(async () => section.getByRole('listitem', { name: 'laptop script' }).textContent(), { timeout: 20_000 }).toMatch(/last used /);

    await section.getByRole('button', { name: 'Revoke laptop script' }).click();
    await expect.poll(async () => section.getByRole('status').textContent(), { timeout: 20_000 }).toContain('was revoked');
    await expect.poll(async () => section.getByRole('listitem', { name: 'laptop script' }).count(), { timeout: 20_000 }).toBe(0);
    expect((await fetch(`${app.url}/api/credits`, { headers: bearer })).status).toBe(401);
  });

  it('pages the history 20 rows at a time, newest first', async () => {
    // 20 more rows: spends as the export would make them (each its own key).
    const balances = await page.evaluate(async () => {
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await fetch('/api/credits/spend', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ idempotencyKey: `history-${i}-${crypto.randomUUID()}`, width: 2000, height: 2000 }),
        });
        out.push(((await res.json()) as { balance: number }).balance);
      }
      return out;
    });
    expect(balances.at(-1)).toBe(80);
    // The dashboard reads the balance anew (the header learns of the spends made outside it).
    await headerBalance().click();
    await expect.poll(async () => headerBalance().getAttribute('data-balance'), { timeout: 20_000 }).toBe('80');
    const history = page.getByRole('region', { name: 'History' });
    const rows = history.getByRole('row');
    await expect.poll(async () => rows.count(), { timeout: 20_000 }).toBe(21); // the header and 20
    expect(await rows.nth(1).textContent()).toMatch(/Full-resolution export\s*-1\s*80/);
    await history.getByRole('button', { name: 'Show older' }).click();
    // signup, pack, export, adjustment, membership: 25 changes in all, the oldest last.
    await expect.poll(async () => rows.count(), { timeout: 20_000 }).toBe(26);
    expect(await rows.nth(25).textContent()).toMatch(/Welcome credits\s*\+3\s*3/);
    expect(await history.getByRole('button', { name: 'Show older' }).count()).toBe(0);
  });

  it('sent no image bytes in any request', () => {
    const offenders = app.requests.filter((r) => carriesImage(r.postDataBuffer(), photo)).map((r) => `${r.method()} ${r.url()}`);
    expect(offenders).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
