/** Mail-backed flows against a real SMTP server in this process: confirm an address, change it, reset a password. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, errorCode, json, startTestServer, strongPassword, uniqueEmail, type TestServer, sqlRows } from './helpers.ts';
import { startSmtpInbox, type ReceivedMail } from './smtp-inbox.ts';

const publicOrigin = 'https://cut.example.test';
let smtp: Awaited<ReturnType<typeof startSmtpInbox>>;
let t: TestServer;

beforeAll(async () => {
  smtp = await startSmtpInbox();
  t = await startTestServer({
    env: { SMTP_URL: smtp.smtpUrl, PUBLIC_ORIGIN: publicOrigin, MAIL_FROM: 'clearcut <no-reply@cut.example.test>' },
    deps: { mailer: smtp.mailer },
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});
beforeEach(() => {
  smtp.received.length = 0;
});

/** A browser on PUBLIC_ORIGIN: its requests are same-origin whatever host the test server listens on. */
const browser = () => new Client(t, { headers: { 'Sec-Fetch-Site': 'same-origin' } });

/** Waits for every mail started so far, then returns those sent to `to`. */
const mailsTo = (to: string): Promise<ReceivedMail[]> => smtp.mailsTo(to);

/** Forgets the mails sent so far (the sign-up confirmation, when a test is about something else). */
const clearInbox = (): Promise<void> => smtp.clear();

/** The one link to PUBLIC_ORIGIN in a mail: its path (to open on the test server) and token. */
function linkIn(mail: ReceivedMail): { path: string; token: string } {
  const found = [...mail.raw.matchAll(/https:\/\/cut\.example\.test(\/[^\s"<]+)/g)].map((m) => m[1]!);
  expect(new Set(found).size).toBe(1);
  const path = found[0]!.replace(/&amp;/g, '&');
  const token = new URL(path, publicOrigin).searchParams.get('token') ?? '';
  return { path, token };
}

describe('address confirmation', () => {
  it('mails a link at sign-up (text and HTML, no tracking) that confirms the address; buying and API keys wait for it', async () => {
    const client = browser();
    const { email } = await client.signUp(uniqueEmail(), strongPassword, { verified: false });
    const [mail, ...more] = await mailsTo(email);
    expect(more).toHaveLength(0);
    expect(mail!.from).toBe('no-reply@cut.example.test');
    expect(mail!.raw).toMatch(/^Subject: Confirm your email for clearcut/m);
    expect(mail!.raw).toContain('Content-Type: text/plain');
    expect(mail!.raw).toContain('Content-Type: text/html');
    expect(mail!.raw).not.toMatch(/<img|utm_|pixel/i);
    const link = linkIn(mail!);
    // Links are built from PUBLIC_ORIGIN, never from the request's Host header.
    expect(link.path).toMatch(/^\/api\/auth\/verify-email\?token=[a-z2-9]{32}$/);

    expect(await json(await client.get('/api/me'))).toMatchObject({ email, emailVerified: false });
    const order = await client.post('/api/billing/orders', { product: 'pack-10' });
    expect(order.status).toBe(403);
    expect(await errorCode(order)).toBe('email_unverified');
    const key = await client.post('/api/me/api-keys', { name: 'script' });
    expect(key.status).toBe(403);
    expect(await errorCode(key)).toBe('email_unverified');

    // Opening the link needs no session (it may be opened on another device).
    const opened = await t.request(link.path, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/account?email=verified');
    expect(await json(await client.get('/api/me'))).toMatchObject({ email, emailVerified: true });
    expect((await client.post('/api/me/api-keys', { name: 'script' })).status).toBe(201);
    expect((await client.post('/api/billing/orders', { product: 'pack-10' })).status).toBe(201);

    // Used once, then refused.
    const again = await t.request(link.path, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/account?email=invalid-link');
    const posted = await client.post('/api/auth/verify-email', { token: link.token });
    expect(posted.status).toBe(400);
    expect(await errorCode(posted)).toBe('invalid_token');
  });

  it('refuses tampered, expired and superseded links', async () => {
    const client = browser();
    const { email } = await client.signUp(uniqueEmail(), strongPassword, { verified: false });
    const first = linkIn((await mailsTo(email))[0]!);
    const tampered = first.token.slice(0, -1) + (first.token.endsWith('a') ? 'b' : 'a');
    for (const token of [tampered, first.token.toUpperCase(), `${first.token}x`, '', 'x'.repeat(200)]) {
      const res = await client.post('/api/auth/verify-email', { token });
      expect([400, 422], token).toContain(res.status);
    }
    // "Send again" makes a new link; the first stops working.
    expect((await client.post('/api/me/email-verification')).status).toBe(202);
    const second = linkIn((await mailsTo(email))[1]!);
    expect(second.token).not.toBe(first.token);
    expect(await errorCode(await client.post('/api/auth/verify-email', { token: first.token }))).toBe('invalid_token');
    // Valid for 48 hours.
    t.clock.advance(48 * 3_600_000 + 1);
    expect(await errorCode(await client.post('/api/auth/verify-email', { token: second.token }))).toBe('invalid_token');
    expect((await json(await client.get('/api/me'))).emailVerified).toBe(false);
  });

  it('rate-limits "send again" per account and refuses it once confirmed', async () => {
    const client = browser();
    const { email } = await client.signUp(uniqueEmail(), strongPassword, { verified: false });
    for (let i = 0; i < 5; i++) expect((await client.post('/api/me/email-verification')).status).toBe(202);
    const limited = await client.post('/api/me/email-verification');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await mailsTo(email)).toHaveLength(6);
    const res = await client.post('/api/auth/verify-email', { token: linkIn((await mailsTo(email))[5]!).token });
    expect(res.status).toBe(200);
    expect((await json(res)).user.emailVerified).toBe(true);
    const verified = browser();
    await verified.signUp();
    expect(await errorCode(await verified.post('/api/me/email-verification'))).toBe('already_verified');
    expect((await browser().post('/api/me/email-verification')).status).toBe(401);
  });

  it('changes the email only when the new address confirms, then tells the old one', async () => {
    const client = browser();
    const { email } = await client.signUp();
    await clearInbox();
    const newEmail = uniqueEmail();
    const patched = await json(await client.patch('/api/me', { email: newEmail }));
    expect(patched).toMatchObject({ email, pendingEmail: newEmail, emailVerified: true });
    // GET /api/me reads the pending address with the session, in the same statement.
    expect(await json(await client.get('/api/me'))).toMatchObject({ email, pendingEmail: newEmail });
    expect(await mailsTo(email)).toHaveLength(0);
    const [mail] = await mailsTo(newEmail);
    expect(mail!.raw).toMatch(/^Subject: Confirm your new email for clearcut/m);
    const opened = await t.request(linkIn(mail!).path, { redirect: 'manual' });
    expect(opened.headers.get('location')).toBe('/account?email=changed');
    expect(await json(await client.get('/api/me'))).toMatchObject({ email: newEmail, pendingEmail: null, emailVerified: true });
    const [notice] = await mailsTo(email);
    expect(notice!.raw).toMatch(/^Subject: Your clearcut email was changed/m);
    expect(notice!.raw).toContain(newEmail);
    expect((await browser().post('/api/auth/login', { email: newEmail, password: strongPassword })).status).toBe(200);
    expect((await browser().post('/api/auth/login', { email, password: strongPassword })).status).toBe(401);
  });

  it('refuses the change if the address was taken meanwhile', async () => {
    const client = browser();
    await client.signUp();
    const contested = uniqueEmail();
    await client.patch('/api/me', { email: contested });
    const link = linkIn((await mailsTo(contested))[0]!);
    await browser().signUp(contested);
    const res = await client.post('/api/auth/verify-email', { token: link.token });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('email_taken');
  });
});

describe('password reset', () => {
  it('mails a one-hour link that sets a new password, ends every session and signs in here', async () => {
    const owner = browser();
    const { email } = await owner.signUp();
    await clearInbox();
    const stranger = browser();
    const res = await stranger.post('/api/auth/password-reset', { email: email.toUpperCase() });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ sent: true });
    const [mail] = await mailsTo(email);
    expect(mail!.raw).toMatch(/^Subject: Reset your clearcut password/m);
    const link = linkIn(mail!);
    expect(link.path).toMatch(/^\/reset-password\?token=[a-z2-9]{32}$/);

    const reader = browser();
    expect(await json(await reader.post('/api/auth/password-reset/check', { token: link.token }))).toEqual({ email });
    // A refused password keeps the link usable.
    const weak = await reader.post('/api/auth/password-reset/confirm', { token: link.token, password: 'password123' });
    expect(weak.status).toBe(422);
    const done = await reader.post('/api/auth/password-reset/confirm', { token: link.token, password: 'a brand new passphrase' });
    expect(done.status).toBe(200);
    expect((await json(done)).user.email).toBe(email);
    expect(done.headers.getSetCookie().join('\n')).toContain('clearcut_session=');
    expect((await reader.get('/api/me')).status).toBe(200);
    // The session that existed before is over; the old password no longer works.
    expect((await owner.get('/api/me')).status).toBe(401);
    expect((await browser().post('/api/auth/login', { email, password: strongPassword })).status).toBe(401);
    expect((await browser().post('/api/auth/login', { email, password: 'a brand new passphrase' })).status).toBe(200);
    // Single use.
    const reused = await browser().post('/api/auth/password-reset/confirm', { token: link.token, password: 'yet another passphrase' });
    expect(reused.status).toBe(400);
    expect(await errorCode(reused)).toBe('invalid_token');
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const known = browser();
    const { email } = await known.signUp();
    await clearInbox();
    const unknown = uniqueEmail();
    const a = await browser().post('/api/auth/password-reset', { email: unknown });
    const b = await browser().post('/api/auth/password-reset', { email });
    expect(a.status).toBe(b.status);
    expect(await a.text()).toBe(await b.text());
    await smtp.mailer.flush();
    expect(smtp.received.map((m) => m.to)).toEqual([[email]]);
  });

  it('refuses expired and tampered links', async () => {
    const client = browser();
    const { email } = await client.signUp();
    await clearInbox();
    await client.post('/api/auth/password-reset', { email });
    const { token } = linkIn((await mailsTo(email))[0]!);
    const tampered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    expect(await errorCode(await client.post('/api/auth/password-reset/confirm', { token: tampered, password: 'a brand new passphrase' }))).toBe(
      'invalid_token',
    );
    // A confirmation link is not a reset link.
    await client.post('/api/auth/password-reset', { email });
    t.clock.advance(3_600_000 + 1);
    const { token: latest } = linkIn((await mailsTo(email))[1]!);
    expect(await errorCode(await client.post('/api/auth/password-reset/confirm', { token: latest, password: 'a brand new passphrase' }))).toBe(
      'invalid_token',
    );
    expect((await browser().post('/api/auth/login', { email, password: strongPassword })).status).toBe(200);
  });

  it('limits resets per address quietly: the answer never changes', async () => {
    const { email } = await browser().signUp();
    await clearInbox();
    for (let i = 0; i < 7; i++) {
      const res = await browser().post('/api/auth/password-reset', { email });
      expect(res.status).toBe(202);
    }
    expect(await mailsTo(email)).toHaveLength(5);
  });
});

describe('privacy', () => {
  it('exports pending links without their tokens, and deletion removes them', async () => {
    const client = browser();
    const { email, password } = await client.signUp(uniqueEmail(), strongPassword, { verified: false });
    const newEmail = uniqueEmail();
    await client.patch('/api/me', { email: newEmail });
    await smtp.mailer.flush();
    const data = await json(await client.get('/api/me/export'));
    expect(data.profile).toMatchObject({ email, emailVerified: false, emailVerifiedAt: null });
    expect(data.pendingVerifications.map((p: { purpose: string; email: string }) => [p.purpose, p.email]).sort()).toEqual([
      ['email_change', newEmail],
      ['verify', email],
    ]);
    expect(JSON.stringify(data)).not.toMatch(/token/i);
    expect((await client.delete('/api/me', { password })).status).toBe(204);
    const left = (await sqlRows(t.db, 'select count(*) as n from email_tokens where email in (?, ?)', email, newEmail))[0] as { n: number };
    expect(left.n).toBe(0);
  });
});
