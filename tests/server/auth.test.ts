/** Sign-up, sign-in, sign-out and the session cookie. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, json, signupConsent, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const day = 86_400_000;

describe('sign-up', () => {
  it('creates the account, answers 201 with the user and sets an HttpOnly SameSite=Lax cookie', async () => {
    const client = new Client(t);
    const email = uniqueEmail();
    const res = await client.post('/api/auth/signup', { email, password: strongPassword, displayName: 'Ada', ...signupConsent });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toEqual({
      user: {
        id: expect.any(String),
        email,
        displayName: 'Ada',
        avatarUrl: null,
        marketingConsent: false,
        emailVerified: false,
        createdAt: expect.any(String),
        pendingEmail: null,
        admin: false,
      },
    });
    const cookie = res.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/clearcut_session=[a-z2-9]{24}\.[a-z2-9]{24}/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect((await json(me)).email).toBe(email);
  });

  it('stores the email lower-cased and refuses the same email in another case with 409', async () => {
    const email = uniqueEmail();
    const first = await new Client(t).post('/api/auth/signup', { email: `  ${email.toUpperCase()} `, password: strongPassword, ...signupConsent });
    expect(first.status).toBe(201);
    expect((await json(first)).user.email).toBe(email);
    const again = await new Client(t).post('/api/auth/signup', { email, password: strongPassword, ...signupConsent });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('email_taken');
  });

  it('refuses short and common passwords with 422', async () => {
    for (const password of ['short', 'abcdefghi', 'password123', 'qwertyuiop', '1234567890', 'Sunshine2024!', 'aaaaaaaaaaaa']) {
      const res = await new Client(t).post('/api/auth/signup', { email: uniqueEmail(), password, ...signupConsent });
      expect(res.status, password).toBe(422);
      expect(await errorCode(res)).toBe('invalid');
    }
  });

  it('refuses invalid emails and wrong types with 422', async () => {
    for (const body of [
      { email: 'not-an-email', password: strongPassword },
      { email: 42, password: strongPassword },
      { email: uniqueEmail(), password: ['array'] },
      { email: uniqueEmail(), password: strongPassword, displayName: { a: 1 } },
      { email: uniqueEmail(), password: strongPassword, displayName: 'x'.repeat(65) },
      { email: uniqueEmail(), password: strongPassword, displayName: 'evil\u202Eeman' },
      {},
      [],
      null,
    ]) {
      const res = await new Client(t).post('/api/auth/signup', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(await errorCode(res)).toBe('invalid');
    }
  });

  it('takes display names in any script', async () => {
    const res = await new Client(t).post('/api/auth/signup', { email: uniqueEmail(), ...signupConsent, password: strongPassword, displayName: '  Zoë 李小龍 مرحبا 👩‍🎨 ' });
    expect(res.status).toBe(201);
    expect((await json(res)).user.displayName).toBe('Zoë 李小龍 مرحبا 👩‍🎨');
  });
});

describe('sign-in', () => {
  it('signs in with any case of the email and gives a new session', async () => {
    const { email } = await new Client(t).signUp();
    const client = new Client(t);
    const res = await client.post('/api/auth/login', { email: email.toUpperCase(), password: strongPassword });
    expect(res.status).toBe(200);
    expect((await json(res)).user.email).toBe(email);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('gives the same 401 for an unknown email and a wrong password', async () => {
    const { email } = await new Client(t).signUp();
    const wrongPassword = await new Client(t).post('/api/auth/login', { email, password: 'not the password at all' });
    const unknownEmail = await new Client(t).post('/api/auth/login', { email: uniqueEmail(), password: strongPassword });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(await json(wrongPassword)).toEqual(await json(unknownEmail));
  });

  it('signs out: 204, cookie cleared, the session no longer works', async () => {
    const client = new Client(t);
    await client.signUp();
    const token = client.cookies.get('clearcut_session')!;
    const res = await client.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join()).toMatch(/clearcut_session=;.*Max-Age=0/);
    const replay = new Client(t);
    replay.cookies.set('clearcut_session', token);
    expect((await replay.get('/api/me')).status).toBe(401);
  });
});

describe('session cookies', () => {
  it('refuses forged cookies: random tokens, a real id with a wrong secret, garbage', async () => {
    const owner = new Client(t);
    await owner.signUp();
    const [id] = owner.cookies.get('clearcut_session')!.split('.');
    for (const forged of [`${id}.${'a'.repeat(24)}`, `${'b'.repeat(24)}.${'c'.repeat(24)}`, 'x', `${id}`, "' OR 1=1 --"]) {
      const client = new Client(t);
      client.cookies.set('clearcut_session', encodeURIComponent(forged));
      const res = await client.get('/api/me');
      expect(res.status, forged).toBe(401);
      expect(await errorCode(res)).toBe('unauthorized');
    }
    expect((await owner.get('/api/me')).status).toBe(200);
  });

  it('slides the expiry for active sessions and refuses expired ones', async () => {
    const client = new Client(t);
    await client.signUp();
    // 20 of 30 days in: past half the lifetime, so the cookie is renewed.
    t.clock.advance(20 * day);
    const renewed = await client.get('/api/me');
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie().join()).toContain('clearcut_session=');
    // 25 more days: still within the renewed 30.
    t.clock.advance(25 * day);
    expect((await client.get('/api/me')).status).toBe(200);

    const idle = new Client(t);
    await idle.signUp();
    t.clock.advance(31 * day);
    const expired = await idle.get('/api/me');
    expect(expired.status).toBe(401);
  });

  it('marks the cookie Secure and sends HSTS when served over https', async () => {
    const https = await startTestServer({ env: { PUBLIC_ORIGIN: 'https://cut.example.com' } });
    try {
      const res = await https.app.request('/api/auth/signup', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'https://cut.example.com' },
        body: JSON.stringify({ email: uniqueEmail(), password: strongPassword, ...signupConsent }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie().join()).toContain('Secure');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await https.close();
    }
  });
});
