/** Contact and support requests through the app (app.request()), with real mail over SMTP: sent, confirmed, followed by the sender, answered by an admin. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin } from '../../server/admin.ts';
import { Client, errorCode, json, startTestServer, uniqueEmail, type TestServer } from './helpers.ts';
import { startSmtpInbox } from './smtp-inbox.ts';

const publicOrigin = 'https://cut.example.test';
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
let t: TestServer;
beforeAll(async () => {
  inbox = await startSmtpInbox();
  t = await startTestServer({
    env: { SMTP_URL: inbox.smtpUrl, PUBLIC_ORIGIN: publicOrigin, MAIL_FROM: 'clearcut <no-reply@cut.example.test>' },
    deps: { mailer: inbox.mailer },
  });
});
afterAll(async () => {
  await t.close();
  await inbox.close();
});

/** A browser on PUBLIC_ORIGIN (same-origin requests whatever port the server listens on). */
const browser = () => new Client(t, { headers: { 'Sec-Fetch-Site': 'same-origin' } });

async function signedInAdmin(): Promise<Client> {
  const admin = browser();
  const { email } = await admin.signUp();
  await makeAdmin(t.db, email);
  return admin;
}

describe('a request from sending to answer', () => {
  it('is stored with a reference, confirmed by mail, visible to its sender, answered by an admin with a mail, then closed', async () => {
    const sender = browser();
    const { email } = await sender.signUp();
    const sent = await sender.post('/api/support/requests', { kind: 'privacy_access', message: 'Please send me a copy of everything you hold about me.' });
    expect(sent.status).toBe(201);
    const { request } = await json(sent);
    expect(request).toMatchObject({ kind: 'privacy_access', status: 'open', answer: null });
    expect(request.reference).toMatch(/^REQ-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    // The confirmation names the reference and goes to the account's own address.
    // (The first mail is sign-up's "Confirm your email".)
    const [, confirmation, ...others] = await inbox.mailsTo(email);
    expect(others).toHaveLength(0);
    expect(confirmation!.subject).toBe(`We received your request ${request.reference}`);
    expect(confirmation!.raw).toContain('Privacy request: access to my data');
    expect(confirmation!.raw).toContain(`${publicOrigin}/account#support-heading`);

    expect((await json(await sender.get('/api/support/requests'))).requests).toEqual([request]);

    const admin = await signedInAdmin();
    const inboxList = (await json(await admin.get('/api/admin/support?status=open'))).requests;
    expect(inboxList.find((r: { id: string }) => r.id === request.id)).toMatchObject({ email, message: request.message, status: 'open' });
    const answered = await admin.post(`/api/admin/support/${request.id}/answer`, { answer: 'Your data is attached to your account page: use "Download my data".' });
    expect(answered.status).toBe(200);

    const [, , answerMail] = await inbox.mailsTo(email);
    expect(answerMail!.subject).toBe(`Answer to your request ${request.reference}`);
    expect(answerMail!.raw).toContain('use "Download my data"');
    const mine = (await json(await sender.get('/api/support/requests'))).requests[0];
    expect(mine).toMatchObject({ status: 'answered', answer: 'Your data is attached to your account page: use "Download my data".' });
    expect(mine.answeredAt).toBe(t.clock.now().toISOString());

    expect((await admin.post(`/api/admin/support/${request.id}/close`)).status).toBe(200);
    expect((await json(await sender.get('/api/support/requests'))).requests[0].status).toBe('closed');
  });

  it('takes a request without an account, with an address to answer to, and mails that address', async () => {
    const email = uniqueEmail();
    const res = await browser().post('/api/support/requests', { kind: 'complaint', message: 'The export button was hard to find.', email });
    expect(res.status).toBe(201);
    const { request } = await json(res);
    expect((await inbox.mailsTo(email))[0]!.subject).toBe(`We received your request ${request.reference}`);
    const admin = await signedInAdmin();
    await admin.post(`/api/admin/support/${request.id}/answer`, { answer: 'Thank you, we moved it.' });
    expect((await inbox.mailsTo(email)).map((m) => m.subject)).toEqual([
      `We received your request ${request.reference}`,
      `Answer to your request ${request.reference}`,
    ]);
  });
});

describe('refusals', () => {
  it('needs an address without an account, a known kind and a message', async () => {
    for (const [body, message] of [
      [{ kind: 'question', message: 'Hello?' }, /address we should answer to/],
      [{ kind: 'gossip', message: 'Hello?', email: uniqueEmail() }, /Choose what the request is about/],
      [{ kind: 'question', message: '   ', email: uniqueEmail() }, /Write a message/],
      [{ kind: 'question', message: 'Hi', email: 'not-an-address' }, /valid email/],
    ] as const) {
      const res = await browser().post('/api/support/requests', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await json(res)).error.message).toMatch(message);
    }
  });

  it('refuses a message over 5,000 characters (422) and a body over 16 KB (413), each saying so', async () => {
    const long = await browser().post('/api/support/requests', { kind: 'question', message: 'x'.repeat(5001), email: uniqueEmail() });
    expect(long.status).toBe(422);
    expect((await json(long)).error.message).toBe('message: Messages can be at most 5,000 characters.');
    const huge = await browser().post('/api/support/requests', { kind: 'question', message: 'x'.repeat(17_000), email: uniqueEmail() });
    expect(huge.status).toBe(413);
    expect((await json(huge)).error).toEqual({ code: 'too_large', message: 'JSON bodies can be at most 16 KB.' });
  });

  it("lists a sender's requests only when signed in", async () => {
    expect(await errorCode(await browser().get('/api/support/requests'))).toBe('unauthorized');
  });
});

describe('abuse limits, as on sign-up', () => {
  it('allows 10 requests per IP per hour and 5 confirmations per address per hour, then 429 with Retry-After', async () => {
    const limited = await startTestServer({ realRateLimits: true, env: { TRUST_PROXY: 'true' } });
    try {
      const from = (ip: string) => new Client(limited, { headers: { 'X-Forwarded-For': ip } });
      for (let i = 0; i < 10; i++) {
        expect((await from('192.0.2.50').post('/api/support/requests', { kind: 'question', message: `#${i}`, email: uniqueEmail() })).status).toBe(201);
      }
      const refused = await from('192.0.2.50').post('/api/support/requests', { kind: 'question', message: 'one more', email: uniqueEmail() });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

      const target = uniqueEmail();
      for (let i = 0; i < 5; i++) {
        expect((await from(`192.0.2.${60 + i}`).post('/api/support/requests', { kind: 'question', message: 'spam?', email: target })).status).toBe(201);
      }
      expect(await errorCode(await from('192.0.2.70').post('/api/support/requests', { kind: 'question', message: 'spam?', email: target }))).toBe('rate_limited');
      limited.clock.advance(3_600_000);
      expect((await from('192.0.2.50').post('/api/support/requests', { kind: 'question', message: 'later', email: target })).status).toBe(201);
    } finally {
      await limited.close();
    }
  });
});
