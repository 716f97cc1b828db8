/**
 * Terms, privacy, contact and the admin console in real Chromium against the real server: the
 * footer's links and the two documents rendered from legal/*.md; a contact request sent
 * without an account and another from the account page's owner, answered in /admin (both mails in
 * the outbox) and shown answered on the account page; /admin not offered to a non-admin; the
 * notice of a material change blocking a purchase until accepted; the daily visits chart and the
 * audit log; suspending, credits, a refund and closing a request in /admin; and a child's account
 * closed by an admin.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../server/policies/documents.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { openApp, type App } from './support/app.ts';
import { signUpInPage } from './support/sign-up.ts';

const password = 'correct horse battery staple';
const userEmail = `pat.${Date.now()}@example.com`;
const adminEmail = `admin.${Date.now()}@example.com`;


/** The subjects of the mails saved in the outbox for `to`. */
function outboxSubjects(dataDir: string, to: string): string[] {
  const dir = join(dataDir, 'outbox');
  let files: string[] = [];
  try {
    files = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return files
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .filter((mail) => new RegExp(`^To: ${to.replace(/[.+]/g, '\\$&')}`, 'm').test(mail))
    .map((mail) => /^Subject: (.*)$/m.exec(mail)?.[1] ?? '');
}

async function signUp(page: Page, url: string, email: string) {
  await page.goto(`${url}/signup`);
  await signUpInPage(page, email, password);
}

describe('terms, contact and admin in Chromium', () => {
  let app: App;
  let page: Page;
  let adminContext: BrowserContext;
  let adminPage: Page;
  const heading = () => page.getByRole('heading', { level: 1 });

  beforeAll(async () => {
    app = await openApp();
    page = app.page;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('links Contact, Terms and Privacy from every page footer, and renders both documents from legal/*.md', async () => {
    const policies = loadPolicies();
    for (const path of ['/', '/pricing', '/signin']) {
      await page.goto(app.url + path);
      const footer = page.getByRole('navigation', { name: 'Footer' });
      expect(await footer.getByRole('link', { name: 'Contact' }).getAttribute('href'), path).toBe('/contact');
    }
    await page.getByRole('navigation', { name: 'Footer' }).getByRole('link', { name: 'Terms' }).click();
    await expect.poll(() => heading().textContent(), { timeout: 20_000 }).toBe('Terms of service');
    expect(await page.getByTestId('policy-version').textContent()).toContain(`Version ${policies.terms.version}`);
    expect(await page.getByRole('main').textContent()).toContain('Only images that you have the right to use');
    await page.getByRole('navigation', { name: 'Footer' }).getByRole('link', { name: 'Privacy' }).click();
    await expect.poll(() => heading().textContent(), { timeout: 20_000 }).toBe('Privacy policy');
    expect(await page.getByRole('heading', { name: 'Children' }).isVisible()).toBe(true);
  });

  it('sends a contact request without an account and gives its reference; the confirmation is mailed', async () => {
    const email = `visitor.${Date.now()}@example.com`;
    await page.goto(`${app.url}/contact`);
    await page.getByLabel('What is it about?').selectOption('complaint');
    await page.getByLabel('Your email').fill(email);
    await page.getByLabel('Message').fill('The page was slow on my phone.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Your request is' }).textContent(), { timeout: 20_000 }).toMatch(/Your request is REQ-[A-Z2-9]{4}-[A-Z2-9]{4}/);
    await expect.poll(() => outboxSubjects(app.server.dataDir, email), { timeout: 20_000 }).toEqual([expect.stringMatching(/^We received your request REQ-/)]);
  });

  it('from signing up to an answer: the request shows on the account page as open, then answered, with both mails sent', async () => {
    await signUp(page, app.url, userEmail);
    // A non-admin is not offered /admin, and the page itself says no.
    expect(await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
    await page.goto(`${app.url}/admin`);
    await expect.poll(() => page.getByText('This page is for admins only.').isVisible(), { timeout: 20_000 }).toBe(true);

    await page.goto(`${app.url}/contact`);
    await page.getByLabel('What is it about?').selectOption('privacy_deletion');
    await page.getByLabel('Message').fill('Please delete my old avatar from your backups.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Your request is' }).textContent(), { timeout: 20_000 }).toContain('Your request is REQ-');
    const reference = /REQ-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec((await page.getByRole('status').filter({ hasText: 'Your request is' }).textContent())!)![0];
    await page.goto(`${app.url}/account#support-heading`);
    const mine = page.getByRole('region', { name: 'Your requests' });
    await expect.poll(() => mine.textContent(), { timeout: 20_000 }).toContain(`${reference} · Privacy: delete my data`);
    expect(await mine.locator('[data-status]').first().textContent()).toBe('Open');

    // The admin: another browser, made admin by the command line.
    adminContext = await app.browser.newContext();
    adminPage = await adminContext.newPage();
    await signUp(adminPage, app.url, adminEmail);
    const made = await runAdminCli(app.server.dataDir, 'make-admin', adminEmail);
    expect(made.code, made.stderr).toBe(0);
    await adminPage.reload();
    await adminPage.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Admin', exact: true }).click();
    await expect.poll(() => adminPage.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toBe('Admin');
    const request = adminPage.getByRole('article', { name: `Request ${reference}` });
    await expect.poll(() => request.textContent(), { timeout: 20_000 }).toContain('Please delete my old avatar');
    await request.getByLabel(`Answer to ${reference}`).fill('Done: backups older than 30 days are gone, and yours with them.');
    await request.getByRole('button', { name: 'Send answer' }).click();
    await expect.poll(() => adminPage.getByRole('region', { name: 'Audit log' }).textContent(), { timeout: 20_000 }).toContain('answer_support');

    await page.reload();
    await expect.poll(() => mine.locator('[data-status]').first().textContent(), { timeout: 20_000 }).toBe('Answered');
    expect(await mine.textContent()).toContain('Our answer: Done: backups older than 30 days are gone');
    await expect.poll(() => outboxSubjects(app.server.dataDir, userEmail), { timeout: 20_000 }).toEqual([
      'Confirm your email for clearcut',
      `We received your request ${reference}`,
      `Answer to your request ${reference}`,
    ]);
  });

  it('shows the admin the daily visits as an SVG chart', async () => {
    const chart = adminPage.getByTestId('visits-chart');
    await expect.poll(() => chart.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await chart.locator('rect').count()).toBeGreaterThanOrEqual(1);
    expect(await chart.locator('title').first().textContent()).toMatch(/\d+ requests/);
  });

  it('blocks a purchase after a material change until the notice is accepted', async () => {
    // As if the privacy policy had changed materially since sign-up: the account accepted an older version.
    const db = new Database(join(app.server.dataDir, 'clearcut.sqlite'));
    db.prepare("update policy_acceptances set version = 0 where document = 'privacy' and user_id = (select id from users where email = ?)").run(userEmail);
    db.close();
    // The address must be confirmed to buy at all.
    const confirm = new Database(join(app.server.dataDir, 'clearcut.sqlite'));
    confirm.prepare('update users set email_verified_at = 1 where email = ?').run(userEmail);
    confirm.close();

    await page.goto(`${app.url}/pricing`);
    const notice = page.getByRole('region', { name: /We have updated our privacy policy/ });
    await expect.poll(() => notice.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await notice.textContent()).toContain(loadPolicies().privacy.noticeSummary);
    expect(await notice.getByRole('link', { name: 'Read the full text' }).getAttribute('href')).toBe('/privacy');

    await page.getByRole('button', { name: /^Buy 10 credits/ }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 }).toMatch(/^Version \d+ of the privacy policy needs your acceptance/);
    expect(new URL(page.url()).pathname).toBe('/pricing');

    await notice.getByRole('button', { name: 'I accept' }).click();
    await expect.poll(() => notice.count(), { timeout: 20_000 }).toBe(0);
    await page.getByRole('button', { name: /^Buy 10 credits/ }).click();
    await page.waitForURL(/\/billing\/local\//);
    const exported = await page.evaluate(async () => (await fetch('/api/me/export')).json());
    // The sign-up form's age choice, recorded (the provider path: oidc.test.ts).
    expect(exported.profile.ageConfirmation).toBe('adult');
    expect(exported.policyAcceptances.map((a: { document: string; via: string }) => `${a.document} ${a.via}`)).toEqual([
      'terms signup',
      'privacy signup',
      'terms notice',
      'privacy notice',
    ]);
  });

  it('in /admin: suspends and lifts, grants and deducts with a reason, refunds a local order and closes a request, each in the audit log', async () => {
    // A buyer in a browser of their own, with a paid order from the local provider's test page.
    const buyerEmail = `buyer.${Date.now()}@example.com`;
    const buyerContext = await app.browser.newContext();
    const buyer = await buyerContext.newPage();
    await signUp(buyer, app.url, buyerEmail);
    const db = new Database(join(app.server.dataDir, 'clearcut.sqlite'));
    db.prepare('update users set email_verified_at = 1 where email = ?').run(buyerEmail);
    db.close();
    await buyer.goto(`${app.url}/pricing`);
    await buyer.getByRole('button', { name: /^Buy 10 credits/ }).click();
    await buyer.waitForURL(/\/billing\/local\/[^/]+$/);
    await buyer.getByRole('button', { name: 'Confirm test payment' }).click();
    await buyer.waitForURL((url) => url.pathname === '/credits');

    await adminPage.goto(`${app.url}/admin`);
    await adminPage.getByLabel('Email or account id').fill(buyerEmail);
    await adminPage.getByRole('button', { name: 'Search' }).click();
    await adminPage.getByRole('button', { name: buyerEmail }).click();
    const account = adminPage.getByRole('article', { name: `Account ${buyerEmail}` });
    const said = () => account.getByRole('status').textContent();
    const balance = () => account.getByTestId('admin-balance').textContent();
    await expect.poll(balance, { timeout: 20_000 }).toBe('13 credits');

    await account.getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(said, { timeout: 20_000 }).toBe('Suspended: every session ended.');
    await buyer.goto(`${app.url}/account`);
    await expect.poll(() => buyer.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 }).toBe('Sign in');
    await account.getByRole('button', { name: 'Lift suspension' }).click();
    await expect.poll(said, { timeout: 20_000 }).toBe('Suspension lifted.');

    await account.getByLabel(/^Credits/).fill('5');
    await account.getByLabel('Reason').fill('made up for an outage');
    await account.getByRole('button', { name: 'Adjust credits' }).click();
    await expect.poll(said, { timeout: 20_000 }).toBe('Granted 5 credits: made up for an outage');
    await expect.poll(balance, { timeout: 20_000 }).toBe('18 credits');
    // The form is emptied, so pressing again cannot repeat it.
    expect(await account.getByLabel('Reason').inputValue()).toBe('');
    await account.getByLabel(/^Credits/).fill('-2');
    await account.getByLabel('Reason').fill('granted twice');
    await account.getByRole('button', { name: 'Adjust credits' }).click();
    await expect.poll(balance, { timeout: 20_000 }).toBe('16 credits');
    expect(await account.getByRole('listitem').filter({ hasText: `admin ${adminEmail}: granted twice` }).count()).toBe(1);
    await account.getByLabel(/^Credits/).fill('-100');
    await account.getByLabel('Reason').fill('too much');
    await account.getByRole('button', { name: 'Adjust credits' }).click();
    await expect.poll(() => account.getByRole('alert').textContent(), { timeout: 20_000 }).toBe('The balance is 16; 100 cannot be deducted.');

    adminPage.once('dialog', (d) => void d.accept());
    await account.getByRole('button', { name: 'Refund' }).click();
    await expect.poll(said, { timeout: 20_000 }).toMatch(/^Order ord_\w+ refunded\.$/);
    await expect.poll(balance, { timeout: 20_000 }).toBe('6 credits');
    expect(await account.getByRole('listitem').filter({ hasText: /pack-10 .* refunded/ }).count()).toBe(1);

    // The request answered earlier, closed: its sender sees it closed.
    const inbox = adminPage.getByRole('region', { name: 'Support inbox' });
    await inbox.getByLabel('Show').selectOption('answered');
    const answered = inbox.getByRole('article', { name: /^Request REQ-/ }).filter({ hasText: 'Please delete my old avatar' });
    await answered.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => inbox.getByRole('status').textContent(), { timeout: 20_000 }).toMatch(/^REQ-[A-Z2-9]{4}-[A-Z2-9]{4} closed\.$/);
    await page.goto(`${app.url}/account#support-heading`);
    await expect.poll(() => page.getByRole('region', { name: 'Your requests' }).locator('[data-status]').first().textContent(), { timeout: 20_000 }).toBe('Closed');

    const audit = adminPage.getByRole('region', { name: 'Audit log' });
    await expect.poll(() => audit.getByRole('listitem').first().textContent(), { timeout: 20_000 }).toContain('close_support');
    const actions = (await audit.getByRole('listitem').locator('strong').allTextContents()).slice(0, 7);
    expect(actions).toEqual(['close_support', 'refund_order', 'adjust_credits', 'adjust_credits', 'unban', 'ban', 'answer_support']);
    await buyerContext.close();
  });

  it("closes a child's account from /admin: the person is signed out and the account is gone", async () => {
    await adminPage.getByLabel('Email or account id').fill(userEmail);
    await adminPage.getByRole('button', { name: 'Search' }).click();
    await adminPage.getByRole('button', { name: userEmail }).click();
    adminPage.once('dialog', (d) => void d.accept());
    await adminPage.getByRole('button', { name: "Close as a child's account" }).click();
    await expect.poll(() => adminPage.getByRole('status').filter({ hasText: 'Closed as' }).textContent(), { timeout: 20_000 }).toContain("Closed as a child's account.");
    await expect.poll(() => adminPage.getByRole('region', { name: 'Audit log' }).textContent(), { timeout: 20_000 }).toContain('close_child_account');

    await page.goto(`${app.url}/account`);
    await expect.poll(() => heading().textContent(), { timeout: 10_000 }).toBe('Sign in');
    const again = await page.evaluate(
      async ({ email, password }) =>
        (await fetch('/api/auth/signup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password, ageConfirmation: 'adult', acceptPolicies: true }) })).json(),
      { email: userEmail, password },
    );
    expect(again.error.code).toBe('guardian_consent_required');
    expect(app.pageErrors).toEqual([]);
  });
});
