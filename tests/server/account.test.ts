/** /api/me: profile, consent, password change, devices, access log, export. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, json, startTestServer, strongPassword, uniqueEmail, type TestServer, sqlRows } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  // Listening: the devices list shows each session's IP, which only a socket has.
  t = await startTestServer({ listen: true });
});
afterAll(() => t.close());

describe('profile', () => {
  it('needs a session', async () => {
    const res = await new Client(t).get('/api/me');
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('unauthorized');
  });

  it('is asked for by the page as GET /api/auth/session: 200 with null signed out, the same profile signed in', async () => {
    const signedOut = await new Client(t).get('/api/auth/session');
    expect(signedOut.status).toBe(200);
    expect(await signedOut.json()).toEqual({ user: null });
    const client = new Client(t);
    await client.signUp();
    const session = await json(await client.get('/api/auth/session'));
    expect(session.user).toEqual(await json(await client.get('/api/me')));
    await client.post('/api/auth/logout');
    expect(await json(await client.get('/api/auth/session'))).toEqual({ user: null });
  });

  it('returns exactly the documented fields, with marketing consent off by default', async () => {
    const client = new Client(t);
    const { email } = await client.signUp();
    const me = await json(await client.get('/api/me'));
    expect(Object.keys(me).sort()).toEqual([
      'admin',
      'avatarUrl',
      'createdAt',
      'displayName',
      'email',
      'emailVerified',
      'id',
      'marketingConsent',
      'pendingEmail',
    ]);
    expect(me).toMatchObject({ email, displayName: null, avatarUrl: null, marketingConsent: false, emailVerified: true, pendingEmail: null });
  });

  it('corrects name and consent at once; a new email waits for its link (tests/server/email.test.ts opens it)', async () => {
    const client = new Client(t);
    const { email } = await client.signUp();
    const newEmail = uniqueEmail();
    const res = await client.patch('/api/me', { displayName: 'Grace', email: newEmail.toUpperCase(), marketingConsent: true });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ displayName: 'Grace', email, pendingEmail: newEmail, marketingConsent: true });
    const off = await json(await client.patch('/api/me', { marketingConsent: false, displayName: '' }));
    expect(off).toMatchObject({ marketingConsent: false, displayName: null });
    // Until the link is opened, the old email still signs in and the new one does not.
    expect((await new Client(t).post('/api/auth/login', { email, password: strongPassword })).status).toBe(200);
    expect((await new Client(t).post('/api/auth/login', { email: newEmail, password: strongPassword })).status).toBe(401);
  });

  it('refuses an email that belongs to someone else with 409', async () => {
    const { email: taken } = await new Client(t).signUp();
    const client = new Client(t);
    await client.signUp();
    const res = await client.patch('/api/me', { email: taken });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('email_taken');
  });

  it('stores SQL-injection and script strings as plain text and stays intact', async () => {
    const client = new Client(t);
    await client.signUp();
    for (const name of ["Robert'); DROP TABLE users;--", '<script>alert(1)</script>', '" OR ""="', '${7*7} {{7*7}}']) {
      const res = await client.patch('/api/me', { displayName: name });
      expect(res.status, name).toBe(200);
      expect((await json(res)).displayName).toBe(name);
    }
    const res = await client.patch('/api/me', { email: "x'; DROP TABLE users;--@example.com" });
    expect(res.status).toBe(422);
    const injectedLogin = await new Client(t).post('/api/auth/login', { email: "' OR 1=1 --", password: "' OR '1'='1" });
    expect(injectedLogin.status).toBe(422);
    const count = (await sqlRows(t.db, 'select count(*) as n from users'))[0] as { n: number };
    expect(count.n).toBeGreaterThan(1);
  });

  it('refuses wrong types with 422', async () => {
    const client = new Client(t);
    await client.signUp();
    for (const body of [{ marketingConsent: 'yes' }, { displayName: 5 }, { email: ['a@b.co'] }]) {
      const res = await client.patch('/api/me', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(await errorCode(res)).toBe('invalid');
    }
  });
});

describe('password change', () => {
  it('needs the current password, applies the policy, and ends every other session', async () => {
    const here = new Client(t, { headers: { 'User-Agent': 'here' } });
    const { email } = await here.signUp();
    const elsewhere = new Client(t, { headers: { 'User-Agent': 'elsewhere' } });
    await elsewhere.post('/api/auth/login', { email, password: strongPassword });

    const wrong = await here.post('/api/me/password', { currentPassword: 'not my password', newPassword: 'a new long passphrase' });
    expect(wrong.status).toBe(403);
    expect(await errorCode(wrong)).toBe('wrong_password');
    const weak = await here.post('/api/me/password', { currentPassword: strongPassword, newPassword: 'password1234' });
    expect(weak.status).toBe(422);

    const ok = await here.post('/api/me/password', { currentPassword: strongPassword, newPassword: 'a new long passphrase' });
    expect(ok.status).toBe(204);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await new Client(t).post('/api/auth/login', { email, password: strongPassword })).status).toBe(401);
    expect((await new Client(t).post('/api/auth/login', { email, password: 'a new long passphrase' })).status).toBe(200);
  });
});

describe('devices', () => {
  it('lists sessions with the current one marked, ends one, and ends all others', async () => {
    const a = new Client(t, { headers: { 'User-Agent': 'Browser A' } });
    const { email } = await a.signUp();
    const b = new Client(t, { headers: { 'User-Agent': 'Browser B' } });
    const c = new Client(t, { headers: { 'User-Agent': 'Browser C' } });
    await b.post('/api/auth/login', { email, password: strongPassword });
    await c.post('/api/auth/login', { email, password: strongPassword });

    const list = await json(await a.get('/api/me/sessions'));
    expect(list).toHaveLength(3);
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'id', 'ip', 'lastSeenAt', 'userAgent']);
      expect(s.ip).toBe('127.0.0.1');
    }
    const mine = list.filter((s: { current: boolean }) => s.current);
    expect(mine).toHaveLength(1);
    expect(mine[0].userAgent).toBe('Browser A');

    const bId = list.find((s: { userAgent: string }) => s.userAgent === 'Browser B').id;
    expect((await a.delete(`/api/me/sessions/${bId}`)).status).toBe(204);
    expect((await b.get('/api/me')).status).toBe(401);
    expect((await a.delete(`/api/me/sessions/${bId}`)).status).toBe(404);

    // Someone else's session id is not found, not ended.
    const stranger = new Client(t);
    await stranger.signUp();
    const strangerId = (await json(await stranger.get('/api/me/sessions')))[0].id;
    expect((await a.delete(`/api/me/sessions/${strangerId}`)).status).toBe(404);
    expect((await stranger.get('/api/me')).status).toBe(200);

    expect((await a.delete('/api/me/sessions')).status).toBe(204);
    expect((await c.get('/api/me')).status).toBe(401);
    expect((await a.get('/api/me')).status).toBe(200);
    expect(await json(await a.get('/api/me/sessions'))).toHaveLength(1);
  });
});

describe('signing out this device from the list', () => {
  it('ends the current session and clears its cookie', async () => {
    const client = new Client(t);
    await client.signUp();
    const [current] = await json(await client.get('/api/me/sessions'));
    const res = await client.delete(`/api/me/sessions/${current.id}`);
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join()).toMatch(/clearcut_session=;/);
    expect((await client.get('/api/me')).status).toBe(401);
  });
});

describe('my access log and my data', () => {
  it('shows a person their own rows only, without query strings', async () => {
    const client = new Client(t);
    await client.signUp();
    await client.get('/api/me?secret-query=should-not-be-kept');
    const rows = await json(await client.get('/api/me/access-log'));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(rows[0]).sort()).toEqual(['apiKey', 'durationMs', 'ip', 'method', 'path', 'status', 'time', 'userAgent']);
    expect(rows.some((r: { path: string }) => r.path === '/api/me')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('secret-query');
    const other = new Client(t);
    await other.signUp();
    const theirs = await json(await other.get('/api/me/access-log'));
    // Only their own sign-up so far (this request is logged after it answers).
    expect(theirs.map((r: { method: string; path: string }) => `${r.method} ${r.path}`)).toEqual(['POST /api/auth/signup']);
  });

  it('exports everything as a JSON attachment, without secrets', async () => {
    const client = new Client(t);
    const { email, userId } = await client.signUp();
    const res = await client.get('/api/me/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="clearcut-my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = await json(res);
    expect(Object.keys(data).sort()).toEqual([
      'accessLog',
      'apiKeys',
      'credits',
      'exportedAt',
      'linkedProviders',
      'memberships',
      'orders',
      'pendingLinks',
      'pendingVerifications',
      'policyAcceptances',
      'profile',
      'sessions',
      'supportRequests',
    ]);
    expect(data.profile).toMatchObject({ id: userId, email, marketingConsent: false });
    expect(data.sessions).toHaveLength(1);
    expect(data.accessLog.length).toBeGreaterThan(0);
    const text = JSON.stringify(data);
    expect(text).not.toMatch(/scrypt|passwordHash|secretHash/);
    expect(text).not.toContain(client.cookies.get('clearcut_session')!.split('.')[1]);
  });
});
